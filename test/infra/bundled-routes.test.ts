/**
 * An HTTP function's bundle checks its routes with the routes it was built with (defined at build
 * time by constructs/service-function.ts), not with the catalog of every function, which it no
 * longer carries. Bundled as the stack bundles them, GET /me and the two outcomes routes run in a
 * fresh process and must authorise exactly as the catalog says: a signed-in caller answered, 401
 * without claims, each route's own roles, and a route key the function does not serve refused as
 * a wiring fault.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { type App, Stack } from 'aws-cdk-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { functions, ownRoutes } from '#catalog/functions.ts';
import { ServiceFunction } from '../../infra/constructs/service-function.ts';
import { bundledAssets, newApp, removeOutput, runInFreshProcess } from './synthesis.ts';

const now = Math.floor(Date.now() / 1000);
const claimsOf = (group: string) => ({
  sub: 'u1',
  token_use: 'id',
  iat: String(now - 60),
  exp: String(now + 3600),
  'cognito:groups': `[${group}]`,
});
const event = (routeKey: string, group?: string) => ({
  version: '2.0',
  routeKey,
  rawPath: '/',
  rawQueryString: '',
  headers: { 'accept-language': 'en' },
  requestContext: {
    requestId: 'r-1',
    routeKey,
    http: { method: routeKey.split(' ')[0], path: '/' },
    ...(group ? { authorizer: { jwt: { claims: claimsOf(group), scopes: [] } } } : {}),
  },
  isBase64Encoded: false,
});
// Each call is refused (or answered, for GET /me) before the function does any I/O.
const calls = {
  me: {
    signedIn: event('GET /me', 'auditor'),
    anonymous: event('GET /me'),
  },
  // Two routes with different roles: POST for admins, GET for admins, leaders and auditors.
  outcomes: {
    leaderPosts: event('POST /inspections/{inspectionId}/outcomes', 'leader'),
    departmentReads: event('GET /inspections/{inspectionId}/outcomes', 'department'),
    anonymous: event('GET /inspections/{inspectionId}/outcomes'),
    notItsRoute: event('GET /me', 'admin'),
  },
} as const;
type Name = keyof typeof calls;

let app: App;
let work: string;
const bundleTexts = {} as Record<Name, string>;
const results = {} as Record<Name, Record<string, { statusCode: number; body: string }>>;

beforeAll(async () => {
  app = await newApp(
    { 'aws:cdk:enable-asset-metadata': true },
    { bundle: true, cloudFormationValidation: false },
  );
  const stack = new Stack(app, 'BundledRoutes');
  for (const name of Object.keys(calls) as Name[])
    new ServiceFunction(stack, name, { spec: functions[name], retainLogs: false });
  const assetOf = bundledAssets(app, stack);
  work = await mkdtemp(path.join(tmpdir(), 'rectify-bundled-routes-'));
  for (const name of Object.keys(calls) as Name[]) {
    const bundle = path.join(assetOf(name), 'index.mjs');
    bundleTexts[name] = await readFile(bundle, 'utf8');
    const input = path.join(work, `${name}-events.json`);
    const output = path.join(work, `${name}-results.json`);
    await writeFile(input, JSON.stringify(calls[name]));
    const script = [
      "import { readFileSync, writeFileSync } from 'node:fs';",
      'const { handler } = await import(process.env.PROBE_BUNDLE);',
      "const events = JSON.parse(readFileSync(process.env.PROBE_INPUT, 'utf8'));",
      'const results = {};',
      'for (const [key, event] of Object.entries(events)) results[key] = await handler(event, {});',
      'writeFileSync(process.env.PROBE_OUTPUT, JSON.stringify(results));',
    ].join('\n');
    await runInFreshProcess(script, {
      PROBE_BUNDLE: pathToFileURL(bundle).href,
      PROBE_INPUT: input,
      PROBE_OUTPUT: output,
    });
    results[name] = JSON.parse(await readFile(output, 'utf8'));
  }
});
afterAll(async () => {
  await removeOutput(app);
  if (work) await rm(work, { recursive: true, force: true });
});

describe("an HTTP function's bundle", () => {
  it('holds its own routes and not the catalog of every function', () => {
    expect(ownRoutes(functions.outcomes).routes.map((route) => `${route.method} ${route.auth}`)).toEqual([
      'POST admin',
      'GET admin,leader,auditor',
    ]);
    for (const text of Object.values(bundleTexts)) {
      expect(text).not.toContain('/inspections/import');
      expect(text).not.toContain(functions.importPlan.description);
    }
  });

  it('answers its own route for a signed-in caller, and refuses one without claims', () => {
    expect(results.me.signedIn?.statusCode).toBe(200);
    expect(JSON.parse(results.me.signedIn?.body ?? '{}')).toMatchObject({
      subject: 'u1',
      roles: ['auditor'],
    });
    expect(results.me.anonymous?.statusCode).toBe(401);
  });

  it("checks each route's own roles, and refuses a route it does not serve", () => {
    expect(results.outcomes.leaderPosts?.statusCode).toBe(403);
    expect(results.outcomes.departmentReads?.statusCode).toBe(403);
    expect(results.outcomes.anonymous?.statusCode).toBe(401);
    // Another function's route reaching this one is a wiring fault: refused, never answered.
    expect(results.outcomes.notItsRoute?.statusCode).toBe(403);
  });
});
