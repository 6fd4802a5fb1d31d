import type { Image, Row, Sheet } from 'write-excel-file/node';
import type { Light } from '#shared/domain/deadlines.ts';
import { OUTCOME_LABELS } from '#shared/domain/plan/labels.ts';
import { STATUS_LABELS, STATUSES_MOST_DONE_FIRST } from '#shared/domain/status.ts';
import type { Summary, SummaryCounts, SummaryItem } from '#shared/domain/summary/model.ts';
import type { Lang } from '#shared/i18n/lang.ts';

/**
 * The summary as a workbook (ledger.xlsx): a totals sheet, then one sheet per aspect with a row
 * per item as of the summary's instant. The light column is coloured by conditional formatting,
 * not by fills, so a user who edits a light in a copy sees its colour follow.
 */

export const LIGHT_LABELS: Readonly<Record<Light, { readonly 'zh-CN': string; readonly en: string }>> = {
  red: { 'zh-CN': '红', en: 'red' },
  yellow: { 'zh-CN': '黄', en: 'yellow' },
  green: { 'zh-CN': '绿', en: 'green' },
};

/** Fill colours (ARGB) of the light column's conditional formats. */
export const LIGHT_FILLS: Readonly<Record<Light, string>> = {
  red: 'FFF4B6B0',
  yellow: 'FFFFE08A',
  green: 'FFB7E1BE',
};
const LIGHT_FONTS: Readonly<Record<Light, string>> = {
  red: 'FF9C0006',
  yellow: 'FF7A5200',
  green: 'FF006100',
};

export const ITEM_COLUMNS = [
  { zh: '编号', en: 'Ref', width: 10 },
  { zh: '问题', en: 'Problem', width: 6 },
  { zh: '具体表现', en: 'Item', width: 48 },
  { zh: '工作进展', en: 'Status', width: 18 },
  { zh: '责任领导', en: 'Leader', width: 10 },
  { zh: '责任科室', en: 'Department', width: 16 },
  { zh: '完成时限', en: 'Deadline', width: 12 },
  { zh: '是否逾期', en: 'Overdue', width: 10 },
  { zh: '红黄绿灯', en: 'Light', width: 10 },
  { zh: '措施完成', en: 'Measures done', width: 10 },
  { zh: '整改情况', en: 'Progress', width: 60 },
] as const;
/** 1-based column of the light in an aspect sheet. */
export const LIGHT_COLUMN = ITEM_COLUMNS.findIndex((column) => column.zh === '红黄绿灯') + 1;

const TEXT = {
  'zh-CN': {
    sheet: '汇总',
    title: '整改情况汇总',
    inspection: '巡察',
    unit: '被巡察单位',
    group: '巡察组',
    feedback: '反馈日期',
    asOf: '截至',
    generated: '生成时间',
    paragraph: '情况说明',
    totals: '总体情况',
    total: '事项总数',
    rectifiedTotal: '整改完成合计',
    overdue: '逾期',
    longTerm: '长期坚持',
    red: '红灯',
    yellow: '黄灯',
    green: '绿灯',
    measuresTotal: '整改措施',
    measuresDone: '已完成措施',
    outcomes: '整改成效',
    kind: '类别',
    count: '数量',
    amount: '金额（元）',
    refundTotal: '退缴金额合计',
    byAspect: '按方面',
    aspectNo: '序号',
    aspect: '方面',
    byDepartment: '按责任科室',
    department: '责任科室',
    all: '合计',
    yes: '是',
    no: '否',
    longTermMark: '（长期坚持）',
  },
  en: {
    sheet: 'Summary',
    title: 'Rectification summary',
    inspection: 'Inspection',
    unit: 'Inspected unit',
    group: 'Inspection group',
    feedback: 'Feedback date',
    asOf: 'As of',
    generated: 'Generated',
    paragraph: 'Summary',
    totals: 'Totals',
    total: 'Items',
    rectifiedTotal: 'Rectified in total',
    overdue: 'Overdue',
    longTerm: 'Long-term',
    red: 'Red',
    yellow: 'Yellow',
    green: 'Green',
    measuresTotal: 'Measures',
    measuresDone: 'Measures done',
    outcomes: 'Outcomes',
    kind: 'Kind',
    count: 'Count',
    amount: 'Amount (CNY)',
    refundTotal: 'Refunds in total',
    byAspect: 'By aspect',
    aspectNo: 'No.',
    aspect: 'Aspect',
    byDepartment: 'By department',
    department: 'Department',
    all: 'Total',
    yes: 'yes',
    no: 'no',
    longTermMark: ' (long-term)',
  },
} as const;

const MAX_SHEET_NAME = 31;

/**
 * A sheet name Excel accepts: none of []:*?/\, no apostrophe at either end, at most 31 characters
 * (UTF-16 units; cut with …), and unlike every name in `taken` (Excel compares names
 * case-insensitively).
 */
export function sheetName(wanted: string, taken: Set<string>): string {
  const clean =
    wanted
      // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are not allowed
      .replace(/[[\]:*?/\\\u0000-\u001F]/g, ' ')
      .replace(/\s+/g, ' ')
      .trim()
      .replace(/^'+|'+$/g, '') || 'Sheet';
  // Counted in UTF-16 units, as Excel (and the writer, which refuses a longer name) counts them,
  // and cut between characters, never inside one.
  const shorten = (text: string, room: number) => {
    if (text.length <= room) return text;
    let cut = '';
    for (const char of text) {
      if (cut.length + char.length > room - 1) break;
      cut += char;
    }
    return `${cut.trimEnd()}…`;
  };
  let name = shorten(clean, MAX_SHEET_NAME);
  for (let n = 2; taken.has(name.toLowerCase()); n += 1) {
    const suffix = ` (${n})`;
    name = `${shorten(clean, MAX_SHEET_NAME - suffix.length)}${suffix}`;
  }
  taken.add(name.toLowerCase());
  return name;
}

function statusText(item: SummaryItem, lang: Lang): string {
  const label = STATUS_LABELS[item.status][lang];
  return item.longTerm ? `${label}${TEXT[lang].longTermMark}` : label;
}

function itemRow(item: SummaryItem, lang: Lang): (string | number)[] {
  const t = TEXT[lang];
  return [
    item.ref,
    item.problemNo,
    item.title,
    statusText(item, lang),
    item.leader,
    item.department,
    item.deadline,
    item.overdue ? t.yes : t.no,
    LIGHT_LABELS[item.light][lang],
    `${item.measures.filter((m) => m.done).length}/${item.measures.length}`,
    item.progress ?? '',
  ];
}

/** A row of bold cells; an empty one is still written, blank and bold. */
const bold = (values: readonly (string | number)[]): Row =>
  values.map((value) => ({ value, fontWeight: 'bold' as const }));
const AMOUNT = '#,##0.00';
/** The library's colours are #RRGGBB; ours are ARGB. */
const hex = (argb: string) => `#${argb.slice(2)}`;

/**
 * Written by write-excel-file: every text is a string cell, never a formula whatever it starts
 * with; an empty text is an empty cell. The library writes no document properties (it has no
 * option for them), so the file names no creator, title or creation time.
 */
export async function summaryWorkbook(summary: Summary, lang: Lang = 'zh-CN'): Promise<Buffer> {
  // Loaded on demand: only the summary writer pays for parsing the library.
  const { default: writeExcelFile } = await import('write-excel-file/node');
  const t = TEXT[lang];
  const taken = new Set<string>();

  // The totals sheet: the inspection, the paragraph, then four small tables under their titles.
  const rows: Row[] = [];
  const add = (values: (string | number)[], isBold = false) => {
    rows.push(isBold ? bold(values) : values);
  };
  const gap = () => rows.push([]);

  add([t.inspection, summary.inspection.title], true);
  add([t.unit, summary.inspection.inspectedUnit]);
  add([t.group, summary.inspection.inspectionGroup]);
  add([t.feedback, summary.inspection.feedbackDate]);
  const { asOfDate, inspection } = summary;
  add([
    t.asOf,
    lang === 'en' ? `${asOfDate} (${inspection.timezone})` : `${asOfDate}（${inspection.timezone}）`,
  ]);
  add([t.generated, summary.generatedAt]);
  // The paragraph spans B..J, wrapped from the top, its row tall enough for it.
  rows.push([
    t.paragraph,
    {
      value: summary.paragraph[lang],
      columnSpan: 9,
      wrap: true,
      alignVertical: 'top',
      height: Math.min(409, 16 * Math.max(2, Math.ceil([...summary.paragraph[lang]].length / 60))),
    },
  ]);
  gap();

  const c = summary.totals;
  add([t.totals], true);
  add([t.total, c.total]);
  add([STATUS_LABELS.closed[lang], c.closed]);
  add([STATUS_LABELS.rectified[lang], c.rectified]);
  add([STATUS_LABELS.in_progress[lang], c.in_progress]);
  add([STATUS_LABELS.not_started[lang], c.not_started]);
  add([t.rectifiedTotal, c.rectifiedTotal]);
  add([t.overdue, c.overdue]);
  add([t.longTerm, c.longTerm]);
  add([t.red, c.lights.red]);
  add([t.yellow, c.lights.yellow]);
  add([t.green, c.lights.green]);
  add([t.measuresTotal, c.measuresTotal]);
  add([t.measuresDone, c.measuresDone]);
  gap();

  add([t.outcomes], true);
  add([t.kind, t.count, t.amount], true);
  for (const tally of summary.outcomes.byKind) {
    rows.push([OUTCOME_LABELS[tally.kind][lang], tally.count, { value: tally.amountCny, format: AMOUNT }]);
  }
  rows.push([
    ...bold([t.refundTotal, '']),
    { value: summary.outcomes.refundTotalCny, format: AMOUNT, fontWeight: 'bold' },
  ]);
  gap();

  const countHeaders = [
    t.total,
    ...STATUSES_MOST_DONE_FIRST.map((status) => STATUS_LABELS[status][lang]),
    t.overdue,
    t.measuresDone,
    t.measuresTotal,
  ];
  const countCells = (k: SummaryCounts) => [
    k.total,
    ...STATUSES_MOST_DONE_FIRST.map((status) => k[status]),
    k.overdue,
    k.measuresDone,
    k.measuresTotal,
  ];

  add([t.byAspect], true);
  add([t.aspectNo, t.aspect, ...countHeaders], true);
  for (const aspect of summary.byAspect) add([aspect.aspectNo, aspect.title, ...countCells(aspect)]);
  add([t.all, '', ...countCells(c)], true);
  gap();

  add([t.byDepartment], true);
  add([t.department, '', ...countHeaders], true);
  for (const department of summary.byDepartment) add([department.department, '', ...countCells(department)]);
  add([t.all, '', ...countCells(c)], true);

  // (The type parameter is what an image's content may be; the workbook has no images.)
  const sheets: Sheet<Image['content']>[] = [
    {
      sheet: sheetName(t.sheet, taken),
      data: rows,
      columns: [{ width: 22 }, { width: 36 }, ...Array.from({ length: 8 }, () => ({ width: 12 }))],
      stickyRowsCount: 1,
    },
  ];

  // One sheet per aspect, in the summary's aspect order; items of an aspect it does not list
  // (there should be none) get a sheet of their own rather than disappear.
  const byAspect = new Map<number, SummaryItem[]>();
  for (const item of summary.items) {
    const list = byAspect.get(item.aspectNo);
    if (list) list.push(item);
    else byAspect.set(item.aspectNo, [item]);
  }
  const aspects = [
    ...summary.byAspect.map((a) => ({ no: a.aspectNo, title: a.title })),
    ...[...byAspect.keys()]
      .filter((no) => !summary.byAspect.some((a) => a.aspectNo === no))
      .map((no) => ({ no, title: '' })),
  ];

  const header = bold(ITEM_COLUMNS.map((column) => (lang === 'en' ? column.en : column.zh)));
  for (const aspect of aspects) {
    const items = byAspect.get(aspect.no) ?? [];
    const lights = {
      from: { row: 2, column: LIGHT_COLUMN },
      to: { row: Math.max(2, items.length + 1), column: LIGHT_COLUMN },
    };
    sheets.push({
      sheet: sheetName(`${aspect.no} ${aspect.title}`, taken),
      data: [header, ...items.map((item) => itemRow(item, lang))],
      columns: ITEM_COLUMNS.map((column) => ({ width: column.width })),
      stickyRowsCount: 1,
      // A cell equal to a light's label takes its colours (the first match wins).
      conditionalFormatting: (['red', 'yellow', 'green'] as const).map((light) => ({
        cellRange: lights,
        condition: { operator: '=', value: LIGHT_LABELS[light][lang] },
        style: { backgroundColor: hex(LIGHT_FILLS[light]), textColor: hex(LIGHT_FONTS[light]) },
      })),
    });
  }

  // Built whole in memory, then zipped: for 20,000 items the peak is ~90–100 MiB above the
  // summary itself with the function's 1 MiB semi-space (exceljs's streaming writer: 60–203 MiB).
  // Calibri 11 is named, as exceljs named it; without it the file would name no font at all.
  return writeExcelFile(sheets, { fontFamily: 'Calibri', fontSize: 11 }).toBuffer();
}
