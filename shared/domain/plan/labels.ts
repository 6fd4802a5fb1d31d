import { ITEM_STATUSES, type ItemStatus } from '../status.ts';
import { OUTCOME_KINDS, type OutcomeKind } from './model.ts';

/** Chinese status labels accepted on import (plan-format.md); 已完成 means closed (已销号). */
const STATUS_BY_LABEL: Record<string, ItemStatus> = {
  未启动: 'not_started',
  正在整改: 'in_progress',
  整改中: 'in_progress',
  已整改: 'rectified',
  已完成: 'closed',
  已销号: 'closed',
};

const LONG_TERM = '长期坚持';

export const ACCEPTED_STATUS_LABELS = [...ITEM_STATUSES, ...Object.keys(STATUS_BY_LABEL), LONG_TERM];

/**
 * Reads a status label: an English code or a Chinese label; "长期坚持" anywhere sets the
 * long-term flag. "长期坚持" alone means the work goes on (in progress, long-term), which is how
 * 台账 use it. Punctuation around the words (，（）、) is ignored.
 */
export function parseStatusLabel(label: string): { status: ItemStatus; longTerm: boolean } | undefined {
  const text = label.trim();
  const longTerm = text.includes(LONG_TERM);
  const rest = text
    .replace(LONG_TERM, '')
    .replace(/[\s,，、;；()（）[\]【】]+/g, '')
    .toLowerCase();
  if (rest === '') return longTerm ? { status: 'in_progress', longTerm } : undefined;
  const status = (ITEM_STATUSES as readonly string[]).includes(rest)
    ? (rest as ItemStatus)
    : STATUS_BY_LABEL[rest];
  return status ? { status, longTerm } : undefined;
}

const OUTCOME_BY_LABEL: Record<string, OutcomeKind> = {
  建立健全制度: 'regulation',
  制度: 'regulation',
  免职: 'dismissal',
  批评教育: 'criticism',
  惩处: 'punishment',
  处分: 'punishment',
  退缴: 'refund',
  退缴违规钱款: 'refund',
};

export function parseOutcomeKind(label: string): OutcomeKind | undefined {
  const text = label.trim();
  return (OUTCOME_KINDS as readonly string[]).includes(text) ? (text as OutcomeKind) : OUTCOME_BY_LABEL[text];
}

/** A real calendar date in YYYY-MM-DD (2024-02-30 is not one). */
export function isCalendarDate(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const date = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === text;
}

/**
 * Spreadsheet dates as people type them: 2024-09-30, 2024/9/30, 2024.9.30, 2024年9月30日.
 * Returns YYYY-MM-DD, or the text unchanged for validation to refuse.
 */
export function normaliseDateText(text: string): string {
  const match = /^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$/.exec(text.trim());
  if (!match) return text.trim();
  const [, year, month, day] = match;
  return `${year}-${month?.padStart(2, '0')}-${day?.padStart(2, '0')}`;
}

const TRUE_WORDS = new Set(['是', '已完成', '完成', '√', '✓', '✔', 'true', 'yes', 'y', '1', 'done']);
const FALSE_WORDS = new Set(['否', '未完成', '未', '×', '✗', 'x', 'false', 'no', 'n', '0', '']);

/** A measure-done cell: 是/否, √/×, yes/no, 1/0 …; blank means not done. */
export function parseDoneCell(text: string): boolean | undefined {
  const value = text.trim().toLowerCase();
  if (TRUE_WORDS.has(value)) return true;
  if (FALSE_WORDS.has(value)) return false;
  return undefined;
}

export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
