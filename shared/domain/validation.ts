import type * as z from 'zod';
import type { FieldIssue } from './errors.ts';

/** `['aspects', 0, 'problems', 1, 'deadline']` → `aspects[0].problems[1].deadline`. */
export function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((text, key) => {
    if (typeof key === 'number') return `${text}[${key}]`;
    const name = String(key);
    return text ? `${text}.${name}` : name;
  }, '');
}

/** Every zod issue as a field issue, each located by its path (`(root)` for the whole value). */
export function issuesOf(error: z.core.$ZodError): FieldIssue[] {
  return error.issues.map((issue) => ({ path: formatPath(issue.path) || '(root)', message: issue.message }));
}
