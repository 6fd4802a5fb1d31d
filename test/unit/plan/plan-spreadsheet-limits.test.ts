import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { parsePlanSpreadsheet } from '#shared/domain/plan/index.ts';
import { normaliseDateText } from '#shared/domain/plan/labels.ts';
import type { PlanError, PlanResult } from '#shared/domain/plan/model.ts';
import { SPREADSHEET_LIMITS } from '#shared/domain/plan/sheets.ts';
import {
  HEADER,
  hostileWorkbooks,
  inspection,
  ledgerWith,
  ROW,
} from '../../fixtures/hostile-spreadsheets.ts';

/**
 * Hostile spreadsheets: files of a few kilobytes that declare a cell in column XFD, a merge over
 * the whole sheet, a validation over every cell, a ZIP part that lies about its size, or a cell
 * whose whitespace made the date pattern take cubic time. Each is refused (or read) at once, with
 * the reason at its place; before the limits, each exhausted memory or time. The files are built in
 * test/fixtures/hostile-spreadsheets.ts, which bench/hostile-files.ts times too.
 */

const errorsOf = (result: PlanResult): readonly PlanError[] => {
  if (result.ok) throw new Error('expected errors, got a plan');
  return result.errors;
};

describe('parsePlanSpreadsheet refuses hostile workbooks at once', () => {
  it('reads the unedited workbook (the edits below are what is refused)', async () => {
    const result = await parsePlanSpreadsheet(await ledgerWith(), 'xlsx', { inspection });
    expect(result.ok).toBe(true);
  });

  it('text in column XFD, on a thousand rows of a few kilobytes: refused at the first one', async () => {
    const bytes = await hostileWorkbooks.textInColumnXfd();
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
    const [error] = errorsOf(
      await parsePlanSpreadsheet(await hostileWorkbooks.textBelowLastRow(), 'xlsx', { inspection }),
    );
    expect(error?.path).toBe(`sheet 基本信息, row ${SPREADSHEET_LIMITS.rows + 1}, column B`);
    expect(error?.message).toBe('text below row 200,000, the last a plan may use');
  });

  it('one merge A1:XFD1048576: refused before it is applied', async () => {
    const bytes = await hostileWorkbooks.mergeWholeSheet();
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
    const bytes = await hostileWorkbooks.mergeMillionsOfCells();
    const [error] = errorsOf(await parsePlanSpreadsheet(bytes, 'xlsx', { inspection }));
    expect(error).toMatchObject({
      path: 'row 3, column A',
      message: `merged cells (A3:${last} and those before it) cover more than 4,000,000 cells`,
    });
  });

  it('a data validation over every cell of the sheet: ignored, and the plan is read', async () => {
    const bytes = await hostileWorkbooks.validationWholeSheet();
    const result = await parsePlanSpreadsheet(bytes, 'xlsx', { inspection });
    expect(result.ok && result.plan.aspects[0]?.problems[0]?.items[0]?.title).toBe('事项一');
  });

  it('a part that inflates to more than it declares: refused at the first byte past it', async () => {
    const bytes = await hostileWorkbooks.partInflatesPastDeclared();
    expect(errorsOf(await parsePlanSpreadsheet(bytes, 'xlsx', { inspection }))).toEqual([
      {
        path: '(file)',
        message: 'part xl/worksheets/sheet1.xml inflates to more than the 100 bytes it declares',
        messageZh: '部件 xl/worksheets/sheet1.xml 解压后超过其声明的 100 字节，文件已损坏或被篡改',
      },
    ]);
  });

  it('a part that declares gigabytes: refused before anything is inflated', async () => {
    const bytes = await hostileWorkbooks.partDeclaresGigabytes();
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
    const bytes = await hostileWorkbooks.spacedDeadlineXlsx(4_000);
    const [error] = errorsOf(await parsePlanSpreadsheet(bytes, 'xlsx', { inspection }));
    expect(error?.path).toBe('row 2, column 完成时限');
  });

  it('a 100,000-character whitespace cell is refused at its place (XLSX and CSV)', async () => {
    const expected = {
      path: 'row 2, column I',
      message: 'the cell holds 100,011 characters, more than 32,767 (Excel\u2019s limit)'.replace(
        '\u2019',
        "'",
      ),
      messageZh: '单元格有 100,011 个字符，超过 32,767 个（Excel 单元格上限）',
    };
    const xlsx = await hostileWorkbooks.spacedDeadlineXlsx(100_000);
    expect(errorsOf(await parsePlanSpreadsheet(xlsx, 'xlsx', { inspection }))).toEqual([expected]);
    const csv = hostileWorkbooks.spacedDeadlineCsv(100_000);
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
