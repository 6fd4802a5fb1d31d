import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { bilingual, formatPath, planErrorsOf } from '#shared/domain/plan/messages.ts';

/**
 * What an importer reads for each kind of zod issue, in English and Chinese (plan/messages.ts).
 * Each case parses a small schema the way the plan parser does (`reportInput: true`).
 */
function errorsOf(schema: z.ZodType, value: unknown) {
  const result = schema.safeParse(value, { reportInput: true });
  if (result.success) throw new Error('expected the parse to fail');
  return planErrorsOf(result.error).map(({ message, messageZh }) => [message, messageZh]);
}

describe('planErrorsOf', () => {
  it.each([
    ['a missing value', z.string(), undefined, ['required', '必填']],
    [
      'null where text is expected',
      z.string(),
      null,
      ['expected text, got null', '应为文本，实际为空值 null'],
    ],
    [
      'a list where text is expected',
      z.string(),
      ['a'],
      ['expected text, got a list', '应为文本，实际为列表（数组）'],
    ],
    [
      'an object where a list is expected',
      z.array(z.string()),
      {},
      ['expected a list, got an object', '应为列表（数组），实际为对象'],
    ],
    [
      'a number where text is expected',
      z.string(),
      2,
      ['expected text, got a number', '应为文本，实际为数字'],
    ],
    [
      'a fraction where text is expected',
      z.string(),
      1.5,
      ['expected text, got a number', '应为文本，实际为数字'],
    ],
    [
      'text where a number is expected',
      z.number(),
      'x',
      ['expected a number, got text', '应为数字，实际为文本'],
    ],
    [
      'text where true or false is expected',
      z.boolean(),
      'x',
      ['expected true or false, got text', '应为true 或 false，实际为文本'],
    ],
    ['a type without a name', z.string(), 10n, ['expected text, got bigint', '应为文本，实际为bigint']],
    [
      'a fraction where a whole number is expected',
      z.number().int(),
      1.5,
      ['expected a whole number', '应为整数'],
    ],
    [
      'text where a whole number is expected',
      z.number().int(),
      'x',
      ['expected a number, got text', '应为数字，实际为文本'],
    ],
    ['an empty text', z.string().min(1), '', ['must not be empty', '不能为空']],
    ['an empty list', z.array(z.string()).min(1), [], ['needs at least one entry', '至少需要 1 项']],
    ['a list too short', z.array(z.string()).min(2), [], ['needs at least 2 entries', '至少需要 2 项']],
    ['a number too small', z.number().min(1), 0, ['must be at least 1', '不能小于 1']],
    ['a text too long', z.string().max(3), 'abcd', ['must be at most 3 characters', '不能超过 3 个字符']],
    ['a list too long', z.array(z.string()).max(1), ['a', 'b'], ['holds at most 1 entries', '最多 1 项']],
    ['a number too large', z.number().max(5), 6, ['must be at most 5', '不能大于 5']],
    ['a value not in the list', z.enum(['a', 'b']), 'c', ['expected "a", "b"', '应为 "a", "b"']],
    ['a literal', z.literal(3), 4, ['expected 3', '应为 3']],
    [
      'a check with its own message in both languages',
      z.string().refine(() => false, bilingual('no good', '不行')),
      'x',
      ['no good', '不行'],
    ],
    [
      'a check with an English message only',
      z.string().refine(() => false, { message: 'no good' }),
      'x',
      ['no good', 'no good'],
    ],
  ])('%s', (_case, schema, value, messages) => {
    expect(errorsOf(schema, value)).toEqual([messages]);
  });

  it('gives any other issue zod’s own words, in its Chinese locale too', () => {
    expect(errorsOf(z.string().regex(/^x$/), 'y')).toEqual([
      ['Invalid string: must match pattern /^x$/', '无效字符串：必须满足正则表达式 /^x$/'],
    ]);
  });

  it('reports each unknown key at its own path', () => {
    const result = z.strictObject({ items: z.array(z.strictObject({ a: z.string() })) }).safeParse({
      items: [{ a: 'x', colour: 'red', 'b c': 1 }],
    });
    expect(result.success).toBe(false);
    expect(planErrorsOf((result as { error: z.ZodError }).error)).toEqual([
      {
        path: 'items[0].colour',
        message: 'unknown field (not part of rectify.plan/v1)',
        messageZh: '未知字段（rectify.plan/v1 中没有此字段）',
      },
      {
        path: 'items[0]["b c"]',
        message: 'unknown field (not part of rectify.plan/v1)',
        messageZh: '未知字段（rectify.plan/v1 中没有此字段）',
      },
    ]);
  });
});

describe('formatPath (plan errors)', () => {
  it.each([
    [[], '(root)'],
    [['inspection'], 'inspection'],
    [['aspects', 0, 'title'], 'aspects[0].title'],
    [[0, 'title'], '[0].title'],
    [['$ok', '_ok', 'a1'], '$ok._ok.a1'],
    [['inspection', 'a b'], 'inspection["a b"]'],
    [['inspection', ''], 'inspection[""]'],
    [['inspection', '1st'], 'inspection["1st"]'],
    [['inspection', 'x-y'], 'inspection["x-y"]'],
    [['a b'], '["a b"]'],
    [['inspection', Symbol('s')], 'inspection["Symbol(s)"]'],
  ])('%j → %s', (path, text) => {
    expect(formatPath(path as PropertyKey[])).toBe(text);
  });
});
