import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import type { Light } from '#shared/domain/deadlines.ts';
import { tallyOutcomes } from '#shared/domain/outcomes.ts';
import type { ItemStatus } from '#shared/domain/status.ts';
import {
  SUMMARY_SCHEMA,
  type Summary,
  type SummaryCounts,
  type SummaryItem,
  type SummaryItemRef,
} from '#shared/domain/summary/model.ts';
import { CHART_FONT_FAMILY, summaryChartSvg } from '#shared/reports/summary-chart.ts';
import { markdownCell, summaryMarkdown } from '#shared/reports/summary-markdown.ts';
import { sheetName, summaryWorkbook } from '#shared/reports/summary-workbook.ts';

// ---------------------------------------------------------------------------------------------
// A hand-built summary: items are listed; every count is derived from them as generate.ts would.

function item(
  ref: string,
  status: ItemStatus,
  extra: Partial<Omit<SummaryItem, 'ref' | 'status'>> = {},
): SummaryItem {
  const [aspectNo = 1, problemNo = 1] = ref.split('.').map(Number);
  return {
    ref,
    aspectNo,
    problemNo,
    status,
    title: `事项 ${ref}`,
    department: '办公室',
    leader: '张三',
    deadline: '2024-06-30',
    longTerm: false,
    overdue: false,
    light: status === 'rectified' || status === 'closed' ? 'green' : 'yellow',
    measures: [
      { text: '措施一', done: status !== 'not_started' },
      { text: '措施二', done: status === 'closed' || status === 'rectified' },
    ],
    ...extra,
  };
}

function countsOf(items: readonly SummaryItem[]): SummaryCounts {
  const lights: Record<Light, number> = { red: 0, yellow: 0, green: 0 };
  const by = (status: ItemStatus) => items.filter((i) => i.status === status).length;
  for (const i of items) lights[i.light] += 1;
  return {
    total: items.length,
    not_started: by('not_started'),
    in_progress: by('in_progress'),
    rectified: by('rectified'),
    closed: by('closed'),
    rectifiedTotal: by('rectified') + by('closed'),
    overdue: items.filter((i) => i.overdue).length,
    longTerm: items.filter((i) => i.longTerm).length,
    lights,
    measuresTotal: items.reduce((sum, i) => sum + i.measures.length, 0),
    measuresDone: items.reduce((sum, i) => sum + i.measures.filter((m) => m.done).length, 0),
  };
}

const refOf = (i: SummaryItem): SummaryItemRef => ({
  ref: i.ref,
  title: i.title,
  department: i.department,
  leader: i.leader,
  deadline: i.deadline,
});

function aSummary(
  items: readonly SummaryItem[],
  aspects: readonly { no: number; title: string }[],
  extra: Partial<Summary> = {},
): Summary {
  const departments = [...new Set(items.map((i) => i.department))].sort();
  return {
    schema: SUMMARY_SCHEMA,
    summaryId: 'sum-1',
    inspection: {
      inspectionId: 'insp-1',
      importId: 'imp-1',
      title: '2024年第一轮巡察',
      inspectedUnit: '某某学院',
      inspectionGroup: '第一巡察组',
      feedbackDate: '2024-03-01',
      timezone: 'Asia/Shanghai',
    },
    asOf: '2024-07-10T02:00:00.000Z',
    asOfDate: '2024-07-10',
    generatedAt: '2024-07-10T02:00:05.000Z',
    trigger: 'request',
    lang: 'zh-CN',
    paragraph: {
      'zh-CN': '截至2024年7月10日，巡察反馈的5个具体事项已经整改完成2项。',
      en: 'As of 10 July 2024, of the 5 specific issues raised by the inspection, 2 have been rectified.',
    },
    totals: countsOf(items),
    byAspect: aspects.map((a) => ({
      aspectNo: a.no,
      title: a.title,
      ...countsOf(items.filter((i) => i.aspectNo === a.no)),
    })),
    byDepartment: departments.map((department) => ({
      department,
      ...countsOf(items.filter((i) => i.department === department)),
    })),
    inProgress: items.filter((i) => i.status === 'in_progress').map(refOf),
    notStarted: items.filter((i) => i.status === 'not_started').map(refOf),
    overdue: items.filter((i) => i.overdue).map((i) => ({ ...refOf(i), daysOverdue: 10 })),
    outcomes: {
      byKind: tallyOutcomes([
        { kind: 'regulation', count: 3 },
        { kind: 'criticism', count: 2 },
        { kind: 'refund', count: 1, amountCny: 4384.5 },
      ]),
      refundTotalCny: 4384.5,
    },
    changes: null,
    items,
    ...extra,
  };
}

const ITEMS: SummaryItem[] = [
  item('1.1.1', 'closed', { light: 'green' }),
  item('1.1.2', 'rectified', { longTerm: true, light: 'green', progress: '已建立台账' }),
  item('1.2.1', 'in_progress', {
    title: '经费 | 报销不规范\n多次',
    department: '财务处',
    overdue: true,
    light: 'red',
    deadline: '2024-06-30',
  }),
  item('2.1.1', 'not_started', { department: '财务处', light: 'yellow' }),
  item('2.1.2', 'in_progress', { light: 'green', deadline: '2024-12-31' }),
];
const ASPECTS = [
  { no: 1, title: '党的领导 & 作用发挥 <不够>' },
  { no: 2, title: '落实全面从严治党主体责任方面存在薄弱环节，监督执纪问责不到位' },
];
const SUMMARY = aSummary(ITEMS, ASPECTS);

// ---------------------------------------------------------------------------------------------
// A small XML well-formedness check: tags balance, attributes are quoted, text has no raw & or <.

function checkXml(xml: string): string[] {
  const problems: string[] = [];
  const body = xml.replace(/^<\?xml[^?]*\?>\s*/, '');
  const stack: string[] = [];
  const token = /<(\/?)([A-Za-z][\w:.-]*)((?:\s+[\w:.-]+="[^"<]*")*)\s*(\/?)>|([^<]+)|(<)/gy;
  for (let m = token.exec(body); m !== null && token.lastIndex <= body.length; m = token.exec(body)) {
    const [, close, name, , selfClose, text, stray] = m;
    if (stray) {
      problems.push(`unparsable markup at ${m.index}: ${body.slice(m.index, m.index + 40)}`);
      break;
    }
    if (text !== undefined) {
      if (/&(?!(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);)/.test(text)) problems.push(`raw & in ${text}`);
      continue;
    }
    if (close) {
      if (stack.pop() !== name) problems.push(`unbalanced </${name}>`);
    } else if (!selfClose) {
      stack.push(name ?? '');
    }
    if (token.lastIndex === body.length) break;
  }
  if (stack.length > 0) problems.push(`unclosed ${stack.join(',')}`);
  return problems;
}

// ---------------------------------------------------------------------------------------------

describe('summary.md', () => {
  const md = summaryMarkdown(SUMMARY);

  it('has the title, the as-of line and the paragraph in the language asked', () => {
    expect(md.startsWith('# 2024年第一轮巡察整改情况报告\n')).toBe(true);
    // A title that ends in 整改 (…反馈意见整改) is not followed by 整改 again.
    const titled = { ...SUMMARY, inspection: { ...SUMMARY.inspection, title: '巡察反馈意见整改' } };
    expect(summaryMarkdown(titled).startsWith('# 巡察反馈意见整改情况报告\n')).toBe(true);
    expect(md).toContain('截至 2024-07-10（Asia/Shanghai；时点 2024-07-10T02:00:00.000Z）');
    expect(md).toContain(SUMMARY.paragraph['zh-CN']);
    expect(md).not.toContain(SUMMARY.paragraph.en);
    const en = summaryMarkdown(SUMMARY, 'en');
    expect(en).toContain('# 2024年第一轮巡察 — Rectification progress report');
    expect(en).toContain(SUMMARY.paragraph.en);
    expect(en).toContain('## By aspect');
    expect(en).toContain('| Ref | Item | Department | Leader | Deadline | Days overdue |');
  });

  it('writes the totals, outcomes, aspect and department rows', () => {
    expect(md).toContain('| 事项总数 | 5 |');
    expect(md).toContain('| 已完成 | 1 |');
    expect(md).toContain('| 正在整改 | 2 |');
    expect(md).toContain('| 整改措施（已完成/总数） | 6/10 |');
    expect(md).toContain('| 红灯 | 1 |');
    expect(md).toContain('| 退缴 | 1 | 4,384.5 |');
    expect(md).toContain('| 建立健全制度 | 3 | — |');
    expect(md).toContain('\n\n退缴金额合计：4,384.5 元\n\n');
    expect(md).toContain('| 方面 | 事项总数 | 已完成 | 已整改 | 正在整改 | 未启动 | 逾期 | 措施完成 |');
    expect(md).toContain('| 1. 党的领导 & 作用发挥 <不够> | 3 | 1 | 1 | 1 | 0 | 1 | 5/6 |');
    expect(md).toContain(
      '| 2. 落实全面从严治党主体责任方面存在薄弱环节，监督执纪问责不到位 | 2 | 0 | 0 | 1 | 1 | 0 | 1/4 |',
    );
    expect(md).toContain('| 合计 | 5 | 1 | 1 | 2 | 1 | 1 | 6/10 |');
    expect(md).toContain('| 财务处 | 2 | 0 | 0 | 1 | 1 | 1 | 1/4 |');
    expect(md).toContain('| 办公室 | 3 | 1 | 1 | 1 | 0 | 0 | 5/6 |');
  });

  it('escapes pipes and line breaks in cells so that a row stays one row', () => {
    expect(md).toContain('| 1.2.1 | 经费 \\| 报销不规范<br>多次 | 财务处 | 张三 | 2024-06-30 | 10 |');
    expect(markdownCell('a|b\\c\r\nd')).toBe('a\\|b\\\\c<br>d');
    // Every table row has as many unescaped pipes as its header.
    for (const block of md.split('\n\n').filter((b) => b.startsWith('| '))) {
      const lines = block.split('\n').filter(Boolean);
      const pipes = (line: string) => line.replace(/\\\\/g, '').replace(/\\\|/g, '').split('|').length;
      for (const line of lines) expect(pipes(line), line).toBe(pipes(lines[0] ?? ''));
    }
  });

  it('lists in-progress and not-started items, and changes only when there are some', () => {
    expect(md).toContain('## 正在整改事项（2）');
    expect(md).toContain('| 2.1.2 | 事项 2.1.2 | 办公室 | 张三 | 2024-12-31 |');
    expect(md).toContain('## 未启动事项（1）');
    expect(md).toContain('| 2.1.1 | 事项 2.1.1 | 财务处 | 张三 | 2024-06-30 |');
    expect(md).not.toContain('与上次报告相比');

    const [rectified, , overdue] = ITEMS;
    const withChanges = summaryMarkdown({
      ...SUMMARY,
      changes: {
        previousSummaryId: 'sum-0',
        previousAsOf: '2024-07-03T02:00:00.000Z',
        newlyRectified: rectified ? [refOf(rectified)] : [],
        newlyOverdue: overdue ? [refOf(overdue)] : [],
      },
    });
    const changes = withChanges.slice(
      withChanges.indexOf('## 与上次报告相比（上次截至 2024-07-03T02:00:00.000Z）'),
    );
    expect(changes).toMatch(/### 新完成整改\n\n\| 编号 .*\n.*\n\| 1\.1\.1 \| 事项 1\.1\.1 \|/);
    expect(changes).toMatch(/### 新增逾期\n\n\| 编号 .*\n.*\n\| 1\.2\.1 \| 经费 \\\| 报销不规范/);
  });

  it('says 无 for empty lists', () => {
    const empty = summaryMarkdown(aSummary([], []));
    expect(empty).toContain('## 逾期事项（0）\n\n无。');
    expect(empty).toContain('## 按方面\n\n无。');
  });
});

describe('chart.svg', () => {
  const svg = summaryChartSvg(SUMMARY);

  it('is well-formed SVG 1.1 with a size and a viewBox', () => {
    expect(checkXml(svg)).toEqual([]);
    expect(svg).toMatch(
      /<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" version="1\.1" width="960" height="\d+" viewBox="0 0 960 \d+">/,
    );
    // The checker itself catches what it should.
    expect(checkXml('<svg><text>a & b</text></svg>')).not.toEqual([]);
    expect(checkXml('<svg><text>a < b</text></svg>')).not.toEqual([]);
    expect(checkXml('<svg><g></svg>')).not.toEqual([]);
  });

  it('names the CJK font list on every text and escapes titles', () => {
    const texts = svg.match(/<text [^>]*>/g) ?? [];
    expect(texts.length).toBeGreaterThan(5);
    for (const t of texts) expect(t).toContain(`font-family="${CHART_FONT_FAMILY}"`);
    expect(svg).toContain('1. 党的领导 &amp; 作用发挥 &lt;不够&gt;');
    expect(svg).toContain('截至2024年7月10日');
  });

  it('draws one bar per aspect with its segments in order', () => {
    const groups = [...svg.matchAll(/<g class="aspect" data-aspect="(\d+)">(.*?)<\/g>/g)];
    expect(groups.map((g) => g[1])).toEqual(['1', '2']);
    const segments = groups.map((g) =>
      [
        ...(g[2] ?? '').matchAll(
          /data-status="(\w+)" data-count="(\d+)" x="([\d.]+)" y="[\d.]+" width="([\d.]+)"/g,
        ),
      ].map((s) => ({ status: s[1], count: Number(s[2]), x: Number(s[3]), width: Number(s[4]) })),
    );
    expect(segments[0]?.map((s) => [s.status, s.count])).toEqual([
      ['closed', 1],
      ['rectified', 1],
      ['in_progress', 1],
    ]);
    expect(segments[1]?.map((s) => [s.status, s.count])).toEqual([
      ['in_progress', 1],
      ['not_started', 1],
    ]);
    // One scale for all bars: aspect 2 (2 items) is two thirds as long as aspect 1 (3 items).
    const length = (bar: (typeof segments)[number] | undefined) =>
      (bar ?? []).reduce((s, x) => s + x.width, 0);
    expect(length(segments[1]) / length(segments[0])).toBeCloseTo(2 / 3, 2);
    // Segments touch: each starts where the one before ended.
    const first = segments[0] ?? [];
    for (let i = 1; i < first.length; i++)
      expect(first[i]?.x).toBeCloseTo((first[i - 1]?.x ?? 0) + (first[i - 1]?.width ?? 0), 0);
    // The long aspect title is cut with an ellipsis.
    expect(svg).toContain('…</text>');
    expect(svg).not.toContain('监督执纪问责不到位</text>');
  });

  it('gives a valid chart with a message when there is nothing to draw', () => {
    for (const empty of [aSummary([], []), aSummary([], ASPECTS)]) {
      for (const lang of ['zh-CN', 'en'] as const) {
        const out = summaryChartSvg(empty, lang);
        expect(checkXml(out)).toEqual([]);
        expect(out).toContain(lang === 'en' ? 'No items' : '暂无事项');
        expect(out).not.toMatch(/NaN|Infinity/);
        expect(out).not.toContain('class="aspect"');
      }
    }
    expect(svg).not.toMatch(/NaN|Infinity/);
  });
});

type ConditionalFormat = {
  ref: string;
  rules: {
    type?: string;
    operator?: string;
    priority?: number;
    formulae?: string[];
    style?: { fill?: { bgColor?: { argb?: string } }; font?: { color?: { argb?: string } } };
  }[];
};

function sheetOf(workbook: ExcelJS.Workbook, index: number) {
  const sheet = workbook.worksheets[index];
  if (!sheet) throw new Error(`no sheet ${index}`);
  const values = (row: number) => (sheet.getRow(row).values as unknown[]).slice(1);
  // exceljs reads conditional formats back onto the sheet but does not declare the property.
  const formats = (sheet as unknown as { conditionalFormattings: ConditionalFormat[] })
    .conditionalFormattings;
  // Every rule with the range it applies to (the writer gives each rule a range of its own).
  const rules = formats.flatMap((format) =>
    format.rules.map((rule) => ({
      ref: format.ref,
      type: rule.type,
      operator: rule.operator,
      priority: rule.priority,
      formula: rule.formulae?.[0],
      fill: rule.style?.fill?.bgColor?.argb,
      font: rule.style?.font?.color?.argb,
    })),
  );
  /** Whether every cell of a row up to `columns` is bold. */
  const boldRow = (row: number, columns: number) =>
    Array.from({ length: columns }, (_, i) => sheet.getRow(row).getCell(i + 1).font?.bold === true).every(
      Boolean,
    );
  return { sheet, values, formats, rules, boldRow };
}

describe('ledger.xlsx', () => {
  const read = async (summary: Summary, lang?: 'zh-CN' | 'en') => {
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load((await summaryWorkbook(summary, lang)) as never);
    return workbook;
  };

  it('has the totals sheet and one sheet per aspect, with valid unique names', async () => {
    const workbook = await read(SUMMARY);
    expect(workbook.worksheets.map((s) => s.name)).toEqual([
      '汇总',
      '1 党的领导 & 作用发挥 <不够>',
      '2 落实全面从严治党主体责任方面存在薄弱环节，监督执纪问责不…',
    ]);
    // write-excel-file writes no document properties (creator, title, created).
    for (const sheet of workbook.worksheets) expect([...sheet.name].length).toBeLessThanOrEqual(31);
  });

  it('makes sheet names Excel accepts', () => {
    const taken = new Set<string>(['汇总']);
    expect(sheetName('1 a/b:c*d?[e]\\f', taken)).toBe('1 a b c d e f');
    const long = '3 一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十';
    const first = sheetName(long, taken);
    const second = sheetName(long, taken);
    expect([...first].length).toBe(31);
    expect(first.endsWith('…')).toBe(true);
    expect(second).not.toBe(first);
    expect([...second].length).toBeLessThanOrEqual(31);
    expect(second.endsWith(' (2)')).toBe(true);
    expect(sheetName('汇总', taken)).toBe('汇总 (2)');
    // 31 UTF-16 units, as Excel counts (and the writer refuses more), never a split character.
    const astral = sheetName(`4 ${'𠀀'.repeat(20)}`, taken);
    expect(astral.length).toBeLessThanOrEqual(31);
    expect(astral.isWellFormed()).toBe(true);
    expect(astral.endsWith('𠀀…')).toBe(true);
  });

  it('writes a sheet for an aspect whose title is long in characters beyond the BMP', async () => {
    const workbook = await read(
      aSummary(ITEMS, [ASPECTS[0] ?? { no: 1, title: '' }, { no: 2, title: '𠀀'.repeat(20) }]),
    );
    const name = workbook.worksheets[2]?.name ?? '';
    expect(name.length).toBeLessThanOrEqual(31);
    expect(name.startsWith('2 𠀀𠀀')).toBe(true);
  });

  it('writes the totals, outcomes and tables on the first sheet', async () => {
    const { sheet, boldRow } = sheetOf(await read(SUMMARY), 0);
    const rows = Array.from(sheet.getSheetValues(), (row) => (Array.isArray(row) ? row.slice(1) : []));
    const find = (label: string) => rows.find((row) => row[0] === label);
    const rowOf = (label: string) => rows.findIndex((row) => row[0] === label);
    expect(find('事项总数')).toEqual(['事项总数', 5]);
    expect(find('正在整改')).toEqual(['正在整改', 2]);
    expect(find('红灯')).toEqual(['红灯', 1]);
    expect(find('退缴')).toEqual(['退缴', 1, 4384.5]);
    expect(find('建立健全制度')).toEqual(['建立健全制度', 3, 0]);
    // The label-less column is an empty cell.
    expect(find('退缴金额合计')).toEqual(['退缴金额合计', undefined, 4384.5]);
    expect(find('财务处')).toEqual(['财务处', undefined, 2, 0, 0, 1, 1, 1, 1, 4]);
    expect(rows.find((row) => row[0] === 2)).toEqual([2, ASPECTS[1]?.title, 2, 0, 0, 1, 1, 0, 1, 4]);
    expect(rows.filter((row) => row[0] === '合计')).toHaveLength(2);

    // Titles and headers bold, the first row frozen, amounts with two decimals and thousands.
    expect(boldRow(1, 2)).toBe(true);
    for (const label of ['总体情况', '整改成效', '类别', '按方面', '序号', '按责任科室', '退缴金额合计'])
      expect(boldRow(rowOf(label), rows[rowOf(label)]?.length ?? 0), label).toBe(true);
    expect(boldRow(rowOf('事项总数'), 2)).toBe(false);
    expect(boldRow(rowOf('财务处'), 1)).toBe(false);
    expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(sheet.getRow(rowOf('退缴')).getCell(3).numFmt).toBe('#,##0.00');
    expect(sheet.getRow(rowOf('退缴金额合计')).getCell(3).numFmt).toBe('#,##0.00');
    expect(sheet.getRow(rowOf('事项总数')).getCell(2).numFmt).toBeFalsy();
    expect(Array.from({ length: 10 }, (_, i) => sheet.getColumn(i + 1).width)).toEqual([
      22, 36, 12, 12, 12, 12, 12, 12, 12, 12,
    ]);

    // The paragraph: B..J merged, wrapped to the top, its row tall enough for it.
    const paragraph = sheet.getRow(rowOf('情况说明'));
    expect(paragraph.getCell(2).value).toBe(SUMMARY.paragraph['zh-CN']);
    expect((sheet.model as { merges?: string[] }).merges).toEqual([
      `B${paragraph.number}:J${paragraph.number}`,
    ]);
    expect(paragraph.getCell(2).alignment).toMatchObject({ wrapText: true, vertical: 'top' });
    expect(paragraph.height).toBe(32);
  });

  it('keeps every text a string, never a formula', async () => {
    const formulaLike = item('1.1.1', 'closed', { title: '=1+1', progress: '=HYPERLINK("http://x","y")' });
    const { sheet } = sheetOf(await read(aSummary([formulaLike], ASPECTS.slice(0, 1))), 1);
    expect(sheet.getCell('C2').value).toBe('=1+1');
    expect(sheet.getCell('K2').value).toBe('=HYPERLINK("http://x","y")');
    expect(sheet.getCell('C2').type).toBe(ExcelJS.ValueType.String);
  });

  it('lists every item of an aspect on its sheet, header bold and frozen, lights conditionally coloured', async () => {
    const { sheet, values, rules, boldRow } = sheetOf(await read(SUMMARY), 1);
    expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(boldRow(1, 11)).toBe(true);
    expect(boldRow(2, 1)).toBe(false);
    expect(values(1)).toEqual([
      '编号',
      '问题',
      '具体表现',
      '工作进展',
      '责任领导',
      '责任科室',
      '完成时限',
      '是否逾期',
      '红黄绿灯',
      '措施完成',
      '整改情况',
    ]);
    expect(sheet.rowCount).toBe(4);
    expect(values(3)).toEqual([
      '1.1.2',
      1,
      '事项 1.1.2',
      '已整改（长期坚持）',
      '张三',
      '办公室',
      '2024-06-30',
      '否',
      '绿',
      '2/2',
      '已建立台账',
    ]);
    expect(values(4).slice(7, 10)).toEqual(['是', '红', '1/2']);
    expect(Array.from({ length: 11 }, (_, i) => sheet.getColumn(i + 1).width)).toEqual([
      10, 6, 48, 18, 10, 16, 12, 10, 10, 10, 60,
    ]);

    // A light cell equal to a label takes its colours, in this order, over the item rows.
    const rule = { ref: 'I2:I4', type: 'cellIs', operator: 'equal' };
    expect(rules).toEqual([
      { ...rule, priority: 1, formula: '"红"', fill: 'FFF4B6B0', font: 'FF9C0006' },
      { ...rule, priority: 2, formula: '"黄"', fill: 'FFFFE08A', font: 'FF7A5200' },
      { ...rule, priority: 3, formula: '"绿"', fill: 'FFB7E1BE', font: 'FF006100' },
    ]);
    // Lights are not painted by hand.
    expect(sheet.getCell('I4').fill).toBeUndefined();
  });

  it('speaks English when asked', async () => {
    const workbook = await read(SUMMARY, 'en');
    expect(sheetOf(workbook, 0).sheet.name).toBe('Summary');
    const { values, rules } = sheetOf(workbook, 1);
    expect(values(1)[8]).toBe('Light');
    expect(values(3)[3]).toBe('rectified (long-term)');
    expect(values(4).slice(7, 9)).toEqual(['yes', 'red']);
    expect(rules.map((rule) => rule.formula)).toEqual(['"red"', '"yellow"', '"green"']);
  });

  it('writes a summary with no items', async () => {
    const workbook = await read(aSummary([], []));
    expect(workbook.worksheets.map((s) => s.name)).toEqual(['汇总']);
  });
});
