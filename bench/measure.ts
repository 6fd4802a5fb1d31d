import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { type Emulator, startEmulator } from '#local/emulator/index.ts';

/**
 * This process's peak resident set. VmHWM, not getrusage's maxRSS: on Linux a child's maxRSS
 * starts from its parent's at fork, and a benchmark's parent holds the generated data.
 */
export function peakRssBytes(): number {
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    if (match) return Number(match[1]) * 1024;
  } catch {
    // not Linux: fall back below
  }
  return process.resourceUsage().maxRSS * 1024;
}

/** The value at the p-th percentile (nearest rank, from below); NaN for no values. */
export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

/** A response read whole: what the benches check of one. */
export interface BenchResponse {
  readonly status: number;
  readonly text: string;
  json<T>(): T;
}

/**
 * Requests to the local runtime over the transport the SDK uses for the floors they are timed
 * against: node:http with a keep-alive agent. fetch (undici) spends ~0.4 ms more of this
 * process's time per request on loopback (a bare round trip: 0.69 against 0.29 ms), work of the
 * client that a floor sent with the SDK does not do.
 */
export function keepAliveClient(baseUrl: string) {
  const agent = new Agent({ keepAlive: true });
  return (
    method: string,
    route: string,
    options: { body?: string; headers?: Record<string, string> } = {},
  ): Promise<BenchResponse> =>
    new Promise((resolve, reject) => {
      const sent = request(
        new URL(route, baseUrl),
        { method, agent, headers: options.headers },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('error', reject);
          response.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            resolve({ status: response.statusCode ?? 0, text, json: <T>() => JSON.parse(text) as T });
          });
        },
      );
      sent.on('error', reject);
      sent.end(options.body);
    });
}

/**
 * Runs a benchmark script again as its own process (Node flags first, e.g. the function's
 * NODE_OPTIONS), pointed at the same emulator resources, and parses the JSON it prints.
 */
export async function runMeasuredChild<T>(
  script: string,
  flags: readonly string[],
  args: readonly string[],
  environment: Record<string, string>,
): Promise<T> {
  // A child does one piece of work alone, as a lone Lambda invocation would: it inherits the
  // emulator's settings but not the local runtime's marker of concurrent invocations (which
  // makes Powertools keep its state in an InvokeStore that only the runtime's process sets up).
  const { AWS_LAMBDA_MAX_CONCURRENCY: _concurrent, ...inherited } = process.env;
  const { stdout } = await promisify(execFile)(process.execPath, [...flags, script, ...args], {
    env: { ...inherited, ...environment },
    cwd: path.resolve(import.meta.dirname, '..'),
    maxBuffer: 16 * 1024 * 1024,
  });
  return JSON.parse(stdout) as T;
}

/** Runs a benchmark's main against a fresh emulator, stopped however the run ends. */
export async function withEmulator(main: (emulator: Emulator) => Promise<void>): Promise<void> {
  const emulator = await startEmulator();
  try {
    await main(emulator);
  } finally {
    await emulator.stop();
  }
}

/** One headline figure of a bench, with its target, as `bench/summary.ts` prints it. */
export interface Figure {
  readonly figure: string;
  readonly value: number | string;
  /** Printed after the value: 'ms', 'B', 'MiB', '×' …; none for a plain ratio. */
  readonly unit?: string;
  /** As the bench states it, e.g. '≤ 1.5', '< 1,000,000 B'; '—' where none is stated. */
  readonly target: string;
  /** Whether the value meets the target; absent where there is no target. */
  readonly met?: boolean;
}

/** Where each bench leaves its figures (git-ignored): `<bench>.json`. */
export const RESULTS_DIR = path.resolve(import.meta.dirname, 'results');

/**
 * Writes a bench's headline figures, with their targets and when they were measured, to
 * `bench/results/<bench>.json`, replacing that bench's earlier ones; `npm run bench:summary`
 * prints every bench's in one table.
 */
export function recordFigures(bench: string, figures: readonly Figure[]): void {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const record = {
    bench,
    measuredAt: new Date().toISOString(),
    node: process.version,
    cores: availableParallelism(),
    figures,
  };
  writeFileSync(path.join(RESULTS_DIR, `${bench}.json`), `${JSON.stringify(record, null, 2)}\n`);
}

/** Terminal columns a text takes: 汉字 and full-width forms take two (for aligned tables). */
export const displayWidth = (text: string) =>
  [...text].reduce(
    (n, c) =>
      n +
      (/[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/.test(c)
        ? 2
        : 1),
    0,
  );
