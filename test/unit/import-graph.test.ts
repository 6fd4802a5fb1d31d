import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { functions } from '#catalog/functions.ts';

/**
 * The direction of the house's imports, read from the source itself: every static import,
 * re-export and dynamic import() of every TypeScript file (type-only imports included: a type
 * circle is still a circle a reader has to untangle).
 */

const ROOT = path.resolve(import.meta.dirname, '../..');
const FOLDERS = ['catalog', 'shared', 'functions', 'events', 'infra', 'local', 'cli', 'bench', 'web', 'test'];
const ALIASES: Record<string, string> = JSON.parse(
  readFileSync(path.join(ROOT, 'package.json'), 'utf8'),
).imports;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (name === 'node_modules' || name === 'dist' || name === 'schemas') return [];
    if (statSync(full).isDirectory()) return sourceFiles(full);
    return /\.tsx?$/.test(name) && !name.endsWith('.d.ts') ? [full] : [];
  });
}

const SPECIFIER =
  /(?:^|\n)\s*(?:import|export)\b[^'";]*?\bfrom\s*['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)/g;

function specifiers(source: string): string[] {
  // Comments may quote imports; strip them first (naively, but no string here holds `/*` or `//`
  // followed by an import statement).
  const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  return [...code.matchAll(SPECIFIER)].map((match) => (match[1] ?? match[2]) as string);
}

/** The project file a specifier names, or undefined for a package. */
function resolve(from: string, specifier: string): string | undefined {
  if (specifier.startsWith('#')) {
    for (const [pattern, target] of Object.entries(ALIASES)) {
      const prefix = pattern.replace('*', '');
      if (specifier.startsWith(prefix))
        return path.join(ROOT, target.replace('*', specifier.slice(prefix.length)));
    }
    throw new Error(`${from}: no package.json import matches ${specifier}`);
  }
  if (specifier.startsWith('.')) return path.resolve(path.dirname(from), specifier);
  return undefined;
}

const files = FOLDERS.flatMap((folder) => sourceFiles(path.join(ROOT, folder)));
const graph = new Map<string, string[]>(
  files.map((file) => {
    const targets = specifiers(readFileSync(file, 'utf8'))
      .map((specifier) => resolve(file, specifier))
      .filter((target): target is string => target !== undefined && /\.tsx?$/.test(target));
    return [path.relative(ROOT, file), targets.map((target) => path.relative(ROOT, target))];
  }),
);

const folderOf = (file: string) => file.split(path.sep)[0] as string;

/** Strongly connected components with more than one file (Tarjan), each sorted. */
function circles(edges: Map<string, string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  let counter = 0;
  const visit = (node: string) => {
    index.set(node, counter);
    low.set(node, counter);
    counter += 1;
    stack.push(node);
    onStack.add(node);
    for (const next of edges.get(node) ?? []) {
      if (!edges.has(next)) continue;
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node) as number, low.get(next) as number));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node) as number, index.get(next) as number));
      }
    }
    if (low.get(node) === index.get(node)) {
      const component: string[] = [];
      let member: string | undefined;
      do {
        member = stack.pop() as string;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      if (component.length > 1) found.push(component.sort());
    }
  };
  for (const node of edges.keys()) if (!index.has(node)) visit(node);
  return found;
}

describe('the import graph', () => {
  it('reads a plausible graph (the parser finds the imports it should)', () => {
    expect(files.length).toBeGreaterThan(200);
    expect(graph.get(path.join('shared', 'http', 'handler.ts'))).toContain(
      path.join('catalog', 'functions.ts'),
    );
    expect(graph.get(path.join('infra', 'stack.ts'))).toContain(path.join('catalog', 'functions.ts'));
    // Every resolved target exists: a wrong resolution would hide an arrow.
    for (const [file, targets] of graph)
      for (const target of targets) expect(graph.has(target), `${file} → ${target}`).toBe(true);
  });

  it('has no arrow from runtime code (shared/, functions/, events/, catalog/) into infra/, local/, cli/ or bench/', () => {
    const runtime = new Set(['shared', 'functions', 'events', 'catalog']);
    const above = new Set(['infra', 'local', 'cli', 'bench']);
    const wrong = [...graph].flatMap(([file, targets]) =>
      runtime.has(folderOf(file))
        ? targets.filter((target) => above.has(folderOf(target))).map((target) => `${file} → ${target}`)
        : [],
    );
    expect(wrong).toEqual([]);
  });

  it('keeps catalog/ at the bottom: it imports only itself and pure domain types', () => {
    const wrong = [...graph].flatMap(([file, targets]) =>
      folderOf(file) === 'catalog'
        ? targets
            .filter(
              (target) => folderOf(target) !== 'catalog' && !target.startsWith(path.join('shared', 'domain')),
            )
            .map((target) => `${file} → ${target}`)
        : [],
    );
    expect(wrong).toEqual([]);
    for (const file of files.filter((f) => folderOf(path.relative(ROOT, f)) === 'catalog'))
      expect(readFileSync(file, 'utf8'), file).not.toMatch(/from ['"](aws-cdk-lib|@aws-sdk\/|constructs)/);
  });

  it('keeps the domain pure: shared/domain imports no AWS SDK and nothing outside the domain but the language list', () => {
    const domain = path.join('shared', 'domain');
    const lang = path.join('shared', 'i18n', 'lang.ts');
    const wrong = [...graph].flatMap(([file, targets]) =>
      file.startsWith(domain)
        ? targets
            .filter((target) => !target.startsWith(domain) && target !== lang)
            .map((target) => `${file} → ${target}`)
        : [],
    );
    expect(graph.get(lang)).toEqual([]);
    expect(wrong).toEqual([]);
    for (const file of files.filter((f) => path.relative(ROOT, f).startsWith(domain)))
      expect(readFileSync(file, 'utf8'), file).not.toMatch(
        /from ['"](@aws-sdk\/|@aws-lambda-powertools|@middy)/,
      );
  });

  it('keeps samples, fixtures and tooling out of every function: nothing a handler reaches imports them', () => {
    const reachable = (start: string) => {
      const seen = new Set<string>();
      const next = [start];
      while (next.length > 0) {
        const file = next.pop() as string;
        if (seen.has(file)) continue;
        seen.add(file);
        next.push(...(graph.get(file) ?? []));
      }
      return seen;
    };
    const entries = Object.values(functions).map((spec) => path.normalize(spec.entry));
    expect(entries.length).toBeGreaterThan(30);
    const forbidden = (file: string) =>
      file === path.join('events', 'samples.ts') ||
      ['test', 'bench', 'cli', 'local', 'infra'].includes(folderOf(file));
    const wrong = entries.flatMap((entry) =>
      [...reachable(entry)].filter(forbidden).map((file) => `${entry} reaches ${file}`),
    );
    expect(wrong).toEqual([]);
    // The check reaches far enough to matter: the import handler reaches the plan parser.
    expect(reachable(path.join('functions', 'import-plan', 'handler.ts'))).toContain(
      path.join('shared', 'domain', 'plan', 'spreadsheet.ts'),
    );
  });

  it('has no import circle', () => {
    expect(circles(graph)).toEqual([]);
  });

  it('finds a circle when there is one (the check itself works)', () => {
    const edges = new Map([
      ['a', ['b']],
      ['b', ['c']],
      ['c', ['a']],
      ['d', ['a']],
    ]);
    expect(circles(edges)).toEqual([['a', 'b', 'c']]);
  });
});
