/**
 * Summary benchmark (`npm run bench:summaries`), against one moto emulator, for a generated
 * inspection of BENCH_SUMMARY_ITEMS items (20,000), and also of BENCH_SUMMARY_LARGE items when
 * that is set (moto's Query slows down as a partition grows, so the ratio at one size does not
 * promise the one at a larger size). Both at most MAX_PLAN_ITEMS (20,000): the import refuses a
 * larger plan, so a 100,000-item inspection cannot be made (the run stops at once if asked to):
 *
 *  1. Generation of an as-of-now summary (`generateSummary`, trigger 'request', zh-CN): wall time
 *     and peak RSS, vs the floor: paging through the same items with Query alone (the Query that
 *     `LedgerStore.listItems` sends, page after page, counting the items and keeping none). What
 *     the summary adds to that read (building it, rendering summary.json, summary.md, chart.svg,
 *     ledger.xlsx and report.docx, uploading them, the record and chain transaction) is what it
 *     costs; report.docx's own rendering time is printed apart (it is inside the run's peak RSS).
 *     Targets: ratio generation / floor ≤ 1.5, generation peak RSS ≤ 512 MiB.
 *     Each run is a fresh process, so that its peak RSS is its own: the child reports VmHWM from
 *     /proc/self/status as it ends (not getrusage's maxRSS, which on Linux a child starts with
 *     its parent's at fork; this parent holds the generated plan). Times are taken inside the
 *     child, after its modules (exceljs too) are loaded: Node's start is in neither figure. The
 *     generator gets the Node options the manifest gives the request-summary function. Floor and
 *     generation runs alternate, which one goes first alternating too. One summary is made
 *     before the timed ones, so that every timed one has a previous summary to diff against
 *     (its summary.json read back), as a weekly summary does; that first one is printed apart.
 *  2. The import of the plan (in-process `importPlan`, which also seeds the aggregate counters),
 *     and the dashboard's totals: the aggregates item, one GetItem (median of 9).
 *
 * Options: BENCH_SUMMARY_ITEMS (20000), BENCH_SUMMARY_LARGE (unset), BENCH_SUMMARY_RUNS (3).
 */
import { randomBytes } from 'node:crypto';
import { type FunctionSpec, functions } from '#catalog/functions.ts';
import type { Emulator } from '#local/emulator/index.ts';
import {
  type Figure,
  median,
  peakRssBytes,
  recordFigures,
  runMeasuredChild,
  withEmulator,
} from './measure.ts';

const MiB = 1024 * 1024;
const RUNS = Number(process.env.BENCH_SUMMARY_RUNS ?? 3);
const SIZES = [
  Number(process.env.BENCH_SUMMARY_ITEMS ?? 20_000),
  ...(process.env.BENCH_SUMMARY_LARGE ? [Number(process.env.BENCH_SUMMARY_LARGE)] : []),
];

interface FloorResult {
  readonly ms: number;
  readonly items: number;
  readonly pages: number;
  readonly peakRssBytes: number;
}

interface GenerationResult {
  readonly ms: number;
  readonly items: number;
  readonly pages: number;
  readonly peakRssBytes: number;
  /** listItems; from the later of it and the previous summary's read to the first upload; uploads; the record. */
  readonly phases: { read: number; buildRender: number; upload: number; record: number; reportDocx: number };
  readonly files: { name: string; size: number }[];
}

/** Ends a child: its result as JSON on stdout, then exit (open sockets would hold it). */
function report(result: FloorResult | GenerationResult): void {
  process.stdout.write(JSON.stringify(result), () => process.exit(0));
}

/** Counts the Query pages the shared DynamoDB client sends. */
async function countQueries(): Promise<() => number> {
  const { dynamodb } = await import('#shared/store/client.ts');
  let pages = 0;
  dynamodb.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === 'QueryCommand') pages += 1;
      return next(args);
    },
    { step: 'initialize', name: 'benchQueryCounter' },
  );
  return () => pages;
}

/** Child: the floor, the items' Query alone, page after page (as listItems sends it). */
async function floorChild(inspectionId: string, importId: string) {
  const { QueryCommand } = await import('@aws-sdk/lib-dynamodb');
  const { documentClient } = await import('#shared/store/client.ts');
  const { keys, ITEM_SK_PREFIX } = await import('#shared/store/keys.ts');
  const { tables } = await import('#catalog/resources.ts');
  const { requiredEnv } = await import('#shared/config.ts');
  const pages = await countQueries();
  const TableName = requiredEnv(tables.ledger.envVar);
  const started = performance.now();
  let items = 0;
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await documentClient.send(
      new QueryCommand({
        TableName,
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
        ExpressionAttributeValues: {
          ':pk': keys.ledgerPartition(inspectionId, importId),
          ':prefix': ITEM_SK_PREFIX,
        },
        ExclusiveStartKey,
      }),
    );
    items += page.Items?.length ?? 0;
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  const ms = performance.now() - started;
  report({ ms, items, pages: pages(), peakRssBytes: peakRssBytes() });
}

/** Child: one summary, as the request-summary function makes it, with the phases' boundaries. */
async function generationChild(inspectionId: string, summaryId: string) {
  const { generateSummary } = await import('#shared/services/summary-generation.ts');
  const { ledgerStore } = await import('#shared/store/ledger-store.ts');
  const { inspectionChainStore } = await import('#shared/store/inspection-chain-store.ts');
  const { summaryStore } = await import('#shared/store/summary-store.ts');
  const { s3 } = await import('#shared/storage/client.ts');
  // Loaded here as the function's first summary would load it; not part of the timed work.
  await import('exceljs');
  const pages = await countQueries();
  const marks = {
    readEnd: 0,
    previousEnd: 0,
    firstPut: Number.POSITIVE_INFINITY,
    lastPut: 0,
    recordStart: 0,
  };
  let items = 0;
  // Each file is rendered, then put, in turn: report.docx's rendering is the gap between the end
  // of the put before it and the start of its own.
  const puts: { key: string; start: number; end: number }[] = [];
  s3.middlewareStack.add(
    (next, context) => async (args) => {
      const name = context.commandName;
      const start = performance.now();
      if (name === 'PutObjectCommand') marks.firstPut = Math.min(marks.firstPut, start);
      const result = await next(args);
      if (name === 'PutObjectCommand') {
        marks.lastPut = Math.max(marks.lastPut, performance.now());
        puts.push({ key: String((args.input as { Key?: string }).Key), start, end: performance.now() });
      }
      if (name === 'GetObjectCommand') marks.previousEnd = performance.now();
      return result;
    },
    { step: 'initialize', name: 'benchS3Marks' },
  );
  const ledger = ledgerStore();
  const listItems = ledger.listItems.bind(ledger);
  ledger.listItems = async (...args) => {
    const listed = await listItems(...args);
    marks.readEnd = performance.now();
    items = listed.length;
    return listed;
  };
  const chains = inspectionChainStore();
  const append = chains.append.bind(chains);
  chains.append = (...args) => {
    marks.recordStart = performance.now();
    return append(...args);
  };
  const started = performance.now();
  const { record, created } = await generateSummary(
    { ledger, chains, summaries: summaryStore() },
    {
      inspectionId,
      summaryId,
      lang: 'zh-CN',
      trigger: 'request',
      actor: { subject: 'bench', name: 'bench', roles: ['admin'] },
    },
  );
  const ended = performance.now();
  if (!created) throw new Error(`summary ${summaryId} existed already`);
  const readEnd = Math.max(marks.readEnd, marks.previousEnd);
  report({
    ms: ended - started,
    items,
    pages: pages(),
    peakRssBytes: peakRssBytes(),
    phases: {
      read: marks.readEnd - started,
      buildRender: marks.firstPut - readEnd,
      upload: marks.lastPut - marks.firstPut,
      record: ended - marks.recordStart,
      reportDocx: (() => {
        const at = puts.findIndex((put) => put.key.endsWith('/report.docx'));
        return at > 0 ? (puts[at]?.start ?? 0) - (puts[at - 1]?.end ?? 0) : Number.NaN;
      })(),
    },
    files: record.files.map(({ name, size }) => ({ name, size })),
  });
}

/**
 * The generator runs with the Node options the manifest gives the summary functions (none today:
 * Node's defaults), so that a change there shows here; the floor with Node's defaults.
 */
const GENERATOR_OPTIONS = [...((functions.buildSummary as FunctionSpec).nodeOptions ?? [])];

/** Runs a child mode of this file in a fresh Node process with this process's environment. */
function child<T>(mode: '--floor' | '--generate', ...args: string[]): Promise<T> {
  const flags = mode === '--generate' ? GENERATOR_OPTIONS : [];
  return runMeasuredChild<T>(import.meta.filename, flags, [mode, ...args], {});
}

const spread = (values: number[]) =>
  `${median(values).toFixed(0)} (${Math.min(...values).toFixed(0)}–${Math.max(...values).toFixed(0)})`;
const mib = (bytes: number) => (bytes / MiB).toFixed(1);
const kib = (bytes: number | undefined) => (bytes === undefined ? '?' : `${(bytes / 1024).toFixed(0)} KiB`);

interface SizeResult {
  readonly size: number;
  readonly planMs: number;
  readonly importMs: number;
  readonly totalsMs: number[];
  readonly first: GenerationResult;
  readonly floors: FloorResult[];
  readonly generations: GenerationResult[];
}

async function measureSize(size: number): Promise<SizeResult> {
  const { generatePlan } = await import('../test/fixtures/generate-plan.ts');
  const { importPlan } = await import('#shared/services/imports.ts');
  const { ledgerStore } = await import('#shared/store/ledger-store.ts');
  const { aggregateStore } = await import('#shared/store/aggregate-store.ts');
  const { totalsFromCounters } = await import('#shared/domain/aggregates.ts');
  const id = `bench-summary-${size}`;
  let started = performance.now();
  const plan = generatePlan({ items: size, id });
  const planMs = performance.now() - started;
  started = performance.now();
  const { inspectionId, importId, itemCount } = await importPlan(
    { ledger: ledgerStore(), aggregates: aggregateStore() },
    { subject: 'bench', name: 'bench', roles: ['admin'] },
    { plan, replace: false },
  );
  const importMs = performance.now() - started;
  if (itemCount !== size) throw new Error(`imported ${itemCount} items, not ${size}`);
  process.stderr.write(`  ${size} items imported in ${(importMs / 1000).toFixed(1)} s\n`);

  // The dashboard's totals: one read of the aggregates item.
  const totalsMs: number[] = [];
  for (let run = 0; run < 9; run++) {
    started = performance.now();
    const counters = await aggregateStore().counters({ inspectionId, importId });
    totalsMs.push(performance.now() - started);
    const items = counters ? totalsFromCounters(counters).items : 0;
    if (items !== size) throw new Error(`the totals count ${items} items, not ${size}`);
  }

  const summaryId = () => `r-bench-${randomBytes(6).toString('hex')}`;
  const check = (what: string, result: { items: number }) => {
    if (result.items !== size) throw new Error(`${what} read ${result.items} items, not ${size}`);
  };
  const first = await child<GenerationResult>('--generate', inspectionId, summaryId());
  check('the first summary', first);
  process.stderr.write(`  first summary (no previous) in ${(first.ms / 1000).toFixed(1)} s\n`);
  const floors: FloorResult[] = [];
  const generations: GenerationResult[] = [];
  for (let run = 0; run < RUNS; run++) {
    const floor = async () => {
      const result = await child<FloorResult>('--floor', inspectionId, importId);
      check('the floor', result);
      floors.push(result);
    };
    const generation = async () => {
      const result = await child<GenerationResult>('--generate', inspectionId, summaryId());
      check('the summary', result);
      generations.push(result);
    };
    for (const step of run % 2 === 0 ? [floor, generation] : [generation, floor]) await step();
    process.stderr.write(
      `  run ${run + 1}/${RUNS}: floor ${floors.at(-1)?.ms.toFixed(0)} ms, generation ${generations.at(-1)?.ms.toFixed(0)} ms\n`,
    );
  }
  return { size, planMs, importMs, totalsMs, first, floors, generations };
}

function print(results: SizeResult[]) {
  const columns: [string, number][] = [
    ['items', 8],
    ['floor ms', 22],
    ['generation ms', 22],
    ['ratio', 7],
    ['floor RSS', 11],
    ['gen. RSS', 10],
    ['import s', 10],
    ['totals ms', 11],
    ['summary.json', 14],
    ['summary.md', 12],
    ['chart.svg', 11],
    ['ledger.xlsx', 13],
    ['report.docx', 12],
  ];
  const row = (cells: string[]) => cells.map((cell, i) => cell.padEnd(columns[i]?.[1] ?? 0)).join('');
  console.log(row(columns.map(([name]) => name)));
  for (const r of results) {
    const floorMs = r.floors.map((f) => f.ms);
    const generationMs = r.generations.map((g) => g.ms);
    const sizes = new Map((r.generations.at(-1)?.files ?? []).map((f) => [f.name, f.size]));
    console.log(
      row([
        String(r.size),
        spread(floorMs),
        spread(generationMs),
        (median(generationMs) / median(floorMs)).toFixed(2),
        `${mib(Math.max(...r.floors.map((f) => f.peakRssBytes)))} MiB`,
        `${mib(Math.max(...r.generations.map((g) => g.peakRssBytes)))} MiB`,
        (r.importMs / 1000).toFixed(1),
        median(r.totalsMs).toFixed(1),
        kib(sizes.get('summary.json')),
        kib(sizes.get('summary.md')),
        kib(sizes.get('chart.svg')),
        kib(sizes.get('ledger.xlsx')),
        kib(sizes.get('report.docx')),
      ]),
    );
  }
  console.log(
    `(medians (min–max) of ${RUNS} runs, each a fresh process; ratio = generation / floor, target ≤ 1.5;` +
      ' RSS = the highest peak (VmHWM) of the runs, target for generation ≤ 512 MiB; totals = one GetItem, median of 9;' +
      ` generator's Node options: ${GENERATOR_OPTIONS.join(' ') || "Node's defaults, as the manifest gives none"})`,
  );
  for (const r of results) {
    const phase = (name: keyof GenerationResult['phases']) =>
      median(r.generations.map((g) => g.phases[name])).toFixed(0);
    console.log(
      `${r.size} items: generation phases (medians, ms): read items ${phase('read')} ` +
        `(${median(r.generations.map((g) => g.pages))} Query calls in all, floor ${median(r.floors.map((f) => f.pages))}), build + render ${phase('buildRender')}, ` +
        `upload ${phase('upload')} (report.docx rendered in ${phase('reportDocx')} of build + upload), record ${phase('record')}; ` +
        `first summary (no previous) ${r.first.ms.toFixed(0)} ms, ${mib(r.first.peakRssBytes)} MiB; ` +
        `plan generated in ${(r.planMs / 1000).toFixed(1)} s`,
    );
  }
  recordFigures(
    'summaries',
    results.flatMap((r): Figure[] => {
      const ratio = median(r.generations.map((g) => g.ms)) / median(r.floors.map((f) => f.ms));
      const peakMiB = Math.max(...r.generations.map((g) => g.peakRssBytes)) / MiB;
      return [
        {
          figure: `${r.size} items: generation / Query floor (time)`,
          value: Number(ratio.toFixed(2)),
          target: '≤ 1.5',
          met: ratio <= 1.5,
        },
        {
          figure: `${r.size} items: generation peak RSS`,
          value: Number(peakMiB.toFixed(1)),
          unit: 'MiB',
          target: '≤ 512 MiB',
          met: peakMiB <= 512,
        },
        {
          figure: `${r.size} items: generation (median)`,
          value: Number((median(r.generations.map((g) => g.ms)) / 1000).toFixed(1)),
          unit: 's',
          target: '—',
        },
        {
          figure: `${r.size} items: import`,
          value: Number((r.importMs / 1000).toFixed(1)),
          unit: 's',
          target: '—',
        },
      ];
    }),
  );
}

async function main(emulator: Emulator) {
  const { bootstrapResources } = await import('#local/bootstrap.ts');
  const { configureFunctionEnvironment } = await import('#local/runtime.ts');
  const resources = await bootstrapResources(emulator, 'bench-summaries');
  // Children inherit it: endpoint, region, credentials and resource names, as the function sees them.
  configureFunctionEnvironment(emulator, resources);
  const results: SizeResult[] = [];
  for (const size of SIZES) {
    process.stderr.write(`${size} items:\n`);
    results.push(await measureSize(size));
  }
  print(results);
}

const [mode, ...args] = process.argv.slice(2);
if (mode === '--floor') {
  await floorChild(args[0] ?? '', args[1] ?? '');
} else if (mode === '--generate') {
  await generationChild(args[0] ?? '', args[1] ?? '');
} else {
  const { MAX_PLAN_ITEMS } = await import('#shared/domain/plan/json.ts');
  const tooLarge = SIZES.filter((size) => !(Number.isInteger(size) && size >= 1 && size <= MAX_PLAN_ITEMS));
  if (tooLarge.length > 0) {
    // Said before moto starts and the plan is generated: the import would refuse it minutes later.
    throw new Error(
      `cannot summarise ${tooLarge.join(', ')} items: a plan holds 1 to ${MAX_PLAN_ITEMS} items ` +
        '(MAX_PLAN_ITEMS in shared/domain/plan/json.ts), and an inspection holds one plan',
    );
  }
  const benchStarted = performance.now();
  await withEmulator(main);
  console.log(`(run time ${((performance.now() - benchStarted) / 1000).toFixed(0)} s)`);
}
