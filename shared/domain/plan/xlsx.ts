import { SaxesParser } from 'saxes';
import yauzl from 'yauzl';
import { formatCount, SPREADSHEET_LIMITS, UnreadableFile } from './unreadable.ts';

/**
 * The values in an XLSX workbook's cells, read straight from its XML with a streaming parser.
 * Only the parts a plan needs are inflated (the workbook, its relationships, the shared strings,
 * the number formats and the sheets asked for), each stopped at the first byte past the size its
 * ZIP entry declares, and only cells that hold a value are reported: nothing a sheet declares
 * (a dimension, a validation over the whole sheet, a style in column XFD) is ever expanded, and
 * no entity is (saxes refuses any the XML did not predefine). Which cells mean what is sheets.ts's
 * and spreadsheet.ts's business.
 */

export interface XlsxSheet {
  /** The name on the sheet's tab. */
  readonly name: string;
  /**
   * Reads the sheet: each cell that holds a value, as text, in the order the sheet stores them
   * (a date-formatted number as its date, `2025-06-30`; a formula as its last result), then
   * answers its merged ranges (`A1:B3`).
   */
  cells(onCell: (row: number, column: number, text: string) => void): Promise<string[]>;
}

export interface XlsxWorkbook {
  /** In tab order. */
  readonly sheets: readonly XlsxSheet[];
  close(): void;
}

type Attributes = Record<string, string>;
interface PartListener {
  open?(name: string, attributes: Attributes): void;
  close?(name: string): void;
  text?(text: string): void;
}

/** `x:c` → `c`: some writers prefix SpreadsheetML's elements. */
const localName = (name: string) => name.slice(name.indexOf(':') + 1);

/** A ZIP's parts by name, after its central directory is checked against the limits. */
class Parts {
  private readonly zip: yauzl.ZipFile;
  private readonly entries: ReadonlyMap<string, yauzl.Entry>;
  private constructor(zip: yauzl.ZipFile, entries: ReadonlyMap<string, yauzl.Entry>) {
    this.zip = zip;
    this.entries = entries;
  }

  /**
   * At most so many parts, each declaring an uncompressed size within the limits, all of them
   * together too: checked from the central directory alone, before anything is inflated.
   */
  static async open(buffer: Buffer): Promise<Parts> {
    // Sizes are counted in inflate(), to say which part lied; yauzl's own check would only throw.
    const zip = await yauzl.fromBufferPromise(buffer, { lazyEntries: true, validateEntrySizes: false });
    const limits = SPREADSHEET_LIMITS;
    const entries = new Map<string, yauzl.Entry>();
    try {
      let count = 0;
      let declared = 0;
      for await (const entry of zip.eachEntry()) {
        if (++count > limits.zipEntries)
          throw new UnreadableFile(
            `the workbook has more than ${formatCount(limits.zipEntries)} parts`,
            `工作簿包含超过 ${formatCount(limits.zipEntries)} 个部件`,
          );
        const name = entry.fileName;
        if (entry.uncompressedSize > limits.zipEntryBytes)
          throw tooBig(`part ${name}`, `部件 ${name} `, entry.uncompressedSize, limits.zipEntryBytes);
        declared += entry.uncompressedSize;
        if (declared > limits.zipTotalBytes)
          throw tooBig('the workbook', '工作簿', declared, limits.zipTotalBytes);
        // A folder is no part, and a name given twice is read as the first.
        if (!name.endsWith('/') && !entries.has(name)) entries.set(name, entry);
      }
    } catch (error) {
      zip.close();
      throw error;
    }
    return new Parts(zip, entries);
  }

  /** Streams one part through an XML parser; false when the workbook has no such part. */
  async parse(name: string, listener: PartListener): Promise<boolean> {
    const entry = this.entries.get(name);
    if (!entry) return false;
    const parser = new SaxesParser<{ xmlns: false; position: false }>({ xmlns: false, position: false });
    parser.on('error', (error) => {
      throw new Error(`${name}: ${error.message}`);
    });
    const { open, close, text } = listener;
    if (open) parser.on('opentag', (tag) => open(localName(tag.name), tag.attributes));
    if (close) parser.on('closetag', (tag) => close(localName(tag.name)));
    if (text) {
      parser.on('text', text);
      parser.on('cdata', text); // some writers wrap text in CDATA; it is text all the same
    }
    const decoder = new TextDecoder();
    for await (const chunk of this.inflate(entry)) parser.write(decoder.decode(chunk, { stream: true }));
    parser.write(decoder.decode());
    parser.close();
    return true;
  }

  close(): void {
    this.zip.close();
  }

  /** A part's bytes as they inflate, stopped at the first byte past the size it declares. */
  private async *inflate(entry: yauzl.Entry): AsyncGenerator<Buffer> {
    const stream = await this.zip.openReadStreamPromise(entry);
    const name = entry.fileName;
    let inflated = 0;
    for await (const chunk of stream) {
      inflated += (chunk as Buffer).length;
      if (inflated > entry.uncompressedSize)
        throw new UnreadableFile(
          `part ${name} inflates to more than the ${formatCount(entry.uncompressedSize)} bytes it declares`,
          `部件 ${name} 解压后超过其声明的 ${formatCount(entry.uncompressedSize)} 字节，文件已损坏或被篡改`,
        );
      yield chunk as Buffer;
    }
    if (inflated !== entry.uncompressedSize)
      throw new UnreadableFile(
        `part ${name} inflates to ${formatCount(inflated)} bytes, not the ${formatCount(entry.uncompressedSize)} it declares`,
        `部件 ${name} 解压后为 ${formatCount(inflated)} 字节，与其声明的 ${formatCount(entry.uncompressedSize)} 字节不符`,
      );
  }
}

const tooBig = (what: string, whatZh: string, bytes: number, limit: number) =>
  new UnreadableFile(
    `${what} inflates to ${formatCount(bytes)} bytes, more than the ${formatCount(limit)} a plan workbook may hold`,
    `${whatZh}解压后为 ${formatCount(bytes)} 字节，超过计划工作簿允许的 ${formatCount(limit)} 字节`,
  );

/** A relationship's target as a part name: relative to the folder of the part that has it. */
function partName(folder: string, target: string): string {
  const path: string[] = [];
  for (const segment of (target.startsWith('/') ? target.slice(1) : folder + target).split('/')) {
    if (segment === '..') path.pop();
    else if (segment !== '.' && segment !== '') path.push(segment);
  }
  return path.join('/');
}

/** The workbook's relationships: id → part name, and by kind (sharedStrings, styles) the part it names. */
async function relationships(parts: Parts) {
  const targets = new Map<string, string>();
  const byType = new Map<string, string>();
  await parts.parse('xl/_rels/workbook.xml.rels', {
    open(name, { Id, Type, Target, TargetMode }) {
      if (name !== 'Relationship' || !Target || TargetMode === 'External') return;
      const part = partName('xl/', Target);
      if (Id) targets.set(Id, part);
      if (Type) byType.set(Type.slice(Type.lastIndexOf('/') + 1), part);
    },
  });
  return { targets, byType };
}

/** The workbook's sheets in tab order, and whether its dates count from 1904. */
async function sheetList(parts: Parts) {
  const sheets: { name: string; relationship: string }[] = [];
  let date1904 = false;
  await parts.parse('xl/workbook.xml', {
    open(name, attributes) {
      if (name === 'workbookPr') date1904 = ['1', 'true'].includes(attributes.date1904 ?? '');
      if (name !== 'sheet') return;
      // r:id, whatever the prefix of the relationships namespace.
      const relationship = Object.entries(attributes).find(([key]) => /^[^:]+:id$/.test(key))?.[1];
      sheets.push({ name: attributes.name ?? '', relationship: relationship ?? '' });
    },
  });
  return { sheets, date1904 };
}

/** Undoes Excel's `_x000D_` escapes of characters XML cannot hold. */
const unescapeText = (text: string) =>
  text.includes('_x')
    ? text.replace(/_x([0-9A-Fa-f]{4})_/g, (_, code: string) =>
        String.fromCharCode(Number.parseInt(code, 16)),
      )
    : text;

/** Texts of the shared-string table, in order; phonetic guides (rPh) are not the text. */
async function sharedStrings(parts: Parts, part: string): Promise<string[]> {
  const strings: string[] = [];
  let text = '';
  let inText = false;
  let phonetic = 0;
  await parts.parse(part, {
    open(name) {
      if (name === 'si') text = '';
      else if (name === 't') inText = phonetic === 0;
      else if (name === 'rPh') phonetic++;
    },
    text(chunk) {
      if (inText) text += chunk;
    },
    close(name) {
      if (name === 't') inText = false;
      else if (name === 'rPh') phonetic--;
      else if (name === 'si') strings.push(unescapeText(text));
    },
  });
  return strings;
}

/**
 * Built-in number formats that show a date or time: 14–22 and 45–47 everywhere, 27–36 and 50–58
 * in the East Asian locales (zh-CN's `yyyy"年"m"月"d"日"` is 31), which write them without a code.
 */
const BUILT_IN_DATE_FORMATS = new Set([
  ...[14, 15, 16, 17, 18, 19, 20, 21, 22, 45, 46, 47],
  ...[27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 50, 51, 52, 53, 54, 55, 56, 57, 58],
]);

/** A format code shows a date when, outside quotes and brackets, it has a date or time letter. */
const isDateCode = (code: string) => /[ymdhMsb]/.test(code.replace(/\[[^\]]*]|"[^"]*"/g, ''));

/** For each cell style (the `s` of a cell), whether it shows its number as a date. */
async function dateStyles(parts: Parts, part: string): Promise<boolean[]> {
  const codes = new Map<number, string>();
  const formats: number[] = [];
  let inCellFormats = false;
  await parts.parse(part, {
    open(name, attributes) {
      if (name === 'numFmt') codes.set(Number(attributes.numFmtId), attributes.formatCode ?? '');
      else if (name === 'cellXfs') inCellFormats = true;
      else if (name === 'xf' && inCellFormats) formats.push(Number(attributes.numFmtId ?? 0));
    },
    close(name) {
      if (name === 'cellXfs') inCellFormats = false;
    },
  });
  return formats.map((id) => {
    const code = codes.get(id);
    return code === undefined ? BUILT_IN_DATE_FORMATS.has(id) : isDateCode(code);
  });
}

/** A serial date (days since 1899-12-30, or 1904-01-01) as its calendar date. */
function serialDate(serial: number, date1904: boolean): string {
  const date = new Date(Math.round((serial - 25_569 + (date1904 ? 1_462 : 0)) * 86_400_000));
  return Number.isNaN(date.getTime()) ? '' : date.toISOString().slice(0, 10);
}

const positiveInteger = (text: string | undefined) => {
  const value = Number(text);
  return text && Number.isSafeInteger(value) && value > 0 ? value : undefined;
};

/** `B12` → [12, 2]. */
function decodeCell(ref: string): [row: number, column: number] | undefined {
  const match = /^\$?([A-Za-z]{1,7})\$?([1-9]\d{0,8})$/.exec(ref);
  if (!match) return undefined;
  const [, letters = '', digits = ''] = match;
  let column = 0;
  for (const letter of letters.toUpperCase()) column = column * 26 + letter.charCodeAt(0) - 64;
  return [Number(digits), column];
}

interface Cell {
  type: string;
  style: number;
  formula: boolean;
  value: string | undefined;
  inline: string | undefined;
}

interface Lookups {
  readonly strings: readonly string[];
  readonly dateStyles: readonly boolean[];
  readonly date1904: boolean;
}

/** What a cell shows, as text; a formula's last result (none if never calculated). */
function cellText(cell: Cell, { strings, dateStyles, date1904 }: Lookups): string {
  const { type, value } = cell;
  if (type === 'inlineStr' && !cell.formula) return unescapeText(cell.inline ?? '');
  if (value === undefined) return '';
  switch (type) {
    case 's':
      return cell.formula ? value : (strings[Number.parseInt(value, 10)] ?? '');
    case 'str':
      return unescapeText(value);
    case 'b':
      return Number.parseInt(value, 10) !== 0 ? 'true' : 'false';
    case 'e':
      return value;
    case 'd':
      // An ISO 8601 date (strict OOXML): its calendar date.
      return /^\d{4}-\d{2}-\d{2}(?:T|$)/.test(value) ? value.slice(0, 10) : value;
    default: {
      const number = Number.parseFloat(value);
      return dateStyles[cell.style] ? serialDate(number, date1904) : String(number);
    }
  }
}

/** Streams a worksheet, reporting each cell with a value and collecting its merged ranges. */
async function readSheet(
  parts: Parts,
  part: string,
  lookups: Lookups,
  onCell: (row: number, column: number, text: string) => void,
): Promise<string[]> {
  const merges: string[] = [];
  let row = 0;
  let column = 0;
  let cell: Cell | undefined;
  let reading: 'value' | 'inline' | undefined;
  let phonetic = 0;
  const found = await parts.parse(part, {
    open(name, attributes) {
      switch (name) {
        case 'row':
          // Rows and cells may leave out their reference: each then follows the one before.
          row = positiveInteger(attributes.r) ?? row + 1;
          column = 0;
          return;
        case 'c': {
          const at = attributes.r ? decodeCell(attributes.r) : undefined;
          [row, column] = at ?? [row, column + 1];
          cell = {
            type: attributes.t ?? 'n',
            style: Number(attributes.s ?? 0),
            formula: false,
            value: undefined,
            inline: undefined,
          };
          return;
        }
        case 'f':
          if (cell) cell.formula = true;
          return;
        case 'v':
          if (cell) {
            cell.value ??= '';
            reading = 'value';
          }
          return;
        case 't':
          if (cell && phonetic === 0) {
            cell.inline ??= '';
            reading = 'inline';
          }
          return;
        case 'rPh':
          phonetic++;
          return;
        case 'mergeCell':
          if (attributes.ref) merges.push(attributes.ref);
          return;
      }
    },
    text(text) {
      if (!cell || !reading) return;
      if (reading === 'value') cell.value += text;
      else cell.inline += text;
    },
    close(name) {
      if (name === 'v' || name === 't') reading = undefined;
      else if (name === 'rPh') phonetic--;
      else if (name === 'c' && cell) {
        const text = cellText(cell, lookups);
        cell = undefined;
        if (text !== '') onCell(row, column, text);
      }
    },
  });
  if (!found) throw new Error(`the workbook has no part ${part}`);
  return merges;
}

/** Opens an XLSX workbook: its sheets, each read when asked. */
export async function openXlsx(buffer: Buffer): Promise<XlsxWorkbook> {
  const parts = await Parts.open(buffer);
  try {
    const { targets, byType } = await relationships(parts);
    const { sheets, date1904 } = await sheetList(parts);
    let lookups: Promise<Lookups> | undefined;
    const lookupsOnce = () => {
      lookups ??= (async () => {
        const strings = byType.get('sharedStrings') ?? 'xl/sharedStrings.xml';
        const styles = byType.get('styles') ?? 'xl/styles.xml';
        // A workbook without either part has no shared strings or no date formats.
        return {
          strings: await sharedStrings(parts, strings),
          dateStyles: await dateStyles(parts, styles),
          date1904,
        };
      })();
      return lookups;
    };
    return {
      sheets: sheets.map(({ name, relationship }) => ({
        name,
        async cells(onCell) {
          const part = targets.get(relationship);
          if (!part) throw new Error(`sheet ${name} names no part`);
          return readSheet(parts, part, await lookupsOnce(), onCell);
        },
      })),
      close: () => parts.close(),
    };
  } catch (error) {
    parts.close();
    throw error;
  }
}
