/**
 * Builds the console: one esbuild pass over web/src into `<outDir>/assets` (content-hashed names,
 * code split so what only some pages need loads when they are opened), then index.html naming
 * the hashed entry files. Synchronous on purpose: the CDK asset's local bundling calls it
 * during `cdk synth`, and `npm start` before it listens.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { buildSync, type Metafile } from 'esbuild';

const WEB_ROOT = import.meta.dirname;
export const DEFAULT_CONSOLE_DIR = path.resolve(WEB_ROOT, '../.rectify/console');

export interface ConsoleBuild {
  readonly outDir: string;
  /** Paths under outDir, e.g. `assets/main-AB12CD34.js`. */
  readonly entryScript: string;
  readonly entryStyle: string | undefined;
  readonly files: readonly string[];
}

export function buildConsole(outDir = DEFAULT_CONSOLE_DIR, options: { minify?: boolean } = {}): ConsoleBuild {
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const result = buildSync({
    entryPoints: [path.join(WEB_ROOT, 'src/main.tsx')],
    outdir: path.join(outDir, 'assets'),
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'browser',
    target: ['chrome111', 'safari16.4', 'firefox115'],
    jsx: 'automatic',
    jsxImportSource: 'preact',
    minify: options.minify ?? true,
    sourcemap: 'linked',
    entryNames: '[name]-[hash]',
    chunkNames: 'chunk-[hash]',
    assetNames: '[name]-[hash]',
    legalComments: 'none',
    metafile: true,
    logLevel: 'silent',
    define: { 'process.env.NODE_ENV': '"production"' },
  });
  const metafile = result.metafile as Metafile;
  const relative = (file: string) => path.relative(outDir, path.resolve(file)).split(path.sep).join('/');
  const outputs = Object.entries(metafile.outputs);
  const entry = outputs.find(([, output]) => output.entryPoint?.endsWith('src/main.tsx'));
  if (!entry) throw new Error('esbuild produced no entry script for web/src/main.tsx');
  const entryScript = relative(entry[0]);
  const entryStyle = entry[1].cssBundle ? relative(entry[1].cssBundle) : undefined;
  writeFileSync(path.join(outDir, 'index.html'), indexHtml(entryScript, entryStyle));
  return {
    outDir,
    entryScript,
    entryStyle,
    files: ['index.html', ...outputs.map(([file]) => relative(file))],
  };
}

/** The only HTML: no inline script or style, so the CSP needs neither 'unsafe-inline' nor hashes. */
function indexHtml(script: string, style: string | undefined): string {
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light">
<title>整改工作台 · Rectify</title>
<link rel="icon" href="data:,">
${style ? `<link rel="stylesheet" href="/${style}">\n` : ''}<script type="module" src="/${script}"></script>
</head>
<body>
<div id="app"><noscript>整改工作台需要启用 JavaScript。 The console needs JavaScript.</noscript></div>
</body>
</html>
`;
}

if (import.meta.main) {
  const outDir = process.argv[2] ? path.resolve(process.argv[2]) : DEFAULT_CONSOLE_DIR;
  const build = buildConsole(outDir);
  process.stdout.write(`console built in ${build.outDir}: ${build.files.length} files\n`);
}
