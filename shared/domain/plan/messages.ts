import type * as z from 'zod';
// The one locale by its own path: `z.locales.zhCN` would bring every locale (~190 KB) into the bundle.
import zhCN from 'zod/v4/locales/zh-CN.js';
import type { PlanError } from './model.ts';

/**
 * Turns zod issues into plan errors with a message in English and in Chinese. Zod's defaults
 * ("Invalid input: expected string, received undefined") are written for developers; the people
 * importing a 台账 need "required" / "必填". Checks with their own meaning carry both languages
 * in their params (see `bilingual`).
 */

/** The params a refinement carries so its message exists in both languages. */
export const bilingual = (message: string, zh: string) => ({ message, params: { zh } });

const TYPE_NAMES: Readonly<Record<string, readonly [string, string]>> = {
  string: ['text', '文本'],
  number: ['a number', '数字'],
  int: ['a whole number', '整数'],
  boolean: ['true or false', 'true 或 false'],
  array: ['a list', '列表（数组）'],
  object: ['an object', '对象'],
  null: ['null', '空值 null'],
  undefined: ['nothing', '空'],
};

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number' && !Number.isInteger(value)) return 'number';
  return typeof value;
}

const named = (type: string, zh: boolean) => TYPE_NAMES[type]?.[zh ? 1 : 0] ?? type;

/** English and Chinese for one issue; `input` is there because the parse asks for it. */
function describe(issue: z.core.$ZodIssue): readonly [string, string] {
  switch (issue.code) {
    case 'custom':
      return [issue.message, typeof issue.params?.zh === 'string' ? issue.params.zh : issue.message];
    case 'invalid_type': {
      if (issue.input === undefined) return ['required', '必填'];
      if (issue.expected === 'int' && typeof issue.input === 'number')
        return ['expected a whole number', '应为整数'];
      const got = typeOf(issue.input);
      return [
        `expected ${named(issue.expected, false)}, got ${named(got, false)}`,
        `应为${named(issue.expected, true)}，实际为${named(got, true)}`,
      ];
    }
    case 'too_small': {
      const min = Number(issue.minimum);
      if (issue.origin === 'string') return ['must not be empty', '不能为空'];
      if (issue.origin === 'array')
        return [
          min === 1 ? 'needs at least one entry' : `needs at least ${min} entries`,
          `至少需要 ${min} 项`,
        ];
      return [`must be at least ${min}`, `不能小于 ${min}`];
    }
    case 'too_big': {
      const max = Number(issue.maximum);
      if (issue.origin === 'string') return [`must be at most ${max} characters`, `不能超过 ${max} 个字符`];
      if (issue.origin === 'array') return [`holds at most ${max} entries`, `最多 ${max} 项`];
      return [`must be at most ${max}`, `不能大于 ${max}`];
    }
    case 'invalid_value': {
      const values = issue.values.map((value) => JSON.stringify(value)).join(', ');
      return [`expected ${values}`, `应为 ${values}`];
    }
    default: {
      // Not produced by the plan schema today; zod's own words, in its Chinese locale too.
      const zh = zhCN().localeError(issue as unknown as z.core.$ZodRawIssue);
      return [issue.message, typeof zh === 'string' ? zh : (zh?.message ?? issue.message)];
    }
  }
}

/**
 * `['aspects', 0, 'title']` → `aspects[0].title`; a key that is not a plain name (an unknown key
 * can be anything, even empty) is quoted, `inspection["a b"]`, so every path stays readable.
 */
export function formatPath(path: readonly PropertyKey[]): string {
  let text = '';
  for (const key of path) {
    if (typeof key === 'number') text += `[${key}]`;
    else if (typeof key === 'string' && /^[A-Za-z_$][\w$]*$/.test(key)) text += text ? `.${key}` : key;
    else text += `[${JSON.stringify(String(key))}]`;
  }
  return text || '(root)';
}

/**
 * Plan errors for a failed parse. An unknown key is reported at its own path
 * (`aspects[0].colour`), one error per key, so a typo points at itself.
 */
export function planErrorsOf(error: z.ZodError): PlanError[] {
  return error.issues.flatMap((issue): PlanError[] => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({
        path: formatPath([...issue.path, key]),
        message: 'unknown field (not part of rectify.plan/v1)',
        messageZh: '未知字段（rectify.plan/v1 中没有此字段）',
      }));
    }
    const [message, messageZh] = describe(issue);
    return [{ path: formatPath(issue.path), message, messageZh }];
  });
}
