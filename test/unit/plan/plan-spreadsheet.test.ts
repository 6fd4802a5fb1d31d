import { readFileSync } from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parsePlanJson, parsePlanSpreadsheet } from '#shared/domain/plan/index.ts';
import type { Plan } from '#shared/domain/plan/model.ts';
import { generatePlan } from '../../fixtures/generate-plan.ts';
import { planToCsv, planToXlsx } from '../../fixtures/plan-spreadsheet.ts';

const fixtures = path.resolve(import.meta.dirname, '../../fixtures');
const samplePlan = (() => {
  const result = parsePlanJson(JSON.parse(readFileSync(path.join(fixtures, 'plan.sample.json'), 'utf8')));
  if (!result.ok) throw new Error('sample plan does not parse');
  return result.plan;
})();
const inspectionFields = (plan: Plan) =>
  Object.fromEntries(Object.entries(plan.inspection).map(([key, value]) => [key, String(value)]));

async function workbookWith(rows: (string | Date)[][]): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('台账');
  for (const row of rows) sheet.addRow(row);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
const HEADER = [
  '方面',
  '问题',
  '具体表现',
  '整改措施',
  '措施完成',
  '工作进展',
  '责任领导',
  '责任科室',
  '完成时限',
  '整改情况',
];
const info = { ...inspectionFields(samplePlan), id: 'sheet-test' };

describe('parsePlanSpreadsheet', () => {
  it('reads an XLSX 台账 with merged cells, Chinese headers and dates to the same plan as the JSON', async () => {
    const result = await parsePlanSpreadsheet(await planToXlsx(samplePlan), 'xlsx');
    expect(result).toEqual({ ok: true, plan: samplePlan });
  });

  it('reads a CSV with a BOM and English headers to the same plan, inspection fields given apart', async () => {
    const result = await parsePlanSpreadsheet(planToCsv(samplePlan), 'csv', {
      inspection: inspectionFields(samplePlan),
    });
    expect(result).toEqual({ ok: true, plan: { ...samplePlan, outcomes: [] } });
  });

  it('reads the committed Chinese CSV fixture to the sample ledger', async () => {
    const result = await parsePlanSpreadsheet(
      readFileSync(path.join(fixtures, 'plan.sample.zh.csv')),
      'csv',
      {
        inspection: inspectionFields(samplePlan),
      },
    );
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    // The CSV fixture has no description column: compare the rest.
    const withoutDescriptions = (plan: Plan) =>
      plan.aspects.map((a) => ({
        ...a,
        problems: a.problems.map((p) => ({ ...p, items: p.items.map(({ description: _d, ...i }) => i) })),
      }));
    expect(withoutDescriptions(result.plan)).toEqual(withoutDescriptions(samplePlan));
  });

  it('round-trips any generated plan through XLSX and CSV (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 60 }),
        fc.integer({ min: 1, max: 10_000 }),
        async (items, seed) => {
          const parsed = parsePlanJson(generatePlan({ items, seed }));
          if (!parsed.ok) throw new Error('generated plan invalid');
          expect(await parsePlanSpreadsheet(await planToXlsx(parsed.plan), 'xlsx')).toEqual(parsed);
          expect(
            await parsePlanSpreadsheet(planToCsv(parsed.plan), 'csv', {
              inspection: inspectionFields(parsed.plan),
            }),
          ).toEqual({
            ok: true,
            plan: { ...parsed.plan, outcomes: [] },
          });
        },
      ),
      { numRuns: 15 },
    );
  });

  it('names row and column for a bad deadline and an unknown status', async () => {
    const bytes = await workbookWith([
      HEADER,
      ['方面一', '问题一', '事项一', '措施一', '是', '正在整改', '王强', '财务科', '明年', ''],
      ['方面一', '问题一', '事项二', '措施二', '否', '快好了', '王强', '财务科', '2024-09-30', ''],
    ]);
    const result = await parsePlanSpreadsheet(bytes, 'xlsx', { inspection: info });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.map((e) => e.path)).toEqual(['row 2, column 完成时限', 'row 3, column 工作进展']);
  });

  it('names each missing header column', async () => {
    const result = await parsePlanSpreadsheet(
      await workbookWith([HEADER.filter((h) => h !== '责任科室' && h !== '完成时限')]),
      'xlsx',
      { inspection: info },
    );
    expect(!result.ok && result.errors.map((e) => e.path)).toEqual([
      'row 1, column 责任科室/dept',
      'row 1, column 完成时限/deadline',
    ]);
  });

  it('refuses a later row of an item that contradicts its leader', async () => {
    const bytes = await workbookWith([
      HEADER,
      ['方面一', '问题一', '事项一', '措施一', '是', '正在整改', '王强', '财务科', '2024-09-30', ''],
      ['', '', '', '措施二', '否', '', '赵敏', '', '', ''],
    ]);
    const result = await parsePlanSpreadsheet(bytes, 'xlsx', { inspection: info });
    expect(!result.ok && result.errors.map((e) => e.path)).toEqual(['row 3, column 责任领导']);
  });

  it('accepts Excel date cells and dates written the Chinese way', async () => {
    const bytes = await workbookWith([
      HEADER,
      [
        '方面一',
        '问题一',
        '事项一',
        '措施一',
        '√',
        '正在整改',
        '王强',
        '财务科',
        new Date(Date.UTC(2024, 8, 30)),
        '',
      ],
      ['方面一', '问题一', '事项二', '', '', '未启动', '王强', '财务科', '2024年10月1日', ''],
    ]);
    const result = await parsePlanSpreadsheet(bytes, 'xlsx', { inspection: info });
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    expect(result.plan.aspects[0]?.problems[0]?.items.map((i) => i.deadline)).toEqual([
      '2024-09-30',
      '2024-10-01',
    ]);
    expect(result.plan.aspects[0]?.problems[0]?.items[1]?.measures).toEqual([]);
  });

  it('says which inspection fields are missing when the sheet has none', async () => {
    const result = await parsePlanSpreadsheet(planToCsv(samplePlan), 'csv');
    expect(!result.ok && result.errors.map((e) => e.path)).toEqual(
      expect.arrayContaining(['inspection.title', 'inspection.feedbackDate']),
    );
  });

  it('refuses bytes that are not a workbook', async () => {
    const result = await parsePlanSpreadsheet(Buffer.from('not a zip'), 'xlsx');
    expect(!result.ok && result.errors[0]?.path).toBe('(file)');
  });
});
