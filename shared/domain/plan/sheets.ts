import { parse as parseCsv } from 'csv-parse/sync';
import { cleanMultiline, isWellFormedText } from '../text.ts';
import { formatCount as number, SPREADSHEET_LIMITS, UnreadableFile } from './unreadable.ts';
import type { XlsxSheet } from './xlsx.ts';

export { SPREADSHEET_LIMITS, UnreadableFile };

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

/** 1 → A, 27 → AA, 16384 → XFD. */
export function columnLetters(column: number): string {
  let letters = '';
  for (let rest = column; rest > 0; rest = Math.floor((rest - 1) / 26))
    letters = String.fromCharCode(65 + ((rest - 1) % 26)) + letters;
  return letters;
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
  // No header or sheet name is this long; such a cell names nothing. Each bracket pattern stops at
  // the next opening bracket, so many unclosed ones cost linear time, not quadratic.
  if (text.length > 200) return '';
  return text
    .normalize('NFKC')
    .replace(/\([^()]*\)|\[[^[\]]*\]|【[^【】]*】/g, '')
    .replace(/[\s*]+/g, '')
    .toLowerCase();
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

/**
 * One cell's text, checked and cleaned the same way for XLSX and CSV: refused past Excel's length
 * limit (before any regex sees it) or when it is not well-formed Unicode; control and bidi
 * characters removed (line feeds and tabs kept: spreadsheet.ts makes single-line fields one
 * line); trimmed.
 */
function cellOf(raw: string, at: () => string): string {
  if (raw.length > SPREADSHEET_LIMITS.cellCharacters)
    throw new UnreadableFile(
      `the cell holds ${number(raw.length)} characters, more than ${number(SPREADSHEET_LIMITS.cellCharacters)} (Excel's limit)`,
      `单元格有 ${number(raw.length)} 个字符，超过 ${number(SPREADSHEET_LIMITS.cellCharacters)} 个（Excel 单元格上限）`,
      { place: at() },
    );
  if (!isWellFormedText(raw))
    throw new UnreadableFile(
      'the cell is not well-formed Unicode text',
      '单元格内容不是有效的 Unicode 文本',
      { place: at() },
    );
  return cleanMultiline(raw).trim();
}

/**
 * Where a spreadsheet error is: `row 3, column 完成时限` (or `column B`), with `sheet …, ` in front
 * except on the ledger, which every path is about. The one spelling of a place in errors.
 */
export const formatPlace = (place: {
  readonly sheet?: string;
  readonly row: number;
  readonly column?: string;
}) =>
  `${place.sheet ? `sheet ${place.sheet}, ` : ''}row ${place.row}${place.column ? `, column ${place.column}` : ''}`;

type PlaceOf = (row: number, column?: number) => string;
const placeIn =
  (sheet: string | undefined): PlaceOf =>
  (row, column) =>
    formatPlace({
      ...(sheet === undefined ? {} : { sheet }),
      row,
      ...(column === undefined ? {} : { column: columnLetters(column) }),
    });

/** Refuses text beyond the last row or column a plan may use, at its place. */
function checkPosition(row: number, column: number, placeOf: PlaceOf): void {
  if (row > SPREADSHEET_LIMITS.rows)
    throw new UnreadableFile(
      `text below row ${number(SPREADSHEET_LIMITS.rows)}, the last a plan may use`,
      `第 ${number(SPREADSHEET_LIMITS.rows)} 行以下还有内容，超出导入可读取的行数`,
      { place: placeOf(row, column) },
    );
  if (column > SPREADSHEET_LIMITS.columns)
    throw new UnreadableFile(
      `text right of column ${columnLetters(SPREADSHEET_LIMITS.columns)}, the last a plan may use`,
      `${columnLetters(SPREADSHEET_LIMITS.columns)} 列右侧还有内容，超出导入可读取的列数`,
      { place: placeOf(row, column) },
    );
}

/**
 * A sheet's text as it is read, cell by cell: each checked at its place and cleaned (cellOf) before
 * it is kept, so only cells that hold text take memory (never `columnCount` × rows, which a single
 * styled cell in column XFD would make 16,384 per row).
 */
class Grid {
  readonly rows = new Map<number, string[]>();
  lastRow = 0;
  lastColumn = 0;
  readonly placeOf: PlaceOf;
  constructor(placeOf: PlaceOf) {
    this.placeOf = placeOf;
  }

  add(row: number, column: number, raw: string): void {
    if (raw === '') return;
    checkPosition(row, column, this.placeOf);
    const text = cellOf(raw, () => this.placeOf(row, column));
    if (text === '') return;
    this.cellsOf(row)[column - 1] = text;
    this.lastRow = Math.max(this.lastRow, row);
    this.lastColumn = Math.max(this.lastColumn, column);
  }

  /** The cells of a row, which is made when it has none yet. */
  cellsOf(row: number): string[] {
    let cells = this.rows.get(row);
    if (!cells) {
      cells = [];
      this.rows.set(row, cells);
    }
    return cells;
  }

  /** The rows that hold text, in order, with empty strings for the cells between. */
  sheetRows(): Row[] {
    return [...this.rows]
      .sort(([a], [b]) => a - b)
      .map(([number, cells]) => ({ number, cells: Array.from(cells, (text) => text ?? '') }))
      .filter((row) => row.cells.some((text) => text !== ''));
  }
}

/**
 * A merged range keeps its value in the top-left cell; every cell it covers shares that value, so
 * a vertically merged 方面 or 责任领导 applies to each row it spans. Ranges are clipped to the rows
 * and columns that hold text (within the limits above), and their total area is capped before any
 * is applied; overlapping ones (which Excel never writes) are refused.
 */
function applyMerges(sheetName: string, grid: Grid, merges: readonly string[]): void {
  const { placeOf, lastRow, lastColumn } = grid;
  const areas: { top: number; left: number; bottom: number; right: number }[] = [];
  let covered = 0;
  for (const range of merges) {
    const area = decodeRange(range);
    if (!area) continue;
    if (area.bottom > SPREADSHEET_LIMITS.rows || area.right > SPREADSHEET_LIMITS.columns)
      throw new UnreadableFile(
        `merged range ${range} reaches beyond row ${number(SPREADSHEET_LIMITS.rows)} or column ${columnLetters(SPREADSHEET_LIMITS.columns)}, the last a plan may use`,
        `合并区域 ${range} 超出导入可读取的范围（第 ${number(SPREADSHEET_LIMITS.rows)} 行、${columnLetters(SPREADSHEET_LIMITS.columns)} 列）`,
        { place: placeOf(area.top, area.left) },
      );
    if (area.top > lastRow || area.left > lastColumn) continue;
    const bottom = Math.min(area.bottom, lastRow);
    const right = Math.min(area.right, lastColumn);
    covered += (bottom - area.top + 1) * (right - area.left + 1);
    if (covered > SPREADSHEET_LIMITS.mergedCells)
      throw new UnreadableFile(
        `merged cells (${range} and those before it) cover more than ${number(SPREADSHEET_LIMITS.mergedCells)} cells`,
        `合并单元格（${range} 及其之前的合并区域）覆盖超过 ${number(SPREADSHEET_LIMITS.mergedCells)} 个单元格`,
        { place: placeOf(area.top, area.left) },
      );
    if (covered > lastRow * lastColumn)
      throw new UnreadableFile(
        `sheet ${sheetName} has overlapping merged cells`,
        `工作表“${sheetName}”的合并单元格相互重叠`,
        { place: placeOf(area.top, area.left) },
      );
    areas.push({ ...area, bottom, right });
  }
  for (const area of areas) {
    const value = grid.rows.get(area.top)?.[area.left - 1] ?? '';
    for (let row = area.top; row <= area.bottom; row++) {
      const cells = grid.cellsOf(row);
      for (let column = area.left; column <= area.right; column++) cells[column - 1] = value;
    }
  }
}

async function sheetOf(sheet: XlsxSheet, placeOf: PlaceOf): Promise<Sheet> {
  const grid = new Grid(placeOf);
  const merges = await sheet.cells((row, column, raw) => grid.add(row, column, raw));
  applyMerges(sheet.name, grid, merges);
  return { name: sheet.name, rows: grid.sheetRows() };
}

async function readXlsx(bytes: Uint8Array): Promise<Workbook> {
  // Loaded on demand: a CSV plan needs none of the XLSX reader (yauzl, saxes).
  const { openXlsx } = await import('./xlsx.ts');
  let workbook: Awaited<ReturnType<typeof openXlsx>> | undefined;
  try {
    workbook = await openXlsx(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    const { sheets } = workbook;
    const named = (names: readonly string[]) =>
      sheets.find((sheet) => names.includes(normaliseName(sheet.name)));
    const inspection = named(SHEET_NAMES.inspection);
    const outcomes = named(SHEET_NAMES.outcomes);
    // Without a sheet named as a ledger, the first sheet that is not one of the others is it.
    const ledger =
      named(SHEET_NAMES.ledger) ?? sheets.find((sheet) => sheet !== inspection && sheet !== outcomes);
    const read = (sheet: XlsxSheet) => sheetOf(sheet, placeIn(sheet === ledger ? undefined : sheet.name));
    return {
      ledger: ledger ? await read(ledger) : { rows: [] },
      ...(inspection ? { inspection: await read(inspection) } : {}),
      ...(outcomes ? { outcomes: await read(outcomes) } : {}),
    };
  } catch (cause) {
    if (cause instanceof UnreadableFile) throw cause;
    throw new UnreadableFile(
      `not a readable XLSX workbook (${(cause as Error).message})`,
      '无法读取该 XLSX 工作簿，请确认文件为 Excel 2007 及以上格式（.xlsx）',
      { cause },
    );
  } finally {
    workbook?.close();
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
  const grid = new Grid(placeIn(undefined));
  const exported = records.slice(0, 10).some(isLedgerExportHeader);
  for (const [index, record] of records.entries())
    for (const [position, raw] of record.entries())
      grid.add(index + 1, position + 1, exported ? unescapeFormula(raw) : raw);
  return { ledger: { rows: grid.sheetRows() } };
}

/**
 * The header of a ledger this system exported (shared/reports/ledger-export.ts): the import
 * columns followed by the export's own, 佐证材料数 and 是否逾期 (evidenceCount, overdue) among
 * them. Only such a file had its formula-like cells escaped, so only there is a leading `'`
 * the export's and not the author's.
 */
function isLedgerExportHeader(cells: readonly string[]): boolean {
  const names = new Set(cells.map((cell) => normaliseName(cell)));
  return (
    (names.has('佐证材料数') || names.has('evidencecount')) && (names.has('是否逾期') || names.has('overdue'))
  );
}

/**
 * A cell as it was before the ledger export escaped it as a formula: it writes `=HYPERLINK(…)`
 * as `'=HYPERLINK(…)` so that a spreadsheet does not run it; taking the `'` off again lets an
 * exported ledger import unchanged.
 */
function unescapeFormula(raw: string): string {
  return /^'[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/.test(raw) ? raw.slice(1) : raw;
}

/** Reads the sheets of a plan spreadsheet; throws UnreadableFile for bytes it cannot read. */
export function readWorkbook(bytes: Uint8Array, kind: 'xlsx' | 'csv'): Promise<Workbook> {
  return kind === 'csv' ? Promise.resolve().then(() => readCsv(bytes)) : readXlsx(bytes);
}
