import { OUTCOME_LABELS } from '#shared/domain/plan/labels.ts';
import { STATUS_LABELS, STATUSES_MOST_DONE_FIRST } from '#shared/domain/status.ts';
import type { OverdueItem, Summary, SummaryCounts, SummaryItemRef } from '#shared/domain/summary/model.ts';
import type { Lang } from '#shared/i18n/lang.ts';

/**
 * A progress summary (整改情况报告) as Markdown (summary.md): the paragraph, then the tables a
 * reader checks it against. Made from the `Summary` alone, so it always says what summary.json says.
 */

const TEXT = {
  'zh-CN': {
    title: '整改情况报告',
    asOf: (date: string, instant: string, zone: string) => `截至 ${date}（${zone}；时点 ${instant}）`,
    unit: '被巡察单位',
    group: '巡察组',
    feedback: '反馈日期',
    generated: '生成时间',
    totals: '总体情况',
    metric: '项目',
    count: '数量',
    total: '事项总数',
    rectifiedTotal: '整改完成合计（已整改＋已完成）',
    overdue: '逾期',
    longTerm: '长期坚持',
    red: '红灯',
    yellow: '黄灯',
    green: '绿灯',
    measures: '整改措施（已完成/总数）',
    outcomes: '整改成效',
    kind: '类别',
    amount: '金额（元）',
    refundTotal: '退缴金额合计',
    byAspect: '按方面',
    aspect: '方面',
    byDepartment: '按责任科室',
    department: '责任科室',
    allRows: '合计',
    measuresShort: '措施完成',
    overdueList: '逾期事项',
    ref: '编号',
    itemTitle: '具体表现',
    leader: '责任领导',
    deadline: '完成时限',
    daysOverdue: '逾期天数',
    changes: (previous: string) => `与上次报告相比（上次截至 ${previous}）`,
    newlyRectified: '新完成整改',
    newlyOverdue: '新增逾期',
    inProgress: '正在整改事项',
    notStarted: '未启动事项',
    none: '无。',
  },
  en: {
    title: 'Rectification progress report',
    asOf: (date: string, instant: string, zone: string) => `As of ${date} (${zone}; instant ${instant})`,
    unit: 'Inspected unit',
    group: 'Inspection group',
    feedback: 'Feedback date',
    generated: 'Generated',
    totals: 'Totals',
    metric: 'Measure',
    count: 'Count',
    total: 'Items',
    rectifiedTotal: 'Rectified in total (rectified + closed)',
    overdue: 'Overdue',
    longTerm: 'Long-term',
    red: 'Red lights',
    yellow: 'Yellow lights',
    green: 'Green lights',
    measures: 'Measures (done/total)',
    outcomes: 'Outcomes',
    kind: 'Kind',
    amount: 'Amount (CNY)',
    refundTotal: 'Refunds in total',
    byAspect: 'By aspect',
    aspect: 'Aspect',
    byDepartment: 'By department',
    department: 'Department',
    allRows: 'Total',
    measuresShort: 'Measures done',
    overdueList: 'Overdue items',
    ref: 'Ref',
    itemTitle: 'Item',
    leader: 'Leader',
    deadline: 'Deadline',
    daysOverdue: 'Days overdue',
    changes: (previous: string) => `Changes since the previous report (as of ${previous})`,
    newlyRectified: 'Newly rectified',
    newlyOverdue: 'Newly overdue',
    inProgress: 'Items in progress',
    notStarted: 'Items not started',
    none: 'None.',
  },
} as const;

type Text = (typeof TEXT)[Lang];
type Cell = string | number;

/** A table cell: backslashes and pipes escaped, line breaks as <br>, so a cell never splits a row. */
export function markdownCell(value: Cell): string {
  return String(value)
    .replace(/\\/g, '\\\\')
    .replace(/\|/g, '\\|')
    .replace(/\r\n|\r|\n/g, '<br>')
    .trim();
}

function table(headers: readonly Cell[], rows: readonly (readonly Cell[])[], align?: readonly ('l' | 'r')[]) {
  const line = (cells: readonly Cell[]) => `| ${cells.map(markdownCell).join(' | ')} |`;
  const rule = `|${headers.map((_, i) => (align?.[i] === 'r' ? ' ---: ' : ' --- ')).join('|')}|`;
  return [line(headers), rule, ...rows.map(line)].join('\n');
}

const amount = (value: number) =>
  new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 }).format(Math.round(value * 100) / 100);

function countsTable(
  t: Text,
  lang: Lang,
  first: string,
  rows: readonly { readonly name: string; readonly counts: SummaryCounts }[],
  totals: SummaryCounts,
): string {
  const headers = [
    first,
    t.total,
    ...STATUSES_MOST_DONE_FIRST.map((status) => STATUS_LABELS[status][lang]),
    t.overdue,
    t.measuresShort,
  ];
  const line = (name: string, c: SummaryCounts) => [
    name,
    c.total,
    ...STATUSES_MOST_DONE_FIRST.map((status) => c[status]),
    c.overdue,
    `${c.measuresDone}/${c.measuresTotal}`,
  ];
  const body = rows.map((row) => line(row.name, row.counts));
  if (rows.length > 1) body.push(line(t.allRows, totals));
  return table(headers, body, ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r']);
}

function refTable(t: Text, refs: readonly SummaryItemRef[]): string {
  if (refs.length === 0) return t.none;
  return table(
    [t.ref, t.itemTitle, t.department, t.leader, t.deadline],
    refs.map((r) => [r.ref, r.title, r.department, r.leader, r.deadline]),
  );
}

function overdueTable(t: Text, items: readonly OverdueItem[]): string {
  if (items.length === 0) return t.none;
  return table(
    [t.ref, t.itemTitle, t.department, t.leader, t.deadline, t.daysOverdue],
    items.map((r) => [r.ref, r.title, r.department, r.leader, r.deadline, r.daysOverdue]),
    ['l', 'l', 'l', 'l', 'l', 'r'],
  );
}

const counted = (label: string, n: number, lang: Lang) =>
  lang === 'en' ? `${label} (${n})` : `${label}（${n}）`;

/** A heading's text on one line (a title with a line break would end the heading). */
const oneLine = (text: string) => text.replace(/\s*[\r\n]+\s*/g, ' ').trim();

export function summaryMarkdown(summary: Summary, lang: Lang = summary.lang): string {
  const t = TEXT[lang];
  const { inspection, totals } = summary;
  const sep = lang === 'en' ? ': ' : '：';
  const sections: string[] = [];

  // Titles usually end in 整改 already (…反馈意见整改): do not say 整改整改情况报告.
  const heading =
    lang === 'en'
      ? `${inspection.title} — ${t.title}`
      : `${inspection.title}${inspection.title.endsWith('整改') ? t.title.replace(/^整改/, '') : t.title}`;
  sections.push(`# ${oneLine(heading)}`);
  sections.push(
    [
      `**${t.asOf(summary.asOfDate, summary.asOf, inspection.timezone)}**`,
      '',
      `- ${t.unit}${sep}${oneLine(inspection.inspectedUnit)}`,
      `- ${t.group}${sep}${oneLine(inspection.inspectionGroup)}`,
      `- ${t.feedback}${sep}${inspection.feedbackDate}`,
      `- ${t.generated}${sep}${summary.generatedAt}`,
    ].join('\n'),
  );
  sections.push(summary.paragraph[lang]);

  sections.push(`## ${t.totals}`);
  sections.push(
    table(
      [t.metric, t.count],
      [
        [t.total, totals.total],
        [STATUS_LABELS.closed[lang], totals.closed],
        [STATUS_LABELS.rectified[lang], totals.rectified],
        [STATUS_LABELS.in_progress[lang], totals.in_progress],
        [STATUS_LABELS.not_started[lang], totals.not_started],
        [t.rectifiedTotal, totals.rectifiedTotal],
        [t.overdue, totals.overdue],
        [t.longTerm, totals.longTerm],
        [t.red, totals.lights.red],
        [t.yellow, totals.lights.yellow],
        [t.green, totals.lights.green],
        [t.measures, `${totals.measuresDone}/${totals.measuresTotal}`],
      ],
      ['l', 'r'],
    ),
  );

  sections.push(`## ${t.outcomes}`);
  sections.push(
    table(
      [t.kind, t.count, t.amount],
      summary.outcomes.byKind.map((tally) => [
        OUTCOME_LABELS[tally.kind][lang],
        tally.count,
        tally.kind === 'refund' || tally.amountCny !== 0 ? amount(tally.amountCny) : '—',
      ]),
      ['l', 'r', 'r'],
    ),
  );
  const refunds = amount(summary.outcomes.refundTotalCny);
  sections.push(`${t.refundTotal}${sep}${lang === 'en' ? `CNY ${refunds}` : `${refunds} 元`}`);

  sections.push(`## ${t.byAspect}`);
  sections.push(
    summary.byAspect.length === 0
      ? t.none
      : countsTable(
          t,
          lang,
          t.aspect,
          summary.byAspect.map((a) => ({ name: `${a.aspectNo}. ${a.title}`, counts: a })),
          totals,
        ),
  );

  sections.push(`## ${t.byDepartment}`);
  sections.push(
    summary.byDepartment.length === 0
      ? t.none
      : countsTable(
          t,
          lang,
          t.department,
          summary.byDepartment.map((d) => ({ name: d.department, counts: d })),
          totals,
        ),
  );

  sections.push(`## ${counted(t.overdueList, summary.overdue.length, lang)}`);
  sections.push(overdueTable(t, summary.overdue));

  if (summary.changes !== null) {
    sections.push(`## ${t.changes(summary.changes.previousAsOf)}`);
    sections.push(`### ${t.newlyRectified}`);
    sections.push(refTable(t, summary.changes.newlyRectified));
    sections.push(`### ${t.newlyOverdue}`);
    sections.push(refTable(t, summary.changes.newlyOverdue));
  }

  sections.push(`## ${counted(t.inProgress, summary.inProgress.length, lang)}`);
  sections.push(refTable(t, summary.inProgress));
  sections.push(`## ${counted(t.notStarted, summary.notStarted.length, lang)}`);
  sections.push(refTable(t, summary.notStarted));

  return `${sections.join('\n\n')}\n`;
}
