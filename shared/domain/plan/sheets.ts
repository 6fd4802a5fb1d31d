import { parse as parseCsv } from 'csv-parse/sync';
import type ExcelJS from 'exceljs';
import yauzl from 'yauzl';
import { cleanMultiline, isWellFormedText } from '../text.ts';

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

/**
 * Thrown for bytes that are not a readable file of the kind given, or that exceed a limit;
 * `place` says where (`row 14, column XFD`, `sheet 基本信息, row 3, column B`), `(file)` when
 * the whole file is at fault.
 */
export class UnreadableFile extends Error {
  readonly messageZh: string;
  readonly place: string;
  constructor(message: string, messageZh: string, options?: { cause?: unknown; place?: string }) {
    super(message, options);
    this.name = 'UnreadableFile';
    this.messageZh = messageZh;
    this.place = options?.place ?? '(file)';
  }
}

/**
 * What a plan spreadsheet may hold. A 5 KB workbook can declare a cell in column XFD (16,384),
 * row 1,048,576, a merge over the whole sheet, or a ZIP part that inflates to gigabytes; each
 * limit is checked before anything is expanded or inflated, so such a file is refused at once
 * with memory flat. The largest plan (20,000 items, plan README) stays well inside them.
 */
export const SPREADSHEET_LIMITS = {
  /** Parts in the XLSX ZIP (a workbook has a dozen or two). */
  zipEntries: 1_000,
  /** Bytes one part may inflate to (a 20,000-item 台账's sheet is about 17 MiB). */
  zipEntryBytes: 64 * 1024 * 1024,
  /** Bytes all parts together may inflate to. */
  zipTotalBytes: 100 * 1024 * 1024,
  /** The last row that may hold text (a row per measure). */
  rows: 200_000,
  /** The last column that may hold text (a 台账 has about a dozen; column GR). */
  columns: 200,
  /** Cells all merged ranges of a sheet may cover, after clipping to the text. */
  mergedCells: 4_000_000,
  /** Characters in one cell: Excel's own limit, so nothing Excel wrote is refused. */
  cellCharacters: 32_767,
} as const;

const number = (value: number) => value.toLocaleString('en-US');

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

/** The raw text of one cell, whatever exceljs holds in it (checked and cleaned by cellOf). */
function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) {
    // exceljs reads a date cell as UTC midnight of its calendar date, so the UTC date is the
    // date the person typed, whatever zone this code runs in.
    return Number.isNaN(value.getTime()) ? '' : value.toISOString().slice(0, 10);
  }
  if (typeof value !== 'object') return String(value);
  if ('richText' in value) return value.richText.map((part) => part.text).join('');
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

function sheetOf(worksheet: ExcelJS.Worksheet, merges: readonly string[], placeOf: PlaceOf): Sheet {
  // Only cells that hold text are visited (never `columnCount` × rows, which a single styled cell
  // in column XFD makes 16,384 per row), and each is checked before it is kept.
  const grid = new Map<number, string[]>();
  let lastRow = 0;
  let lastColumn = 0;
  worksheet.eachRow({ includeEmpty: false }, (row, rowNumber) => {
    const cells: string[] = [];
    row.eachCell({ includeEmpty: false }, (cell, column) => {
      // Only when exceljs applied the merges itself (see takeMerges) do cells know their master.
      const raw = cellText(cell.isMerged ? cell.master.value : cell.value);
      if (raw === '') return;
      checkPosition(rowNumber, column, placeOf);
      const text = cellOf(raw, () => placeOf(rowNumber, column));
      if (text === '') return;
      cells[column - 1] = text;
      lastColumn = Math.max(lastColumn, column);
    });
    if (cells.length === 0) return;
    grid.set(rowNumber, cells);
    lastRow = Math.max(lastRow, rowNumber);
  });
  // A merged range keeps its value in the top-left cell; every cell it covers shares that value,
  // so a vertically merged 方面 or 责任领导 applies to each row it spans. Ranges are clipped to
  // the rows and columns that hold text (within the limits above), and their total area is
  // capped before any is applied; overlapping ones (which Excel never writes) are refused.
  const areas: { top: number; left: number; bottom: number; right: number; range: string }[] = [];
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
        `sheet ${worksheet.name} has overlapping merged cells`,
        `工作表“${worksheet.name}”的合并单元格相互重叠`,
        { place: placeOf(area.top, area.left) },
      );
    areas.push({ ...area, bottom, right, range });
  }
  for (const area of areas) {
    const value = grid.get(area.top)?.[area.left - 1] ?? '';
    for (let rowNumber = area.top; rowNumber <= area.bottom; rowNumber++) {
      const cells = grid.get(rowNumber) ?? [];
      grid.set(rowNumber, cells);
      for (let column = area.left; column <= area.right; column++) cells[column - 1] = value;
    }
  }
  const rows = [...grid]
    .sort(([a], [b]) => a - b)
    .map(([rowNumber, cells]) => ({ number: rowNumber, cells: Array.from(cells, (text) => text ?? '') }))
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

/** The next entry of a yauzl ZIP opened with lazyEntries, or undefined at its end. */
function nextEntry(zip: yauzl.ZipFile): Promise<yauzl.Entry | undefined> {
  return new Promise((resolve, reject) => {
    const settle = (done: () => void) => {
      zip.off('entry', onEntry).off('end', onEnd).off('error', onError);
      done();
    };
    const onEntry = (entry: yauzl.Entry) => settle(() => resolve(entry));
    const onEnd = () => settle(() => resolve(undefined));
    const onError = (error: Error) => settle(() => reject(error));
    zip.on('entry', onEntry).on('end', onEnd).on('error', onError);
    zip.readEntry();
  });
}

/**
 * Checks the XLSX ZIP before exceljs inflates it (exceljs inflates every part whole, trusting
 * nothing and checking nothing): at most so many parts, each declaring an uncompressed size
 * within the limits, and each inflating — streamed here, a chunk at a time, and thrown away — to
 * no more than it declares. A part that lies about its size is stopped at the first byte past it.
 */
async function checkZip(buffer: Buffer): Promise<void> {
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
    // Sizes are counted below, to say which part lied; yauzl's own check would only throw.
    yauzl.fromBuffer(buffer, { lazyEntries: true, validateEntrySizes: false }, (error, opened) =>
      error ? reject(error) : resolve(opened),
    ),
  );
  const limits = SPREADSHEET_LIMITS;
  const tooBig = (what: string, whatZh: string, bytes: number, limit: number) =>
    new UnreadableFile(
      `${what} inflates to ${number(bytes)} bytes, more than the ${number(limit)} a plan workbook may hold`,
      `${whatZh}解压后为 ${number(bytes)} 字节，超过计划工作簿允许的 ${number(limit)} 字节`,
    );
  try {
    let entries = 0;
    let declared = 0;
    for (let entry = await nextEntry(zip); entry; entry = await nextEntry(zip)) {
      if (++entries > limits.zipEntries)
        throw new UnreadableFile(
          `the workbook has more than ${number(limits.zipEntries)} parts`,
          `工作簿包含超过 ${number(limits.zipEntries)} 个部件`,
        );
      const name = entry.fileName;
      if (entry.uncompressedSize > limits.zipEntryBytes)
        throw tooBig(`part ${name}`, `部件 ${name} `, entry.uncompressedSize, limits.zipEntryBytes);
      declared += entry.uncompressedSize;
      if (declared > limits.zipTotalBytes)
        throw tooBig('the workbook', '工作簿', declared, limits.zipTotalBytes);
      if (name.endsWith('/')) continue;
      const stream = await new Promise<NodeJS.ReadableStream>((resolve, reject) =>
        zip.openReadStream(entry as yauzl.Entry, (error, opened) =>
          error ? reject(error) : resolve(opened),
        ),
      );
      let inflated = 0;
      for await (const chunk of stream) {
        inflated += (chunk as Buffer).length;
        if (inflated > entry.uncompressedSize) {
          (stream as unknown as { destroy(): void }).destroy();
          throw new UnreadableFile(
            `part ${name} inflates to more than the ${number(entry.uncompressedSize)} bytes it declares`,
            `部件 ${name} 解压后超过其声明的 ${number(entry.uncompressedSize)} 字节，文件已损坏或被篡改`,
          );
        }
      }
      if (inflated !== entry.uncompressedSize)
        throw new UnreadableFile(
          `part ${name} inflates to ${number(inflated)} bytes, not the ${number(entry.uncompressedSize)} it declares`,
          `部件 ${name} 解压后为 ${number(inflated)} 字节，与其声明的 ${number(entry.uncompressedSize)} 字节不符`,
        );
    }
  } finally {
    zip.close();
  }
}

/**
 * Worksheet parts exceljs need not read for text. dataValidations in particular: exceljs expands
 * each validated range to one entry per cell, so `sqref="A1:XFD1048576"` alone would never end.
 */
const IGNORED_NODES = [
  'dataValidations',
  'conditionalFormatting',
  'cols',
  'autoFilter',
  'rowBreaks',
  'pageMargins',
  'pageSetup',
  'headerFooter',
  'printOptions',
  'picture',
  'drawing',
  'sheetProtection',
  'tableParts',
  'extLst',
];

async function readXlsx(bytes: Uint8Array): Promise<Workbook> {
  try {
    const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    await checkZip(buffer);
    // Loaded on demand, and only exceljs's Workbook (shared/exceljs-parts.d.ts says why).
    const { default: Workbook } = await import('exceljs/lib/doc/workbook.js');
    const workbook = new Workbook();
    const merges = takeMerges(workbook);
    await workbook.xlsx.load(buffer as never, { ignoreNodes: IGNORED_NODES });
    const named = (names: readonly string[]) =>
      workbook.worksheets.find((sheet) => names.includes(normaliseName(sheet.name)));
    const inspection = named(SHEET_NAMES.inspection);
    const outcomes = named(SHEET_NAMES.outcomes);
    // Without a sheet named as a ledger, the first sheet that is not one of the others is it.
    const ledger =
      named(SHEET_NAMES.ledger) ??
      workbook.worksheets.find((sheet) => sheet !== inspection && sheet !== outcomes);
    const read = (sheet: ExcelJS.Worksheet) =>
      sheetOf(sheet, merges.get(sheet.id) ?? [], placeIn(sheet === ledger ? undefined : sheet.name));
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
  const placeOf = placeIn(undefined);
  const exported = records.slice(0, 10).some(isLedgerExportHeader);
  const rows: Row[] = [];
  records.forEach((record, index) => {
    const rowNumber = index + 1;
    const cells: string[] = [];
    record.forEach((raw, position) => {
      if (raw === '') return;
      checkPosition(rowNumber, position + 1, placeOf);
      const text = cellOf(exported ? unescapeFormula(raw) : raw, () => placeOf(rowNumber, position + 1));
      if (text !== '') cells[position] = text;
    });
    if (cells.length > 0) rows.push({ number: rowNumber, cells: Array.from(cells, (text) => text ?? '') });
  });
  return { ledger: { rows } };
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
