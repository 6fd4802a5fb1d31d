import { existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  type FunctionSpec,
  fallbackFunction,
  functions,
  httpRoutes,
  type Trigger,
} from '#catalog/functions.ts';
import { openApiDocument } from '#shared/api/openapi.ts';
import { RouteTable } from '#shared/http/route-table.ts';

const root = path.resolve(import.meta.dirname, '../..');
const entries = Object.entries(functions) as [string, FunctionSpec][];

describe('function manifest', () => {
  it.each(entries)('%s: the handler file exists and exports a handler function', async (_name, spec) => {
    const file = path.join(root, spec.entry);
    expect(existsSync(file), `${spec.entry} exists`).toBe(true);
    const module = (await import(pathToFileURL(file).href)) as { handler?: unknown };
    expect(typeof module.handler).toBe('function');
  });

  it('declares every HTTP route once (parameter names do not make a route different)', () => {
    expect(() => new RouteTable(httpRoutes())).not.toThrow();
    const keys = httpRoutes().map((route) => `${route.method} ${route.path.replace(/\{[^}]+\}/g, '{}')}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('has exactly one $default fallback function', () => {
    expect(fallbackFunction()).toBe('routeNotFound');
  });

  it('keeps limits within what Lambda allows and routes well-formed', () => {
    for (const [name, spec] of entries) {
      expect(spec.memoryMiB, name).toBeGreaterThanOrEqual(128);
      expect(spec.memoryMiB, name).toBeLessThanOrEqual(10_240);
      expect(spec.timeoutSeconds, name).toBeGreaterThan(0);
      for (const trigger of spec.triggers as readonly Trigger[]) {
        if (trigger.kind === 'http') {
          expect(trigger.path, name).toMatch(/^\/[A-Za-z0-9{}/._-]*$/);
          // API Gateway HTTP APIs time out integrations at 30 s.
          expect(spec.timeoutSeconds, name).toBeLessThanOrEqual(29);
        }
      }
    }
  });

  it('protects every route except the health probe and the API description', () => {
    const publicRoutes = httpRoutes().filter((route) => route.auth === 'public');
    expect(publicRoutes.map((route) => `${route.method} ${route.path}`).sort()).toEqual([
      'GET /health',
      'GET /openapi.json',
    ]);
  });
});

describe('Idempotency-Key, declared once on the route', () => {
  const document = openApiDocument() as {
    paths: Record<string, Record<string, { parameters: { name: string; in: string }[] }>>;
  };
  const takesKey = (route: { method: string; path: string }) =>
    (document.paths[route.path]?.[route.method.toLowerCase()]?.parameters ?? []).some(
      (parameter) => parameter.in === 'header' && parameter.name === 'Idempotency-Key',
    );

  it('is documented for exactly the routes the manifest marks, and only writes are marked', () => {
    const routes = httpRoutes();
    const marked = routes.filter((route) => route.idempotent);
    expect(marked.map((route) => `${route.method} ${route.path}`).sort()).toEqual([
      'POST /evidence/{evidenceId}/withdraw',
      'POST /inspections/import',
      'POST /inspections/{inspectionId}/archives',
      'POST /inspections/{inspectionId}/outcomes',
      'POST /inspections/{inspectionId}/summaries',
      'POST /items/{itemId}/evidence',
      'POST /items/{itemId}/look-back',
      'POST /items/{itemId}/progress',
      'POST /items/{itemId}/transitions',
      'PUT /inspections/{inspectionId}/report-text',
    ]);
    for (const route of routes)
      expect(takesKey(route), `${route.method} ${route.path}`).toBe(route.idempotent !== undefined);
  });

  it('keeps the keys of the routes whose whole effect is one transaction in that transaction', () => {
    // Each of these handlers hands request.idempotencyKey to its change (changeItem, or the
    // evidence withdrawal); the others claim theirs.
    const inTransaction = httpRoutes().filter((route) => route.idempotent === 'in-transaction');
    expect(inTransaction.map((route) => `${route.functionName} ${route.method} ${route.path}`)).toEqual([
      'transitionItem POST /items/{itemId}/transitions',
      'reportProgress POST /items/{itemId}/progress',
      'withdrawEvidence POST /evidence/{evidenceId}/withdraw',
      'confirmLookBack POST /items/{itemId}/look-back',
    ]);
  });
});
