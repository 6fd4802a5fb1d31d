/**
 * Prints the size of every function bundle as esbuild wrote it during `cdk synth`:
 * `npm run bench:bundles`. The manifest name is read from each function's RECTIFY_FUNCTION
 * variable, the bundle from the asset directory CDK records in the resource's metadata.
 */
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { App } from 'aws-cdk-lib';
import { buildApp } from '../infra/app.ts';

const outdir = mkdtempSync(path.join(tmpdir(), 'rectify-bundles-'));
try {
  const { app, stack } = buildApp(
    new App({ outdir, context: { stage: 'dev', 'aws:cdk:enable-asset-metadata': true } }),
  );
  const template = app.synth().getStackByName(stack.stackName).template as {
    Resources: Record<
      string,
      { Type: string; Metadata?: Record<string, string>; Properties: Record<string, never> }
    >;
  };
  const rows = Object.values(template.Resources)
    .filter((resource) => resource.Type === 'AWS::Lambda::Function')
    .map((resource) => {
      const assetDir = path.join(outdir, resource.Metadata?.['aws:asset:path'] ?? '');
      const files = readdirSync(assetDir);
      const size = (suffix: string) =>
        files
          .filter((file) => file.endsWith(suffix))
          .reduce((sum, file) => sum + statSync(path.join(assetDir, file)).size, 0);
      const environment = (resource.Properties as { Environment?: { Variables?: Record<string, string> } })
        .Environment;
      return {
        name: environment?.Variables?.RECTIFY_FUNCTION ?? '?',
        bundle: size('.mjs'),
        sourceMap: size('.mjs.map'),
      };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
  const width = Math.max(...rows.map((row) => row.name.length), 8);
  console.log(`${'function'.padEnd(width)}  ${'bundle (bytes)'.padStart(14)}  ${'source map'.padStart(12)}`);
  for (const row of rows) {
    console.log(
      `${row.name.padEnd(width)}  ${String(row.bundle).padStart(14)}  ${String(row.sourceMap).padStart(12)}`,
    );
  }
} finally {
  rmSync(outdir, { recursive: true, force: true });
}
