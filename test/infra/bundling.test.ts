/**
 * One real esbuild bundle through ServiceFunction: the handler, the `#shared/*` alias it imports
 * with a `.ts` extension, the ESM banner and the source map all end up in the asset. The stack
 * tests skip bundling; `cdk synth` and bench/bundle-sizes.ts bundle every function.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { type App, Stack } from 'aws-cdk-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { functions } from '#catalog/functions.ts';
import { ServiceFunction } from '#infra/constructs/service-function.ts';
import { bundledAssets, newApp, removeOutput } from './synthesis.ts';

let app: App;
let assetDir: string;
let files: string[];
let bundle: string;
let keyedBundle: string;
let claimingBundle: string;

beforeAll(async () => {
  app = await newApp(
    { 'aws:cdk:enable-asset-metadata': true },
    { bundle: true, cloudFormationValidation: false },
  );
  const stack = new Stack(app, 'Bundling');
  new ServiceFunction(stack, 'Health', { spec: functions.health, retainLogs: false });
  new ServiceFunction(stack, 'Transition', { spec: functions.transitionItem, retainLogs: false });
  new ServiceFunction(stack, 'Outcomes', { spec: functions.outcomes, retainLogs: false });
  const assetOf = bundledAssets(app, stack);
  assetDir = assetOf('Health');
  files = (await readdir(assetDir)).sort();
  bundle = await readFile(path.join(assetDir, 'index.mjs'), 'utf8');
  keyedBundle = await readFile(path.join(assetOf('Transition'), 'index.mjs'), 'utf8');
  claimingBundle = await readFile(path.join(assetOf('Outcomes'), 'index.mjs'), 'utf8');
});
afterAll(() => removeOutput(app));

describe('ServiceFunction bundling', () => {
  it('writes an ES module and its source map, nothing else', () => {
    expect(files).toEqual(['index.mjs', 'index.mjs.map']);
  });
  it('contains the handler code', () => {
    expect(bundle).toContain('service:"rectify"');
  });
  it('resolves package.json "imports" aliases with .ts extensions', () => {
    // From #shared/version.ts, imported by the handler through the alias.
    expect(bundle).toContain('RECTIFY_VERSION');
  });
  it('gives CommonJS dependencies a require()', () => {
    expect(bundle.startsWith("import { createRequire as __createRequire } from 'node:module';")).toBe(true);
  });
  it('exports handler as an ES module export', () => {
    expect(bundle).toMatch(/export\s*\{[^}]*\bas handler\b[^}]*\}|export\s*\{\s*handler\s*\}/);
  });
  it('carries the idempotency library only where a route claims its Idempotency-Keys', () => {
    // The Powertools persistence layer's error text, present wherever the library is bundled.
    const marker = 'IdempotencyItemAlreadyExistsError';
    // A transition keeps its keys in its own transaction: the key record, and no library.
    expect([bundle, keyedBundle, claimingBundle].map((b) => b.includes(marker))).toEqual([
      false,
      false,
      true,
    ]);
    expect([bundle, keyedBundle].map((b) => b.includes('IdempotencyKey'))).toEqual([false, true]);
    // And a function without one has no DynamoDB client either: it reads nothing.
    expect(bundle).not.toContain('DynamoDB_20120810');
  });
  it('reads credentials from the environment only, as Lambda gives them', () => {
    // The default chain's SSO and STS clients are left out; the environment reader is in.
    expect(keyedBundle).not.toMatch(/sso-oidc|AssumeRoleWithWebIdentity/);
    expect(keyedBundle).toContain('AWS_SESSION_TOKEN');
  });
  it('maps the bundle back to the TypeScript sources without embedding them', async () => {
    const map = JSON.parse(await readFile(path.join(assetDir, 'index.mjs.map'), 'utf8'));
    expect([
      map.sources.some((s: string) => s.endsWith('functions/health/handler.ts')),
      map.sourcesContent,
    ]).toEqual([true, undefined]);
  });
});
