/**
 * Hostile-file benchmark (`npm run bench:hostile`): the spreadsheet importer
 * (`parsePlanSpreadsheet`, pure, no AWS) refuses hostile workbooks fast and with flat memory.
 *
 * The hostile files are those of test/unit/plan/plan-spreadsheet-limits.test.ts, built by the same
 * code (test/fixtures/hostile-spreadsheets.ts: exceljs writes a valid one-row 台账, its sheet XML
 * is edited and rezipped with yazl, or a ZIP header is patched). The baseline, measured in the
 * same run, is a valid generated 台账 of BASELINE_ITEMS items (2,000) as XLSX, read whole.
 *
 * Every parse is a fresh process, so that its peak RSS is its own: the child reports VmHWM from
 * /proc/self/status as it ends (not getrusage's maxRSS, which on Linux a child starts with its
 * parent's at fork). Times are taken inside the child, around `parsePlanSpreadsheet` alone, after
 * its modules are loaded and the file read: Node's start is in neither figure. RUNS runs of each
 * file (5), the files taken in turn on every run, so that drift falls on all of them alike.
 * Children get the Node options the manifest gives the import-plan function (none today).
 *
 * Target: every hostile file refused (the validation over the whole sheet is ignored and the plan
 * read, as the unit test expects), its slowest run under 1 s, and its highest peak RSS at most the
 * baseline's + 64 MiB.
 *
 * Options: BENCH_HOSTILE_RUNS (5), BENCH_HOSTILE_ITEMS (2000).
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type FunctionSpec, functions } from '#catalog/functions.ts';
import type { PlanResult, SpreadsheetOptions } from '#shared/domain/plan/index.ts';
import { median, peakRssBytes, recordFigures, runMeasuredChild } from './measure.ts';

const MiB = 1024 * 1024;
const RUNS = Number(process.env.BENCH_HOSTILE_RUNS ?? 5);
const BASELINE_ITEMS = Number(process.env.BENCH_HOSTILE_ITEMS ?? 2_000);
const TARGET_MS = 1_000;
const TARGET_EXTRA_RSS = 64 * MiB;

type Kind = 'xlsx' | 'csv';

interface ParseResult {
  readonly ms: number;
  /** VmHWM after the modules are loaded and the file read, before the parse. */
  readonly loadedRssBytes: number;
  readonly peakRssBytes: number;
  readonly ok: boolean;
  readonly items: number;
  readonly errors: number;
  readonly first?: { path: string; message: string };
}

/** Ends a child: its result as JSON on stdout, then exit. */
function report(result: ParseResult): void {
  process.stdout.write(JSON.stringify(result), () => process.exit(0));
}

/** Child: one parse of one file. */
async function parseChild(file: string, kind: Kind, optionsJson: string) {
  const { parsePlanSpreadsheet } = await import('#shared/domain/plan/index.ts');
  const options = JSON.parse(optionsJson) as SpreadsheetOptions;
  const bytes = await readFile(file);
  const loadedRssBytes = peakRssBytes();
  const started = performance.now();
  const result: PlanResult = await parsePlanSpreadsheet(bytes, kind, options);
  const ms = performance.now() - started;
  const items = result.ok
    ? result.plan.aspects.reduce(
        (sum, aspect) => sum + aspect.problems.reduce((count, problem) => count + problem.items.length, 0),
        0,
      )
    : 0;
  const [first] = result.ok ? [] : result.errors;
  report({
    ms,
    loadedRssBytes,
    peakRssBytes: peakRssBytes(),
    ok: result.ok,
    items,
    errors: result.ok ? 0 : result.errors.length,
    ...(first ? { first: { path: first.path, message: first.message } } : {}),
  });
}

const NODE_OPTIONS = [...((functions.importPlan as FunctionSpec).nodeOptions ?? [])];

interface Case {
  readonly name: string;
  readonly kind: Kind;
  /** `read`: the file is harmless once its hostile part is ignored, and the plan is read. */
  readonly expect: 'refused' | 'read';
  readonly build: () => Promise<Buffer> | Buffer;
}

async function hostileCases(): Promise<Case[]> {
  const { hostileWorkbooks: h } = await import('../test/fixtures/hostile-spreadsheets.ts');
  return [
    { name: 'text in column XFD (1,000 rows)', kind: 'xlsx', expect: 'refused', build: h.textInColumnXfd },
    { name: 'text below the row limit', kind: 'xlsx', expect: 'refused', build: h.textBelowLastRow },
    { name: 'merge A1:XFD1048576', kind: 'xlsx', expect: 'refused', build: h.mergeWholeSheet },
    { name: 'merge A3:GR200000 (in limits)', kind: 'xlsx', expect: 'refused', build: h.mergeMillionsOfCells },
    { name: 'validation A1:XFD1048576', kind: 'xlsx', expect: 'read', build: h.validationWholeSheet },
    { name: 'part > its declared 100 B', kind: 'xlsx', expect: 'refused', build: h.partInflatesPastDeclared },
    { name: 'part declaring 4 GiB', kind: 'xlsx', expect: 'refused', build: h.partDeclaresGigabytes },
    {
      name: 'deadline + 100,000 spaces',
      kind: 'xlsx',
      expect: 'refused',
      build: () => h.spacedDeadlineXlsx(100_000),
    },
    {
      name: 'deadline + 100,000 spaces',
      kind: 'csv',
      expect: 'refused',
      build: () => h.spacedDeadlineCsv(100_000),
    },
    {
      name: 'deadline + 4,000 spaces',
      kind: 'xlsx',
      expect: 'refused',
      build: () => h.spacedDeadlineXlsx(4_000),
    },
  ];
}

/** The baseline: a valid generated 台账 as XLSX (title row, merges, 基本信息 sheet). */
async function baselineXlsx(): Promise<Buffer> {
  const { generatePlan } = await import('../test/fixtures/generate-plan.ts');
  const { planToXlsx } = await import('../test/fixtures/plan-spreadsheet.ts');
  const { parsePlanJson } = await import('#shared/domain/plan/index.ts');
  const parsed = parsePlanJson(generatePlan({ items: BASELINE_ITEMS, id: 'bench-hostile' }));
  if (!parsed.ok) throw new Error(`the generated plan is invalid: ${JSON.stringify(parsed.errors[0])}`);
  return planToXlsx(parsed.plan);
}

interface Measured {
  readonly name: string;
  readonly kind: Kind;
  readonly expect: 'refused' | 'read' | 'baseline';
  readonly file: string;
  readonly size: number;
  readonly options: SpreadsheetOptions;
  readonly runs: ParseResult[];
}

const mib = (bytes: number) => (bytes / MiB).toFixed(1);
const spread = (values: number[]) =>
  `${median(values).toFixed(1)} (${Math.min(...values).toFixed(1)}–${Math.max(...values).toFixed(1)})`;
const highestPeak = (m: Measured) => Math.max(...m.runs.map((run) => run.peakRssBytes));
const medianMs = (m: Measured) => median(m.runs.map((run) => run.ms));

/** What the parse ended with, and whether that is what the case expects. */
function outcome(m: Measured): { text: string; expected: boolean } {
  const last = m.runs.at(-1);
  const same = m.runs.every(
    (run) => run.ok === last?.ok && run.first?.path === last?.first?.path && run.items === last?.items,
  );
  if (!last) return { text: 'no run', expected: false };
  const text = last.ok
    ? `read: ${last.items} item${last.items === 1 ? '' : 's'}`
    : `${last.first?.path}: ${last.first?.message}${last.errors > 1 ? ` (+${last.errors - 1} more)` : ''}`;
  const expected =
    same &&
    (m.expect === 'refused'
      ? !last.ok
      : m.expect === 'read'
        ? last.ok && last.items > 0
        : last.ok && last.items === BASELINE_ITEMS);
  return { text: same ? text : `${text} (runs differ)`, expected };
}

async function main() {
  const benchStarted = performance.now();
  const { inspection } = await import('../test/fixtures/hostile-spreadsheets.ts');
  const directory = await mkdtemp(path.join(tmpdir(), 'rectify-bench-hostile-'));
  try {
    const all: Measured[] = [];
    const baselineBytes = await baselineXlsx();
    const baselineFile = path.join(directory, 'baseline.xlsx');
    await writeFile(baselineFile, baselineBytes);
    all.push({
      name: `baseline: ${BASELINE_ITEMS.toLocaleString('en')}-item ledger`,
      kind: 'xlsx',
      expect: 'baseline',
      file: baselineFile,
      size: baselineBytes.length,
      options: {},
      runs: [],
    });
    const cases = await hostileCases();
    for (const [index, hostile] of cases.entries()) {
      const bytes = await hostile.build();
      const file = path.join(directory, `hostile-${index}.${hostile.kind}`);
      await writeFile(file, bytes);
      all.push({ ...hostile, file, size: bytes.length, options: { inspection }, runs: [] });
    }
    for (let run = 0; run < RUNS; run++) {
      for (const m of all)
        m.runs.push(
          await runMeasuredChild<ParseResult>(
            import.meta.filename,
            NODE_OPTIONS,
            ['--parse', m.file, m.kind, JSON.stringify(m.options)],
            {},
          ),
        );
    }
    print(all, performance.now() - benchStarted);
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}

function print(all: Measured[], elapsedMs: number) {
  const [baseline, ...hostile] = all;
  if (!baseline) throw new Error('no baseline');
  const baseOutcome = outcome(baseline);
  if (!baseOutcome.expected) throw new Error(`the baseline was not read whole: ${baseOutcome.text}`);
  const basePeak = highestPeak(baseline);
  const baseMs = medianMs(baseline);
  const columns: [string, number][] = [
    ['file', 32],
    ['kind', 6],
    ['bytes', 10],
    ['ms (min–max)', 24],
    ['peak RSS', 12],
    ['parse adds', 12],
    ['RSS ratio', 11],
    ['time ratio', 12],
    ['outcome (first error: place: reason)', 0],
  ];
  const row = (cells: string[]) =>
    cells
      .map((cell, i) => cell.padEnd(columns[i]?.[1] ?? 0))
      .join('')
      .trimEnd();
  console.log(row(columns.map(([name]) => name)));
  const line = (m: Measured, text: string) =>
    console.log(
      row([
        m.name,
        m.kind,
        String(m.size),
        spread(m.runs.map((run) => run.ms)),
        `${mib(highestPeak(m))} MiB`,
        `${mib(Math.max(...m.runs.map((run) => run.peakRssBytes - run.loadedRssBytes)))} MiB`,
        (highestPeak(m) / basePeak).toFixed(2),
        (medianMs(m) / baseMs).toFixed(2),
        text,
      ]),
    );
  line(baseline, baseOutcome.text);
  const misses: string[] = [];
  for (const m of hostile) {
    const { text, expected } = outcome(m);
    line(m, text);
    const slowest = Math.max(...m.runs.map((run) => run.ms));
    if (!expected) misses.push(`${m.name} (${m.kind}): ${m.expect === 'read' ? 'not read' : 'not refused'}`);
    if (slowest >= TARGET_MS) misses.push(`${m.name} (${m.kind}): slowest run ${slowest.toFixed(0)} ms`);
    if (highestPeak(m) > basePeak + TARGET_EXTRA_RSS)
      misses.push(`${m.name} (${m.kind}): peak RSS ${mib(highestPeak(m))} MiB`);
  }
  const loaded = Math.max(...all.flatMap((m) => m.runs.map((run) => run.loadedRssBytes)));
  console.log(
    `(ms = parsePlanSpreadsheet alone, median (min–max) of ${RUNS} runs, each a fresh process; peak RSS = the` +
      ` highest VmHWM of the runs, of which Node with the importer loaded and the file read is at most ${mib(loaded)} MiB;` +
      " parse adds = the most a run's peak rose during the parse;" +
      ' ratios = file / baseline (peak RSS; median time); the validation file is expected to be read, its' +
      ` validation ignored; Node options: ${NODE_OPTIONS.join(' ') || "Node's defaults, as the manifest gives import-plan none"};` +
      ` run time ${(elapsedMs / 1000).toFixed(0)} s)`,
  );
  const targetRss = basePeak + TARGET_EXTRA_RSS;
  console.log(
    `target: every hostile file refused (the validation file read) with its slowest run under ${TARGET_MS} ms and` +
      ` peak RSS ≤ baseline + 64 MiB = ${mib(targetRss)} MiB: ` +
      (misses.length === 0 ? 'met' : `not met (${misses.join('; ')})`),
  );
  const expected = hostile.filter((m) => outcome(m).expected).length;
  const slowest = Math.max(...hostile.flatMap((m) => m.runs.map((run) => run.ms)));
  const peak = Math.max(...hostile.map(highestPeak));
  recordFigures('hostile', [
    {
      figure: 'hostile files refused (the validation file read)',
      value: `${expected}/${hostile.length}`,
      target: `${hostile.length}/${hostile.length}`,
      met: expected === hostile.length,
    },
    {
      figure: 'slowest run of any hostile file',
      value: Number(slowest.toFixed(0)),
      unit: 'ms',
      target: `< ${TARGET_MS} ms`,
      met: slowest < TARGET_MS,
    },
    {
      figure: 'highest peak RSS of any hostile file',
      value: Number(mib(peak)),
      unit: 'MiB',
      target: `≤ baseline + 64 = ${mib(targetRss)} MiB`,
      met: peak <= targetRss,
    },
    {
      figure: `baseline: ${BASELINE_ITEMS}-item workbook read (median)`,
      value: Number(baseMs.toFixed(0)),
      unit: 'ms',
      target: '—',
    },
  ]);
}

const [mode, ...args] = process.argv.slice(2);
if (mode === '--parse') {
  await parseChild(args[0] ?? '', (args[1] ?? 'xlsx') as Kind, args[2] ?? '{}');
} else {
  await main();
}
