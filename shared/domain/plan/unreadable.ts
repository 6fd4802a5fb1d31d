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

/** A count as the limits' messages write it: 1,048,576. */
export const formatCount = (value: number) => value.toLocaleString('en-US');
