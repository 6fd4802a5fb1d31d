import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
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

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
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
  const { stdout } = await promisify(execFile)(process.execPath, [...flags, script, ...args], {
    env: { ...process.env, ...environment },
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
