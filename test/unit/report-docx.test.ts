import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { buildReport } from '#shared/domain/report/build.ts';
import type { ReportDocument, ReportInput } from '#shared/domain/report/model.ts';
import type { ItemStatus } from '#shared/domain/status.ts';
import { CONDENSED, LINE_PITCH, MARGINS, PAGE, reportDocx } from '#shared/reports/report-docx.ts';
import { ensureDocumentReaders, PYTHON } from '../support/document-readers.ts';
import { unzip } from '../support/docx.ts';
import { generatedPlan, ledgerOf, reportInputOf, samplePlan } from '../support/report-input.ts';

// report.docx read back three ways: its XML (layout per GB/T 9704), python-docx (the text, in
// ledger order, under the right headings) and LibreOffice (a PDF of A4 pages, a PNG of page 1).

const work = mkdtempSync(path.join(tmpdir(), 'rectify-report-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const RESULTS = path.resolve(import.meta.dirname, '../../test-results/report');

/** The attributes of the first `<tag …>` in xml. */
function attributes(xml: string, tag: string): Record<string, string> {
  const match = xml.match(new RegExp(`<${tag}(\\s[^>]*)?/?>`));
  if (!match) throw new Error(`no <${tag}> in ${xml.slice(0, 200)}…`);
  return Object.fromEntries([...(match[1] ?? '').matchAll(/([\w:]+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
}

/** One style's XML from styles.xml. */
function style(styles: string, id: string): string {
  const match = styles.match(new RegExp(`<w:style [^>]*w:styleId="${id}"[^>]*>[\\s\\S]*?</w:style>`));
  if (!match) throw new Error(`no style ${id}`);
  return match[0];
}

const sampleInput = reportInputOf(ledgerOf(samplePlan()));
const sample = buildReport(sampleInput);

describe('report.docx as XML', async () => {
  const entries = await unzip(await reportDocx(sample));
  const documentXml = entries.get('word/document.xml') ?? '';
  const styles = entries.get('word/styles.xml') ?? '';

  it('is A4 with the GB/T 9704 margins', () => {
    expect(attributes(documentXml, 'w:pgSz')).toMatchObject({ 'w:w': '11906', 'w:h': '16838' });
    // 37 / 35 / 28 / 26 mm, at 1440 / 25.4 twips a millimetre.
    expect(attributes(documentXml, 'w:pgMar')).toMatchObject({
      'w:top': '2098',
      'w:bottom': '1984',
      'w:left': '1587',
      'w:right': '1474',
    });
    expect(MARGINS).toEqual({ top: 2098, bottom: 1984, left: 1587, right: 1474 });
  });

  it('holds 22 lines of 28 characters', () => {
    expect(attributes(documentXml, 'w:docGrid')).toMatchObject({ 'w:linePitch': String(LINE_PITCH) });
    const normal = style(styles, 'Normal');
    expect(attributes(normal, 'w:spacing')).toMatchObject({ 'w:line': '579', 'w:lineRule': 'exact' });
    const typeArea = PAGE.height - MARGINS.top - MARGINS.bottom;
    expect(Math.floor(typeArea / LINE_PITCH)).toBe(22);
    // 28 characters of 3号 (16 pt) set 0.25 pt closer fit the 156 mm line; 28 full ones would not.
    expect(normal).toContain(`<w:spacing w:val="${CONDENSED}"/>`);
    const line = (PAGE.width - MARGINS.left - MARGINS.right) / 20;
    expect(28 * (16 + CONDENSED / 20)).toBeLessThanOrEqual(line);
    expect(28 * 16).toBeGreaterThan(line);
  });

  it('names the fonts per level, with 宋体 as the default and the fallbacks in the font table', () => {
    const eastAsia = (xml: string) => attributes(xml, 'w:rFonts')['w:eastAsia'];
    const size = (xml: string) => attributes(xml, 'w:sz')['w:val'];
    expect([eastAsia(style(styles, 'Title')), size(style(styles, 'Title'))]).toEqual([
      '方正小标宋简体',
      '44',
    ]);
    expect([eastAsia(style(styles, 'Heading1')), size(style(styles, 'Heading1'))]).toEqual(['黑体', '32']);
    expect([eastAsia(style(styles, 'Heading2')), size(style(styles, 'Heading2'))]).toEqual([
      '楷体_GB2312',
      '32',
    ]);
    expect([eastAsia(style(styles, 'Normal')), size(style(styles, 'Normal'))]).toEqual(['仿宋_GB2312', '32']);
    expect([eastAsia(style(styles, 'Footer')), size(style(styles, 'Footer'))]).toEqual(['宋体', '28']);
    const defaults = styles.match(/<w:docDefaults>[\s\S]*?<\/w:docDefaults>/)?.[0] ?? '';
    expect(eastAsia(defaults)).toBe('宋体');
    const fontTable = entries.get('word/fontTable.xml') ?? '';
    const altName = (name: string) =>
      fontTable.match(new RegExp(`<w:font w:name="${name}"><w:altName w:val="([^"]*)"`))?.[1];
    expect(altName('仿宋_GB2312')).toMatch(/^仿宋,FangSong/);
    expect(altName('楷体_GB2312')).toMatch(/^楷体,KaiTi/);
    expect(altName('方正小标宋简体')).toContain('宋体,SimSun');
    expect(altName('黑体')).toBe('SimHei');
  });

  it('indents the first line two characters and centres the title', () => {
    expect(attributes(style(styles, 'Normal'), 'w:ind')).toMatchObject({
      'w:firstLine': '640',
      'w:firstLineChars': '200',
    });
    const title = style(styles, 'Title');
    expect(attributes(title, 'w:jc')['w:val']).toBe('center');
    expect(attributes(title, 'w:ind')).toMatchObject({ 'w:firstLine': '0', 'w:firstLineChars': '0' });
    expect(attributes(style(styles, 'Signature'), 'w:jc')['w:val']).toBe('right');
    const styleIds = [...documentXml.matchAll(/<w:pStyle w:val="(\w+)"\/>/g)].map((m) => m[1]);
    expect(styleIds[0]).toBe('Title');
    expect(new Set(styleIds)).toEqual(
      new Set(['Title', 'Normal', 'Heading1', 'Heading2', 'Heading3', 'Signature']),
    );
  });

  it('numbers pages "— 1 —" on the outside edge: right on odd pages, left on even ones', () => {
    expect(entries.get('word/settings.xml')).toContain('<w:evenAndOddHeaders/>');
    const relations = entries.get('word/_rels/document.xml.rels') ?? '';
    const footerOf = (type: string) => {
      const id = documentXml.match(new RegExp(`<w:footerReference w:type="${type}" r:id="(\\w+)"/>`))?.[1];
      const target = relations.match(new RegExp(`Id="${id}"[^>]*Target="([^"]+)"`))?.[1] ?? '';
      return entries.get(`word/${target}`) ?? '';
    };
    for (const [type, side] of [
      ['default', 'right'],
      ['even', 'left'],
    ] as const) {
      const footer = footerOf(type);
      expect(footer, type).toMatch(
        /<w:t xml:space="preserve">— <\/w:t><\/w:r><w:r><w:fldChar w:fldCharType="begin"\/><\/w:r><w:r><w:instrText xml:space="preserve">PAGE<\/w:instrText>[\s\S]*<w:fldChar w:fldCharType="end"\/><\/w:r><w:r><w:t xml:space="preserve"> —<\/w:t>/,
      );
      expect(attributes(footer, 'w:jc')['w:val']).toBe(side);
      expect(attributes(footer, 'w:ind')).toEqual({ [`w:${side}`]: '280' });
      expect(attributes(footer, 'w:pStyle')['w:val']).toBe('Footer');
    }
  });

  it('drops characters XML cannot hold instead of writing an unreadable file', async () => {
    const dirty: ReportDocument = {
      ...sample,
      blocks: [{ kind: 'paragraph', text: 'a\u0001b\u000bc\ud800d' }],
    };
    const xml = (await unzip(await reportDocx(dirty))).get('word/document.xml') ?? '';
    expect(xml).toContain('>abcd<');
  });
});

// ---------------------------------------------------------------------------------------------
// Independent readers.

const readers = ensureDocumentReaders();
if (readers.missing) console.warn(`report.docx readers: ${readers.missing}`);

const PYTHON_READ = `
import json, sys, docx
d = docx.Document(sys.argv[1])
s = d.sections[0]
json.dump({
  'paragraphs': [[p.style.name, p.text] for p in d.paragraphs],
  'footers': [[p.text for p in s.footer.paragraphs], [p.text for p in s.even_page_footer.paragraphs]],
  'oddAndEven': d.settings.odd_and_even_pages_header_footer,
  'page': [s.page_width, s.page_height, s.top_margin, s.bottom_margin, s.left_margin, s.right_margin],
}, sys.stdout, ensure_ascii=False)
`;

interface PythonView {
  paragraphs: [style: string, text: string][];
  footers: [string[], string[]];
  oddAndEven: boolean;
  page: number[];
}

function readWithPythonDocx(file: string): PythonView {
  const run = spawnSync(PYTHON, ['-c', PYTHON_READ, file], {
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  if (run.status !== 0) throw new Error(`python-docx could not read ${file}: ${run.stderr}`);
  return JSON.parse(run.stdout) as PythonView;
}

const STATUS_WORDS: Record<ItemStatus, string> = {
  rectified: '已整改',
  closed: '已完成',
  in_progress: '正在整改',
  not_started: '尚未启动',
};
const literal = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Walks the paragraphs as read back and checks every item of the summary, in ledger order: its
 * 问题N line, 工作进展 line and 整改情况 text, under its aspect's （N） heading and its problem's
 * "N．针对…的问题" heading, problems numbered from 1 in each aspect.
 */
function expectLedgerOrder(paragraphs: PythonView['paragraphs'], input: ReportInput): void {
  let aspect = '';
  let problem = '';
  let problemNumbers: number[] = [];
  const found: { aspect: string; problem: string; lines: string[] }[] = [];
  paragraphs.forEach(([styleName, text], index) => {
    if (styleName === 'Heading 2') {
      aspect = text;
      problemNumbers = [];
    } else if (styleName === 'Heading 3') {
      problem = text;
      problemNumbers.push(Number(text.match(/^(\d+)．/)?.[1]));
      expect(problemNumbers).toEqual(problemNumbers.map((_, i) => i + 1));
    } else if (styleName === 'Normal' && /^问题\d+：/.test(text)) {
      found.push({ aspect, problem, lines: paragraphs.slice(index, index + 3).map(([, line]) => line) });
    }
  });
  const { items } = input.summary;
  expect(found).toHaveLength(items.length);
  items.forEach((item, k) => {
    const at = found[k] as (typeof found)[number];
    const outline = input.aspects.find((a) => a.no === item.aspectNo);
    const problemTitle = outline?.problems.find((p) => p.no === item.problemNo)?.title ?? '';
    expect(at.aspect, item.ref).toMatch(
      new RegExp(`^（[一二三四五六七八九十百零]+）${literal(outline?.title ?? '')}$`),
    );
    expect(at.problem, item.ref).toMatch(new RegExp(`^\\d+．针对“${literal(problemTitle)}”的问题$`));
    const description = input.descriptions[item.ref] ?? '';
    expect(at.lines, item.ref).toEqual([
      `问题${item.ref.split('.')[2]}：${item.title}。${description}`,
      `工作进展：${STATUS_WORDS[item.status]}${item.longTerm ? '，长期坚持' : ''}。`,
      item.progress ? `整改情况：${item.progress}` : '整改情况：暂无报送。',
    ]);
  });
}

const EMU = 635; // EMU per twip

describe.skipIf(!readers.pythonDocx)(`read back by python-docx (${PYTHON})`, () => {
  it('reads the sample: title, parts, every item in ledger order, the 落款, the footers', async () => {
    const file = path.join(work, 'sample.docx');
    writeFileSync(file, await reportDocx(sample));
    const view = readWithPythonDocx(file);
    expect(view.page).toEqual(
      [PAGE.width, PAGE.height, MARGINS.top, MARGINS.bottom, MARGINS.left, MARGINS.right].map((t) => t * EMU),
    );
    expect(view.oddAndEven).toBe(true);
    // The PAGE field's number is Word's to fill in; the dashes around it are text.
    expect(view.footers).toEqual([['—  —'], ['—  —']]);
    expect(view.paragraphs[0]).toEqual(['Title', sample.title]);
    expect(view.paragraphs.map(([, text]) => text)).toEqual([
      sample.title,
      ...sample.blocks.map((block) => block.text),
      '',
      '（盖章）',
      '市卫生健康委员会',
      '2024年11月27日',
    ]);
    expectLedgerOrder(view.paragraphs, sampleInput);
    mkdirSync(RESULTS, { recursive: true });
    writeFileSync(
      path.join(RESULTS, 'report-sample.txt'),
      view.paragraphs.map(([styleName, text]) => `[${styleName}] ${text}`).join('\n'),
    );
  }, 60_000);

  it('reads a 2,000-item report the same way', async () => {
    const input = reportInputOf(ledgerOf(generatedPlan(2000)));
    const started = performance.now();
    const report = buildReport(input);
    const built = performance.now();
    const bytes = await reportDocx(report);
    const written = performance.now();
    console.log(
      `report.docx of 2,000 items: build ${Math.round(built - started)} ms, docx ${Math.round(written - built)} ms, ${Math.round(bytes.length / 1024)} KiB`,
    );
    const file = path.join(work, 'generated-2000.docx');
    writeFileSync(file, bytes);
    const view = readWithPythonDocx(file);
    expect(view.paragraphs).toHaveLength(1 + report.blocks.length + 4);
    expectLedgerOrder(view.paragraphs, input);
  }, 120_000);
});

// ---------------------------------------------------------------------------------------------

describe.skipIf(!readers.soffice || !readers.sofficePng)('rendered by LibreOffice', () => {
  /** One soffice run per format; a private profile so parallel runs never share one. */
  function convert(files: readonly string[], format: 'pdf' | 'png', out: string): void {
    const profile = pathToFileURL(path.join(work, 'lo-profile')).href;
    const run = spawnSync(
      readers.soffice as string,
      [
        `-env:UserInstallation=${profile}`,
        '--headless',
        '--norestore',
        '--convert-to',
        format,
        '--outdir',
        out,
        ...files,
      ],
      { encoding: 'utf8', timeout: 60_000 },
    );
    if (run.status !== 0)
      throw new Error(`soffice --convert-to ${format} failed: ${run.stderr}${run.stdout}`);
  }

  it('makes A4 pages and a PNG of page 1 (test-results/report/)', async () => {
    const zh = path.join(work, 'report-zh.docx');
    const en = path.join(work, 'report-en.docx');
    writeFileSync(zh, await reportDocx(sample));
    writeFileSync(en, await reportDocx(buildReport(reportInputOf(ledgerOf(samplePlan()), { lang: 'en' }))));
    const out = path.join(work, 'rendered');
    convert([zh], 'pdf', out);
    convert([zh, en], 'png', out);

    const pdf = readFileSync(path.join(out, 'report-zh.pdf')).toString('latin1');
    const boxes = [...pdf.matchAll(/\/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]/g)];
    expect(boxes.length).toBeGreaterThan(0);
    for (const [, width, height] of boxes) {
      // A4 is 210 × 297 mm: 595.3 × 841.9 pt.
      expect(Number(width)).toBeCloseTo(595.3, 0);
      expect(Number(height)).toBeCloseTo(841.9, 0);
    }
    expect(pdf.match(/\/Type\s*\/Page[^s]/g)?.length).toBeGreaterThanOrEqual(2);

    mkdirSync(RESULTS, { recursive: true });
    for (const name of ['report-zh', 'report-en']) {
      const png = readFileSync(path.join(out, `${name}.png`));
      expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
      const [width, height] = [png.readUInt32BE(16), png.readUInt32BE(20)];
      expect(height / width).toBeCloseTo(297 / 210, 1);
      copyFileSync(path.join(out, `${name}.png`), path.join(RESULTS, `${name}-page1.png`));
    }
    copyFileSync(path.join(out, 'report-zh.pdf'), path.join(RESULTS, 'report-zh.pdf'));
  }, 90_000);
});
