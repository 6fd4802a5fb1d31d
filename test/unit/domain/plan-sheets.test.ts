import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { ZipFile } from 'yazl';
import {
  columnLetters,
  formatPlace,
  normaliseName,
  readWorkbook,
  SPREADSHEET_LIMITS,
  UnreadableFile,
  type Workbook,
} from '#shared/domain/plan/sheets.ts';
import {
  addRows,
  afterSheetData,
  declareSize,
  hostileWorkbooks,
  inlineCell,
  ledgerWith,
  partsOf,
  zipOf,
} from '../../fixtures/hostile-spreadsheets.ts';

/**
 * Spreadsheet bytes as grids of text (plan/sheets.ts), read with readWorkbook directly: CSV
 * records and XLSX cells of every kind exceljs holds, merged ranges, the sheets a workbook is
 * read from, and each limit at its edge with the error an importer reads.
 */

const csv = (text: string) => readWorkbook(Buffer.from(text, 'utf8'), 'csv');

/** A sheet filler that writes `text` at `ref`. */
const cell =
  (ref: string, text: string) =>
  (sheet: ExcelJS.Worksheet): void => {
    sheet.getCell(ref).value = text;
  };

async function xlsx(sheets: Record<string, (sheet: ExcelJS.Worksheet) => void>): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  for (const [name, fill] of Object.entries(sheets)) fill(book.addWorksheet(name));
  return Buffer.from(await book.xlsx.writeBuffer());
}

/** The rows of the ledger sheet as [row number, ...cells]. */
const rowsOf = (workbook: Workbook) => workbook.ledger.rows.map((row) => [row.number, ...row.cells]);

async function unreadable(read: Promise<unknown>) {
  try {
    await read;
  } catch (error) {
    if (!(error instanceof UnreadableFile)) throw error;
    return { message: error.message, messageZh: error.messageZh, place: error.place };
  }
  throw new Error('expected an UnreadableFile');
}

describe('names and places', () => {
  it.each([
    [1, 'A'],
    [26, 'Z'],
    [27, 'AA'],
    [52, 'AZ'],
    [53, 'BA'],
    [200, 'GR'],
    [702, 'ZZ'],
    [703, 'AAA'],
    [16384, 'XFD'],
  ])('column %d is %s', (column, letters) => {
    expect(columnLetters(column)).toBe(letters);
  });

  it.each([
    ['完成时限（年月日）', '完成时限'],
    ['责任 科室*', '责任科室'],
    ['[备注]说明', '说明'],
    ['【必填】事项', '事项'],
    ['Ｌｅｄｇｅｒ', 'ledger'],
    ['(a(b)c)', '(ac)'],
    ['x'.repeat(200), 'x'.repeat(200)],
    ['x'.repeat(201), ''],
  ])('the name %j is %j', (text, name) => {
    expect(normaliseName(text)).toBe(name);
  });

  it.each([
    [{ row: 3 }, 'row 3'],
    [{ row: 3, column: 'B' }, 'row 3, column B'],
    [{ sheet: '基本信息', row: 3, column: 'B' }, 'sheet 基本信息, row 3, column B'],
    [{ sheet: '', row: 3 }, 'row 3'],
  ])('%j is %s', (place, text) => {
    expect(formatPlace(place)).toBe(text);
  });

  it('names an unreadable file’s fault, the whole file by default', () => {
    const error = new UnreadableFile('bad', '坏');
    expect([error.name, error.message, error.messageZh, error.place]).toEqual([
      'UnreadableFile',
      'bad',
      '坏',
      '(file)',
    ]);
  });
});

describe('CSV', () => {
  it('reads records as rows numbered as the file counts them, cells cleaned and trimmed', async () => {
    const workbook = await csv('\uFEFF方面, 问题 \n\n"a\u0007b",,\u0001\nx\n');
    expect(rowsOf(workbook)).toEqual([
      [1, '方面', '问题'],
      [3, 'ab'],
      [4, 'x'],
    ]);
    expect(workbook.ledger.name).toBeUndefined();
  });

  it('reads rows of different lengths', async () => {
    expect(rowsOf(await csv('a\nb,c,d\ne,f\n'))).toEqual([
      [1, 'a'],
      [2, 'b', 'c', 'd'],
      [3, 'e', 'f'],
    ]);
  });

  it('reads empty cells right of the last column a plan may use', async () => {
    expect(rowsOf(await csv(`a${','.repeat(300)}\n`))).toEqual([[1, 'a']]);
  });

  it('refuses bytes that are not UTF-8, with advice', async () => {
    const read = readWorkbook(Buffer.from([0xb7, 0xbd, 0xc3, 0xe6]), 'csv');
    await expect(read).rejects.toMatchObject({
      message: 'the CSV is not UTF-8 text; save it from Excel as "CSV UTF-8 (Comma delimited)"',
      messageZh: 'CSV 文件不是 UTF-8 编码，请在 Excel 中另存为“CSV UTF-8（逗号分隔）”',
      place: '(file)',
      cause: expect.any(Error),
    });
  });

  it('reads a quote inside an unquoted field as text', async () => {
    expect(rowsOf(await csv('a"b,c\n'))).toEqual([[1, 'a"b', 'c']]);
  });

  it('refuses text it cannot read as CSV, keeping the cause', async () => {
    const read = csv('a,"b\n');
    await expect(read).rejects.toMatchObject({
      message: expect.stringMatching(/^not a readable CSV file \(.+\)$/),
      messageZh: '无法读取该 CSV 文件，请检查引号与分隔符',
      cause: expect.any(Error),
    });
  });

  it('reads a cell of 32,767 characters and refuses one of 32,768 at its place', async () => {
    const longest = 'x'.repeat(SPREADSHEET_LIMITS.cellCharacters);
    expect((await csv(`a,b,${longest}\n`)).ledger.rows[0]?.cells[2]).toBe(longest);
    expect(await unreadable(csv(`a\nb,c,${longest}y\n`))).toEqual({
      message: "the cell holds 32,768 characters, more than 32,767 (Excel's limit)",
      messageZh: '单元格有 32,768 个字符，超过 32,767 个（Excel 单元格上限）',
      place: 'row 2, column C',
    });
  });

  it('reads column GR and refuses text right of it', async () => {
    const row = (columns: number) => `${','.repeat(columns - 1)}x\n`;
    expect(rowsOf(await csv(row(200)))[0]?.at(-1)).toBe('x');
    expect(await unreadable(csv(row(201)))).toEqual({
      message: 'text right of column GR, the last a plan may use',
      messageZh: 'GR 列右侧还有内容，超出导入可读取的列数',
      place: 'row 1, column GS',
    });
  });

  it('reads row 200,000 and refuses text below it', async () => {
    const rows = (count: number) => `${'\n'.repeat(count - 1)}x\n`;
    expect(rowsOf(await csv(rows(SPREADSHEET_LIMITS.rows)))).toEqual([[200_000, 'x']]);
    expect(await unreadable(csv(rows(SPREADSHEET_LIMITS.rows + 1)))).toEqual({
      message: 'text below row 200,000, the last a plan may use',
      messageZh: '第 200,000 行以下还有内容，超出导入可读取的行数',
      place: 'row 200001, column A',
    });
  });

  describe('a ledger this system exported', () => {
    const cells = "'=SUM(1),'+86,'-5,'@x,'abc,x'=1";
    it.each([
      [
        'with 佐证材料数 and 是否逾期',
        '事项,佐证材料数,是否逾期',
        ['=SUM(1)', '+86', '-5', '@x', "'abc", "x'=1"],
      ],
      [
        'with evidenceCount and overdue',
        'ref,evidenceCount,Overdue',
        ['=SUM(1)', '+86', '-5', '@x', "'abc", "x'=1"],
      ],
      [
        'only 佐证材料数: not an export',
        '事项,佐证材料数',
        ["'=SUM(1)", "'+86", "'-5", "'@x", "'abc", "x'=1"],
      ],
      ['only 是否逾期: not an export', '事项,是否逾期', ["'=SUM(1)", "'+86", "'-5", "'@x", "'abc", "x'=1"]],
    ])('%s', async (_case, header, read) => {
      const workbook = await csv(`${header}\n${cells}\n`);
      expect(workbook.ledger.rows[1]?.cells).toEqual(read);
    });

    it('is told by a header in its first ten records only', async () => {
      const header = '事项,佐证材料数,是否逾期';
      expect((await csv(`${'t\n'.repeat(9)}${header}\n'=1\n`)).ledger.rows.at(-1)?.cells).toEqual(['=1']);
      expect((await csv(`${'t\n'.repeat(10)}${header}\n'=1\n`)).ledger.rows.at(-1)?.cells).toEqual(["'=1"]);
    });
  });
});

describe('XLSX cells', () => {
  it('reads each kind of value exceljs holds as its text', async () => {
    const bytes = await xlsx({
      台账: (sheet) => {
        sheet.getRow(1).values = [
          '文本',
          3.5,
          true,
          new Date(Date.UTC(2024, 8, 30)),
          { richText: [{ text: '富' }, { text: '文本' }] },
          { formula: '1+1', result: 2 },
          { formula: 'A1' },
          { text: '链接', hyperlink: 'http://example.com' },
          { error: '#N/A' },
          '  两端空格  ',
        ] as ExcelJS.CellValue[];
      },
    });
    expect(rowsOf(await readWorkbook(bytes, 'xlsx'))).toEqual([
      [1, '文本', '3.5', 'true', '2024-09-30', '富文本', '2', '', '链接', '#N/A', '两端空格'],
    ]);
  });

  it('skips styled empty cells, even right of the last column a plan may use', async () => {
    const bytes = await xlsx({
      台账: (sheet) => {
        sheet.getCell('A1').value = 'a';
        sheet.getCell('KZ1').fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFFF0000' } };
        sheet.getCell('A2').value = '\u0007';
        sheet.getCell('LA1').value = { formula: 'A1' } as ExcelJS.CellValue;
      },
    });
    expect(rowsOf(await readWorkbook(bytes, 'xlsx'))).toEqual([[1, 'a']]);
  });

  it('says on which sheet a cell is at fault, except the ledger', async () => {
    const long = 'x'.repeat(SPREADSHEET_LIMITS.cellCharacters + 1);
    const onLedger = await xlsx({ 台账: cell('B2', long) });
    expect((await unreadable(readWorkbook(onLedger, 'xlsx'))).place).toBe('row 2, column B');
    const onOutcomes = await xlsx({
      台账: cell('A1', 'a'),
      整改成效: cell('C4', long),
    });
    expect((await unreadable(readWorkbook(onOutcomes, 'xlsx'))).place).toBe(
      'sheet 整改成效, row 4, column C',
    );
  });
});

describe('XLSX as other writers store it', () => {
  /** A workbook of one 台账 sheet written by exceljs, with these parts edited as raw XML. */
  async function edited(edits: Record<string, (xml: string) => string>, fill = cell('A1', '文本')) {
    const parts = await partsOf(await xlsx({ 台账: fill }));
    for (const [name, edit] of Object.entries(edits))
      parts.set(name, Buffer.from(edit(String(parts.get(name) ?? '')), 'utf8'));
    return readWorkbook(await zipOf(parts), 'xlsx');
  }
  const sheetData = (rows: string) => (xml: string) =>
    xml.replace(/<sheetData>[\s\S]*<\/sheetData>/, `<sheetData>${rows}</sheetData>`);
  /** Cell styles 1 and 2 show numbers in built-in format 31 (zh-CN 年月日) and custom 176. */
  const dateStyles = (xml: string) =>
    xml
      .replace(
        '<cellXfs count="1">',
        '<numFmts count="1"><numFmt numFmtId="176" formatCode="yyyy/m/d;@"/></numFmts><cellXfs count="3">',
      )
      .replace(
        '</cellXfs>',
        '<xf numFmtId="31" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="176" fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs>',
      );

  it('reads rows and cells that leave out their reference, or give a malformed one, as following the one before', async () => {
    const rows =
      '<row><c t="inlineStr"><is><t>a</t></is></c><c t="inlineStr"><is><t>b</t></is></c></row><row r="4"><c r="C4"><v>1</v></c><c><v>2</v></c></row><row><c t="inlineStr"><is><t>e</t></is></c></row>' +
      '<row r="0"><c r="A0" t="inlineStr"><is><t>f</t></is></c><c r="B-1"><v>7</v></c></row>';
    expect(rowsOf(await edited({ 'xl/worksheets/sheet1.xml': sheetData(rows) }))).toEqual([
      [1, 'a', 'b'],
      [4, '', '', '1', '2'],
      [5, 'e'],
      [6, 'f', '7'],
    ]);
  });

  it('reads prefixed SpreadsheetML elements, CDATA, ISO dates, formula strings and Excel’s _x escapes', async () => {
    const rows =
      '<x:row r="1"><x:c r="A1" t="d"><x:v>2025-06-30T00:00:00</x:v></x:c><x:c r="B1" t="str"><x:f>A1&amp;""</x:f><x:v>结果</x:v></x:c>' +
      '<x:c r="C1" t="b"><x:v><![CDATA[0]]></x:v></x:c><x:c r="D1" t="inlineStr"><x:is><x:r><x:t>一_x000A_</x:t></x:r><x:r><x:t>二</x:t></x:r></x:is></x:c></x:row>';
    const prefixed = (xml: string) =>
      sheetData(rows)(xml)
        .replace('<worksheet xmlns=', '<x:worksheet xmlns:x=')
        .replace('</worksheet>', '</x:worksheet>')
        .replace(/<(\/?)sheetData>/g, '<$1x:sheetData>');
    expect(rowsOf(await edited({ 'xl/worksheets/sheet1.xml': prefixed }))).toEqual([
      [1, '2025-06-30', '结果', 'false', '一\n二'],
    ]);
  });

  it('reads a number in a date format as its date: built-in 31 (yyyy年m月d日) and a custom one', async () => {
    const rows =
      '<row r="1"><c r="A1" s="1"><v>45838</v></c><c r="B1" s="2"><v>45838.75</v></c><c r="C1" s="0"><v>45838</v></c></row>';
    const workbook = await edited({
      'xl/styles.xml': dateStyles,
      'xl/worksheets/sheet1.xml': sheetData(rows),
    });
    expect(rowsOf(workbook)).toEqual([[1, '2025-06-30', '2025-06-30', '45838']]);
  });

  it('counts dates from 1904 when the workbook says so', async () => {
    const rows = '<row r="1"><c r="A1" s="1"><v>44376</v></c></row>';
    const workbook = await edited({
      'xl/styles.xml': dateStyles,
      'xl/workbook.xml': (xml) => xml.replace('<workbookPr ', '<workbookPr date1904="1" '),
      'xl/worksheets/sheet1.xml': sheetData(rows),
    });
    expect(rowsOf(workbook)).toEqual([[1, '2025-06-30']]);
  });

  it('leaves out a shared string’s phonetic guide', async () => {
    const workbook = await edited({
      'xl/sharedStrings.xml': (xml) =>
        xml.replace(
          '<si><t>文本</t></si>',
          '<si><r><t>文</t></r><r><t>本</t></r><rPh sb="0" eb="2"><t>ぶんぽん</t></rPh></si>',
        ),
    });
    expect(rowsOf(workbook)).toEqual([[1, '文本']]);
  });

  it('reads only the sheets a plan uses: another sheet’s XML is never parsed', async () => {
    const parts = await partsOf(await xlsx({ 说明: cell('A1', '说明'), 台账: cell('A1', '台账') }));
    parts.set('xl/worksheets/sheet1.xml', Buffer.from('<worksheet><sheetData><row>', 'utf8'));
    const workbook = await readWorkbook(await zipOf(parts), 'xlsx');
    expect(workbook.ledger).toEqual({ name: '台账', rows: [{ number: 1, cells: ['台账'] }] });
  });

  it.each([
    [
      'an entity the XML defines (nothing is expanded)',
      '<!DOCTYPE worksheet [<!ENTITY a "aaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>',
      '&b;',
      /undefined entity/,
    ],
    ['XML that is not well formed', '', '<b>', /xl\/worksheets\/sheet1\.xml/],
  ])('refuses a sheet with %s as an unreadable workbook', async (_case, doctype, text, cause) => {
    const bytes = await ledgerWith((xml) =>
      xml
        .replace('<worksheet ', `${doctype}<worksheet `)
        .replace(
          '</sheetData>',
          `<row r="9"><c r="A9" t="inlineStr"><is><t>${text}</t></is></c></row></sheetData>`,
        ),
    );
    const error = await unreadable(readWorkbook(bytes, 'xlsx'));
    expect(error.message).toMatch(/^not a readable XLSX workbook \(.+\)$/);
    expect(error.message).toMatch(cause);
    expect(error.messageZh).toBe('无法读取该 XLSX 工作簿，请确认文件为 Excel 2007 及以上格式（.xlsx）');
  });

  it('refuses a sheet its relationships do not name a part for', async () => {
    const error = await unreadable(
      edited({
        'xl/_rels/workbook.xml.rels': (xml) =>
          xml.replace(/Target="worksheets\/sheet1\.xml"/, 'Target="worksheets/missing.xml"'),
      }),
    );
    expect(error.message).toBe(
      'not a readable XLSX workbook (the workbook has no part xl/worksheets/missing.xml)',
    );
  });
});

describe('XLSX sheets', () => {
  const named = (text: string) => cell('A1', text);

  it('takes each sheet by its name, wherever it is', async () => {
    const workbook = await readWorkbook(
      await xlsx({
        整改成效: named('成效'),
        说明: named('说明'),
        工作台账: named('台账'),
        基本信息: named('信息'),
      }),
      'xlsx',
    );
    expect(workbook.ledger).toEqual({ name: '工作台账', rows: [{ number: 1, cells: ['台账'] }] });
    expect(workbook.inspection).toEqual({ name: '基本信息', rows: [{ number: 1, cells: ['信息'] }] });
    expect(workbook.outcomes).toEqual({ name: '整改成效', rows: [{ number: 1, cells: ['成效'] }] });
  });

  it('takes the first other sheet as the ledger when none is named so', async () => {
    const workbook = await readWorkbook(
      await xlsx({ 整改成效: named('成效'), 基本信息: named('信息'), Sheet1: named('台账') }),
      'xlsx',
    );
    expect(workbook.ledger.name).toBe('Sheet1');
  });

  it('has an empty ledger when the workbook has only the other sheets', async () => {
    const workbook = await readWorkbook(await xlsx({ 基本信息: named('信息') }), 'xlsx');
    expect(workbook.ledger).toEqual({ rows: [] });
    expect(workbook).not.toHaveProperty('outcomes');
  });

  it('refuses bytes that are no workbook, keeping the cause', async () => {
    await expect(readWorkbook(Buffer.from('not a zip'), 'xlsx')).rejects.toMatchObject({
      message: expect.stringMatching(/^not a readable XLSX workbook \(.+\)$/),
      messageZh: '无法读取该 XLSX 工作簿，请确认文件为 Excel 2007 及以上格式（.xlsx）',
      place: '(file)',
      cause: expect.any(Error),
    });
  });
});

describe('XLSX merged cells', () => {
  /** A ledger of the given cells (`A1: 'x'`), with these merged ranges, written as raw XML. */
  async function merged(cells: Record<string, string>, ranges: string[]): Promise<Workbook> {
    const byRow = new Map<number, string[]>();
    for (const [ref, text] of Object.entries(cells)) {
      const row = Number(ref.replace(/^[A-Z]+/, ''));
      byRow.set(row, [...(byRow.get(row) ?? []), inlineCell(ref, text)]);
    }
    const rows = [...byRow].map(([row, xml]) => `<row r="${row}">${xml.join('')}</row>`).join('');
    const merges = `<mergeCells count="${ranges.length}">${ranges.map((ref) => `<mergeCell ref="${ref}"/>`).join('')}</mergeCells>`;
    const bytes = await ledgerWith((xml) =>
      afterSheetData(merges)(
        addRows(rows)(xml.replace(/<sheetData>[\s\S]*<\/sheetData>/, '<sheetData></sheetData>')),
      ),
    );
    return readWorkbook(bytes, 'xlsx');
  }

  it('gives every cell of a range the value of its top-left cell, into rows that held nothing', async () => {
    const workbook = await merged({ A1: '方面一', B1: '甲', B3: '丙' }, ['A1:A3']);
    expect(rowsOf(workbook)).toEqual([
      [1, '方面一', '甲'],
      [2, '方面一'],
      [3, '方面一', '丙'],
    ]);
  });

  it.each([
    [
      'absolute references',
      ['$A$1:$A$2'],
      [
        [1, 'x', 'y'],
        [2, 'x', 'z'],
      ],
    ],
    [
      'lower case',
      ['a1:a2'],
      [
        [1, 'x', 'y'],
        [2, 'x', 'z'],
      ],
    ],
    [
      'written bottom-up',
      ['A2:A1'],
      [
        [1, 'x', 'y'],
        [2, 'x', 'z'],
      ],
    ],
    [
      'not a range',
      ['A1:B'],
      [
        [1, 'x', 'y'],
        [2, '', 'z'],
      ],
    ],
    [
      'a single cell',
      ['A1'],
      [
        [1, 'x', 'y'],
        [2, '', 'z'],
      ],
    ],
    [
      'a column of four letters',
      ['AAAA1:AAAA2'],
      [
        [1, 'x', 'y'],
        [2, '', 'z'],
      ],
    ],
    [
      'anything after the range',
      ['A1:A2x'],
      [
        [1, 'x', 'y'],
        [2, '', 'z'],
      ],
    ],
    [
      'anything before the range',
      ['#A1:A2'],
      [
        [1, 'x', 'y'],
        [2, '', 'z'],
      ],
    ],
  ])('reads a range %s', async (_case, ranges, rows) => {
    expect(rowsOf(await merged({ A1: 'x', B1: 'y', B2: 'z' }, ranges))).toEqual(rows);
  });

  it('reads ranges of two-letter columns and rows past 9', async () => {
    const workbook = await merged({ AB10: 'x', AC12: 'y' }, ['AB10:AB12']);
    expect(workbook.ledger.rows.map((row) => [row.number, row.cells[27]])).toEqual([
      [10, 'x'],
      [11, 'x'],
      [12, 'x'],
    ]);
  });

  it('applies a range on the last row or column that holds text, and clips it there', async () => {
    const workbook = await merged({ A1: 'a', C1: 'c', A2: 'b' }, ['A2:E2', 'C1:C9']);
    expect(rowsOf(workbook)).toEqual([
      [1, 'a', '', 'c'],
      [2, 'b', 'b', 'c'],
    ]);
  });

  it('ignores a range below or right of all the text', async () => {
    const workbook = await merged({ A1: 'a', B2: 'b' }, ['A3:A5', 'C1:D2']);
    expect(rowsOf(workbook)).toEqual([
      [1, 'a'],
      [2, '', 'b'],
    ]);
  });

  it('blanks a range whose top-left cell is empty, as Excel keeps only that value', async () => {
    const workbook = await merged({ A1: 'a', B2: 'b' }, ['A2:B2']);
    expect(rowsOf(workbook)).toEqual([[1, 'a']]);
  });

  it('reads one range over all the text', async () => {
    expect(rowsOf(await merged({ A1: 'x', B2: 'y' }, ['A1:B2']))).toEqual([
      [1, 'x', 'x'],
      [2, 'x', 'x'],
    ]);
  });

  it('reads a range whose top row holds no text as blank, and keeps other cells of rows it makes', async () => {
    expect(rowsOf(await merged({ A1: 'a', A3: 'c' }, ['A2:A3']))).toEqual([[1, 'a']]);
    expect(rowsOf(await merged({ B1: 'b', C3: 'c' }, ['B1:B3']))).toEqual([
      [1, '', 'b'],
      [2, '', 'b'],
      [3, '', 'b', 'c'],
    ]);
  });

  it('does not count cells whose text is cleaned away when clipping a range', async () => {
    // C1 and row 3 hold only a bidi mark: no text, so the ranges stop at column A and row 1.
    expect(rowsOf(await merged({ A1: 'a', C1: '\u200e' }, ['A1:C1']))).toEqual([[1, 'a']]);
    expect(rowsOf(await merged({ A1: 'a', A3: '\u200e' }, ['A1:A3']))).toEqual([[1, 'a']]);
  });

  it('counts nothing for ranges beside the text when looking for overlaps', async () => {
    for (const outside of ['D1:E2', 'A4:B5']) {
      await expect(merged({ A1: 'x', B2: 'y' }, [outside, 'A1:B2', 'A1:A2'])).rejects.toMatchObject({
        message: 'sheet 台账 has overlapping merged cells',
      });
    }
  });

  it('refuses ranges that cover more than 4,000,000 cells, in both languages', async () => {
    const bytes = await hostileWorkbooks.mergeMillionsOfCells();
    expect(await unreadable(readWorkbook(bytes, 'xlsx'))).toEqual({
      message: 'merged cells (A3:GR200000 and those before it) cover more than 4,000,000 cells',
      messageZh: '合并单元格（A3:GR200000 及其之前的合并区域）覆盖超过 4,000,000 个单元格',
      place: 'row 3, column A',
    });
  });

  it('refuses overlapping ranges', async () => {
    await expect(merged({ A1: 'x', B2: 'y' }, ['A1:B2', 'A1:A2'])).rejects.toMatchObject({
      message: 'sheet 台账 has overlapping merged cells',
      messageZh: '工作表“台账”的合并单元格相互重叠',
      place: 'row 1, column A',
    });
  });

  it.each([
    ['below the last row', 'A2:A200001'],
    ['right of the last column', 'B1:GS1'],
  ])('refuses a range reaching %s', async (_case, range) => {
    await expect(merged({ A1: 'x', B2: 'y' }, [range])).rejects.toMatchObject({
      message: `merged range ${range} reaches beyond row 200,000 or column GR, the last a plan may use`,
      messageZh: `合并区域 ${range} 超出导入可读取的范围（第 200,000 行、GR 列）`,
    });
  });
});

describe('the XLSX ZIP', () => {
  const SHEET = 'xl/worksheets/sheet1.xml';

  async function zipOfParts(count: number): Promise<Buffer> {
    const zip = new ZipFile();
    for (let n = 0; n < count; n++) zip.addBuffer(Buffer.from('x'), `p${n}.xml`);
    zip.end();
    const chunks: Buffer[] = [];
    for await (const chunk of zip.outputStream) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }

  it('refuses a workbook of more than 1,000 parts', async () => {
    expect(
      await unreadable(readWorkbook(await zipOfParts(SPREADSHEET_LIMITS.zipEntries + 1), 'xlsx')),
    ).toEqual({
      message: 'the workbook has more than 1,000 parts',
      messageZh: '工作簿包含超过 1,000 个部件',
      place: '(file)',
    });
  });

  it('opens a ZIP of exactly 1,000 parts (which holds no sheet)', async () => {
    const workbook = await readWorkbook(await zipOfParts(SPREADSHEET_LIMITS.zipEntries), 'xlsx');
    expect(workbook).toEqual({ ledger: { rows: [] } });
  });

  /** The one-row ledger with folder entries added, each declaring `size` bytes. */
  async function withFolders(sizes: number[]): Promise<Buffer> {
    const parts = await partsOf(await ledgerWith());
    const zip = new ZipFile();
    for (const n of sizes.keys()) zip.addEmptyDirectory(`extra${n}/`);
    for (const [name, content] of parts) zip.addBuffer(content, name);
    zip.end();
    const chunks: Buffer[] = [];
    for await (const chunk of zip.outputStream) chunks.push(chunk as Buffer);
    let bytes: Buffer = Buffer.concat(chunks);
    for (const [n, size] of sizes.entries()) bytes = declareSize(bytes, `extra${n}/`, size);
    return bytes;
  }

  it('reads a part that declares exactly the most one part may hold, and skips folders', async () => {
    const workbook = await readWorkbook(await withFolders([SPREADSHEET_LIMITS.zipEntryBytes]), 'xlsx');
    expect(workbook.ledger.rows).toHaveLength(2);
  });

  it('refuses a part that declares more than one part may hold', async () => {
    expect(
      await unreadable(readWorkbook(await withFolders([SPREADSHEET_LIMITS.zipEntryBytes + 1]), 'xlsx')),
    ).toEqual({
      message: 'part extra0/ inflates to 67,108,865 bytes, more than the 67,108,864 a plan workbook may hold',
      messageZh: '部件 extra0/ 解压后为 67,108,865 字节，超过计划工作簿允许的 67,108,864 字节',
      place: '(file)',
    });
  });

  it('reads parts that together declare exactly the most a workbook may hold', async () => {
    const real = [...(await partsOf(await ledgerWith())).values()].reduce(
      (sum, part) => sum + part.length,
      0,
    );
    const first = SPREADSHEET_LIMITS.zipEntryBytes;
    const bytes = await withFolders([first, SPREADSHEET_LIMITS.zipTotalBytes - first - real]);
    expect((await readWorkbook(bytes, 'xlsx')).ledger.rows).toHaveLength(2);
  });

  it('refuses parts that together declare more than a workbook may hold', async () => {
    const sixty = 60 * 1024 * 1024;
    expect(await unreadable(readWorkbook(await withFolders([sixty, sixty]), 'xlsx'))).toEqual({
      message:
        'the workbook inflates to 125,829,120 bytes, more than the 104,857,600 a plan workbook may hold',
      messageZh: '工作簿解压后为 125,829,120 字节，超过计划工作簿允许的 104,857,600 字节',
      place: '(file)',
    });
  });

  it('refuses a part that inflates to fewer bytes than it declares', async () => {
    const bytes = await ledgerWith();
    const size = (await partsOf(bytes)).get(SHEET)?.length ?? 0;
    const error = await unreadable(readWorkbook(declareSize(bytes, SHEET, size + 10), 'xlsx'));
    expect(error).toEqual({
      message: `part ${SHEET} inflates to ${size.toLocaleString('en-US')} bytes, not the ${(size + 10).toLocaleString('en-US')} it declares`,
      messageZh: `部件 ${SHEET} 解压后为 ${size.toLocaleString('en-US')} 字节，与其声明的 ${(size + 10).toLocaleString('en-US')} 字节不符`,
      place: '(file)',
    });
  });

  it('refuses a part that inflates to more bytes than it declares', async () => {
    const error = await unreadable(readWorkbook(declareSize(await ledgerWith(), SHEET, 100), 'xlsx'));
    expect(error).toEqual({
      message: `part ${SHEET} inflates to more than the 100 bytes it declares`,
      messageZh: `部件 ${SHEET} 解压后超过其声明的 100 字节，文件已损坏或被篡改`,
      place: '(file)',
    });
  });

  it('reads the workbook rebuilt from its own parts (the edits above are what is refused)', async () => {
    const rebuilt = await zipOf(await partsOf(await ledgerWith()));
    expect((await readWorkbook(rebuilt, 'xlsx')).ledger.rows).toHaveLength(2);
  });
});
