import { stringify } from 'csv-stringify/sync';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import type { PlanError, PlanResult } from '#shared/domain/plan/model.ts';
import {
  parsePlanSpreadsheet,
  readPlanSpreadsheet,
  type SpreadsheetOptions,
} from '#shared/domain/plan/spreadsheet.ts';

/**
 * How a 台账 becomes a plan (plan/spreadsheet.ts), rule by rule, on small CSV and XLSX files:
 * finding the header and each column, continuing blank titles, item fields across rows, the
 * 基本信息 and 整改成效 sheets, and where each error is said to be, in the order of the file.
 */

const INSPECTION = {
  title: '测试巡察',
  inspectedUnit: '测试单位',
  inspectionGroup: '第一巡察组',
  inspectionStart: '2024-03-01',
  inspectionEnd: '2024-04-30',
  feedbackDate: '2024-06-01',
};

const HEADER = [
  '方面',
  '问题',
  '具体表现',
  '整改措施',
  '是否完成',
  '状态',
  '责任领导',
  '责任科室',
  '完成时限',
];
const ROW = ['方面一', '问题一', '事项一', '措施一', '否', '正在整改', '王强', '财务科', '2024-09-30'];

const csvOf = (rows: readonly (readonly string[])[]) => Buffer.from(stringify(rows as string[][]), 'utf8');
const read = (rows: readonly (readonly string[])[], options: SpreadsheetOptions = {}) =>
  parsePlanSpreadsheet(csvOf(rows), 'csv', { inspection: INSPECTION, ...options });

const errorsOf = (result: PlanResult): readonly PlanError[] => {
  if (result.ok) throw new Error('expected errors, got a plan');
  return result.errors;
};
const pathsOf = (result: PlanResult) => errorsOf(result).map((error) => error.path);
const itemsOf = (result: PlanResult) => {
  if (!result.ok) throw new Error(`expected a plan: ${JSON.stringify(result.errors.slice(0, 3))}`);
  return result.plan.aspects.flatMap((aspect) => aspect.problems.flatMap((problem) => problem.items));
};

describe('finding the columns', () => {
  it('reads a header whose 是/否 note has blanks or no separator as the done column', async () => {
    for (const done of ['完成情况（ 是 / 否 ）', '完成情况(是否)', '完成情况【是 或 否】']) {
      const header = [...HEADER.slice(0, 4), done, ...HEADER.slice(5)];
      const items = itemsOf(await read([header, [...ROW.slice(0, 4), '是', ...ROW.slice(5)]]));
      expect(items[0]?.measures).toEqual([{ text: '措施一', done: true }]);
    }
  });

  it('knows a column by its plain name when its 是/否 note names no field', async () => {
    const header = HEADER.map((name) => (name === '状态' ? '工作进展（是/否）' : name));
    expect(itemsOf(await read([header, ROW]))[0]?.status).toBe('in_progress');
  });

  it('gives a column one field: 完成情况（是/否） holds done marks, and is no status beside them', async () => {
    const header = [...HEADER.slice(0, 4), '完成情况（是/否）', ...HEADER.slice(6)];
    const row = [...ROW.slice(0, 5), ...ROW.slice(6)];
    expect(errorsOf(await read([header, row]))).toEqual([
      {
        path: 'row 1, column 工作进展',
        message:
          'the header has no 工作进展 (status) column; if the file names it otherwise, map it as columns.status',
        messageZh: '表头缺少“工作进展”（status）列；如文件中该列另有名称，请用 columns.status 指定',
      },
    ]);
  });

  it('ignores a fallback name beside the field’s own column', async () => {
    const header = [...HEADER, '完成时间'];
    const items = itemsOf(await read([header, [...ROW, '2024-08-01']]));
    expect(items[0]?.deadline).toBe('2024-09-30');
  });

  it('refuses a second column of the same name, saying where', async () => {
    const header = [...HEADER, '状态'];
    expect(errorsOf(await read([header, [...ROW, '已整改']]))).toEqual([
      {
        path: 'row 1, column 状态',
        message:
          'a second 状态 column (the first is column 状态); keep one, or map one by hand as columns.status',
        messageZh: '出现第二个“状态”列（已有“状态”列），请只保留一列，或用 columns.status 指定其一',
      },
    ]);
  });

  it('looks for the header in the first ten rows only', async () => {
    const titles = Array.from({ length: 10 }, (_, n) => [`标题${n + 1}`]);
    expect(itemsOf(await read([...titles.slice(1), HEADER, ROW]))).toHaveLength(1);
    expect(errorsOf(await read([...titles, HEADER, ROW]))).toEqual([
      {
        path: 'row 1',
        message:
          'no header row: expected columns such as 方面, 问题, 具体表现, 整改措施 (aspect, problem, item, measure)',
        messageZh: '找不到表头行：应包含“方面”“问题”“具体表现”“整改措施”等列',
      },
    ]);
  });

  it('names the first row holding text when there is no header', async () => {
    const bytes = Buffer.from('\n\n只有说明\n', 'utf8');
    expect(pathsOf(await parsePlanSpreadsheet(bytes, 'csv', { inspection: INSPECTION }))).toEqual(['row 3']);
  });

  it('says so when the ledger is empty', async () => {
    expect(errorsOf(await parsePlanSpreadsheet(Buffer.from(''), 'csv', { inspection: INSPECTION }))).toEqual([
      { path: 'row 1', message: 'the ledger sheet is empty', messageZh: '台账工作表为空' },
    ]);
  });

  it('names a missing column in the header’s language: Chinese when any header is Chinese', async () => {
    const english = ['aspect', 'problem', '具体表现', 'measure', 'done', 'status', 'leader', 'dept'];
    expect(pathsOf(await read([english, ROW.slice(0, 8)]))).toEqual(['row 1, column 完成时限']);
    const allEnglish = ['aspect', 'problem', 'item', 'measure', 'done', 'status', 'leader', 'dept'];
    expect(pathsOf(await read([allEnglish, ROW.slice(0, 8)]))).toEqual(['row 1, column deadline']);
  });
});

describe('columns mapped by hand', () => {
  it('take their column before detection, which then leaves it alone', async () => {
    // 工作进展 is a status name; mapped to progress here, so 状态 is the only status column.
    const header = [...HEADER, '工作进展'];
    const items = itemsOf(await read([header, [...ROW, '已开展']], { columns: { progress: '工作进展' } }));
    expect(items[0]).toMatchObject({ status: 'in_progress', progress: '已开展' });
  });

  it('are refused when the header lacks them, even when detection would find the field', async () => {
    expect(errorsOf(await read([HEADER, ROW], { columns: { deadline: '到期日' } }))).toEqual([
      {
        path: 'columns.deadline',
        message: 'no column 到期日 in the header row',
        messageZh: '表头行中没有“到期日”列',
      },
    ]);
  });

  it('are refused with the missing header when no header row is found at all', async () => {
    const result = await read([['说明'], ['另一行']], { columns: { deadline: '到期日' } });
    expect(pathsOf(result)).toEqual(['columns.deadline', 'row 1']);
  });

  it('are refused when not text', async () => {
    const columns = { deadline: 5 } as unknown as Record<string, string>;
    expect(errorsOf(await read([HEADER, ROW], { columns }))).toEqual([
      {
        path: 'columns.deadline',
        message: 'must name a column of the header row',
        messageZh: '须填写表头中的列名',
      },
    ]);
  });
});

describe('rows', () => {
  it('skips rows whose known columns are blank, whatever other columns hold', async () => {
    const header = [...HEADER, '备注'];
    const rows = [
      header,
      [...ROW, ''],
      ['', '', '', '', '', '', '', '', '', '只有备注'],
      [...ROW.slice(0, 3), '措施二', '是', '', '', '', '', ''],
    ];
    expect(itemsOf(await read(rows))[0]?.measures).toHaveLength(2);
  });

  it('does not continue a problem into a new aspect', async () => {
    const rows = [
      HEADER,
      ROW,
      ['方面二', '', '事项二', '措施', '否', '正在整改', '王强', '财务科', '2024-09-30'],
    ];
    expect(errorsOf(await read(rows))).toEqual([
      {
        path: 'row 3, column 问题',
        message: 'empty, and there is no row above for it to continue',
        messageZh: '为空，且上方没有可延续的内容',
      },
    ]);
  });

  it('does not continue an item into a new problem', async () => {
    const rows = [HEADER, ROW, ['', '问题二', '', '措施', '否', '正在整改', '王强', '财务科', '2024-09-30']];
    expect(pathsOf(await read(rows))).toEqual(['row 3, column 具体表现']);
  });

  it.each([
    ['an aspect', 0, '方面'],
    ['a problem', 1, '问题'],
    ['an item', 2, '具体表现'],
  ])('refuses %s title that comes back after other rows, at its column', async (_case, column, name) => {
    const other = [...ROW];
    other[column] = `${ROW[column]}之二`;
    const again = [...ROW];
    again[3] = '措施三';
    const errors = errorsOf(await read([HEADER, ROW, other, again]));
    expect(errors).toEqual([
      {
        path: `row 4, column ${name}`,
        message: 'this title appeared earlier with other rows in between; keep its rows together',
        messageZh: '该标题此前已出现且中间隔有其他行，请将同一标题的各行放在一起',
      },
    ]);
  });

  it('reads measures without a done column as not done', async () => {
    const header = HEADER.filter((name) => name !== '是否完成');
    const row = ROW.filter((_, n) => n !== 4);
    expect(itemsOf(await read([header, row]))[0]?.measures).toEqual([{ text: '措施一', done: false }]);
  });

  it('reads a date-like progress text as written: only the deadline is a date', async () => {
    const header = [...HEADER, '整改情况'];
    expect(itemsOf(await read([header, [...ROW, '2024年9月30日']]))[0]?.progress).toBe('2024年9月30日');
  });
});

describe('item fields over several rows', () => {
  const twoRows = (first: Partial<Record<number, string>>, second: Partial<Record<number, string>>) => {
    const header = [...HEADER, '整改情况'];
    const row = (values: Partial<Record<number, string>>, measure: string) =>
      header.map(
        (_, n) => values[n] ?? (n < 3 ? (ROW[n] as string) : n === 3 ? measure : n === 4 ? '否' : ''),
      );
    return read([header, row(first, '措施一'), row(second, '措施二')]);
  };
  const fields = { 5: '正在整改', 6: '王强', 7: '财务科', 8: '2024-09-30' };

  it.each([
    ['the same status in other words', '已整改', 'rectified', true],
    ['the same status and long-term flag', '已整改（长期坚持）', 'rectified 长期坚持', true],
    ['a long-term flag on one row only', '已整改（长期坚持）', '已整改', false],
    ['another status', '已整改', '已完成', false],
    ['two unknown labels', '进行', '推进', false],
    ['an unknown label and a known one', '进行', '已整改', false],
  ])('status: %s (%s, %s) agree: %s', async (_case, first, second, agree) => {
    const result = await twoRows({ ...fields, 5: first }, { 5: second });
    if (agree) expect(result.ok).toBe(true);
    else expect(pathsOf(result)).toContain('row 3, column 状态');
  });

  it('compares other fields as written, even when they read as the same status', async () => {
    const result = await twoRows({ ...fields, 9: '已完成' }, { 9: 'closed' });
    expect(errorsOf(result)).toEqual([
      {
        path: 'row 3, column 整改情况',
        message: '"closed" contradicts "已完成" given for the same item above',
        messageZh: '“closed”与同一事项上方填写的“已完成”不一致',
      },
    ]);
  });

  it('places an error in a field where it was first given', async () => {
    const result = await twoRows({ 5: '正在整改', 6: '王强', 7: '财务科' }, { 8: '明年' });
    expect(pathsOf(result)).toEqual(['row 3, column 完成时限']);
  });
});

describe('errors in the order of the file', () => {
  it('sorts the errors of a row by column, whoever found them', async () => {
    const header = [...HEADER.filter((name) => name !== '是否完成'), '是否完成'];
    const row = [...ROW.slice(0, 4), ...ROW.slice(5, 8), '明年', '也许'];
    expect(pathsOf(await read([header, row]))).toEqual(['row 2, column 完成时限', 'row 2, column 是否完成']);
  });

  it('says first what no place holds, then the file top to bottom', async () => {
    const rows = [HEADER, [...ROW.slice(0, 8), '明年']];
    const result = await parsePlanSpreadsheet(csvOf(rows), 'csv', {
      inspection: { ...INSPECTION, feedbackDate: undefined },
    });
    expect(pathsOf(result)).toEqual(['inspection.feedbackDate', 'row 2, column 完成时限']);
  });

  it('places an error on an aspect or problem title at its row', async () => {
    const long = 'x'.repeat(501);
    const rows = [HEADER, ROW, ['方面二', long, ...ROW.slice(2)], [long, '问题三', ...ROW.slice(2)]];
    expect(pathsOf(await read(rows))).toEqual(['row 3, column 问题', 'row 4, column 方面']);
  });
});

describe('what a preview shows', () => {
  it('the columns read, the header and the first five rows under it', async () => {
    const rows = [
      ['台账标题'],
      [...HEADER, '备注'],
      ...Array.from({ length: 6 }, (_, n) => [...ROW.slice(0, 3), `措施${n + 1}`, '否', ...ROW.slice(5), '']),
    ];
    rows.splice(2, 0, ['方面一']);
    const { layout } = await readPlanSpreadsheet(csvOf(rows), 'csv', { inspection: INSPECTION });
    expect(layout.columns).toEqual({
      aspect: '方面',
      problem: '问题',
      item: '具体表现',
      measure: '整改措施',
      measureDone: '是否完成',
      status: '状态',
      leader: '责任领导',
      dept: '责任科室',
      deadline: '完成时限',
    });
    expect(layout.header).toEqual([...HEADER, '备注']);
    expect(layout.sample).toHaveLength(5);
    expect(layout.sample[0]).toEqual({
      ...Object.fromEntries(Object.keys(layout.columns).map((f) => [f, ''])),
      aspect: '方面一',
    });
    expect(layout.sample[1]).toMatchObject({ measure: '措施1', deadline: '2024-09-30' });
  });

  it('nothing for a file it cannot read', async () => {
    const { result, layout } = await readPlanSpreadsheet(Buffer.from([0xff, 0xfe, 0x00]), 'csv');
    expect(result.ok).toBe(false);
    expect(layout).toEqual({ columns: {}, header: [], sample: [] });
  });
});

describe('the 基本信息 and 整改成效 sheets', () => {
  async function workbook(sheets: Record<string, (string | number)[][]>): Promise<Buffer> {
    const book = new ExcelJS.Workbook();
    for (const [name, rows] of Object.entries(sheets)) book.addWorksheet(name).addRows(rows);
    return Buffer.from(await book.xlsx.writeBuffer());
  }
  const inspectionRows = [
    ['字段', '内容'],
    ['名称', '测试巡察'],
    ['被巡察单位', '测试单位'],
    ['巡察组', '第一巡察组'],
    ['巡察开始', '2024年3月1日'],
    ['巡察结束', '2024-04-30'],
    ['反馈日期', '2024-06-01'],
    ['备注', '不是字段'],
    ['第一责任人', ''],
  ];

  it('reads the inspection from its label and value columns, passing other rows over', async () => {
    const bytes = await workbook({ 台账: [HEADER, ROW], 基本信息: inspectionRows });
    const result = await parsePlanSpreadsheet(bytes, 'xlsx');
    expect(result.ok && result.plan.inspection).toMatchObject({
      ...INSPECTION,
      inspectionStart: '2024-03-01',
    });
  });

  it('lets the options override a field of the sheet, and says so at the option', async () => {
    const bytes = await workbook({ 台账: [HEADER, ROW], 基本信息: inspectionRows });
    const result = await parsePlanSpreadsheet(bytes, 'xlsx', { inspection: { feedbackDate: '明天' } });
    expect(pathsOf(result)).toEqual(['inspection.feedbackDate']);
  });

  it('orders errors 基本信息, then the ledger, then 整改成效', async () => {
    const bytes = await workbook({
      整改成效: [
        ['类型', '数量'],
        ['表扬', 1],
      ],
      台账: [HEADER, [...ROW.slice(0, 8), '明年']],
      基本信息: inspectionRows.map((row) => (row[0] === '反馈日期' ? ['反馈日期', '昨天'] : row)),
    });
    expect(pathsOf(await parsePlanSpreadsheet(bytes, 'xlsx'))).toEqual([
      'sheet 基本信息, row 7, column B',
      'row 2, column 完成时限',
      'sheet 整改成效, row 2, column 类型',
    ]);
  });

  it('reads outcomes, with numbers as people write them and blank cells left out', async () => {
    const bytes = await workbook({
      台账: [HEADER, ROW],
      整改成效: [
        ['说明文字'],
        ['类型', '数量', '金额', '备注'],
        ['退缴', '2', '12,650 元', ''],
        ['免职', 1, '', '干部'],
      ],
    });
    const result = await parsePlanSpreadsheet(bytes, 'xlsx', { inspection: INSPECTION });
    expect(result.ok && result.plan.outcomes).toEqual([
      { kind: 'refund', count: 2, amountCny: 12650 },
      { kind: 'dismissal', count: 1, note: '干部' },
    ]);
  });

  it.each([
    ['a number with text before it', 'a12'],
    ['a number with text after it', '12a'],
  ])('refuses %s as a count', async (_case, count) => {
    const bytes = await workbook({
      台账: [HEADER, ROW],
      整改成效: [
        ['类型', '数量'],
        ['免职', count],
      ],
    });
    expect(errorsOf(await parsePlanSpreadsheet(bytes, 'xlsx', { inspection: INSPECTION }))).toEqual([
      {
        path: 'sheet 整改成效, row 2, column 数量',
        message: 'expected a number, got text',
        messageZh: '应为数字，实际为文本',
      },
    ]);
  });

  it('reads an empty 整改成效 sheet as no outcomes, and refuses one without a header', async () => {
    const empty = await workbook({ 台账: [HEADER, ROW], 整改成效: [] });
    const result = await parsePlanSpreadsheet(empty, 'xlsx', { inspection: INSPECTION });
    expect(result.ok && result.plan.outcomes).toEqual([]);
    const headless = await workbook({ 台账: [HEADER, ROW], 整改成效: [[], ['只有说明']] });
    expect(errorsOf(await parsePlanSpreadsheet(headless, 'xlsx', { inspection: INSPECTION }))).toEqual([
      {
        path: 'sheet 整改成效, row 2',
        message: 'no header row: expected columns 类型 (kind) and 数量 (count)',
        messageZh: '找不到表头行：应包含“类型”“数量”列',
      },
    ]);
  });
});
