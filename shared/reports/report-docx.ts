import {
  AlignmentType,
  Document,
  Footer,
  type IRunStylePropertiesOptions,
  LineRuleType,
  Packer,
  PageNumber,
  Paragraph,
  TextRun,
} from 'docx';
import yauzl from 'yauzl';
import yazl from 'yazl';
import type { ReportBlock, ReportDocument } from '#shared/domain/report/model.ts';

/**
 * The 整改情况报告 as report.docx, laid out per GB/T 9704-2012 (党政机关公文格式): A4, the
 * standard margins, 22 lines of 28 characters (exact 28.95 pt lines, characters 0.25 pt closer), 2号 小标宋 title, 3号 仿宋 body, 黑体 / 楷体
 * headings, "— 1 —" page numbers in 4号 宋体 on the outside edge. Fonts are named per style
 * (styles.xml), so 6,000 paragraphs carry no run formatting of their own.
 *
 * Font fallback: a run names one font per script and Word has no fallback list there, so the
 * fallbacks are said where OOXML lets them be said: each 公文 font's entry in fontTable.xml lists
 * the other names it is known by (w:altName: 仿宋_GB2312 → 仿宋, FangSong), with the GB2312
 * charset and the panose of the common face that readers pick a substitute by; the document
 * default and the theme's fonts are 宋体 (SimSun), so anything unnamed falls back to 宋体.
 * (LibreOffice here has none of them and substitutes Noto CJK: expected.)
 */

/** 1 mm in twips (1 in = 25.4 mm = 1440 twips). */
const MM = 1440 / 25.4;
const mm = (value: number) => Math.round(value * MM);

export const PAGE = { width: 11906, height: 16838 } as const;
export const MARGINS = { top: mm(37), bottom: mm(35), left: mm(28), right: mm(26) } as const;
/** 22 lines in the 225 mm type area: 28.95 pt a line. */
export const LINE_PITCH = 579;
export const LINES_PER_PAGE = 22;
export const CHARS_PER_LINE = 28;
/** 3号 is 16 pt, 2号 22 pt, 4号 14 pt; sizes are in half-points. */
const SIZE = { title: 44, body: 32, pageNumber: 28 } as const;
/** One character of the body (16 pt) in twips: the first-line indent is two of them. */
const CHAR = 320;
/**
 * The body's characters are set 0.25 pt closer (w:spacing -5 twentieths): 28 of 3号 take 441 pt
 * of the 442.2 pt line (156 mm), where 28 full 16 pt characters (448 pt) would not fit. 15.75 pt
 * is 3号 as Chinese typesetting measures it.
 */
export const CONDENSED = -5;

export const FONTS = {
  title: '方正小标宋简体',
  heading1: '黑体',
  heading2: '楷体_GB2312',
  body: '仿宋_GB2312',
  pageNumber: '宋体',
  /** The document default and the last fallback. */
  fallback: '宋体',
  latin: 'Times New Roman',
} as const;

/**
 * fontTable.xml entries, as Word writes them for these faces: the other names each 公文 font is
 * known by, most alike first, the GB2312 charset (0x86) and the panose of the common face.
 */
const FONT_TABLE: readonly {
  name: string;
  altName?: string;
  panose: string;
  family: string;
  pitch: string;
}[] = [
  {
    name: FONTS.title,
    altName: '方正小标宋_GBK,华文中宋,STZhongsong,宋体,SimSun',
    panose: '02000000000000000000',
    family: 'auto',
    pitch: 'variable',
  },
  {
    name: FONTS.heading1,
    altName: 'SimHei',
    panose: '02010609060101010101',
    family: 'modern',
    pitch: 'fixed',
  },
  {
    name: FONTS.heading2,
    altName: '楷体,KaiTi,KaiTi_GB2312,STKaiti',
    panose: '02010609030101010101',
    family: 'modern',
    pitch: 'fixed',
  },
  {
    name: FONTS.body,
    altName: '仿宋,FangSong,FangSong_GB2312,STFangsong',
    panose: '02010609030101010101',
    family: 'modern',
    pitch: 'fixed',
  },
  {
    name: FONTS.fallback,
    altName: 'SimSun',
    panose: '02010600030101010101',
    family: 'auto',
    pitch: 'variable',
  },
  { name: FONTS.latin, panose: '02020603050405020304', family: 'roman', pitch: 'variable' },
];

const escapeXml = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function fontTableXml(): string {
  const fonts = FONT_TABLE.map(
    (font) =>
      `<w:font w:name="${escapeXml(font.name)}">${font.altName ? `<w:altName w:val="${escapeXml(font.altName)}"/>` : ''}` +
      `<w:panose1 w:val="${font.panose}"/><w:charset w:val="${font.name === FONTS.latin ? '00' : '86'}"/>` +
      `<w:family w:val="${font.family}"/><w:pitch w:val="${font.pitch}"/></w:font>`,
  ).join('');
  return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:fonts xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">${fonts}</w:fonts>`;
}

/** Characters XML 1.0 cannot hold (control characters, lone surrogates) are dropped, not escaped. */
const XML_INVALID =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: removing them is the point
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
const clean = (text: string) => text.replace(XML_INVALID, '');

/** A run's fonts: the 公文 face for Chinese, and for Latin text and digits either it or Times New Roman. */
function fonts(eastAsia: string, latin: string): IRunStylePropertiesOptions['font'] {
  // hint eastAsia: quotes “” and dashes — are set in the Chinese face (full width), as 公文 want.
  return { eastAsia, ascii: latin, hAnsi: latin, cs: latin, hint: 'eastAsia' };
}

/** A heading style: body size in black, kept with what follows, at its outline level. */
function heading(outlineLevel: number, run: { font: IRunStylePropertiesOptions['font']; bold?: boolean }) {
  return {
    basedOn: 'Normal',
    next: 'Normal',
    quickFormat: true,
    run: { ...run, size: SIZE.body, color: '000000' },
    paragraph: { keepNext: true, outlineLevel },
  };
}

/** Display width in body characters: a CJK character is one, Latin letters and digits half. */
function widthInChars(text: string): number {
  let width = 0;
  for (const char of text) width += (char.codePointAt(0) ?? 0) <= 0xff ? 0.5 : 1;
  return width;
}

const NO_INDENT = { firstLine: 0, firstLineChars: 0 } as const;

function styles(lang: ReportDocument['lang']) {
  const en = lang === 'en';
  // An English report sets Latin text in Times New Roman throughout; Chinese names in it keep the 公文 faces.
  const latinOf = (face: string) => (en ? FONTS.latin : face);
  const exact = { line: LINE_PITCH, lineRule: LineRuleType.EXACT, before: 0, after: 0 };
  return {
    default: {
      document: {
        run: {
          font: fonts(FONTS.fallback, FONTS.latin),
          size: SIZE.body,
          language: { value: en ? 'en-GB' : 'zh-CN', eastAsia: 'zh-CN' },
        },
        paragraph: { spacing: exact },
      },
      title: {
        basedOn: 'Normal',
        next: 'Normal',
        quickFormat: true,
        run: {
          font: fonts(FONTS.title, latinOf(FONTS.title)),
          size: SIZE.title,
          bold: en,
          characterSpacing: 0,
        },
        // One blank line between the title and the body.
        paragraph: {
          alignment: AlignmentType.CENTER,
          indent: NO_INDENT,
          spacing: { ...exact, after: LINE_PITCH },
          keepNext: true,
        },
      },
      heading1: heading(0, { font: fonts(FONTS.heading1, latinOf(FONTS.heading1)), bold: en }),
      heading2: heading(1, { font: fonts(FONTS.heading2, latinOf(FONTS.heading2)), bold: en }),
      // The third level (1．) is set in the body face (GB/T 9704 7.3.3); a style of its own keeps it in the outline.
      heading3: heading(2, { font: fonts(FONTS.body, FONTS.latin) }),
    },
    paragraphStyles: [
      {
        id: 'Normal',
        name: 'Normal',
        quickFormat: true,
        run: { font: fonts(FONTS.body, FONTS.latin), size: SIZE.body, characterSpacing: en ? 0 : CONDENSED },
        paragraph: {
          alignment: AlignmentType.JUSTIFIED,
          spacing: exact,
          // Two characters: firstLineChars for Word (it follows the character grid), firstLine for the rest.
          indent: { firstLine: 2 * CHAR, firstLineChars: 200 },
        },
      },
      {
        id: 'Signature',
        name: 'Signature',
        basedOn: 'Normal',
        run: { font: fonts(FONTS.body, FONTS.latin), size: SIZE.body },
        paragraph: { alignment: AlignmentType.RIGHT, indent: NO_INDENT, keepNext: true, keepLines: true },
      },
      {
        id: 'Footer',
        name: 'footer',
        basedOn: 'Normal',
        run: { font: fonts(FONTS.pageNumber, FONTS.pageNumber), size: SIZE.pageNumber, characterSpacing: 0 },
        paragraph: {
          indent: NO_INDENT,
          spacing: { line: 240, lineRule: LineRuleType.AUTO, before: 0, after: 0 },
        },
      },
    ],
  };
}

const STYLE_OF: Record<ReportBlock['kind'], string> = {
  heading1: 'Heading1',
  heading2: 'Heading2',
  heading3: 'Heading3',
  paragraph: 'Normal',
};

/** "— 1 —", one character in from the outside edge: right on odd pages, left on even ones. */
function pageNumberFooter(side: 'odd' | 'even'): Footer {
  const oneChar = SIZE.pageNumber * 10; // 14 pt in twips
  return new Footer({
    children: [
      new Paragraph({
        style: 'Footer',
        alignment: side === 'odd' ? AlignmentType.RIGHT : AlignmentType.LEFT,
        indent: side === 'odd' ? { right: oneChar } : { left: oneChar },
        children: [new TextRun({ children: ['— ', PageNumber.CURRENT, ' —'] })],
      }),
    ],
  });
}

/**
 * 落款 (GB/T 9704 7.3.5.1): a blank line after the body; the date four characters in from the
 * right (two when the unit is longer); the unit centred over the date; the seal's place above.
 */
function signature(document: ReportDocument): Paragraph[] {
  const { unit, date, seal } = document.signature;
  const dateWidth = widthInChars(date);
  const unitWidth = widthInChars(unit);
  const dateIndent = unitWidth > dateWidth + 4 ? 2 : 4;
  const over = (width: number) => Math.max(0, Math.round((dateIndent + (dateWidth - width) / 2) * CHAR));
  const line = (text: string, right: number) =>
    new Paragraph({ style: 'Signature', indent: { right }, children: [new TextRun(clean(text))] });
  return [
    new Paragraph({ style: 'Signature', children: [] }),
    line(seal, over(widthInChars(seal))),
    line(unit, over(unitWidth)),
    line(date, dateIndent * CHAR),
  ];
}

export async function reportDocx(document: ReportDocument): Promise<Uint8Array> {
  const doc = new Document({
    title: clean(document.title),
    creator: 'Rectify',
    description: document.lang === 'en' ? 'Rectification report' : '整改情况报告',
    evenAndOddHeaderAndFooters: true,
    theme: {
      fonts: {
        headings: { latin: FONTS.latin, eastAsia: FONTS.fallback, scripts: { Hans: FONTS.fallback } },
        body: { latin: FONTS.latin, eastAsia: FONTS.fallback, scripts: { Hans: FONTS.fallback } },
      },
    },
    styles: styles(document.lang),
    sections: [
      {
        properties: {
          page: {
            size: { width: PAGE.width, height: PAGE.height },
            // The number's baseline sits about 7 mm below the type area (GB/T 9704 7.5).
            margin: { ...MARGINS, header: mm(15), footer: mm(23), gutter: 0 },
          },
          // The line pitch is recorded (Word's page setup shows it); the lines themselves come from
          // the exact spacing and the 28 characters from CONDENSED, which every reader honours
          // alike. A character grid (linesAndChars, charSpace -841) would make Word squeeze 16 pt
          // characters into 15.79 pt cells, but LibreOffice gives each such character two cells
          // (14 to a line) and puts every larger one (the title) on a grid of its own.
          grid: { linePitch: LINE_PITCH },
        },
        footers: { default: pageNumberFooter('odd'), even: pageNumberFooter('even') },
        children: [
          new Paragraph({ style: 'Title', children: [new TextRun(clean(document.title))] }),
          // The body's place: its paragraphs are written as XML below, not as library objects.
          new Paragraph({ style: 'Normal', children: [new TextRun(BODY_MARK)] }),
          ...signature(document),
        ],
      },
    ],
  });
  const frame = await Packer.toBuffer(doc, false, [{ path: 'word/fontTable.xml', data: fontTableXml() }]);
  const buffer = await spliceBody(frame, bodyXml(document.blocks));
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

/**
 * The body's paragraphs (tens of thousands for a big inspection) as one XML string: each is a
 * styled paragraph with one run, exactly what the library writes for them, without its object
 * model per paragraph (which took some 180 MiB more for 20,000 items: bench:summaries).
 */
const BODY_MARK = 'RECTIFY-REPORT-BODY-7c1e94';

function bodyXml(blocks: readonly ReportBlock[]): string {
  return blocks
    .map(
      (block) =>
        `<w:p><w:pPr><w:pStyle w:val="${STYLE_OF[block.kind]}"/></w:pPr><w:r><w:t xml:space="preserve">${escapeXml(clean(block.text))}</w:t></w:r></w:p>`,
    )
    .join('');
}

/** The library's package with the marked paragraph of word/document.xml replaced by the body. */
async function spliceBody(frame: Buffer, body: string): Promise<Buffer> {
  const entries = await readEntries(frame);
  const zip = new yazl.ZipFile();
  for (const { name, data } of entries) {
    if (name !== 'word/document.xml') {
      zip.addBuffer(data, name);
      continue;
    }
    const xml = data.toString('utf8');
    const mark = xml.indexOf(BODY_MARK);
    const start = xml.lastIndexOf('<w:p>', mark);
    const end = xml.indexOf('</w:p>', mark) + '</w:p>'.length;
    if (mark < 0 || start < 0 || end < mark)
      throw new Error('report.docx: the body mark is missing from document.xml');
    zip.addBuffer(Buffer.from(xml.slice(0, start) + body + xml.slice(end), 'utf8'), name);
  }
  zip.end();
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function readEntries(bytes: Buffer): Promise<{ name: string; data: Buffer }[]> {
  const zip = await yauzl.fromBufferPromise(bytes, { lazyEntries: true });
  const entries: { name: string; data: Buffer }[] = [];
  for await (const entry of zip.eachEntry()) {
    const chunks: Buffer[] = [];
    for await (const chunk of await zip.openReadStreamPromise(entry)) chunks.push(chunk as Buffer);
    entries.push({ name: entry.fileName, data: Buffer.concat(chunks) });
  }
  return entries;
}
