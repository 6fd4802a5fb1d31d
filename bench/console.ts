/**
 * Console benchmark (`npm run bench:console`): the web console (整改工作台) in Debian's Chromium
 * against the local runtime (in this process, on its own moto), each figure beside a floor
 * measured in the same run. A benchmark, not a test: it prints, it does not fail.
 *
 *  a. First load JS: the console built into a temp dir; the bytes of every script the browser
 *     fetched for the dev login page and, after signing in through it, 我的事项 — raw, gzip -9
 *     and brotli (q 11) of the same files. Target ≤ 150 KB compressed.
 *  b. Time to interactive: navigation start → 我的事项 heading with its items and the search box
 *     answering a keystroke (the list changes, then two frames), median of cold loads (a fresh
 *     context each); the floor is a static page with the same heading, rows and a trivial handler,
 *     served by node:http beside it. Target ≤ 1 s.
 *  c. Board of 2,000 items (a generated plan): the board's render once its data is in (navigation
 *     → settled, minus the ledger response's end), and each filter interaction (搜索 keystrokes,
 *     状态, 灯色, 方面, 责任科室, 仅看逾期) from the event to the DOM settled (mutations quiet, two
 *     frames after the last), medians of several; floors: the board's final DOM set as one
 *     innerHTML, and the same filter form with a trivial handler. Target ≤ 200 ms.
 *
 *  d. Hashing a 100 MiB evidence file in the page, as the upload does (web/src/lib/sha256-stream.ts,
 *     bundled alone): time, throughput and the renderer process's peak RSS growth, against the
 *     floor of reading the whole file and hashing it with WebCrypto (fast, but the file sits in
 *     memory whole — what the streaming hash is there to avoid).
 *
 * Options: BENCH_ITEMS (2000), BENCH_COLD_LOADS (5), BENCH_REPEATS (4, per filter value),
 * BENCH_HASH_MIB (100).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { brotliCompressSync, gzipSync, constants as zlib } from 'node:zlib';
import { buildSync } from 'esbuild';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { loadOrCreateDevKey, mintDevToken } from '#local/dev-auth.ts';
import { startEmulator } from '#local/emulator/index.ts';
import { startLocalRuntime } from '#local/runtime.ts';
import { generatePlan } from '../test/fixtures/generate-plan.ts';
import { buildConsole } from '../web/build.ts';
import { displayWidth, median, recordFigures } from './measure.ts';

const ITEMS = Number(process.env.BENCH_ITEMS ?? 2000);
const COLD_LOADS = Number(process.env.BENCH_COLD_LOADS ?? 5);
const REPEATS = Number(process.env.BENCH_REPEATS ?? 4);
const HASH_MIB = Number(process.env.BENCH_HASH_MIB ?? 100);
const CHROMIUM = process.env.RECTIFY_CHROMIUM ?? '/usr/bin/chromium';
const root = path.resolve(import.meta.dirname, '..');
const samplePlan = JSON.parse(readFileSync(path.join(root, 'test/fixtures/plan.sample.json'), 'utf8'));
const TOKEN_KEY = 'rectify.devToken';

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
const msText = (value: number) => `${value.toFixed(0)} ms`;
const log = (line: string) => process.stderr.write(`${line}\n`);

interface Row {
  figure: string;
  value: string;
  floor: string;
  ratio: string;
  target: string;
  met: string;
}
const rows: Row[] = [];
/** Chromium's renderer processes now (pid list), read from /proc. */
function rendererPids(): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('--type=renderer');
      } catch {
        return false;
      }
    })
    .map(Number);
}

function rssMiB(pid: number): number {
  try {
    const kib = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kib ? Number(kib) / 1024 : 0;
  } catch {
    return 0;
  }
}

/**
 * Runs `script` in a fresh page and samples the RSS of the renderer that page started, every
 * 10 ms: the peak growth over its idle size, and what the script returned.
 */
async function withRendererPeak(browser: Browser, url: string, prelude: string, script: string) {
  const before = new Set(rendererPids());
  const context = await browser.newContext();
  const page = await context.newPage();
  // A loopback origin is a secure context (WebCrypto's digest needs one; about:blank is not).
  await page.goto(url);
  await page.evaluate(prelude);
  const renderers = rendererPids().filter((pid) => !before.has(pid));
  const idle = Math.max(0, ...renderers.map(rssMiB));
  let peak = idle;
  const sampler = setInterval(() => {
    for (const pid of renderers) peak = Math.max(peak, rssMiB(pid));
  }, 10);
  try {
    const result = (await page.evaluate(script)) as { ms: number; hex: string };
    return { ...result, growthMiB: renderers.length ? peak - idle : Number.NaN };
  } finally {
    clearInterval(sampler);
    await context.close();
  }
}

const row = (figure: string, value: number, floor: number | undefined, target: number, unit: 'ms' | 'KB') => {
  const text = (n: number) => (unit === 'ms' ? msText(n) : kb(n * 1024));
  rows.push({
    figure,
    value: text(value),
    floor: floor === undefined ? '—' : text(floor),
    ratio: floor ? `${(value / floor).toFixed(2)}×` : '—',
    target: `≤ ${text(target)}`,
    met: value <= target ? 'met' : 'NOT met',
  });
};

// ---- In-page measurement (strings: this file is compiled without the DOM's types) ----

/**
 * Installed before any page script: `__settle(perform)` runs an interaction and resolves with the
 * ms from it to the DOM settled — two frames after the last mutation, once none has come for
 * QUIET ms; `__tti` (when the page is 我的事项) resolves with when the list first rendered and
 * when the search box first answered.
 */
const PAGE_TOOLS = `(() => {
  const QUIET = 150;
  const raf2 = () => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  window.__raf2 = raf2;
  window.__control = (label) => {
    const found = [...document.querySelectorAll('label')].find((l) => l.textContent.trim() === label);
    return found ? document.getElementById(found.htmlFor) : null;
  };
  window.__settle = async (perform) => {
    const t0 = performance.now();
    let settled = t0;
    let last = t0;
    let pending = 0;
    const mark = () => {
      pending++;
      raf2().then(() => { settled = Math.max(settled, performance.now()); pending--; });
    };
    const observer = new MutationObserver(() => { last = performance.now(); mark(); });
    observer.observe(document, { subtree: true, childList: true, characterData: true, attributes: true });
    perform();
    mark();
    await raf2();
    while (performance.now() - last < QUIET || pending > 0) await sleep(25);
    observer.disconnect();
    return settled - t0;
  };
  window.__tti = new Promise((resolve) => {
    let started = false;
    const tryNow = () => {
      if (started) return;
      const heading = [...document.querySelectorAll('h1')].find((h) => h.textContent.trim() === '我的事项');
      const before = document.querySelectorAll('.item-row').length;
      const search = window.__control('搜索');
      if (!heading || before === 0 || !search) return;
      started = true;
      const rendered = performance.now();
      const changed = () => document.querySelectorAll('.item-row').length !== before;
      const done = () => raf2().then(() => resolve({ rendered, interactive: performance.now() }));
      search.value = window.__needle || '1.1.2';
      search.dispatchEvent(new Event('input', { bubbles: true }));
      if (changed()) return done();
      const watch = new MutationObserver(() => { if (changed()) { watch.disconnect(); done(); } });
      watch.observe(document, { subtree: true, childList: true });
    };
    new MutationObserver(tryNow).observe(document, { subtree: true, childList: true });
  });
})();`;

/** The same interaction, in the page: a value typed or chosen, a box ticked. */
const perform = (label: string, kind: 'input' | 'select' | 'check', value: string) =>
  `window.__settle(() => {
    const control = window.__control(${JSON.stringify(label)});
    if (${JSON.stringify(kind)} === 'check') return control.click();
    control.value = ${JSON.stringify(value)};
    control.dispatchEvent(new Event(${JSON.stringify(kind === 'input' ? 'input' : 'change')}, { bubbles: true }));
  })`;

/** A page with nothing but what the measurement looks for, and handlers that do next to nothing. */
const FLOOR_TTI_HTML = `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>floor</title>
<script>document.addEventListener('input', (e) => {
  for (const li of document.querySelectorAll('.item-row')) if (!li.textContent.includes(e.target.value)) li.remove();
});</script></head>
<body><h1>我的事项</h1><label for="q">搜索</label><input id="q" type="search">
<ul><li class="item-row">1.1.1</li><li class="item-row">1.1.2</li></ul></body></html>`;

async function main() {
  const work = mkdtempSync(path.join(tmpdir(), 'rectify-bench-console-'));
  const build = buildConsole(path.join(work, 'console'));
  const emulator = await startEmulator();
  const floorServer = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    response.end(FLOOR_TTI_HTML);
  });
  let browser: Browser | undefined;
  let runtime: Awaited<ReturnType<typeof startLocalRuntime>> | undefined;
  try {
    const devKey = await loadOrCreateDevKey(path.join(work, 'key.json'));
    const local = await startLocalRuntime({
      emulator,
      stage: 'benchconsole',
      port: 0,
      devKey,
      consoleDir: build.outDir,
    });
    runtime = local;
    await new Promise<void>((resolve) => floorServer.listen(0, '127.0.0.1', resolve));
    const floorUrl = `http://127.0.0.1:${(floorServer.address() as { port: number }).port}/`;
    const admin = await mintDevToken(devKey, { role: 'admin', name: 'bench', subject: 'bench-admin' });
    const clerk = await mintDevToken(devKey, {
      role: 'department',
      department: '基层卫生科',
      name: '张三',
      subject: 'bench-clerk',
    });
    const importPlan = async (plan: unknown) => {
      const response = await fetch(`${local.url}/inspections/import`, {
        method: 'POST',
        headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
        body: JSON.stringify({ plan }),
      });
      if (response.status !== 201) throw new Error(`import: ${response.status} ${await response.text()}`);
    };
    await importPlan(samplePlan);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    const fresh = async (token?: string): Promise<[BrowserContext, Page]> => {
      const context = await (browser as Browser).newContext({
        viewport: { width: 1280, height: 900 },
        locale: 'zh-CN',
      });
      await context.addInitScript(PAGE_TOOLS);
      if (token) {
        // The dev login keeps its token in sessionStorage: a signed-in cold load without the form.
        await context.addInitScript(
          `if (location.origin === ${JSON.stringify(local.url)}) sessionStorage.setItem(${JSON.stringify(TOKEN_KEY)}, ${JSON.stringify(token)});`,
        );
      }
      return [context, await context.newPage()];
    };

    // ---- a. First load JS ----
    {
      const [context, page] = await fresh();
      const scripts = new Map<string, Buffer>();
      const pending: Promise<void>[] = [];
      page.on('response', (response) => {
        const url = new URL(response.url());
        if (url.origin !== local.url || !url.pathname.endsWith('.js')) return;
        pending.push(
          response.body().then(
            (body) => void scripts.set(url.pathname, body),
            () => undefined,
          ),
        );
      });
      await page.goto(local.url);
      await page.getByLabel('角色').selectOption({ label: '科室' });
      await page.getByLabel('科室').fill('基层卫生科');
      await page.getByLabel('姓名').fill('张三');
      await page.getByRole('button', { name: '登录' }).click();
      await page.getByRole('heading', { name: '我的事项' }).waitFor();
      await page.locator('.item-row').first().waitFor();
      await page.waitForLoadState('networkidle');
      await Promise.all(pending);
      await context.close();
      let raw = 0;
      let gzip = 0;
      let brotli = 0;
      log('\na. First load JS (dev login + 我的事项, as a 科室 clerk):');
      log(`   ${'file'.padEnd(40)} ${'raw'.padStart(10)} ${'gzip'.padStart(10)} ${'brotli'.padStart(10)}`);
      for (const [file, body] of [...scripts].sort(([a], [b]) => a.localeCompare(b))) {
        const g = gzipSync(body, { level: 9 }).length;
        const b = brotliCompressSync(body, { params: { [zlib.BROTLI_PARAM_QUALITY]: 11 } }).length;
        raw += body.length;
        gzip += g;
        brotli += b;
        log(
          `   ${file.padEnd(40)} ${kb(body.length).padStart(10)} ${kb(g).padStart(10)} ${kb(b).padStart(10)}`,
        );
      }
      log(
        `   ${`total (${scripts.size} files)`.padEnd(40)} ${kb(raw).padStart(10)} ${kb(gzip).padStart(10)} ${kb(brotli).padStart(10)}`,
      );
      row('a. first-load JS, gzip', gzip / 1024, undefined, 150, 'KB');
      row('a. first-load JS, brotli', brotli / 1024, undefined, 150, 'KB');
      rows.push({
        figure: 'a. first-load JS, raw',
        value: kb(raw),
        floor: '—',
        ratio: '—',
        target: '(info)',
        met: '',
      });
    }

    // ---- b. Time to interactive ----
    {
      const coldLoad = async (url: string, token?: string) => {
        const [context, page] = await fresh(token);
        await page.goto(url);
        const result = (await page.evaluate(
          `Promise.race([window.__tti, new Promise((_, reject) => setTimeout(() => reject(new Error('no 我的事项 list answering in 30 s')), 30000))])`,
        )) as { rendered: number; interactive: number };
        await context.close();
        return result;
      };
      const app: { rendered: number; interactive: number }[] = [];
      const floor: { rendered: number; interactive: number }[] = [];
      for (let i = 0; i < COLD_LOADS; i++) {
        app.push(await coldLoad(`${local.url}/`, clerk));
        floor.push(await coldLoad(floorUrl));
      }
      const appTti = median(app.map((r) => r.interactive));
      const floorTti = median(floor.map((r) => r.interactive));
      log(
        `\nb. Time to interactive, ${COLD_LOADS} cold loads: 我的事项 rendered ${app.map((r) => msText(r.rendered)).join(', ')}; ` +
          `interactive ${app.map((r) => msText(r.interactive)).join(', ')}; floor ${floor.map((r) => msText(r.interactive)).join(', ')}`,
      );
      row('b. time to interactive (median)', appTti, floorTti, 1000, 'ms');
      rows.push({
        figure: 'b. 我的事项 rendered (median)',
        value: msText(median(app.map((r) => r.rendered))),
        floor: msText(median(floor.map((r) => r.rendered))),
        ratio: '—',
        target: '(info)',
        met: '',
      });
    }

    // ---- c. Board of 2,000 items ----
    {
      const plan = generatePlan({ items: ITEMS, id: 'bench-console-board' }) as {
        inspection: { id: string };
        aspects: { items?: unknown; problems: { items: { title: string }[] }[] }[];
      };
      let started = performance.now();
      await importPlan(plan);
      log(
        `\nc. Imported ${ITEMS} items in ${msText(performance.now() - started)}; letting the event path settle…`,
      );
      // The import's change events run in this process: let them finish before timing a browser.
      await new Promise((resolve) => setTimeout(resolve, Number(process.env.BENCH_SETTLE_MS ?? 8000)));
      const id = plan.inspection.id;
      const [context, page] = await fresh(admin);
      started = performance.now();
      await page.goto(`${local.url}/#/inspections/${encodeURIComponent(id)}/board`);
      // The board is the target; where it has no filter bar yet, the home page's list (same components).
      let where = 'board';
      const boardReady = await page
        .locator('.item-row')
        .first()
        .waitFor({ timeout: 60_000 })
        .then(async () => (await page.evaluate(`Boolean(window.__control('方面'))`)) as boolean)
        .catch(() => false);
      if (!boardReady) {
        where = 'home list (the board page has no filter bar yet)';
        await page.goto(`${local.url}/#/`);
        await page.locator('.item-row').first().waitFor({ timeout: 60_000 });
      }
      // Settled: no mutation for a while.
      await page.evaluate('window.__settle(() => {})');
      const timing = (await page.evaluate(`(() => {
        const ledger = performance.getEntriesByType('resource').filter((e) => e.name.includes('/ledger')).pop();
        return { ledgerMs: ledger ? ledger.responseEnd - ledger.startTime : 0,
          rows: document.querySelectorAll('.item-row').length, html: document.querySelector('main').outerHTML };
      })()`)) as { ledgerMs: number; rows: number; html: string };
      log(`   measured on: ${where}; ledger GET ${msText(timing.ledgerMs)}, ${timing.rows} rows rendered`);
      rows.push({
        figure: `c. GET ledger of ${ITEMS} items (before render)`,
        value: msText(timing.ledgerMs),
        floor: '—',
        ratio: '—',
        target: '(info)',
        met: '',
      });

      // Render after data: reload cold and watch the DOM from the ledger's arrival to quiet.
      const renders: number[] = [];
      const renderFloors: number[] = [];
      const css = readFileSync(path.join(build.outDir, build.entryStyle ?? ''), 'utf8');
      for (let i = 0; i < 3; i++) {
        const [renderContext, renderPage] = await fresh(admin);
        await renderPage.addInitScript(`(() => {
          window.__lastMutation = 0;
          new MutationObserver(() => {
            window.__lastMutation = performance.now();
            window.__raf2().then(() => { window.__settledAt = performance.now(); });
          }).observe(document, { subtree: true, childList: true, characterData: true, attributes: true });
        })();`);
        await renderPage.goto(page.url());
        await renderPage.locator('.item-row').first().waitFor({ timeout: 60_000 });
        // Polled from here: a string predicate would be eval'd inside the page, which its CSP forbids.
        const quietBy = Date.now() + 60_000;
        while (!(await renderPage.evaluate('performance.now() - window.__lastMutation > 300'))) {
          if (Date.now() > quietBy) throw new Error('the board never settled');
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
        const render = (await renderPage.evaluate(`(() => {
          const ledger = performance.getEntriesByType('resource').filter((e) => e.name.includes('/ledger')).pop();
          return window.__settledAt - (ledger ? ledger.responseEnd : 0);
        })()`)) as number;
        renders.push(render);
        await renderContext.close();
        // Floor: the same final DOM, styled, set at once.
        const [floorContext, floorPage] = await fresh();
        await floorPage.setContent(
          `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><style>${css}</style></head><body></body></html>`,
        );
        renderFloors.push(
          (await floorPage.evaluate(
            `window.__settle(() => { document.body.innerHTML = ${JSON.stringify(timing.html)}; })`,
          )) as number,
        );
        await floorContext.close();
      }
      log(
        `   render after data: ${renders.map(msText).join(', ')}; floor ${renderFloors.map(msText).join(', ')}`,
      );
      row(
        `c. ${where === 'board' ? 'board' : 'list'} render after data (median)`,
        median(renders),
        median(renderFloors),
        200,
        'ms',
      );

      // Interactions, on the page loaded above and on a floor with the same form.
      const formHtml = (await page.evaluate(
        `(document.querySelector('form.filters') || document.createElement('form')).outerHTML`,
      )) as string;
      const [floorContext, floorPage] = await fresh();
      await floorPage.setContent(`<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><style>${css}</style></head>
<body>${formHtml}<p id="out">0</p></body></html>`);
      // A trivial handler: one text node changes.
      await floorPage.evaluate(`(() => {
        let n = 0;
        const bump = () => { document.getElementById('out').textContent = String(++n); };
        document.addEventListener('input', bump);
        document.addEventListener('change', bump);
      })()`);

      const options = async (label: string) =>
        (await page.evaluate(
          `(() => { const c = window.__control(${JSON.stringify(label)}); return c ? [...c.options].map((o) => o.value).filter(Boolean) : null; })()`,
        )) as string[] | null;
      const titles = plan.aspects.flatMap((aspect) =>
        aspect.problems.flatMap((p) => p.items.map((i) => i.title)),
      );
      const needle = [...(titles[7] ?? '专项资金').slice(0, 4)];
      type Step = { label: string; kind: 'input' | 'select' | 'check'; value: string };
      const cases: { name: string; steps: Step[] }[] = [
        {
          name: '搜索 (per keystroke, then clear)',
          steps: [
            ...needle.map((_, i) => ({
              label: '搜索',
              kind: 'input' as const,
              value: needle.slice(0, i + 1).join(''),
            })),
            { label: '搜索', kind: 'input', value: '' },
          ],
        },
      ];
      for (const label of ['状态', '灯色', '方面', '责任科室']) {
        const values = await options(label);
        if (!values) {
          log(`   ${label}: not on this page`);
          continue;
        }
        cases.push({
          name: label,
          steps: [
            ...values.slice(0, 4).map((value) => ({ label, kind: 'select' as const, value })),
            { label, kind: 'select', value: '' },
          ],
        });
      }
      cases.push({
        name: '仅看逾期',
        steps: [
          { label: '仅看逾期', kind: 'check', value: '' },
          { label: '仅看逾期', kind: 'check', value: '' },
        ],
      });
      for (const { name, steps } of cases) {
        const app: number[] = [];
        const floor: number[] = [];
        for (let r = 0; r < REPEATS; r++) {
          for (const step of steps) {
            app.push((await page.evaluate(perform(step.label, step.kind, step.value))) as number);
            floor.push((await floorPage.evaluate(perform(step.label, step.kind, step.value))) as number);
          }
        }
        log(
          `   ${name}: ${app.length} interactions, median ${msText(median(app))}, max ${msText(Math.max(...app))}`,
        );
        row(`c. ${name} (median)`, median(app), median(floor), 200, 'ms');
      }
      await floorContext.close();
      await context.close();
    }

    // ---- d. Hashing a 100 MiB file in the page ----
    {
      const hasher = buildSync({
        entryPoints: [path.join(root, 'web/src/lib/sha256-stream.ts')],
        bundle: true,
        format: 'iife',
        globalName: 'rectifyHash',
        platform: 'browser',
        minify: true,
        write: false,
      }).outputFiles[0]?.text as string;
      // The file is a Blob of HASH_MIB distinct 1 MiB parts (the same bytes in both pages, so the
      // two digests must agree), held by the browser's blob storage as a picked file is.
      const makeFile = `window.file = new Blob(Array.from({ length: ${HASH_MIB} }, (_, n) => {
        const part = new Uint8Array(1 << 20); for (let i = 0; i < part.length; i += 97) part[i] = (i * 31 + n) & 255; return part;
      }), { type: 'application/pdf' });`;
      const streamed = await withRendererPeak(
        browser,
        floorUrl,
        `${hasher}; window.rectifyHash = rectifyHash; ${makeFile}`,
        `(async () => { const t0 = performance.now(); const hex = await rectifyHash.sha256File(window.file); return { ms: performance.now() - t0, hex }; })()`,
      );
      const whole = await withRendererPeak(
        browser,
        floorUrl,
        makeFile,
        `(async () => { const t0 = performance.now(); const digest = await crypto.subtle.digest('SHA-256', await window.file.arrayBuffer());
          const hex = [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join(''); return { ms: performance.now() - t0, hex }; })()`,
      );
      const mibs = (ms: number) => `${(HASH_MIB / (ms / 1000)).toFixed(0)} MiB/s`;
      log(
        `d. ${HASH_MIB} MiB hashed: streaming ${msText(streamed.ms)} (${mibs(streamed.ms)}, renderer +${streamed.growthMiB.toFixed(0)} MiB); ` +
          `whole-file WebCrypto ${msText(whole.ms)} (${mibs(whole.ms)}, renderer +${whole.growthMiB.toFixed(0)} MiB)`,
      );
      rows.push({
        figure: `d. SHA-256 of ${HASH_MIB} MiB, streaming (time)`,
        value: msText(streamed.ms),
        floor: msText(whole.ms),
        ratio: `${(streamed.ms / whole.ms).toFixed(2)}×`,
        target: '(info)',
        met: mibs(streamed.ms),
      });
      rows.push({
        figure: `d. SHA-256 of ${HASH_MIB} MiB, renderer RSS growth`,
        value: `${streamed.growthMiB.toFixed(0)} MiB`,
        floor: `${whole.growthMiB.toFixed(0)} MiB`,
        ratio: `${(streamed.growthMiB / whole.growthMiB).toFixed(2)}×`,
        target: `< ${HASH_MIB} MiB`,
        met: streamed.growthMiB < HASH_MIB ? 'met' : 'NOT met',
      });
      if (streamed.hex !== whole.hex)
        throw new Error(`the two hashes differ: ${streamed.hex} vs ${whole.hex}`);
    }

    // ---- The table ----
    const widths = {
      figure: Math.max(6, ...rows.map((r) => displayWidth(r.figure))),
      value: Math.max(5, ...rows.map((r) => r.value.length)),
      floor: Math.max(5, ...rows.map((r) => r.floor.length)),
      ratio: Math.max(5, ...rows.map((r) => r.ratio.length)),
      target: Math.max(6, ...rows.map((r) => r.target.length)),
    };
    const pad = (text: string, width: number) => text + ' '.repeat(Math.max(0, width - displayWidth(text)));
    const line = (r: Row) =>
      `${pad(r.figure, widths.figure)}  ${pad(r.value, widths.value)}  ${pad(r.floor, widths.floor)}  ${pad(r.ratio, widths.ratio)}  ${pad(r.target, widths.target)}  ${r.met}`;
    process.stdout.write(
      `\nConsole benchmark (Chromium ${browser.version()}, local runtime, ${ITEMS}-item board)\n${line({
        figure: 'figure',
        value: 'value',
        floor: 'floor',
        ratio: 'ratio',
        target: 'target',
        met: 'met?',
      })}\n${rows.map(line).join('\n')}\n`,
    );
    recordFigures(
      'console',
      rows.map((r) => ({
        figure: r.figure,
        value: r.value,
        ...(r.target === '(info)'
          ? { target: '—' }
          : {
              target: r.target,
              ...(r.met === 'met' || r.met === 'NOT met' ? { met: r.met === 'met' } : {}),
            }),
      })),
    );
  } finally {
    await browser?.close();
    await runtime?.stop();
    floorServer.close();
    await emulator.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

await main().then(
  // Pollers and the emulator's handles may linger a moment; the figures are out.
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`bench:console failed: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);
