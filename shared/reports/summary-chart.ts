import type { ItemStatus } from '#shared/domain/status.ts';
import { STATUS_LABELS, STATUSES_MOST_DONE_FIRST } from '#shared/domain/status.ts';
import type { Summary } from '#shared/domain/summary/model.ts';
import type { Lang } from '#shared/i18n/lang.ts';

/**
 * The progress chart of a summary (chart.svg): one horizontal stacked bar per aspect, segments
 * closed → rectified → in progress → not started, bars to one scale (the largest aspect fills the
 * plot). Plain SVG 1.1 with no scripts, CSS or external references, so that rsvg, Inkscape, Word
 * and a mail client draw it alike; every text names a CJK font list so that Chinese renders
 * wherever such a font is installed.
 */

export const CHART_FONT_FAMILY =
  "'Noto Sans CJK SC','Source Han Sans SC','PingFang SC','Microsoft YaHei','WenQuanYi Micro Hei','Noto Sans',sans-serif";

/** Stacking order, left to right. */
export const CHART_SEGMENTS = STATUSES_MOST_DONE_FIRST;

export const CHART_COLOURS: Readonly<Record<ItemStatus, { readonly fill: string; readonly text: string }>> = {
  closed: { fill: '#1b7a3e', text: '#ffffff' },
  rectified: { fill: '#7cc47f', text: '#10321a' },
  in_progress: { fill: '#f2a900', text: '#3a2a00' },
  not_started: { fill: '#b9bec5', text: '#22262b' },
};

const WIDTH = 960;
const MARGIN = 24;
const LABEL_WIDTH = 260;
const PLOT_X = MARGIN + LABEL_WIDTH + 12;
const TOTAL_WIDTH = 56;
const PLOT_WIDTH = WIDTH - PLOT_X - TOTAL_WIDTH - MARGIN;
const TITLE_SIZE = 20;
const FONT_SIZE = 14;
const BAR_HEIGHT = 26;
const BAR_GAP = 14;
const HEADER_HEIGHT = 118;
const FOOTER_HEIGHT = 24;
const EMPTY_HEIGHT = 120;

const TEXT = {
  'zh-CN': {
    title: (title: string) => `${title} 整改进展`,
    asOf: (date: string) => {
      const [year, month, day] = date.split('-').map(Number);
      return `截至${year}年${month}月${day}日`;
    },
    dated: (asOf: string) => `（${asOf}）`,
    totals: (total: number, rectified: number, overdue: number) =>
      `共 ${total} 项，整改完成 ${rectified} 项，逾期 ${overdue} 项`,
    empty: '暂无事项',
  },
  en: {
    title: (title: string) => `${title}: rectification progress`,
    asOf: (date: string) => `as of ${date}`,
    dated: (asOf: string) => ` (${asOf})`,
    totals: (total: number, rectified: number, overdue: number) =>
      `${total} items, ${rectified} rectified, ${overdue} overdue`,
    empty: 'No items',
  },
} as const;

/** Text fit for XML character data and attribute values: no markup, no characters XML forbids. */
export function escapeXml(text: string): string {
  return (
    text
      // Characters XML 1.0 does not allow at all, and lone surrogates.
      // biome-ignore lint/suspicious/noControlCharactersInRegex: removing them is the point
      .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '')
      .replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '')
      .replace(/\s+/g, ' ')
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
      .replace(/'/g, '&apos;')
  );
}

/** A number as SVG writes it: finite, at most one decimal. */
function n(value: number): string {
  if (!Number.isFinite(value)) return '0';
  return String(Math.round(value * 10) / 10);
}

/** Approximate advance of one character at `size` px: wide for CJK and full-width forms. */
function charWidth(char: string, size: number): number {
  const code = char.codePointAt(0) ?? 0;
  const wide =
    (code >= 0x1100 && code <= 0x115f) ||
    (code >= 0x2e80 && code <= 0xa4cf) ||
    (code >= 0xac00 && code <= 0xd7a3) ||
    (code >= 0xf900 && code <= 0xfaff) ||
    (code >= 0xfe30 && code <= 0xfe4f) ||
    (code >= 0xff00 && code <= 0xff60) ||
    (code >= 0xffe0 && code <= 0xffe6) ||
    code >= 0x20000;
  return wide ? size : size * 0.6;
}

export function textWidth(text: string, size: number): number {
  let width = 0;
  for (const char of text) width += charWidth(char, size);
  return width;
}

/** `text` cut to fit `max` px, ending with … when cut. */
export function truncate(text: string, max: number, size: number): string {
  const clean = text.replace(/\s+/g, ' ').trim();
  if (textWidth(clean, size) <= max) return clean;
  const room = max - textWidth('…', size);
  let out = '';
  let width = 0;
  for (const char of clean) {
    const next = charWidth(char, size);
    if (width + next > room) break;
    out += char;
    width += next;
  }
  return `${out.trimEnd()}…`;
}

function text(
  x: number,
  y: number,
  content: string,
  options: { size?: number; anchor?: 'start' | 'middle' | 'end'; fill?: string; weight?: 'bold' } = {},
): string {
  const attributes = [
    `x="${n(x)}"`,
    `y="${n(y)}"`,
    `font-family="${CHART_FONT_FAMILY}"`,
    `font-size="${n(options.size ?? FONT_SIZE)}"`,
    `fill="${options.fill ?? '#1f2328'}"`,
  ];
  if (options.anchor && options.anchor !== 'start') attributes.push(`text-anchor="${options.anchor}"`);
  if (options.weight) attributes.push(`font-weight="${options.weight}"`);
  return `<text ${attributes.join(' ')}>${escapeXml(content)}</text>`;
}

export function summaryChartSvg(summary: Summary, lang: Lang = summary.lang): string {
  const t = TEXT[lang];
  const aspects = summary.byAspect;
  const scale = Math.max(0, ...aspects.map((a) => (Number.isFinite(a.total) ? a.total : 0)));
  const empty = aspects.length === 0 || scale === 0;
  const plotHeight = empty ? EMPTY_HEIGHT : aspects.length * (BAR_HEIGHT + BAR_GAP) - BAR_GAP;
  const height = HEADER_HEIGHT + plotHeight + FOOTER_HEIGHT;

  const parts: string[] = [];
  parts.push(`<rect x="0" y="0" width="${WIDTH}" height="${n(height)}" fill="#ffffff"/>`);

  // The date always shows; a long inspection title gives way to it.
  const dated = t.dated(t.asOf(summary.asOfDate));
  const title = `${truncate(
    t.title(summary.inspection.title),
    WIDTH - 2 * MARGIN - textWidth(dated, TITLE_SIZE),
    TITLE_SIZE,
  )}${dated}`;
  parts.push(text(MARGIN, MARGIN + TITLE_SIZE, title, { size: TITLE_SIZE, weight: 'bold' }));
  const { totals } = summary;
  parts.push(
    text(MARGIN, MARGIN + TITLE_SIZE + 26, t.totals(totals.total, totals.rectifiedTotal, totals.overdue), {
      fill: '#57606a',
    }),
  );

  // Legend: a swatch and the status label, in stacking order.
  const legendY = MARGIN + TITLE_SIZE + 50;
  let legendX = MARGIN;
  const legend = CHART_SEGMENTS.map((status) => {
    const label = STATUS_LABELS[status][lang];
    const item = [
      `<rect x="${n(legendX)}" y="${n(legendY)}" width="14" height="14" fill="${CHART_COLOURS[status].fill}"/>`,
      text(legendX + 20, legendY + 12, label),
    ].join('');
    legendX += 20 + textWidth(label, FONT_SIZE) + 24;
    return item;
  });
  parts.push(`<g class="legend">${legend.join('')}</g>`);

  if (empty) {
    parts.push(
      text(WIDTH / 2, HEADER_HEIGHT + EMPTY_HEIGHT / 2 + FONT_SIZE / 2, t.empty, {
        size: 18,
        anchor: 'middle',
        fill: '#57606a',
      }),
    );
  } else {
    parts.push(
      `<line x1="${n(PLOT_X)}" y1="${n(HEADER_HEIGHT - 6)}" x2="${n(PLOT_X)}" y2="${n(HEADER_HEIGHT + plotHeight + 6)}" stroke="#d0d7de" stroke-width="1"/>`,
    );
    aspects.forEach((aspect, index) => {
      const y = HEADER_HEIGHT + index * (BAR_HEIGHT + BAR_GAP);
      const middle = y + BAR_HEIGHT / 2 + FONT_SIZE * 0.35;
      const label = truncate(`${aspect.aspectNo}. ${aspect.title}`, LABEL_WIDTH, FONT_SIZE);
      const group: string[] = [text(MARGIN + LABEL_WIDTH, middle, label, { anchor: 'end' })];
      let x = PLOT_X;
      for (const status of CHART_SEGMENTS) {
        const count = aspect[status];
        if (!Number.isFinite(count) || count <= 0) continue;
        const width = (count / scale) * PLOT_WIDTH;
        const colours = CHART_COLOURS[status];
        group.push(
          `<rect class="segment" data-status="${status}" data-count="${count}" x="${n(x)}" y="${n(y)}" width="${n(width)}" height="${BAR_HEIGHT}" fill="${colours.fill}"><title>${escapeXml(`${STATUS_LABELS[status][lang]} ${count}`)}</title></rect>`,
        );
        if (width >= textWidth(String(count), 12) + 8) {
          group.push(
            text(x + width / 2, y + BAR_HEIGHT / 2 + 12 * 0.35, String(count), {
              size: 12,
              anchor: 'middle',
              fill: colours.text,
            }),
          );
        }
        x += width;
      }
      group.push(text(x + 6, middle, String(aspect.total), { fill: '#57606a' }));
      parts.push(`<g class="aspect" data-aspect="${aspect.aspectNo}">${group.join('')}</g>`);
    });
  }

  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="${WIDTH}" height="${n(height)}" viewBox="0 0 ${WIDTH} ${n(height)}">`,
    `<title>${escapeXml(title)}</title>`,
    ...parts,
    '</svg>',
    '',
  ].join('\n');
}
