/**
 * The size of every function bundle as esbuild writes it during synthesis:
 * `npm run bench:bundles` (or `npx node bench/bundle-sizes.ts`).
 *
 * Synthesises the app into a temp dir with cdk.json's context, finds each function's asset
 * directory in the template metadata, and prints bytes of the bundle (.mjs), of its source map,
 * and both together, per function and in all.
 */
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { App, type CfnElement } from 'aws-cdk-lib';
import { buildApp, projectContext } from '../infra/app.ts';

interface Row {
  readonly logicalId: string;
  readonly name: string;
  readonly bundle: number;
  readonly sourceMap: number;
}

const outdir = mkdtempSync(path.join(tmpdir(), 'rectify-bundles-'));
try {
  const { app, stack } = buildApp(
    new App({
      outdir,
      // The template checks cost seconds and say nothing about bundles.
      builtinCloudFormationValidation: false,
      context: { ...projectContext(), 'aws:cdk:enable-asset-metadata': true },
    }),
  );
  const resources = app.synth().getStackByName(stack.stackName).template.Resources as Record<
    string,
    { Metadata?: Record<string, string> }
  >;
  const bytes = (dir: string, suffix: string) =>
    readdirSync(dir)
      .filter((file) => file.endsWith(suffix))
      .reduce((sum, file) => sum + statSync(path.join(dir, file)).size, 0);

  const rows: Row[] = [...stack.functions].map(([name, fn]) => {
    const logicalId = stack.getLogicalId(fn.node.defaultChild as CfnElement);
    const asset = resources[logicalId]?.Metadata?.['aws:asset:path'];
    if (!asset) throw new Error(`no bundled asset recorded for ${logicalId} (${name})`);
    const dir = path.join(outdir, asset);
    return { logicalId, name, bundle: bytes(dir, '.mjs'), sourceMap: bytes(dir, '.mjs.map') };
  });
  printTable(rows);
} finally {
  rmSync(outdir, { recursive: true, force: true });
}

function printTable(rows: readonly Row[]): void {
  const sum = (pick: (row: Row) => number) => rows.reduce((total, row) => total + pick(row), 0);
  const table = [
    ['logical id', 'function', 'bundle (B)', 'source map (B)', 'total (B)'],
    ...rows.map((row) => [row.logicalId, row.name, row.bundle, row.sourceMap, row.bundle + row.sourceMap]),
    [
      'all',
      `${rows.length} functions`,
      sum((r) => r.bundle),
      sum((r) => r.sourceMap),
      sum((r) => r.bundle + r.sourceMap),
    ],
  ].map((cells) => cells.map((cell) => (typeof cell === 'number' ? cell.toLocaleString('en-US') : cell)));
  const widths =
    table[0]?.map((_, column) => Math.max(...table.map((cells) => cells[column]?.length ?? 0))) ?? [];
  // Names left-aligned, numbers right-aligned.
  const line = (cells: string[]) =>
    cells.map((cell, column) =>
      column < 2 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0),
    );
  for (const cells of table) console.log(line(cells).join('  ').trimEnd());
}
