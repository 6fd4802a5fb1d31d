import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import yauzl from 'yauzl';
import { ZipFile } from 'yazl';
import { parsePlanSpreadsheet } from '#shared/domain/plan/index.ts';
import { normaliseDateText } from '#shared/domain/plan/labels.ts';
import type { PlanError, PlanResult } from '#shared/domain/plan/model.ts';
import { SPREADSHEET_LIMITS } from '#shared/domain/plan/sheets.ts';
import { LEDGER_HEADERS_ZH } from '../../fixtures/plan-spreadsheet.ts';

/**
 * Hostile spreadsheets: files of a few kilobytes that declare a cell in column XFD, a merge over
 * the whole sheet, a validation over every cell, a ZIP part that lies about its size, or a cell
 * whose whitespace made the date pattern take cubic time. Each is refused (or read) at once, with
 * the reason at its place; before the limits, each exhausted memory or time.
 */

const HEADER = LEDGER_HEADERS_ZH.slice(0, 10);
const ROW = ['方面一', '问题一', '事项一', '措施一', '否', '正在整改', '王强', '财务科', '2024-09-30', ''];
const inspection = {
  title: '测试巡察',
  inspectedUnit: '测试单位',
  inspectionGroup: '第一巡察组',
  inspectionStart: '2024-03-01',
  inspectionEnd: '2024-04-30',
  feedbackDate: '2024-06-01',
};

const errorsOf = (result: PlanResult): readonly PlanError[] => {
  if (result.ok) throw new Error('expected errors, got a plan');
  return result.errors;
};

/** The parts of an XLSX as text, by name, in ZIP order. */
async function partsOf(bytes: Buffer): Promise<Map<string, Buffer>> {
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
    yauzl.fromBuffer(bytes, { lazyEntries: true }, (error, opened) =>
      error ? reject(error) : resolve(opened),
    ),
  );
  const parts = new Map<string, Buffer>();
  await new Promise<void>((resolve, reject) => {
    zip.on('entry', (entry: yauzl.Entry) => {
      if (entry.fileName.endsWith('/')) return zip.readEntry();
      zip.openReadStream(entry, async (error, stream) => {
        if (error) return reject(error);
        const chunks: Buffer[] = [];
        for await (const chunk of stream) chunks.push(chunk as Buffer);
        parts.set(entry.fileName, Buffer.concat(chunks));
        zip.readEntry();
      });
    });
    zip.on('end', resolve).on('error', reject);
    zip.readEntry();
  });
  return parts;
}

async function zipOf(parts: ReadonlyMap<string, Buffer>): Promise<Buffer> {
  const zip = new ZipFile();
  for (const [name, content] of parts) zip.addBuffer(content, name);
  zip.end();
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/**
 * A valid one-row 台账 written by exceljs, with its sheet XML edited by `edit` (raw XML is how a
 * hostile file says what exceljs would never write).
 */
async function ledgerWith(edit: (sheetXml: string) => string = (xml) => xml): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet('台账');
  sheet.addRow(HEADER);
  sheet.addRow(ROW);
  const parts = await partsOf(Buffer.from(await book.xlsx.writeBuffer()));
  const name = 'xl/worksheets/sheet1.xml';
  parts.set(name, Buffer.from(edit(String(parts.get(name))), 'utf8'));
  return zipOf(parts);
}

/** The one-row 台账 with this deadline cell. */
async function ledgerWithDeadline(deadline: string): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  book.addWorksheet('台账').addRows([HEADER, [...ROW.slice(0, 8), deadline, '']]);
  return Buffer.from(await book.xlsx.writeBuffer());
}

const inlineCell = (ref: string, text: string) =>
  `<c r="${ref}" t="inlineStr"><is><t xml:space="preserve">${text}</t></is></c>`;
const addRows = (rows: string) => (xml: string) => xml.replace('</sheetData>', `${rows}</sheetData>`);
const afterSheetData = (element: string) => (xml: string) =>
  xml.replace('</sheetData>', `</sheetData>${element}`);

/** Sets the uncompressed size the central directory declares for one part. */
function declareSize(zip: Buffer, part: string, size: number): Buffer {
  const patched = Buffer.from(zip);
  for (let at = patched.indexOf(0x02014b50 & 0xff); at >= 0; at = patched.indexOf(0x50, at + 1)) {
    if (patched.readUInt32LE(at) !== 0x02014b50) continue;
    const nameLength = patched.readUInt16LE(at + 28);
    if (patched.subarray(at + 46, at + 46 + nameLength).toString('utf8') !== part) continue;
    patched.writeUInt32LE(size, at + 24);
    return patched;
  }
  throw new Error(`no central directory entry for ${part}`);
}

describe('parsePlanSpreadsheet refuses hostile workbooks at once', () => {
  it('reads the unedited workbook (the edits below are what is refused)', async () => {
    const result = await parsePlanSpreadsheet(await ledgerWith(), 'xlsx', { inspection });
    expect(result.ok).toBe(true);
  });

  it('text in column XFD, on a thousand rows of a few kilobytes: refused at the first one', async () => {
    const rows = Array.from({ length: 1000 }, (_, index) => {
      const row = index + 3;
      return `<row r="${row}">${inlineCell(`XFD${row}`, 'x')}</row>`;
    }).join('');
    const bytes = await ledgerWith(addRows(rows));
    expect(bytes.length).toBeLessThan(20_000);
    expect(errorsOf(await parsePlanSpreadsheet(bytes, 'xlsx', { inspection }))).toEqual([
      {
        path: 'row 3, column XFD',
        message: 'text right of column GR, the last a plan may use',
        messageZh: 'GR 列右侧还有内容，超出导入可读取的列数',
      },
    ]);
  });

  it('text below the last row a plan may use: refused at its place, on the sheet it is on', async () => {
    const book = new ExcelJS.Workbook();
    book.addWorksheet('台账').addRows([HEADER, ROW]);
    book.addWorksheet('基本信息').getCell(`B${SPREADSHEET_LIMITS.rows + 1}`).value = '远处';
    const [error] = errorsOf(
      await parsePlanSpreadsheet(Buffer.from(await book.xlsx.writeBuffer()), 'xlsx', { inspection }),
    );
    expect(error?.path).toBe(`sheet 基本信息, row ${SPREADSHEET_LIMITS.rows + 1}, column B`);
    expect(error?.message).toBe('text below row 200,000, the last a plan may use');
  });

  it('one merge A1:XFD1048576: refused before it is applied', async () => {
    const bytes = await ledgerWith(
      afterSheetData('<mergeCells count="1"><mergeCell ref="A1:XFD1048576"/></mergeCells>'),
    );
    expect(errorsOf(await parsePlanSpreadsheet(bytes, 'xlsx', { inspection }))).toEqual([
      {
        path: 'row 1, column A',
        message:
          'merged range A1:XFD1048576 reaches beyond row 200,000 or column GR, the last a plan may use',
        messageZh: '合并区域 A1:XFD1048576 超出导入可读取的范围（第 200,000 行、GR 列）',
      },
    ]);
  });

  it('a merge within the limits that covers millions of cells: refused before it is applied', async () => {
    const last = `GR${SPREADSHEET_LIMITS.rows}`;
    const bytes = await ledgerWith((xml) =>
      afterSheetData(`<mergeCells count="1"><mergeCell ref="A3:${last}"/></mergeCells>`)(
        addRows(`<row r="${SPREADSHEET_LIMITS.rows}">${inlineCell(last, 'x')}</row>`)(xml),
      ),
    );
    const [error] = errorsOf(await parsePlanSpreadsheet(bytes, 'xlsx', { inspection }));
    expect(error).toMatchObject({
      path: 'row 3, column A',
      message: `merged cells (A3:${last} and those before it) cover more than 4,000,000 cells`,
    });
  });

  it('a data validation over every cell of the sheet: ignored, and the plan is read', async () => {
    const bytes = await ledgerWith(
      afterSheetData(
        '<dataValidations count="1"><dataValidation type="list" allowBlank="1" sqref="A1:XFD1048576"><formula1>"是,否"</formula1></dataValidation></dataValidations>',
      ),
    );
    const result = await parsePlanSpreadsheet(bytes, 'xlsx', { inspection });
    expect(result.ok && result.plan.aspects[0]?.problems[0]?.items[0]?.title).toBe('事项一');
  });

  it('a part that inflates to more than it declares: refused at the first byte past it', async () => {
    const bytes = declareSize(await ledgerWith(), 'xl/worksheets/sheet1.xml', 100);
    expect(errorsOf(await parsePlanSpreadsheet(bytes, 'xlsx', { inspection }))).toEqual([
      {
        path: '(file)',
        message: 'part xl/worksheets/sheet1.xml inflates to more than the 100 bytes it declares',
        messageZh: '部件 xl/worksheets/sheet1.xml 解压后超过其声明的 100 字节，文件已损坏或被篡改',
      },
    ]);
  });

  it('a part that declares gigabytes: refused before anything is inflated', async () => {
    const bytes = declareSize(await ledgerWith(), 'xl/worksheets/sheet1.xml', 0xffff_fff0);
    expect(errorsOf(await parsePlanSpreadsheet(bytes, 'xlsx', { inspection }))).toEqual([
      {
        path: '(file)',
        message:
          'part xl/worksheets/sheet1.xml inflates to 4,294,967,280 bytes, more than the 67,108,864 a plan workbook may hold',
        messageZh:
          '部件 xl/worksheets/sheet1.xml 解压后为 4,294,967,280 字节，超过计划工作簿允许的 67,108,864 字节',
      },
    ]);
  });
});

describe('long and odd cell text', () => {
  it('a deadline with 4,000 spaces before a stray letter is refused as a date, not matched for 22 s', async () => {
    const cell = `2024-09-30${' '.repeat(4_000)}x`;
    const bytes = await ledgerWithDeadline(cell);
    const [error] = errorsOf(await parsePlanSpreadsheet(bytes, 'xlsx', { inspection }));
    expect(error?.path).toBe('row 2, column 完成时限');
  });

  it('a 100,000-character whitespace cell is refused at its place (XLSX and CSV)', async () => {
    const cell = `2024-09-30${' '.repeat(100_000)}x`;
    const expected = {
      path: 'row 2, column I',
      message: 'the cell holds 100,011 characters, more than 32,767 (Excel\u2019s limit)'.replace(
        '\u2019',
        "'",
      ),
      messageZh: '单元格有 100,011 个字符，超过 32,767 个（Excel 单元格上限）',
    };
    const xlsx = await ledgerWithDeadline(cell);
    expect(errorsOf(await parsePlanSpreadsheet(xlsx, 'xlsx', { inspection }))).toEqual([expected]);
    const csv = Buffer.from(`${HEADER.join(',')}\n${ROW.slice(0, 8).join(',')},${cell},\n`, 'utf8');
    expect(errorsOf(await parsePlanSpreadsheet(csv, 'csv', { inspection }))).toEqual([expected]);
  });

  it('normaliseDateText bounds its input and matches in linear time', () => {
    const spaces = ' '.repeat(100_000);
    expect(normaliseDateText(`2024-09-30${spaces}x`)).toBe(`2024-09-30${spaces}x`.trim());
    expect(normaliseDateText(`2024${' '.repeat(4_000)}-9-30x`)).toBe(`2024${' '.repeat(4_000)}-9-30x`);
    // Every spelling it read before still reads, one space or many between the parts.
    expect(normaliseDateText(' 2024 年 9 月 30 日 以前 ')).toBe('2024-09-30');
    expect(normaliseDateText('2024/9/30   12:00:00')).toBe('2024-09-30');
    expect(normaliseDateText('２０２４年９月底前')).toBe('2024-09-30');
    expect(normaliseDateText('2024-9-912:00')).toBe('2024-9-912:00');
  });

  it('removes control and bidi characters from cells and keeps line breaks in multi-line text', async () => {
    const book = new ExcelJS.Workbook();
    book
      .addWorksheet('台账')
      .addRows([
        HEADER,
        [
          '方面一',
          '问题一',
          '事项\u202E一\u0007',
          '措施一\n第二行\u001B[2J',
          '否',
          '正在整改',
          '王\u200E强',
          '财务科',
          '2024-09-30',
          '',
        ],
      ]);
    const result = await parsePlanSpreadsheet(Buffer.from(await book.xlsx.writeBuffer()), 'xlsx', {
      inspection,
    });
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    const item = result.plan.aspects[0]?.problems[0]?.items[0];
    expect(item).toMatchObject({
      title: '事项一',
      responsibleLeader: '王强',
      measures: [{ text: '措施一\n第二行[2J', done: false }],
    });
  });

  it('takes off the quote the ledger export put before a formula-like cell, and only in its files', async () => {
    const cells = (...extra: string[]) =>
      `${ROW.slice(0, 9).join(',')},"'=HYPERLINK(""http://x"")"${extra.map((cell) => `,${cell}`).join('')}\n`;
    const exported = Buffer.from(
      `${[...HEADER, '编号', '是否逾期', '佐证材料数', '版本'].join(',')}\n${cells('1.1.1', '否', '0', '1')}`,
    );
    const result = await parsePlanSpreadsheet(exported, 'csv', { inspection });
    expect(result.ok && result.plan.aspects[0]?.problems[0]?.items[0]?.progress).toBe(
      '=HYPERLINK("http://x")',
    );
    // A file someone wrote themselves keeps its text as written.
    const own = await parsePlanSpreadsheet(Buffer.from(`${HEADER.join(',')}\n${cells()}`), 'csv', {
      inspection,
    });
    expect(own.ok && own.plan.aspects[0]?.problems[0]?.items[0]?.progress).toBe(`'=HYPERLINK("http://x")`);
  });
});
