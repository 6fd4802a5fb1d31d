import { parse as parseCsv } from 'csv-parse/sync';
import ExcelJS from 'exceljs';

/**
 * Spreadsheet bytes as grids of trimmed text: the ledger sheet and, in a workbook, the optional
 * 基本信息 and 整改成效 sheets. Everything about what the cells mean is in spreadsheet.ts.
 */

export interface Row {
  /** The row number a person sees in Excel (1-based; for CSV, the record number). */
  readonly number: number;
  readonly cells: readonly string[];
}

export interface Sheet {
  /** The sheet's name as written in the workbook; undefined for CSV. */
  readonly name?: string;
  readonly rows: readonly Row[];
}

export interface Workbook {
  readonly ledger: Sheet;
  readonly inspection?: Sheet;
  readonly outcomes?: Sheet;
}

/** Thrown for bytes that are not a readable file of the kind given. */
export class UnreadableFile extends Error {
  readonly messageZh: string;
  constructor(message: string, messageZh: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'UnreadableFile';
    this.messageZh = messageZh;
  }
}

const SHEET_NAMES = {
  ledger: ['台账', '工作台账', '整改台账', 'ledger'],
  inspection: ['基本信息', 'inspection'],
  outcomes: ['整改成效', 'outcomes'],
} as const;

/**
 * Header and sheet names as people write them: full-width forms (（）, ＡＢ), spaces, line
 * breaks, case, a required-mark * and a bracketed note ("完成时限（年月日）") do not matter.
 */
export function normaliseName(text: string): string {
  return text
    .normalize('NFKC')
    .replace(/\([^)]*\)|\[[^\]]*\]|【[^】]*】/g, '')
    .replace(/[\s*]+/g, '')
    .toLowerCase();
}

/** The text of one cell, whatever exceljs holds in it. */
function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) {
    // exceljs reads a date cell as UTC midnight of its calendar date, so the UTC date is the
    // date the person typed, whatever zone this code runs in.
    return Number.isNaN(value.getTime()) ? '' : value.toISOString().slice(0, 10);
  }
  if (typeof value !== 'object') return String(value).trim();
  if ('richText' in value)
    return value.richText
      .map((part) => part.text)
      .join('')
      .trim();
  if ('result' in value) return cellText(value.result as ExcelJS.CellValue);
  if ('formula' in value || 'sharedFormula' in value) return ''; // a formula never calculated
  if ('hyperlink' in value) return cellText(value.text as ExcelJS.CellValue);
  if ('error' in value) return String(value.error);
  return '';
}

/** `B2:B5` (or `$B$2`) → its corners, 1-based. */
function decodeRange(range: string) {
  const match = /^\$?([A-Z]{1,3})\$?(\d+)(?::\$?([A-Z]{1,3})\$?(\d+))?$/i.exec(range.trim());
  if (!match) return undefined;
  const column = (letters: string) =>
    [...letters.toUpperCase()].reduce((sum, letter) => sum * 26 + letter.charCodeAt(0) - 64, 0);
  const [, left, top, right = left, bottom = top] = match as unknown as [
    string,
    string,
    string,
    string?,
    string?,
  ];
  return {
    top: Math.min(Number(top), Number(bottom)),
    bottom: Math.max(Number(top), Number(bottom)),
    left: Math.min(column(left), column(right)),
    right: Math.max(column(left), column(right)),
  };
}

function sheetOf(worksheet: ExcelJS.Worksheet, merges: readonly string[] = []): Sheet {
  const width = worksheet.columnCount;
  const height = worksheet.rowCount;
  const grid = new Map<number, string[]>();
  worksheet.eachRow({ includeEmpty: false }, (row, number) => {
    const cells: string[] = [];
    for (let column = 1; column <= width; column++) {
      const cell = row.getCell(column);
      // Only when exceljs applied the merges itself (see takeMerges) do cells know their master.
      cells.push(cellText(cell.isMerged ? cell.master.value : cell.value));
    }
    grid.set(number, cells);
  });
  // A merged range keeps its value in the top-left cell; every cell it covers shares that value,
  // so a vertically merged 方面 or 责任领导 applies to each row it spans. Ranges are clipped to
  // the sheet, and overlapping ones (which Excel never writes) refused, to bound the work.
  let covered = 0;
  for (const range of merges) {
    const area = decodeRange(range);
    if (!area) continue;
    const value = grid.get(area.top)?.[area.left - 1] ?? '';
    const bottom = Math.min(area.bottom, height);
    const right = Math.min(area.right, width);
    covered += Math.max(0, bottom - area.top + 1) * Math.max(0, right - area.left + 1);
    if (covered > height * width)
      throw new UnreadableFile(
        `sheet ${worksheet.name} has overlapping merged cells`,
        `工作表“${worksheet.name}”的合并单元格相互重叠`,
      );
    for (let number = area.top; number <= bottom; number++) {
      const cells = grid.get(number) ?? Array.from({ length: width }, () => '');
      grid.set(number, cells);
      for (let column = area.left; column <= right; column++) cells[column - 1] = value;
    }
  }
  const rows = [...grid]
    .sort(([a], [b]) => a - b)
    .map(([number, cells]) => ({ number, cells }))
    .filter((row) => row.cells.some((text) => text !== ''));
  return { name: worksheet.name, rows };
}

/**
 * exceljs 4.4 applies each merged range by scanning every range applied before it, so loading a
 * 2,000-item 台账 with merged columns took over ten seconds, and 20,000 items would take hours.
 * This takes the ranges out of the parsed model just before exceljs applies them (its
 * XLSX#reconcile step), for sheetOf to apply in linear time. Should a later exceljs lack that
 * step, nothing is taken and exceljs applies the merges itself: slow, but still correct.
 */
function takeMerges(workbook: ExcelJS.Workbook): Map<number, string[]> {
  type Model = { worksheets?: { id: number; mergeCells?: unknown }[] };
  const merges = new Map<number, string[]>();
  const xlsx = workbook.xlsx as unknown as { reconcile?: (model: Model, options: unknown) => void };
  const reconcile = xlsx.reconcile;
  if (typeof reconcile !== 'function') return merges;
  xlsx.reconcile = function (this: unknown, model: Model, options: unknown) {
    reconcile.call(this, model, options);
    for (const sheet of model.worksheets ?? []) {
      if (!Array.isArray(sheet.mergeCells)) continue;
      merges.set(
        sheet.id,
        sheet.mergeCells.filter((range): range is string => typeof range === 'string'),
      );
      sheet.mergeCells = [];
    }
  };
  return merges;
}

async function readXlsx(bytes: Uint8Array): Promise<Workbook> {
  try {
    const workbook = new ExcelJS.Workbook();
    const merges = takeMerges(workbook);
    await workbook.xlsx.load(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) as never);
    const named = (names: readonly string[]) =>
      workbook.worksheets.find((sheet) => names.includes(normaliseName(sheet.name)));
    const inspection = named(SHEET_NAMES.inspection);
    const outcomes = named(SHEET_NAMES.outcomes);
    // Without a sheet named as a ledger, the first sheet that is not one of the others is it.
    const ledger =
      named(SHEET_NAMES.ledger) ??
      workbook.worksheets.find((sheet) => sheet !== inspection && sheet !== outcomes);
    const read = (sheet: ExcelJS.Worksheet) => sheetOf(sheet, merges.get(sheet.id));
    return {
      ledger: ledger ? read(ledger) : { rows: [] },
      ...(inspection ? { inspection: read(inspection) } : {}),
      ...(outcomes ? { outcomes: read(outcomes) } : {}),
    };
  } catch (cause) {
    if (cause instanceof UnreadableFile) throw cause;
    throw new UnreadableFile(
      `not a readable XLSX workbook (${(cause as Error).message})`,
      '无法读取该 XLSX 工作簿，请确认文件为 Excel 2007 及以上格式（.xlsx）',
      { cause },
    );
  }
}

function readCsv(bytes: Uint8Array): Workbook {
  let text: string;
  try {
    // Strict UTF-8 (a BOM is dropped): Excel's "CSV" in a Chinese locale is GBK, which must be
    // refused with advice rather than imported as mojibake.
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (cause) {
    throw new UnreadableFile(
      'the CSV is not UTF-8 text; save it from Excel as "CSV UTF-8 (Comma delimited)"',
      'CSV 文件不是 UTF-8 编码，请在 Excel 中另存为“CSV UTF-8（逗号分隔）”',
      { cause },
    );
  }
  let records: string[][];
  try {
    records = parseCsv(text, { relax_column_count: true, relax_quotes: true, skip_empty_lines: false });
  } catch (cause) {
    throw new UnreadableFile(
      `not a readable CSV file (${(cause as Error).message})`,
      '无法读取该 CSV 文件，请检查引号与分隔符',
      { cause },
    );
  }
  const rows = records
    .map((cells, index) => ({ number: index + 1, cells: cells.map((cell) => cell.trim()) }))
    .filter((row) => row.cells.some((cell) => cell !== ''));
  return { ledger: { rows } };
}

/** Reads the sheets of a plan spreadsheet; throws UnreadableFile for bytes it cannot read. */
export function readWorkbook(bytes: Uint8Array, kind: 'xlsx' | 'csv'): Promise<Workbook> {
  return kind === 'csv' ? Promise.resolve().then(() => readCsv(bytes)) : readXlsx(bytes);
}
