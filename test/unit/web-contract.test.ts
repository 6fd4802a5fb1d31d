import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { httpRoutes } from '#catalog/functions.ts';
import { RouteTable } from '#shared/http/route-table.ts';

/**
 * The console's calls against the API's routes. Response and request shapes are checked by the
 * type checker (web/src/api/types.ts infers them from the contract's zod schemas); what it cannot
 * see is a path string, so every API path the console's source writes must be a route, with the
 * method it is called with.
 */
const SOURCE = path.resolve(import.meta.dirname, '../../web/src');
const API_ROOTS = [
  'me',
  'items',
  'inspections',
  'evidence',
  'archives',
  'summaries',
  'departments',
  'health',
];

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? sources(path.join(dir, entry.name))
      : /\.tsx?$/.test(entry.name)
        ? [path.join(dir, entry.name)]
        : [],
  );
}

/** `/items/${seg(id)}/history` → `/items/x/history`; the parameter's value does not matter. */
const concrete = (literal: string) => literal.replace(/\$\{[^}]*\}/g, 'x');

interface Call {
  readonly file: string;
  readonly method: string | undefined;
  readonly path: string;
}

function apiCalls(): Call[] {
  const calls: Call[] = [];
  const literal = /(?:api\.(get|request|fetch)(?:<[^(]*?>)?\(\s*(?:'([A-Z]+)',\s*)?)?[`'](\/[^`'\s]*)[`']/g;
  for (const file of sources(SOURCE)) {
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(literal)) {
      const [, call, method, found = ''] = match;
      const root = found.split('/')[1]?.replace(/\$\{.*$/, '') ?? '';
      if (!API_ROOTS.includes(root)) continue;
      calls.push({ file: path.relative(SOURCE, file), method: call === 'get' ? 'GET' : method, path: found });
    }
  }
  return calls;
}

describe('the console calls only routes the API has', () => {
  const table = new RouteTable(httpRoutes());
  const calls = apiCalls();

  it('finds the calls it checks (the scan itself works)', () => {
    expect(calls.length).toBeGreaterThan(20);
    expect(calls.some((call) => call.method === 'POST' && call.path.includes('/progress'))).toBe(true);
  });

  it.each(calls.map((call) => [`${call.method ?? '*'} ${call.path} (${call.file})`, call] as const))(
    '%s',
    (_name, call) => {
      const methods = call.method ? [call.method] : ['GET', 'POST', 'PUT', 'DELETE'];
      const matched = methods.some((method) => table.match(method, concrete(call.path)).kind === 'matched');
      expect(matched, `${call.method ?? 'no method'} ${call.path} is not an API route`).toBe(true);
    },
  );
});
