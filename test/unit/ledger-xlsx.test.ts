import { describe, expect, it } from 'vitest';
import { parsePlanSpreadsheet } from '#shared/domain/plan/index.ts';
import { type ExportItem, ledgerCsv, ledgerXlsx } from '#shared/reports/ledger-export.ts';
import {
  LEDGER_HEADERS,
  LEDGER_NUMBER_COLUMNS,
  LEDGER_WIDTHS,
  ledgerCsvRows,
  readLedgerWorkbook,
} from '../support/ledger-workbook.ts';
import { ledgerOf, samplePlan } from '../support/report-input.ts';

/** The ledger XLSX export (shared/reports/ledger-export.ts) read back by an independent reader. */

const { plan, inspection, items } = ledgerOf(samplePlan());
const [first, ...rest] = items;
if (!first) throw new Error('no items');
const FORMULA = '=HYPERLINK("http://evil.example","详情")';
const exported: ExportItem[] = [
  { ...first, progress: FORMULA, responsibleDept: '+财务科', version: -1, overdue: true },
  ...rest.map((item) => ({ ...item, overdue: false })),
];

describe('ledgerXlsx', () => {
  it.each(['zh-CN', 'en'] as const)(
    'writes one sheet with a bold, frozen header and the column widths (%s)',
    async (lang) => {
      const book = await readLedgerWorkbook(await ledgerXlsx(inspection, exported, lang));
      expect(book.sheetNames).toEqual([lang === 'en' ? 'ledger' : '台账']);
      expect(book.header).toEqual(LEDGER_HEADERS[lang]);
      expect(book.headerBold).toEqual(LEDGER_WIDTHS.map(() => true));
      expect(book.frozen).toMatchObject({ state: 'frozen', ySplit: 1 });
      expect(book.frozen?.xSplit ?? 0).toBe(0);
      expect(book.widths).toEqual(LEDGER_WIDTHS);
    },
  );

  it('holds the rows the CSV export holds, numbers as numbers and the rest as text', async () => {
    const book = await readLedgerWorkbook(await ledgerXlsx(inspection, exported, 'zh-CN'));
    const expected = ledgerCsvRows(ledgerCsv(inspection, exported, 'zh-CN'));
    // A row per measure: more rows than items.
    expect(expected.length).toBeGreaterThan(exported.length);
    expect(book.rows).toEqual(expected);
    for (const row of book.rows) {
      row.forEach((value, column) => {
        if (value === null) return;
        expect(typeof value, `column ${column}`).toBe(
          LEDGER_NUMBER_COLUMNS.includes(column) ? 'number' : 'string',
        );
      });
    }
    expect(book.rows[0]?.[13]).toBe(-1);
  });

  it('writes formula-like text as a string cell, never a formula', async () => {
    const bytes = await ledgerXlsx(inspection, exported, 'zh-CN');
    const book = await readLedgerWorkbook(bytes);
    expect(book.rows[0]?.[9]).toBe(FORMULA);
    expect(book.rows[0]?.[7]).toBe('+财务科');
    expect(book.formulas).toEqual([]);
    expect(book.sheetXml).toContain('<sheetData>');
    expect(book.sheetXml).not.toMatch(/<f[\s>]/);
    // The progress cell (J2) is a shared or inline string.
    expect(book.sheetXml).toMatch(/<c r="J2"[^>]*\bt="(s|inlineStr)"/);
  });

  it('an exported ledger still imports with the text as it was', async () => {
    const bytes = await ledgerXlsx(inspection, exported, 'zh-CN');
    const result = await parsePlanSpreadsheet(bytes, 'xlsx', { inspection: plan.inspection });
    if (!result.ok) throw new Error(JSON.stringify(result.errors.slice(0, 3)));
    expect(result.plan.aspects[0]?.problems[0]?.items[0]).toMatchObject({
      progress: FORMULA,
      responsibleDept: '+财务科',
    });
  });
});
