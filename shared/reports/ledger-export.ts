import { stringify } from 'csv-stringify/sync';
import type { Inspection } from '#shared/domain/inspection.ts';
import type { Item } from '#shared/domain/item.ts';
import { IMPORT_NOTES, importNoteOf } from '#shared/domain/ledger.ts';
import { STATUS_LABELS } from '#shared/domain/status.ts';
import type { Lang } from '#shared/i18n/lang.ts';

/**
 * The ledger as a spreadsheet, one row per measure (an item without measures gets one row).
 * The first ten columns are the plan import columns (plan-format.md), so an exported ledger
 * imports again; the columns after them are the ledger's own state.
 */
const COLUMNS = [
  { zh: '方面', en: 'aspect', width: 28 },
  { zh: '问题', en: 'problem', width: 28 },
  { zh: '具体表现', en: 'item', width: 32 },
  { zh: '整改措施', en: 'measure', width: 36 },
  { zh: '措施完成', en: 'measureDone', width: 10 },
  { zh: '工作进展', en: 'status', width: 16 },
  { zh: '责任领导', en: 'leader', width: 10 },
  { zh: '责任科室', en: 'dept', width: 14 },
  { zh: '完成时限', en: 'deadline', width: 12 },
  { zh: '整改情况', en: 'progress', width: 40 },
  { zh: '编号', en: 'ref', width: 8 },
  { zh: '是否逾期', en: 'overdue', width: 8 },
  { zh: '佐证材料数', en: 'evidenceCount', width: 10 },
  { zh: '版本', en: 'version', width: 6 },
  // Kept apart from 工作进展 so the status cell still imports again as it is.
  { zh: '状态说明', en: 'statusNote', width: 22 },
] as const;

export type ExportItem = Item & { readonly overdue: boolean };

function statusText(item: Item, lang: Lang): string {
  const label = STATUS_LABELS[item.status][lang];
  if (!item.longTerm) return label;
  return lang === 'en' ? `${label} (long-term)` : `${label}（长期坚持）`;
}

/**
 * That a replace withdrew the item from the plan (it counts in no total), that it came closed
 * (导入前已销号) with its 台账, or who signed it off here; else blank.
 */
function statusNote(item: Item, lang: Lang): string {
  if (item.withdrawn) {
    const reason = lang === 'en' ? (item.withdrawn.reasonEn ?? item.withdrawn.reason) : item.withdrawn.reason;
    const date = item.withdrawn.at.slice(0, 10);
    return lang === 'en'
      ? `withdrawn from the plan on ${date}: ${reason}`
      : `${date} 已从整改方案中撤销：${reason}`;
  }
  const note = importNoteOf(item);
  if (note) return IMPORT_NOTES[note][lang];
  if (item.status === 'closed' && item.signOff) {
    const { name } = item.signOff.by;
    const date = item.signOff.at.slice(0, 10);
    return lang === 'en' ? `signed off by ${name} on ${date}` : `${date} 由${name}销号`;
  }
  return '';
}

function rows(
  inspection: Pick<Inspection, 'aspects'>,
  items: readonly ExportItem[],
  lang: Lang,
): (string | number)[][] {
  const yes = lang === 'en' ? 'yes' : '是';
  const no = lang === 'en' ? 'no' : '否';
  return items.flatMap((item) => {
    const aspect = inspection.aspects.find((a) => a.no === item.aspectNo);
    const problem = aspect?.problems.find((p) => p.no === item.problemNo);
    const measures = item.measures.length > 0 ? item.measures : [undefined];
    return measures.map((measure) => [
      aspect?.title ?? '',
      problem?.title ?? '',
      item.title,
      measure?.text ?? '',
      measure ? (measure.done ? yes : no) : '',
      statusText(item, lang),
      item.responsibleLeader,
      item.responsibleDept,
      item.deadline,
      item.progress ?? '',
      item.ref,
      item.overdue ? yes : no,
      item.evidenceCount,
      item.version,
      statusNote(item, lang),
    ]);
  });
}

function headers(lang: Lang): string[] {
  return COLUMNS.map((column) => (lang === 'en' ? column.en : column.zh));
}

/**
 * CSV, UTF-8 with a BOM so that Excel opens Chinese text correctly. A text cell a spreadsheet
 * would run as a formula (starting =, +, -, @, tab or CR, or their full-width forms: progress text
 * `=HYPERLINK(…)`) gets a leading `'` (csv-stringify's escape_formulas, OWASP's advice). Cells
 * that are numbers (evidence count, version) are left alone: a number is not a formula. The plan
 * import takes the `'` off again (sheets.ts), so an exported ledger still imports as it was.
 */
export function ledgerCsv(
  inspection: Pick<Inspection, 'aspects'>,
  items: readonly ExportItem[],
  lang: Lang,
): string {
  return `\uFEFF${stringify([headers(lang), ...rows(inspection, items, lang)], { escape_formulas: true })}`;
}

/**
 * XLSX through write-excel-file: every text is a string cell (a progress text `=HYPERLINK(…)`
 * stays text, never a formula), numbers are number cells. An empty text is an empty cell.
 */
export async function ledgerXlsx(
  inspection: Pick<Inspection, 'aspects' | 'title'>,
  items: readonly ExportItem[],
  lang: Lang,
): Promise<Buffer> {
  // Loaded on demand: most ledger reads are JSON and should not pay for parsing the writer.
  // write-excel-file writes no document properties (it has no option for them), so no creator.
  const { default: writeExcelFile } = await import('write-excel-file/node');
  const header = headers(lang).map((value) => ({ value, fontWeight: 'bold' as const }));
  const body = rows(inspection, items, lang).map((row) => row.map((cell) => (cell === '' ? null : cell)));
  return writeExcelFile([header, ...body], {
    sheet: lang === 'en' ? 'ledger' : '台账',
    columns: COLUMNS.map((column) => ({ width: column.width })),
    stickyRowsCount: 1,
  }).toBuffer();
}
