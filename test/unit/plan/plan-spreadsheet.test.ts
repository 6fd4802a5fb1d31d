import { readFileSync } from 'node:fs';
import path from 'node:path';
import { stringify } from 'csv-stringify/sync';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { parsePlanJson, parsePlanSpreadsheet } from '#shared/domain/plan/index.ts';
import type { Plan, PlanError, PlanResult } from '#shared/domain/plan/model.ts';
import { LEDGER_HEADERS_ZH, planToCsv, planToXlsx } from '../../fixtures/plan-spreadsheet.ts';

const fixtures = path.resolve(import.meta.dirname, '../../fixtures');
const samplePlan: Plan = (() => {
  const result = parsePlanJson(JSON.parse(readFileSync(path.join(fixtures, 'plan.sample.json'), 'utf8')));
  if (!result.ok) throw new Error('the sample plan does not parse');
  return result.plan;
})();
/** What a CSV cannot hold, given beside it. */
const beside = { inspection: samplePlan.inspection, outcomes: samplePlan.outcomes };

/** The core ledger columns, 方面 … 整改情况 (without the optional 情况说明). */
const HEADER = LEDGER_HEADERS_ZH.slice(0, 10);
type Cell = ExcelJS.CellValue;
/** A ledger row in HEADER order; unnamed cells take a valid default. */
const row = (cells: Partial<Record<(typeof HEADER)[number], Cell>> = {}): Cell[] => {
  const defaults: Record<string, Cell> = {
    方面: '方面一',
    问题: '问题一',
    具体表现: '事项一',
    整改措施: '措施一',
    措施完成: '否',
    工作进展: '正在整改',
    责任领导: '王强',
    责任科室: '财务科',
    完成时限: '2024-09-30',
    整改情况: '',
  };
  return HEADER.map((name) => (name in cells ? cells[name] : defaults[name]) ?? '');
};

/** A workbook of the given sheets; `prepare` may merge cells or set values exceljs-style. */
async function workbook(
  sheets: Record<string, Cell[][]>,
  prepare: (book: ExcelJS.Workbook) => void = () => {},
): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  for (const [name, rows] of Object.entries(sheets)) {
    const sheet = book.addWorksheet(name);
    for (const cells of rows) sheet.addRow(cells);
  }
  prepare(book);
  return Buffer.from(await book.xlsx.writeBuffer());
}
const ledger = (...rows: Cell[][]) => workbook({ 台账: [HEADER, ...rows] });
const csv = (rows: readonly (readonly string[])[], bom = true) =>
  Buffer.from(`${bom ? '\uFEFF' : ''}${stringify(rows as string[][])}`, 'utf8');

const planOf = (result: PlanResult): Plan => {
  if (!result.ok) throw new Error(`expected a plan, got ${JSON.stringify(result.errors, null, 2)}`);
  return result.plan;
};
const errorsOf = (result: PlanResult): readonly PlanError[] => {
  if (result.ok) throw new Error('expected errors, got a plan');
  return result.errors;
};
const firstItem = (plan: Plan) => plan.aspects[0]?.problems[0]?.items[0];

describe('parsePlanSpreadsheet reads', () => {
  it('an XLSX 台账 — title row, merged cells, Excel dates, 基本信息 and 整改成效 — to the plan the JSON gives', async () => {
    const bytes = await planToXlsx(samplePlan);

    const result = await parsePlanSpreadsheet(bytes, 'xlsx');

    expect(result).toEqual({ ok: true, plan: samplePlan });
  });

  it('an XLSX whose item fields are only on each item’s first row to the same plan', async () => {
    const bytes = await planToXlsx(samplePlan, { itemFields: 'blank' });

    const result = await parsePlanSpreadsheet(bytes, 'xlsx');

    expect(result).toEqual({ ok: true, plan: samplePlan });
  });

  it('a CSV with a BOM and English headers, inspection and outcomes given beside it, to the same plan', async () => {
    const result = await parsePlanSpreadsheet(planToCsv(samplePlan), 'csv', beside);

    expect(result).toEqual({ ok: true, plan: samplePlan });
  });

  it('a CSV without a BOM', async () => {
    const bytes = planToCsv(samplePlan).subarray(3);

    const result = await parsePlanSpreadsheet(bytes, 'csv', beside);

    expect(result).toEqual({ ok: true, plan: samplePlan });
  });

  it('the committed Chinese CSV fixture to the sample plan', async () => {
    const bytes = readFileSync(path.join(fixtures, 'plan.sample.zh.csv'));

    const result = await parsePlanSpreadsheet(bytes, 'csv', beside);

    expect(result).toEqual({ ok: true, plan: samplePlan });
  });

  it('a 责任领导编号 column as each item’s responsibleLeaderId (two leaders may share a name)', async () => {
    const bytes = csv([
      [...HEADER, '责任领导编号'],
      [...row({ 具体表现: '事项甲', 责任领导: '王强' }), 'L-001'] as string[],
      [...row({ 具体表现: '事项乙', 责任领导: '王强' }), 'L-002'] as string[],
      [...row({ 具体表现: '事项丙', 责任领导: '王强' }), ''] as string[],
    ]);

    const result = await parsePlanSpreadsheet(bytes, 'csv', beside);

    expect(result.ok).toBe(true);
    const items = result.ok ? result.plan.aspects[0]?.problems[0]?.items : [];
    expect(items?.map((item) => [item.responsibleLeader, item.responsibleLeaderId])).toEqual([
      ['王强', 'L-001'],
      ['王强', 'L-002'],
      ['王强', undefined],
    ]);
  });

  it('headers with spaces, bracketed notes, full-width forms and any case', async () => {
    const bytes = csv([
      [
        ' 方面 ',
        '问题',
        '具体表现（事项）',
        'MEASURE',
        '措施完成(是/否)',
        '工作进展',
        '*责任领导',
        '责任科室',
        'ＤＥＡＤＬＩＮＥ',
        '整改\n情况',
      ],
      row({ 整改情况: '已推进' }) as string[],
    ]);

    const plan = planOf(await parsePlanSpreadsheet(bytes, 'csv', beside));

    expect(firstItem(plan)).toMatchObject({
      deadline: '2024-09-30',
      progress: '已推进',
      measures: [{ text: '措施一', done: false }],
    });
  });

  it('the sheet named 台账 wherever it is in the workbook', async () => {
    const bytes = await workbook({ 填表说明: [['请按表头填写']], 台账: [HEADER, row()] });

    const plan = planOf(await parsePlanSpreadsheet(bytes, 'xlsx', beside));

    expect(firstItem(plan)?.title).toBe('事项一');
  });

  it('the first sheet as the ledger when no sheet is named for it', async () => {
    const bytes = await workbook({ 基本信息: [['名称', '另一个名称']], Sheet1: [HEADER, row()] });

    const plan = planOf(
      await parsePlanSpreadsheet(bytes, 'xlsx', {
        inspection: { ...samplePlan.inspection, title: undefined },
      }),
    );

    expect([plan.inspection.title, firstItem(plan)?.title]).toEqual(['另一个名称', '事项一']);
  });

  it('a two-row header under a title row, as printed 台账 have', async () => {
    const upper = [...HEADER.slice(0, 6), '责任主体', '责任主体', ...HEADER.slice(8)];
    const bytes = await workbook({ 台账: [['巡察反馈问题整改工作台账'], upper, HEADER, row()] }, (book) => {
      const sheet = book.getWorksheet('台账');
      sheet?.mergeCells(1, 1, 1, HEADER.length);
      sheet?.mergeCells(2, 7, 2, 8);
      for (const column of [1, 2, 3, 4, 5, 6, 9, 10]) sheet?.mergeCells(2, column, 3, column);
    });

    const plan = planOf(await parsePlanSpreadsheet(bytes, 'xlsx', beside));

    expect(firstItem(plan)).toMatchObject({
      title: '事项一',
      responsibleLeader: '王强',
      responsibleDept: '财务科',
    });
  });

  it('a leader, department and deadline merged over two items as each item’s', async () => {
    const bytes = await workbook(
      { 台账: [HEADER, row(), row({ 具体表现: '事项二', 责任领导: '', 责任科室: '', 完成时限: '' })] },
      (book) => {
        const sheet = book.getWorksheet('台账');
        for (const column of [7, 8, 9]) sheet?.mergeCells(2, column, 3, column);
      },
    );

    const plan = planOf(await parsePlanSpreadsheet(bytes, 'xlsx', beside));

    const [one, two] = plan.aspects[0]?.problems[0]?.items ?? [];
    expect(two).toMatchObject({
      responsibleLeader: one?.responsibleLeader,
      responsibleDept: '财务科',
      deadline: '2024-09-30',
    });
  });

  it('blank cells on an item’s later rows from its first row, and blank titles from the row above', async () => {
    const bytes = await ledger(
      row({ 整改情况: '已推进' }),
      row({
        方面: '',
        问题: '',
        具体表现: '',
        整改措施: '措施二',
        措施完成: '是',
        工作进展: '',
        责任领导: '',
        责任科室: '',
        完成时限: '',
      }),
    );

    const plan = planOf(await parsePlanSpreadsheet(bytes, 'xlsx', beside));

    expect(plan.aspects).toEqual([
      {
        no: 1,
        title: '方面一',
        problems: [
          {
            no: 1,
            title: '问题一',
            items: [
              {
                no: 1,
                ref: '1.1.1',
                title: '事项一',
                status: 'in_progress',
                longTerm: false,
                responsibleLeader: '王强',
                responsibleDept: '财务科',
                deadline: '2024-09-30',
                progress: '已推进',
                measures: [
                  { text: '措施一', done: false },
                  { text: '措施二', done: true },
                ],
              },
            ],
          },
        ],
      },
    ]);
  });

  it('an item field first given on a later row of the item', async () => {
    const bytes = await ledger(row({ 整改情况: '' }), row({ 整改措施: '措施二', 整改情况: '已推进' }));

    const plan = planOf(await parsePlanSpreadsheet(bytes, 'xlsx', beside));

    expect(firstItem(plan)?.progress).toBe('已推进');
  });

  it('a later row repeating the item’s status in other words', async () => {
    const bytes = await ledger(
      row({ 工作进展: '已整改（长期坚持）' }),
      row({ 整改措施: '措施二', 工作进展: 'rectified 长期坚持', 完成时限: '2024年9月30日' }),
    );

    const plan = planOf(await parsePlanSpreadsheet(bytes, 'xlsx', beside));

    expect(firstItem(plan)).toMatchObject({ status: 'rectified', longTerm: true });
  });

  it('cells of every kind: rich text, formula results, numbers, booleans and hyperlinks', async () => {
    const bytes = await ledger(
      row({
        方面: { richText: [{ text: '方面' }, { font: { bold: true }, text: '一' }] },
        问题: { formula: 'CONCAT("问题","一")', result: '问题一' },
        具体表现: 2024,
        整改措施: { text: '措施一', hyperlink: 'https://example.org/measure' },
        措施完成: true,
      }),
    );

    const plan = planOf(await parsePlanSpreadsheet(bytes, 'xlsx', beside));

    expect([plan.aspects[0]?.title, plan.aspects[0]?.problems[0]?.title, firstItem(plan)?.title]).toEqual([
      '方面一',
      '问题一',
      '2024',
    ]);
    expect(firstItem(plan)?.measures).toEqual([{ text: '措施一', done: true }]);
  });

  it.each<[string, Cell, string]>([
    ['ISO', '2024-09-30', '2024-09-30'],
    ['slashes', '2024/9/30', '2024-09-30'],
    ['dots', '2024.9.30', '2024-09-30'],
    ['Chinese', '2024年9月30日', '2024-09-30'],
    ['Chinese, "by"', '2024年9月30日前', '2024-09-30'],
    ['full-width digits', '２０２４年９月３０日', '2024-09-30'],
    ['a time a CSV export appended', '2024-09-30 00:00:00', '2024-09-30'],
    ['month end', '2024年2月底', '2024-02-29'],
    ['an Excel date', new Date(Date.UTC(2024, 8, 30)), '2024-09-30'],
  ])('a deadline written as %s', async (_form, deadline, expected) => {
    const bytes = await ledger(row({ 完成时限: deadline }));

    const plan = planOf(await parsePlanSpreadsheet(bytes, 'xlsx', beside));

    expect(firstItem(plan)?.deadline).toBe(expected);
  });

  it.each([
    ['是', true],
    ['已完成', true],
    ['完成', true],
    ['√', true],
    ['✓', true],
    ['TRUE', true],
    ['Yes', true],
    ['1', true],
    ['否', false],
    ['未完成', false],
    ['未', false],
    ['×', false],
    ['X', false],
    ['false', false],
    ['no', false],
    ['0', false],
    ['', false],
  ])('the done mark "%s" as %s', async (mark, done) => {
    const bytes = csv([HEADER, row({ 措施完成: mark }) as string[]]);

    const plan = planOf(await parsePlanSpreadsheet(bytes, 'csv', beside));

    expect(firstItem(plan)?.measures).toEqual([{ text: '措施一', done }]);
  });

  it('a row with an empty measure cell as adding no measure', async () => {
    const bytes = await ledger(row({ 整改措施: '', 措施完成: '' }), row({ 具体表现: '事项二' }));

    const plan = planOf(await parsePlanSpreadsheet(bytes, 'xlsx', beside));

    expect(plan.aspects[0]?.problems[0]?.items.map((item) => item.measures.length)).toEqual([0, 1]);
  });

  it('an inspection sheet with English field names, the options overriding it', async () => {
    const bytes = await workbook({
      ledger: [HEADER, row()],
      inspection: [
        ['field', 'value'],
        ['Title', '市委巡察反馈意见整改'],
        ['inspectedUnit', '市卫生健康委员会'],
        ['inspectionGroup', '市委第一巡察组'],
        ['inspectionStart', new Date(Date.UTC(2024, 2, 4))],
        ['inspectionEnd', '2024/5/10'],
        ['feedbackDate', '2024年6月20日'],
        ['timezone', 'asia/urumqi'],
      ],
    });

    const plan = planOf(
      await parsePlanSpreadsheet(bytes, 'xlsx', {
        inspection: { id: 'given-apart', feedbackDate: '2024-06-21' },
      }),
    );

    expect(plan.inspection).toEqual({
      id: 'given-apart',
      title: '市委巡察反馈意见整改',
      inspectedUnit: '市卫生健康委员会',
      inspectionGroup: '市委第一巡察组',
      inspectionStart: '2024-03-04',
      inspectionEnd: '2024-05-10',
      feedbackDate: '2024-06-21',
      timezone: 'Asia/Urumqi',
    });
  });

  it('outcomes with Chinese kinds and amounts written with separators and 元', async () => {
    const bytes = await workbook({
      台账: [HEADER, row()],
      整改成效: [
        ['类型', '数量', '金额', '事项', '说明'],
        ['退缴', '1', '12,650 元', '1.1.1', '清退差旅费'],
        ['批评教育', 2, '', '', ''],
      ],
    });

    const plan = planOf(await parsePlanSpreadsheet(bytes, 'xlsx', { inspection: samplePlan.inspection }));

    expect(plan.outcomes).toEqual([
      { kind: 'refund', count: 1, amountCny: 12650, itemRef: '1.1.1', note: '清退差旅费' },
      { kind: 'criticism', count: 2 },
    ]);
  });
});

describe('parsePlanSpreadsheet refuses, naming row and column', () => {
  it('a bad deadline and an unknown status', async () => {
    const bytes = await ledger(row({ 完成时限: '明年' }), row({ 具体表现: '事项二', 工作进展: '快好了' }));

    const errors = errorsOf(await parsePlanSpreadsheet(bytes, 'xlsx', beside));

    expect(errors.map((e) => [e.path, e.message.slice(0, 20)])).toEqual([
      ['row 2, column 完成时限', 'expected YYYY-MM-DD '],
      ['row 3, column 工作进展', 'unknown status; acce'],
    ]);
  });

  it('each missing header column, in the file’s language', async () => {
    const chinese = await workbook({
      台账: [HEADER.filter((h) => h !== '责任科室' && h !== '完成时限'), row()],
    });
    const english = csv([
      ['aspect', 'problem', 'item', 'measure', 'status', 'leader', 'deadline'],
      ['a', 'p', 'i', 'm', 'closed', 'l', '2024-01-01'],
    ]);

    const zh = errorsOf(await parsePlanSpreadsheet(chinese, 'xlsx', beside));
    const en = errorsOf(await parsePlanSpreadsheet(english, 'csv', beside));

    expect(zh).toEqual([
      {
        path: 'row 1, column 责任科室',
        message:
          'the header has no 责任科室 (dept) column; if the file names it otherwise, map it as columns.dept',
        messageZh: '表头缺少“责任科室”（dept）列；如文件中该列另有名称，请用 columns.dept 指定',
      },
      {
        path: 'row 1, column 完成时限',
        message:
          'the header has no 完成时限 (deadline) column; if the file names it otherwise, map it as columns.deadline',
        messageZh: '表头缺少“完成时限”（deadline）列；如文件中该列另有名称，请用 columns.deadline 指定',
      },
    ]);
    expect(en.map((e) => e.path)).toEqual(['row 1, column dept']);
  });

  it('a conflicting leader in a later row of the same item', async () => {
    const bytes = await ledger(
      row(),
      row({ 方面: '', 问题: '', 具体表现: '', 整改措施: '措施二', 责任领导: '赵敏' }),
    );

    const errors = errorsOf(await parsePlanSpreadsheet(bytes, 'xlsx', beside));

    expect(errors).toEqual([
      {
        path: 'row 3, column 责任领导',
        message: '"赵敏" contradicts "王强" given for the same item above',
        messageZh: '“赵敏”与同一事项上方填写的“王强”不一致',
      },
    ]);
  });

  it('a title that comes back after other rows', async () => {
    const bytes = await ledger(
      row(),
      row({ 具体表现: '事项二' }),
      row({ 具体表现: '事项一', 整改措施: '措施三' }),
    );

    const errors = errorsOf(await parsePlanSpreadsheet(bytes, 'xlsx', beside));

    expect(errors.map((e) => [e.path, e.message])).toEqual([
      [
        'row 4, column 具体表现',
        'this title appeared earlier with other rows in between; keep its rows together',
      ],
    ]);
  });

  it('a blank title with no row above to continue', async () => {
    const bytes = await ledger(row({ 具体表现: '' }));

    const errors = errorsOf(await parsePlanSpreadsheet(bytes, 'xlsx', beside));

    expect(errors.map((e) => [e.path, e.message])).toEqual([
      ['row 2, column 具体表现', 'empty, and there is no row above for it to continue'],
    ]);
  });

  it('a done mark that is neither yes nor no', async () => {
    const bytes = await ledger(row({ 措施完成: '差不多' }));

    const errors = errorsOf(await parsePlanSpreadsheet(bytes, 'xlsx', beside));

    expect(errors.map((e) => e.path)).toEqual(['row 2, column 措施完成']);
  });

  it('what the JSON rules refuse, at the cell it came from', async () => {
    const bytes = await ledger(
      row({ 具体表现: '长'.repeat(501) }),
      row({ 具体表现: '事项二', 责任领导: '' }),
      row({ 具体表现: '事项三', 整改措施: '措'.repeat(2_001) }),
    );

    const errors = errorsOf(await parsePlanSpreadsheet(bytes, 'xlsx', beside));

    expect(errors.map((e) => [e.path, e.message])).toEqual([
      ['row 2, column 具体表现', 'must be at most 500 characters'],
      ['row 3, column 责任领导', 'must not be empty'],
      ['row 4, column 整改措施', 'must be at most 2000 characters'],
    ]);
  });

  it('using the header text as the file writes it', async () => {
    const bytes = csv([
      HEADER.map((h) => (h === '完成时限' ? ' 完成时限（年月日） ' : h)),
      row({ 完成时限: '九月' }) as string[],
    ]);

    const errors = errorsOf(await parsePlanSpreadsheet(bytes, 'csv', beside));

    expect(errors.map((e) => e.path)).toEqual(['row 2, column 完成时限（年月日）']);
  });

  it('every inspection field given nowhere, at its inspection path', async () => {
    const errors = errorsOf(await parsePlanSpreadsheet(planToCsv(samplePlan), 'csv'));

    expect(errors.map((e) => `${e.path}: ${e.message}`)).toEqual([
      'inspection.title: required',
      'inspection.inspectedUnit: required',
      'inspection.inspectionGroup: required',
      'inspection.inspectionStart: required',
      'inspection.inspectionEnd: required',
      'inspection.feedbackDate: required',
    ]);
  });

  it('a bad value on the 基本信息 sheet, at its row', async () => {
    const bytes = await workbook({
      台账: [HEADER, row()],
      基本信息: [
        ['名称', '巡察整改'],
        ['被巡察单位', '某单位'],
        ['巡察组', '第一巡察组'],
        ['巡察开始', '2024-03-04'],
        ['巡察结束', '2024-05-10'],
        ['反馈日期', '六月'],
      ],
    });

    const errors = errorsOf(await parsePlanSpreadsheet(bytes, 'xlsx'));

    expect(errors.map((e) => e.path)).toEqual(['sheet 基本信息, row 6, column B']);
  });

  it('bad outcomes on the 整改成效 sheet, at row and column', async () => {
    const bytes = await workbook({
      台账: [HEADER, row()],
      整改成效: [
        ['类型', '数量', '事项'],
        ['表扬', '1', ''],
        ['免职', '两人', '9.9.9'],
      ],
    });

    const errors = errorsOf(await parsePlanSpreadsheet(bytes, 'xlsx', { inspection: samplePlan.inspection }));

    expect(errors.map((e) => e.path)).toEqual([
      'sheet 整改成效, row 2, column 类型',
      'sheet 整改成效, row 3, column 数量',
      'sheet 整改成效, row 3, column 事项',
    ]);
  });

  it('an outcome sheet without its count column', async () => {
    const bytes = await workbook({
      台账: [HEADER, row()],
      整改成效: [
        ['类型', '说明'],
        ['免职', ''],
      ],
    });

    const errors = errorsOf(await parsePlanSpreadsheet(bytes, 'xlsx', { inspection: samplePlan.inspection }));

    expect(errors.map((e) => e.path)).toEqual(['sheet 整改成效, row 1, column 数量']);
  });

  it('all errors at once, in the order of the file', async () => {
    const bytes = await ledger(
      row({ 完成时限: '2024-02-30' }),
      row({ 整改措施: '措施二', 责任科室: '办公室', 完成时限: '' }),
      row({ 具体表现: '事项二', 工作进展: '?' }),
      row({ 具体表现: '事项三', 措施完成: '也许' }),
    );

    const errors = errorsOf(
      await parsePlanSpreadsheet(bytes, 'xlsx', { inspection: { ...samplePlan.inspection, id: 'X' } }),
    );

    expect(errors.map((e) => e.path)).toEqual([
      'inspection.id',
      'row 2, column 完成时限',
      'row 3, column 责任科室',
      'row 4, column 工作进展',
      'row 5, column 措施完成',
    ]);
  });

  it('a column that appears twice', async () => {
    const bytes = csv([
      [...HEADER, '责任领导'],
      [...(row() as string[]), '赵敏'],
    ]);

    const errors = errorsOf(await parsePlanSpreadsheet(bytes, 'csv', beside));

    expect(errors.map((e) => e.path)).toEqual(['row 1, column 责任领导']);
  });

  it('a ledger with a header and no rows', async () => {
    const errors = errorsOf(await parsePlanSpreadsheet(await ledger(), 'xlsx', beside));

    expect(errors).toEqual([
      { path: 'row 1', message: 'the ledger has no rows below its header', messageZh: '台账表头下没有内容' },
    ]);
  });

  it('a CSV that is not UTF-8 (GBK, as Excel saves it in a Chinese locale), advising how to save it', async () => {
    const gbk = Buffer.from([0xb7, 0xbd, 0xc3, 0xe6, 0x2c, 0xce, 0xca, 0xcc, 0xe2, 0x0a]); // 方面,问题

    const errors = errorsOf(await parsePlanSpreadsheet(gbk, 'csv'));

    expect(errors).toEqual([
      {
        path: '(file)',
        message: 'the CSV is not UTF-8 text; save it from Excel as "CSV UTF-8 (Comma delimited)"',
        messageZh: 'CSV 文件不是 UTF-8 编码，请在 Excel 中另存为“CSV UTF-8（逗号分隔）”',
      },
    ]);
  });

  it('bytes that are not a workbook', async () => {
    const errors = errorsOf(await parsePlanSpreadsheet(Buffer.from('not a zip'), 'xlsx'));

    expect(errors.map((e) => e.path)).toEqual(['(file)']);
  });
});
