/**
 * One table of every bench's headline figures (`npm run bench:summary`, the last step of
 * `npm run bench`): each bench writes its figures with their targets to bench/results/<bench>.json
 * (`recordFigures` in measure.ts); this reads them all and prints bench, figure, value, target,
 * whether it is met, and when it was measured, so that a figure left from an earlier run shows as
 * such. Benches with no results file are named at the end. It prints; it does not fail.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { displayWidth, type Figure, RESULTS_DIR } from './measure.ts';

/** The order `npm run bench` runs them in; any other results file comes after, by name. */
const BENCHES = ['ledger', 'evidence', 'bundles', 'events', 'summaries', 'archives', 'hostile', 'console'];

interface Results {
  readonly bench: string;
  readonly measuredAt: string;
  readonly node?: string;
  readonly cores?: number;
  readonly figures: readonly Figure[];
}

const pad = (text: string, columns: number) => text + ' '.repeat(Math.max(0, columns - displayWidth(text)));

function valueText(figure: Figure): string {
  const value =
    typeof figure.value === 'number'
      ? Number.isFinite(figure.value)
        ? figure.value.toLocaleString('en-US', { maximumFractionDigits: 2 })
        : '—'
      : figure.value;
  return figure.unit && value !== '—' ? `${value} ${figure.unit}` : value;
}

function age(measuredAt: Date, now: Date): string {
  const minutes = Math.round((now.getTime() - measuredAt.getTime()) / 60_000);
  if (Number.isNaN(minutes)) return '';
  if (minutes < 60) return `${minutes} min ago`;
  if (minutes < 48 * 60) return `${(minutes / 60).toFixed(1)} h ago`;
  return `${Math.round(minutes / (24 * 60))} days ago`;
}

const files = existsSync(RESULTS_DIR) ? readdirSync(RESULTS_DIR).filter((f) => f.endsWith('.json')) : [];
const results: Results[] = [];
const unreadable: string[] = [];
for (const file of files) {
  try {
    const parsed = JSON.parse(readFileSync(path.join(RESULTS_DIR, file), 'utf8')) as Results;
    if (typeof parsed.bench !== 'string' || !Array.isArray(parsed.figures))
      throw new Error('not a results file');
    results.push(parsed);
  } catch (error) {
    unreadable.push(`${file} (${error instanceof Error ? error.message : String(error)})`);
  }
}
const rank = (bench: string) => (BENCHES.includes(bench) ? BENCHES.indexOf(bench) : BENCHES.length);
results.sort((a, b) => rank(a.bench) - rank(b.bench) || a.bench.localeCompare(b.bench));

const now = new Date();
const header = ['bench', 'figure', 'value', 'target', 'met', 'measured'];
const rows: string[][] = results.flatMap((result) => {
  const at = new Date(result.measuredAt);
  const when = Number.isNaN(at.getTime())
    ? 'unknown'
    : `${at.toISOString().slice(0, 16).replace('T', ' ')} UTC (${age(at, now)})`;
  return result.figures.map((figure, index) => [
    index === 0 ? result.bench : '',
    figure.figure,
    valueText(figure),
    figure.target || '—',
    figure.met === undefined ? '—' : figure.met ? 'met' : 'NOT met',
    index === 0 ? when : '',
  ]);
});
const widths = header.map((_, column) =>
  Math.max(...[header, ...rows].map((row) => displayWidth(row[column] ?? ''))),
);
const line = (row: string[]) =>
  row
    .map((cell, column) => pad(cell, column === row.length - 1 ? 0 : (widths[column] ?? 0)))
    .join('  ')
    .trimEnd();
console.log(`\nBench summary (${path.relative(process.cwd(), RESULTS_DIR) || RESULTS_DIR}/*.json)`);
console.log(line(header));
for (const row of rows) console.log(line(row));

const figures = results.flatMap((result) => result.figures);
const withTarget = figures.filter((figure) => figure.met !== undefined);
const missing = BENCHES.filter((bench) => !results.some((result) => result.bench === bench));
console.log(
  `(${withTarget.filter((figure) => figure.met).length} of ${withTarget.length} figures with a target met` +
    `${missing.length > 0 ? `; no results yet from ${missing.join(', ')}` : ''}` +
    `${unreadable.length > 0 ? `; unreadable: ${unreadable.join(', ')}` : ''})`,
);
