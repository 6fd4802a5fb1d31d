import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { formatPath, issuesOf } from '#shared/domain/validation.ts';

describe('formatPath', () => {
  it.each([
    [[], ''],
    [['title'], 'title'],
    [[0], '[0]'],
    [['aspects', 0, 'problems', 1, 'deadline'], 'aspects[0].problems[1].deadline'],
    [['rows', 2, 3], 'rows[2][3]'],
  ] as const)('%j → %s', (path, text) => {
    expect(formatPath(path)).toBe(text);
  });
});

describe('issuesOf', () => {
  it('lists every zod issue at its path, the whole value as (root)', () => {
    const schema = z.object({ items: z.array(z.object({ ref: z.string() })), n: z.number() });
    const result = schema.safeParse({ items: [{ ref: 1 }], n: 'x' });
    expect(result.success).toBe(false);
    const issues = issuesOf((result as { error: z.ZodError }).error);
    expect(issues.map((issue) => issue.path)).toEqual(['items[0].ref', 'n']);
    expect(issues.every((issue) => issue.message.length > 0)).toBe(true);
    const root = z.string().safeParse(1);
    expect(issuesOf((root as { error: z.ZodError }).error).map((issue) => issue.path)).toEqual(['(root)']);
  });
});
