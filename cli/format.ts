import Table from 'cli-table3';
import {
  LEDGER_COLUMN_NAMES,
  LEDGER_FIELDS,
  type LedgerField,
  parseStatusLabel,
} from '#shared/domain/plan/index.ts';
import { ITEM_STATUSES, type ItemStatus, STATUS_LABELS } from '#shared/domain/status.ts';
import { UNSAFE_CHARACTERS } from '#shared/domain/text.ts';

export type Lang = 'zh-CN' | 'en';

const TEXT = {
  ref: { 'zh-CN': '编号', en: 'Ref' },
  item: { 'zh-CN': '具体表现', en: 'Item' },
  status: { 'zh-CN': '状态', en: 'Status' },
  dept: { 'zh-CN': '责任科室', en: 'Department' },
  leader: { 'zh-CN': '责任领导', en: 'Leader' },
  deadline: { 'zh-CN': '完成时限', en: 'Deadline' },
  overdue: { 'zh-CN': '逾期', en: 'Overdue' },
  measures: { 'zh-CN': '措施', en: 'Measures' },
  evidence: { 'zh-CN': '佐证', en: 'Evidence' },
  version: { 'zh-CN': '版本', en: 'Ver.' },
  seq: { 'zh-CN': '序号', en: 'Seq' },
  type: { 'zh-CN': '类型', en: 'Type' },
  at: { 'zh-CN': '时间', en: 'At' },
  actor: { 'zh-CN': '操作人', en: 'Actor' },
  detail: { 'zh-CN': '内容', en: 'Detail' },
  hash: { 'zh-CN': '哈希', en: 'Hash' },
  yes: { 'zh-CN': '是', en: 'yes' },
  withdrawn: { 'zh-CN': '已撤销，不计入统计', en: 'withdrawn, not counted' },
} as const;

export const t = (key: keyof typeof TEXT, lang: Lang) => TEXT[key][lang];

/**
 * Text from the API or a file made safe to print: a name or progress text holding ESC [2J or
 * U+202E could clear the screen or reorder what is shown, so each such character is printed as
 * its escape (`\u001b`), visible and, inside JSON output, still the same JSON. Lone surrogates
 * become U+FFFD. The CLI prints no colour at all (tables are plain), so nothing it prints itself
 * is lost: whatever the terminal, NO_COLOR or a pipe, the output is the same text.
 */
export function terminalText(text: string): string {
  return text
    .toWellFormed()
    .replace(UNSAFE_CHARACTERS, (char) => `\\u${(char.codePointAt(0) ?? 0).toString(16).padStart(4, '0')}`);
}

/** Writes to stdout / stderr through terminalText. */
export const print = (text: string) => process.stdout.write(terminalText(text));
export const printError = (text: string) => process.stderr.write(terminalText(text));

/** cli-table3 with no colour (its default styles colour the head and borders, even in a pipe). */
export const PLAIN_TABLE: { style: { head: string[]; border: string[] } } = {
  style: { head: [], border: [] },
};

/** A table row with every cell made safe before cli-table3 measures its width. */
const safeRow = (cells: readonly string[]) => cells.map(terminalText);

export function statusLabel(status: ItemStatus, longTerm: boolean, lang: Lang): string {
  const label = STATUS_LABELS[status][lang];
  if (!longTerm) return label;
  return lang === 'en' ? `${label} (long-term)` : `${label}（长期坚持）`;
}

/** A status the user typed: `in_progress`, `正在整改`, `已完成` … */
export function readStatus(text: string): ItemStatus {
  const parsed = parseStatusLabel(text);
  if (!parsed)
    throw new Error(
      `unknown status "${text}"; use one of ${ITEM_STATUSES.join(', ')} or 未启动/正在整改/已整改/已完成`,
    );
  return parsed.status;
}

const shorten = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

interface LedgerItem {
  ref: string;
  title: string;
  status: ItemStatus;
  longTerm: boolean;
  responsibleDept: string;
  responsibleLeader: string;
  deadline: string;
  overdue: boolean;
  measures: { done: boolean }[];
  evidenceCount: number;
  version: number;
  /** In the language asked for, e.g. 导入前已销号: the state came with the 台账, no sign-off here. */
  importNoteLabel?: string;
  /** Set when a replace left the item out of the plan. */
  withdrawn?: { at: string };
}

/** A status with what the API noted about it (已完成（导入前已销号）), in the table's language. */
const withNote = (status: string, note: string | undefined, lang: Lang) =>
  !note ? status : lang === 'en' ? `${status} (${note})` : `${status}（${note}）`;

export function ledgerTable(items: readonly LedgerItem[], lang: Lang): string {
  const table = new Table({
    head: (
      [
        'ref',
        'item',
        'status',
        'dept',
        'leader',
        'deadline',
        'overdue',
        'measures',
        'evidence',
        'version',
      ] as const
    ).map((key) => t(key, lang)),
    style: { head: [], border: [], compact: true },
  });
  for (const item of items) {
    table.push(
      safeRow([
        item.ref,
        shorten(item.title, 24),
        withNote(
          statusLabel(item.status, item.longTerm, lang),
          item.withdrawn ? t('withdrawn', lang) : item.importNoteLabel,
          lang,
        ),
        item.responsibleDept,
        item.responsibleLeader,
        item.deadline,
        item.overdue ? t('yes', lang) : '',
        `${item.measures.filter((m) => m.done).length}/${item.measures.length}`,
        String(item.evidenceCount),
        String(item.version),
      ]),
    );
  }
  return table.toString();
}

export interface Totals {
  total: number;
  rectifiedTotal: number;
  in_progress: number;
  not_started: number;
  closed: number;
  overdue: number;
  measuresTotal: number;
  measuresDone: number;
}

export function totalsLine(totals: Totals, lang: Lang): string {
  return lang === 'en'
    ? `${totals.total} items: ${totals.rectifiedTotal} rectified (${totals.closed} closed), ${totals.in_progress} in progress, ` +
        `${totals.not_started} not started, ${totals.overdue} overdue; measures ${totals.measuresDone}/${totals.measuresTotal} done.`
    : `共 ${totals.total} 项：已整改 ${totals.rectifiedTotal} 项（其中已销号 ${totals.closed} 项），正在整改 ${totals.in_progress} 项，` +
        `未启动 ${totals.not_started} 项，逾期 ${totals.overdue} 项；整改措施完成 ${totals.measuresDone}/${totals.measuresTotal} 条。`;
}

interface HistoryEvent {
  seq: number;
  type: string;
  at: string;
  actor: { name: string };
  data: Record<string, unknown>;
  hash: string;
}

function describe(event: HistoryEvent): string {
  const data = event.data;
  if (event.type === 'StatusChanged')
    return `${data.from} → ${data.to}${data.reason ? `: ${data.reason}` : ''}`;
  if (event.type === 'ProgressReported') return shorten(String(data.text ?? ''), 40);
  if (event.type === 'Imported') return String(data.status ?? '');
  return shorten(JSON.stringify(data), 40);
}

export function historyTable(events: readonly HistoryEvent[], lang: Lang): string {
  const table = new Table({
    head: (['seq', 'type', 'at', 'actor', 'detail', 'hash'] as const).map((key) => t(key, lang)),
    style: { head: [], border: [], compact: true },
  });
  for (const event of events) {
    table.push(
      safeRow([
        String(event.seq),
        event.type,
        event.at.slice(0, 19).replace('T', ' '),
        event.actor.name,
        describe(event),
        event.hash.slice(0, 12),
      ]),
    );
  }
  return table.toString();
}

/** A ledger field as the format names its column (完成时限) or by its field name in English. */
const fieldName = (field: LedgerField, lang: Lang) =>
  lang === 'en' ? field : (LEDGER_COLUMN_NAMES.names[field][0] ?? field);

type Columns = Partial<Record<string, string>>;
const mapped = (columns: Columns) => LEDGER_FIELDS.filter((field) => columns[field] !== undefined);

/** Which column of the file each field was read from: `完成时限 ← 整改时限`, one per line. */
export function columnsList(columns: Columns, lang: Lang): string {
  const lines = mapped(columns).map((field) => `  ${fieldName(field, lang)} ← ${columns[field]}`);
  return `${lang === 'en' ? 'Columns (field ← header in the file):' : '列对应（字段 ← 文件表头）：'}\n${lines.join('\n')}`;
}

/** The first rows a preview read, under the fields they were read as. */
export function sampleTable(columns: Columns, rows: readonly Columns[], lang: Lang): string {
  const fields = mapped(columns);
  const table = new Table({
    head: fields.map((field) => fieldName(field, lang)),
    style: { head: [], border: [], compact: true },
  });
  for (const row of rows) table.push(safeRow(fields.map((field) => shorten(row[field] ?? '', 16))));
  return table.toString();
}
