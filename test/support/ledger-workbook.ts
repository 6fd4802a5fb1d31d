import { parse as parseCsv } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { unzip } from './docx.ts';

/** The ledger export's columns: headers (zh, en) and widths, as a reader should find them. */
export const LEDGER_HEADERS = {
  'zh-CN': [
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
    '编号',
    '是否逾期',
    '佐证材料数',
    '版本',
    '状态说明',
  ],
  en: [
    'aspect',
    'problem',
    'item',
    'measure',
    'measureDone',
    'status',
    'leader',
    'dept',
    'deadline',
    'progress',
    'ref',
    'overdue',
    'evidenceCount',
    'version',
    'statusNote',
  ],
} as const;
export const LEDGER_WIDTHS = [28, 28, 32, 36, 10, 16, 10, 14, 12, 40, 8, 8, 10, 6, 22];
/** The columns holding numbers (evidence count, version); every other cell is text. */
export const LEDGER_NUMBER_COLUMNS = [12, 13];

type CellValue = string | number | null;

export interface LedgerWorkbook {
  readonly sheetNames: string[];
  readonly header: CellValue[];
  readonly headerBold: boolean[];
  readonly frozen: { state?: string; xSplit?: number; ySplit?: number } | undefined;
  readonly widths: (number | undefined)[];
  /** The rows under the header, a value per column (null for an empty cell). */
  readonly rows: CellValue[][];
  /** Cells read as a formula, by address; none is expected. */
  readonly formulas: string[];
  /** The raw worksheet XML, for what a reader would hide (a `<f>` element). */
  readonly sheetXml: string;
}

/** An exported ledger workbook read back with exceljs (an independent reader). */
export async function readLedgerWorkbook(bytes: Uint8Array): Promise<LedgerWorkbook> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(Buffer.from(bytes) as never);
  const sheet = workbook.worksheets[0];
  if (!sheet) throw new Error('no worksheet');
  const columns = LEDGER_WIDTHS.length;
  const formulas: string[] = [];
  const valuesOf = (row: ExcelJS.Row): CellValue[] =>
    Array.from({ length: columns }, (_, index) => {
      const cell = row.getCell(index + 1);
      if (cell.type === ExcelJS.ValueType.Formula || cell.formula !== undefined) formulas.push(cell.address);
      const { value } = cell;
      if (value === null || value === undefined) return null;
      if (typeof value === 'string' || typeof value === 'number') return value;
      throw new Error(`${cell.address} holds ${JSON.stringify(value)}, not a string or a number`);
    });
  const rows: CellValue[][] = [];
  for (let number = 2; number <= sheet.rowCount; number++) rows.push(valuesOf(sheet.getRow(number)));
  const headerRow = sheet.getRow(1);
  const files = await unzip(bytes);
  return {
    sheetNames: workbook.worksheets.map((s) => s.name),
    header: valuesOf(headerRow),
    headerBold: Array.from(
      { length: columns },
      (_, index) => headerRow.getCell(index + 1).font?.bold === true,
    ),
    frozen: sheet.views?.[0] as LedgerWorkbook['frozen'],
    widths: Array.from({ length: columns }, (_, index) => sheet.getColumn(index + 1).width),
    rows,
    formulas,
    sheetXml: files.get('xl/worksheets/sheet1.xml') ?? '',
  };
}

/**
 * The CSV export's rows under its header, as the workbook should hold them: empty text is an
 * empty cell, the number columns are numbers, and the `'` the CSV puts before formula-like text
 * (ledgerCsv) is not there.
 */
export function ledgerCsvRows(csv: string): CellValue[][] {
  const [, ...rows] = parseCsv(csv, { bom: true }) as string[][];
  return rows.map((row) =>
    row.map((text, index) => {
      if (text === '') return null;
      if (LEDGER_NUMBER_COLUMNS.includes(index)) return Number(text);
      return text.replace(/^'(?=[=+\-@\t\r＝＋－＠])/, '');
    }),
  );
}
