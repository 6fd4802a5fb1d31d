/**
 * Every function bundle as esbuild writes it during synthesis, its size and what importing it
 * costs a cold start: `npm run bench:bundles` (or `npm exec -- node bench/bundle-sizes.ts`).
 *
 * Synthesises the app into a temp dir with cdk.json's context, plus one more function in a stack
 * of its own: bench/hello-world.ts, a trivial handler bundled by the same ServiceFunction (the
 * floor). Finds each function's asset directory in the template metadata and prints, per
 * function and in all, the bytes of the bundle (.mjs), of its source map and both together; then
 * the cold start: the bundle imported in a fresh Node 24 process (this one's executable,
 * `--input-type=module -e "await import(bundle)"`), timed inside that process around the import
 * alone (the module's top-level code runs, the handler does not; Node's own start is the same for
 * every bundle and is in no figure), median of RUNS runs, the runs taking every bundle in turn so
 * that drift falls on all alike. Each child gets the function's environment as the template gives
 * it (NODE_OPTIONS with --enable-source-maps included), dummy names for every resource
 * (catalog/resources.ts), a region and AWS_EXECUTION_ENV, as in Lambda. A bundle that throws on
 * import is reported in its row.
 *
 * Goals (issue 16): every bundle < 1,000,000 B; an HTTP read function's (GET routes only)
 * < 500,000 B; an HTTP function's import ≤ 150 ms over hello-world's.
 *
 * Options: BENCH_IMPORT_RUNS (5).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { App, type CfnElement, Stack } from 'aws-cdk-lib';
import { functions as catalog, type FunctionSpec, type Trigger } from '#catalog/functions.ts';
import { buckets, buses, queues, signingKeys, tables } from '#catalog/resources.ts';
import { ServiceFunction } from '#infra/constructs/service-function.ts';
import { buildApp, projectContext } from '../infra/app.ts';
import { type Figure, median, recordFigures } from './measure.ts';

const RUNS = Number(process.env.BENCH_IMPORT_RUNS ?? 5);
const MAX_BUNDLE = 1_000_000;
const MAX_HTTP_READ_BUNDLE = 500_000;
const MAX_HTTP_COLD_OVER_FLOOR_MS = 150;
const REGION = 'us-east-1';

type Kind = 'http read' | 'http' | 'other';

interface Bundle {
  readonly logicalId: string;
  readonly name: string;
  readonly kind: Kind;
  readonly file: string;
  readonly bundle: number;
  readonly sourceMap: number;
  readonly environment: Record<string, string>;
}

interface Row extends Bundle {
  /** Median ms of the import, or why it failed. */
  readonly importMs: number | undefined;
  readonly error: string | undefined;
}

interface TemplateResource {
  Metadata?: Record<string, string>;
  Properties?: { Environment?: { Variables?: Record<string, unknown> } };
}

/** HTTP functions are those API Gateway invokes; read functions have only GET routes. */
function kindOf(spec: FunctionSpec): Kind {
  const triggers = spec.triggers as readonly Trigger[];
  const routes = triggers.filter((t) => t.kind === 'http' || t.kind === 'http-fallback');
  if (routes.length === 0) return 'other';
  return routes.every((t) => t.kind === 'http' && t.method === 'GET') ? 'http read' : 'http';
}

/** Each resource's environment variable with a dummy name, as a deployed function would have it. */
const DUMMY_RESOURCES = Object.fromEntries(
  [
    ...Object.values(tables),
    ...Object.values(buckets),
    ...Object.values(buses),
    ...Object.values(signingKeys),
    ...Object.values(queues),
  ]
    .flatMap((definition): string[] => ('envVar' in definition ? [definition.envVar] : []))
    .map((envVar) => [
      envVar,
      envVar.endsWith('_URL') ? `https://sqs.${REGION}.amazonaws.com/000000000000/bench` : `bench-${envVar}`,
    ]),
);

const outdir = mkdtempSync(path.join(tmpdir(), 'rectify-bundles-'));
try {
  process.stderr.write('synthesising and bundling every function…\n');
  const { app, stack } = buildApp(
    new App({
      outdir,
      // The template checks cost seconds and say nothing about bundles.
      builtinCloudFormationValidation: false,
      context: { ...projectContext(), 'aws:cdk:enable-asset-metadata': true },
    }),
  );
  const floorStack = new Stack(app, 'RectifyBenchHelloWorld');
  const helloWorld = new ServiceFunction(floorStack, 'HelloWorld', {
    spec: {
      entry: 'bench/hello-world.ts',
      description: 'The floor of bench/bundle-sizes.ts: a trivial handler.',
      triggers: [],
      memoryMiB: 256,
      timeoutSeconds: 3,
      access: [],
    },
    retainLogs: false,
  });
  const assembly = app.synth();
  const resourcesOf = (s: Stack) =>
    assembly.getStackByName(s.stackName).template.Resources as Record<string, TemplateResource>;
  const bytes = (dir: string, suffix: string) =>
    readdirSync(dir)
      .filter((file) => file.endsWith(suffix))
      .reduce((sum, file) => sum + statSync(path.join(dir, file)).size, 0);
  const bundleOf = (s: Stack, fn: ServiceFunction, name: string, kind: Kind): Bundle => {
    const logicalId = s.getLogicalId(fn.node.defaultChild as CfnElement);
    const resource = resourcesOf(s)[logicalId];
    const asset = resource?.Metadata?.['aws:asset:path'];
    if (!asset) throw new Error(`no bundled asset recorded for ${logicalId} (${name})`);
    const dir = path.join(outdir, asset);
    const file = readdirSync(dir).find((f) => f.endsWith('.mjs'));
    if (!file) throw new Error(`no .mjs bundle in ${dir} (${name})`);
    // The template's values; references to resources (Ref, GetAtt) become dummy names.
    const variables = resource?.Properties?.Environment?.Variables ?? {};
    const environment = Object.fromEntries(
      Object.entries(variables).map(([key, value]) => [
        key,
        typeof value === 'string' ? value : (DUMMY_RESOURCES[key] ?? `bench-${key}`),
      ]),
    );
    return {
      logicalId,
      name,
      kind,
      file: path.join(dir, file),
      bundle: bytes(dir, '.mjs'),
      sourceMap: bytes(dir, '.mjs.map'),
      environment,
    };
  };

  const bundles = [...stack.functions].map(([name, fn]) =>
    bundleOf(stack, fn, name, kindOf(catalog[name] as FunctionSpec)),
  );
  const floor = bundleOf(floorStack, helloWorld, 'hello world (floor)', 'other');

  process.stderr.write(`importing ${bundles.length + 1} bundles ${RUNS}× each in fresh processes…\n`);
  const times = new Map<Bundle, number[]>();
  const errors = new Map<Bundle, string>();
  for (let run = 0; run < RUNS; run++) {
    for (const bundle of [floor, ...bundles]) {
      if (errors.has(bundle)) continue;
      const result = await timeImport(bundle);
      if ('error' in result) errors.set(bundle, result.error);
      else times.set(bundle, [...(times.get(bundle) ?? []), result.ms]);
    }
    process.stderr.write(`  run ${run + 1}/${RUNS} done\n`);
  }
  const rowOf = (bundle: Bundle): Row => {
    const error = errors.get(bundle);
    return {
      ...bundle,
      importMs: error === undefined ? median(times.get(bundle) ?? []) : undefined,
      error,
    };
  };
  report(bundles.map(rowOf), rowOf(floor));
} finally {
  rmSync(outdir, { recursive: true, force: true });
}

/** One import of one bundle in a fresh Node process: the ms it took inside it, or its error. */
async function timeImport(bundle: Bundle): Promise<{ ms: number } | { error: string }> {
  const script = [
    'const started = performance.now();',
    'let result;',
    'try {',
    '  await import(process.env.BENCH_BUNDLE_URL);',
    '  result = { ms: performance.now() - started };',
    '} catch (error) {',
    '  result = { error: String(error?.message ?? error).split("\\n")[0] };',
    '}',
    'process.stdout.write(JSON.stringify(result), () => process.exit(0));',
  ].join('\n');
  try {
    const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], {
      // Not this process's environment: the function's, as Lambda would give it.
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        AWS_REGION: REGION,
        AWS_DEFAULT_REGION: REGION,
        AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
        AWS_LAMBDA_FUNCTION_NAME: bundle.name,
        AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '256',
        AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
        ...DUMMY_RESOURCES,
        ...bundle.environment,
        BENCH_BUNDLE_URL: pathToFileURL(bundle.file).href,
      },
      timeout: 60_000,
      maxBuffer: 1024 * 1024,
    });
    const lastLine = stdout.trim().split('\n').at(-1) ?? '';
    return JSON.parse(lastLine) as { ms: number } | { error: string };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { error: `process failed: ${message.split('\n')[0]}` };
  }
}

function report(rows: readonly Row[], floor: Row): void {
  const overFloor = (row: Row) =>
    row.importMs === undefined || floor.importMs === undefined ? undefined : row.importMs - floor.importMs;
  const misses = (row: Row): string[] => {
    const missed: string[] = [];
    if (row.error !== undefined) missed.push('import throws');
    if (row.bundle >= MAX_BUNDLE) missed.push(`bundle ≥ ${MAX_BUNDLE.toLocaleString('en-US')}`);
    if (row.kind === 'http read' && row.bundle >= MAX_HTTP_READ_BUNDLE)
      missed.push(`bundle ≥ ${MAX_HTTP_READ_BUNDLE.toLocaleString('en-US')}`);
    const over = overFloor(row);
    if (row.kind !== 'other' && over !== undefined && over > MAX_HTTP_COLD_OVER_FLOOR_MS)
      missed.push(`import > hello world + ${MAX_HTTP_COLD_OVER_FLOOR_MS} ms`);
    return missed;
  };
  const sum = (pick: (row: Row) => number) => rows.reduce((total, row) => total + pick(row), 0);
  const ms = (value: number | undefined) => (value === undefined ? '—' : value.toFixed(1));
  const signed = (value: number | undefined) =>
    value === undefined ? '—' : `${value >= 0 ? '+' : ''}${value.toFixed(1)}`;
  const header = [
    'logical id',
    'function',
    'kind',
    'bundle (B)',
    'source map (B)',
    'total (B)',
    'import (ms)',
    'over hello world (ms)',
    'goals',
  ];
  const cells = (row: Row, goal: string) => [
    row.logicalId,
    row.name,
    row.kind,
    row.bundle,
    row.sourceMap,
    row.bundle + row.sourceMap,
    row.error === undefined ? ms(row.importMs) : 'THROWS',
    row.error === undefined ? signed(overFloor(row)) : '—',
    goal,
  ];
  const goalText = (row: Row) => {
    const missed = misses(row);
    return missed.length === 0 ? 'met' : `NOT met: ${missed.join(', ')}`;
  };
  const table = [
    header,
    ...rows.map((row) => cells(row, goalText(row))),
    cells(floor, ''),
    [
      'all',
      `${rows.length} functions`,
      '',
      sum((r) => r.bundle),
      sum((r) => r.sourceMap),
      sum((r) => r.bundle + r.sourceMap),
      '',
      '',
      `${rows.filter((row) => misses(row).length === 0).length}/${rows.length} met`,
    ],
  ].map((line) => line.map((cell) => (typeof cell === 'number' ? cell.toLocaleString('en-US') : cell)));
  const widths = header.map((_, column) =>
    // The goals column is last: it is not padded.
    column === header.length - 1 ? 0 : Math.max(...table.map((line) => line[column]?.length ?? 0)),
  );
  // Names left-aligned, numbers right-aligned.
  const line = (cells: string[]) =>
    cells.map((cell, column) =>
      column < 3 || column === header.length - 1
        ? cell.padEnd(widths[column] ?? 0)
        : cell.padStart(widths[column] ?? 0),
    );
  for (const cells of table) console.log(line(cells).join('  ').trimEnd());
  for (const row of [...rows, floor].filter((r) => r.error !== undefined))
    console.log(`${row.name} throws on import: ${row.error}`);
  console.log(
    `(import = await import() of the bundle inside a fresh Node ${process.version} process, its own start excluded,` +
      ` median of ${RUNS}, the bundles in turn on each run; over hello world = minus hello world's;` +
      ` ${availableParallelism()} cores; goals: bundle < ${MAX_BUNDLE.toLocaleString('en-US')} B,` +
      ` http read (GET routes only) < ${MAX_HTTP_READ_BUNDLE.toLocaleString('en-US')} B,` +
      ` http (API Gateway's) import ≤ hello world + ${MAX_HTTP_COLD_OVER_FLOOR_MS} ms)`,
  );

  const largest = (of: readonly Row[]) =>
    of.reduce<Row | undefined>(
      (max, row) => (max === undefined || row.bundle > max.bundle ? row : max),
      undefined,
    );
  const all = largest(rows);
  const largestHttpRead = largest(rows.filter((row) => row.kind === 'http read'));
  const http = rows.filter((row) => row.kind !== 'other');
  const slowest = http.reduce<Row | undefined>(
    (max, row) =>
      row.importMs !== undefined && (max?.importMs === undefined || row.importMs > max.importMs) ? row : max,
    undefined,
  );
  const slowestOver = slowest === undefined ? undefined : overFloor(slowest);
  const throwing = [...rows, floor].filter((row) => row.error !== undefined);
  const count = (figure: string, of: readonly Row[], passes: (row: Row) => boolean): Figure => {
    const n = of.filter(passes).length;
    return { figure, value: `${n}/${of.length}`, target: `${of.length}/${of.length}`, met: n === of.length };
  };
  const httpRead = rows.filter((row) => row.kind === 'http read');
  const figures: Figure[] = [
    count('functions meeting every goal', rows, (row) => misses(row).length === 0),
    count(`bundles < ${MAX_BUNDLE.toLocaleString('en-US')} B`, rows, (row) => row.bundle < MAX_BUNDLE),
    count(
      `HTTP read bundles < ${MAX_HTTP_READ_BUNDLE.toLocaleString('en-US')} B`,
      httpRead,
      (row) => row.bundle < MAX_HTTP_READ_BUNDLE,
    ),
    count(`HTTP imports ≤ hello world + ${MAX_HTTP_COLD_OVER_FLOOR_MS} ms`, http, (row) => {
      const over = overFloor(row);
      return over !== undefined && over <= MAX_HTTP_COLD_OVER_FLOOR_MS;
    }),
    {
      figure: `largest bundle (${all?.name})`,
      value: all?.bundle ?? Number.NaN,
      unit: 'B',
      target: `< ${MAX_BUNDLE.toLocaleString('en-US')} B`,
      met: (all?.bundle ?? 0) < MAX_BUNDLE,
    },
    {
      figure: `largest HTTP read bundle (${largestHttpRead?.name})`,
      value: largestHttpRead?.bundle ?? Number.NaN,
      unit: 'B',
      target: `< ${MAX_HTTP_READ_BUNDLE.toLocaleString('en-US')} B`,
      met: (largestHttpRead?.bundle ?? 0) < MAX_HTTP_READ_BUNDLE,
    },
    {
      figure: `slowest HTTP import over hello world (${slowest?.name})`,
      value: slowestOver === undefined ? '—' : Number(slowestOver.toFixed(1)),
      unit: 'ms',
      target: `≤ ${MAX_HTTP_COLD_OVER_FLOOR_MS} ms`,
      met: slowestOver !== undefined && slowestOver <= MAX_HTTP_COLD_OVER_FLOOR_MS,
    },
    {
      figure: 'hello world import (floor)',
      value: floor.importMs === undefined ? '—' : Number(floor.importMs.toFixed(1)),
      unit: 'ms',
      target: '—',
    },
    {
      figure: 'bundles that throw on import',
      value: throwing.length,
      target: '0',
      met: throwing.length === 0,
    },
    {
      figure: `all bundles (${rows.length} functions)`,
      value: sum((r) => r.bundle),
      unit: 'B',
      target: '—',
    },
  ];
  recordFigures('bundles', figures);
}
