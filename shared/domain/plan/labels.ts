import { ITEM_STATUSES, type ItemStatus, STATUS_LABELS } from '../status.ts';
import { OUTCOME_KINDS, type OutcomeKind } from './model.ts';

/**
 * Reading the words people put in a plan: status labels, outcome kinds, dates, done marks and
 * time zones. Pure functions shared by the JSON and spreadsheet paths.
 */

const LONG_TERM = '长期坚持';

/** Chinese status labels accepted on import (plan-format.md), plus the synonyms 台账 use. */
const STATUS_BY_LABEL: Readonly<Record<string, ItemStatus>> = {
  ...Object.fromEntries(ITEM_STATUSES.map((status) => [STATUS_LABELS[status]['zh-CN'], status])),
  整改中: 'in_progress',
  已销号: 'closed',
};

/** Every status label the import accepts, for error messages. */
export const ACCEPTED_STATUS_LABELS: readonly string[] = [
  ...ITEM_STATUSES,
  ...Object.keys(STATUS_BY_LABEL),
  LONG_TERM,
];

/**
 * Reads a status label: an English code (any case) or a Chinese label. "长期坚持" anywhere sets
 * the long-term flag: "已整改（长期坚持）" is rectified and long-term. "长期坚持" alone means the
 * work goes on — in progress and long-term — which is what 台账 mean by it (a closed item is
 * written 已完成). Brackets, punctuation and the joining words 并/且 around it do not matter.
 * Returns undefined for a label it does not know.
 */
export function parseStatusLabel(label: string): { status: ItemStatus; longTerm: boolean } | undefined {
  const text = label.trim();
  const longTerm = text.includes(LONG_TERM);
  const rest = text
    .replaceAll(LONG_TERM, '')
    .replace(/[\s,，、;；:：.。()（）[\]【】并且]+/g, '')
    .toLowerCase();
  if (rest === '') return longTerm ? { status: 'in_progress', longTerm } : undefined;
  const status = (ITEM_STATUSES as readonly string[]).includes(rest)
    ? (rest as ItemStatus)
    : STATUS_BY_LABEL[rest];
  return status ? { status, longTerm } : undefined;
}

/** Outcome kinds in words (DESIGN.md §1 lists them as a report ends). */
export const OUTCOME_LABELS: Readonly<
  Record<OutcomeKind, { readonly 'zh-CN': string; readonly en: string }>
> = {
  regulation: { 'zh-CN': '建立健全制度', en: 'regulation issued' },
  dismissal: { 'zh-CN': '免职', en: 'dismissal' },
  criticism: { 'zh-CN': '批评教育', en: 'criticism' },
  punishment: { 'zh-CN': '惩处', en: 'punishment' },
  refund: { 'zh-CN': '退缴', en: 'refund' },
};

const OUTCOME_BY_LABEL: Readonly<Record<string, OutcomeKind>> = {
  ...Object.fromEntries(OUTCOME_KINDS.map((kind) => [OUTCOME_LABELS[kind]['zh-CN'], kind])),
  制度: 'regulation',
  处分: 'punishment',
  退缴违规钱款: 'refund',
};

/** Every outcome kind the import accepts, for error messages. */
export const ACCEPTED_OUTCOME_LABELS: readonly string[] = [
  ...OUTCOME_KINDS,
  ...Object.keys(OUTCOME_BY_LABEL),
];

/** An outcome kind as a code (any case) or in Chinese; undefined when unknown. */
export function parseOutcomeKind(label: string): OutcomeKind | undefined {
  const text = label.trim();
  const code = text.toLowerCase();
  return (OUTCOME_KINDS as readonly string[]).includes(code) ? (code as OutcomeKind) : OUTCOME_BY_LABEL[text];
}

/** A real calendar date in YYYY-MM-DD (2024-02-30 is not one). */
export function isCalendarDate(text: string): boolean {
  if (text.length !== 10 || !/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const date = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === text;
}

const pad = (digits: string | undefined) => (digits ?? '').padStart(2, '0');

/** The longest date text read (`2024年09月30日以前 23:59:59` with spaces is about 30). */
const MAX_DATE_TEXT = 64;

/**
 * Dates as people type them in a 台账: 2024-09-30, 2024/9/30, 2024.9.30, 2024年9月30日, with
 * full-width digits, a trailing 前 ("by"), or a time of day that a CSV export appended;
 * 2024年9月底 is the last day of September. Returns YYYY-MM-DD when it recognises the shape, or
 * the trimmed text unchanged so that validation refuses it with the usual message.
 */
export function normaliseDateText(text: string): string {
  // No date is longer than this: a longer cell is not one, and no pattern below ever sees it.
  if (text.length > MAX_DATE_TEXT) return text.trim();
  // Runs of spaces become one, so each pattern allows at most one space between parts (` ?`):
  // `\s*日?\s*` took time cubic in a run of spaces (4,000 spaces: 22 s).
  const plain = text.normalize('NFKC').replace(/\s+/g, ' ').trim();
  const dated =
    /^(\d{4}) ?[-/.年] ?(\d{1,2}) ?[-/.月] ?(\d{1,2}) ?日? ?(?:以?前)?(?: \d{1,2}:\d{2}(?::\d{2})?)?$/.exec(
      plain,
    );
  if (dated) return `${dated[1]}-${pad(dated[2])}-${pad(dated[3])}`;
  const monthEnd = /^(\d{4}) ?[年\-/.] ?(\d{1,2}) ?月?底 ?(?:以?前)?$/.exec(plain);
  if (monthEnd) {
    const year = Number(monthEnd[1]);
    const month = Number(monthEnd[2]);
    if (month >= 1 && month <= 12) {
      // Day 0 of the next month is the last day of this one.
      const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
      return `${monthEnd[1]}-${pad(monthEnd[2])}-${last}`;
    }
  }
  return text.trim();
}

const TRUE_MARKS = new Set(['是', '已完成', '完成', '√', '✓', '✔', 'true', 'yes', 'y', '1', 'done']);
const FALSE_MARKS = new Set(['否', '未完成', '未', '×', '✗', '✘', 'x', 'false', 'no', 'n', '0', '']);

/** A measure-done cell: 是/否, √/×, yes/no, true/false, 1/0 … (any case); blank is not done. */
export function parseDoneMark(text: string): boolean | undefined {
  const mark = text.normalize('NFKC').trim().toLowerCase();
  if (TRUE_MARKS.has(mark)) return true;
  if (FALSE_MARKS.has(mark)) return false;
  return undefined;
}

/**
 * The canonical name of an IANA time zone (any case; links such as PRC resolve to their zone),
 * or undefined. Offsets like +08:00 are refused: deadlines follow a place's rules, not an offset.
 */
export function canonicalTimeZone(zone: string): string | undefined {
  if (zone.trim() === '' || /^[+-]/.test(zone.trim())) return undefined;
  try {
    return new Intl.DateTimeFormat('en', { timeZone: zone.trim() }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}
