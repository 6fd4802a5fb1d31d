import { readFileSync } from 'node:fs';

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
