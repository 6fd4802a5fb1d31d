import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import type { DevTokenRequest } from '#local/dev-auth.ts';
import { apiClient } from './api.ts';
import { type RuntimeFixture, sharedEmulator, uniqueStage } from './runtime.ts';

/**
 * The browser journeys' harness: a real `npm start` (local/start.ts, on the run's shared emulator,
 * its own stage and signing key), Debian's Chromium driven by playwright-core, the dev login
 * through the page itself, axe-core scans and screenshots.
 */
const root = path.resolve(import.meta.dirname, '../..');
export const CHROMIUM = process.env.RECTIFY_CHROMIUM ?? '/usr/bin/chromium';
export const SCREENSHOT_DIR = path.join(root, 'test-results/console');

export const DESKTOP = { width: 1280, height: 900 } as const;
export const PHONE = { width: 375, height: 812 } as const;
export type Viewport = { readonly width: number; readonly height: number };

export interface RunningConsole {
  readonly url: string;
  /** A dev token minted by the same endpoint the login page uses (for seeding data by API). */
  token(request: Omit<DevTokenRequest, 'subject'>): Promise<string>;
  /** Everything the process printed (for failure messages). */
  output(): string;
  stop(): Promise<void>;
}

/** Runs `npm start`'s script and resolves once it prints its URL. */
export async function startConsole(label: string): Promise<RunningConsole> {
  const keyDir = mkdtempSync(path.join(tmpdir(), 'rectify-browser-'));
  const child: ChildProcess = spawn(process.execPath, [path.join(root, 'local/start.ts')], {
    cwd: root,
    env: {
      ...process.env,
      PORT: '0',
      RECTIFY_STAGE: uniqueStage(label),
      RECTIFY_DEV_KEY_FILE: path.join(keyDir, 'key.json'),
      RECTIFY_EMULATOR_ENDPOINT: sharedEmulator().endpoint,
    },
  });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const found = /running at (http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1];
      if (found) resolve(found);
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.once('exit', (code) => reject(new Error(`npm start exited with ${code} before ready:\n${output}`)));
  });
  return {
    url,
    output: () => output,
    async token(request) {
      const response = await fetch(`${url}/__local/dev-token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(request),
      });
      const body = (await response.json()) as { token?: string };
      if (!body.token) throw new Error(`no dev token: ${JSON.stringify(body)}`);
      return body.token;
    },
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGINT');
        await exited;
      }
      rmSync(keyDir, { recursive: true, force: true });
    },
  };
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
}

/**
 * A fresh context (own storage, so each user is signed in alone) in zh-CN at the given size.
 * Uncaught page errors and CSP violations fail the test that owns the page.
 */
/** Pages still open, for the record a failing test leaves behind (useConsole's afterEach). */
const openPages = new Set<Page>();

export async function openPage(browser: Browser, url: string, viewport: Viewport = DESKTOP): Promise<Page> {
  const context = await browser.newContext({ viewport, locale: 'zh-CN', acceptDownloads: true });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' && /Content Security Policy|Refused to/.test(message.text())) {
      problems.push(`CSP: ${message.text()}`);
    }
  });
  (page as Page & { problems: string[] }).problems = problems;
  openPages.add(page);
  page.once('close', () => openPages.delete(page));
  await page.goto(url);
  return page;
}

/** Page errors and CSP violations seen so far (expect it empty at the end of a journey). */
export function pageProblems(page: Page): readonly string[] {
  return (page as Page & { problems?: string[] }).problems ?? [];
}

export type RoleName = '管理员' | '领导' | '科室' | '审计';
export interface DevUser {
  readonly role: RoleName;
  readonly department?: string;
  readonly name: string;
}

/** Signs in through the dev login page, by its accessible names. */
export async function devLogin(page: Page, who: DevUser) {
  await page.getByLabel('角色').selectOption({ label: who.role });
  if (who.department) await page.getByLabel('科室').fill(who.department);
  await page.getByLabel('姓名').fill(who.name);
  await page.getByRole('button', { name: '登录' }).click();
  await page.getByRole('heading', { name: '我的事项' }).waitFor();
}

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/** Runs axe-core in the page and fails on any serious or critical violation, naming each. */
export async function expectAccessible(page: Page, where: string): Promise<void> {
  // Evaluated through the DevTools protocol, which the page's CSP (same-origin scripts only, no
  // inline) does not govern; a <script> tag would be refused, as it should be.
  await page.evaluate(AXE_SOURCE);
  // A string, not a function: this file is compiled without the DOM's types.
  const violations = (await page.evaluate(`(async () => {
    const result = await window.axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((v) => ({
      id: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.slice(0, 3).map((node) => ({ target: node.target })),
    }));
  })()`)) as AxeViolation[];
  const serious = violations.filter(
    (violation) => violation.impact === 'serious' || violation.impact === 'critical',
  );
  expect(serious, `axe on ${where}: ${JSON.stringify(serious, null, 2)}`).toEqual([]);
}

/** Saves a screenshot as test-results/console/<name>-<width>.png (kept by each run, not committed). */
export async function snap(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const width = page.viewportSize()?.width ?? 0;
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}-${width}.png`), fullPage: true });
}

/** Writes a real PDF, printed by Chromium itself, with the given Chinese text in it. */
async function printPdf(browser: Browser, file: string, title: string, body: string): Promise<void> {
  const printer = await browser.newPage();
  await printer.setContent(`<html lang="zh-CN"><body><h1>${title}</h1><p>${body}</p></body></html>`);
  writeFileSync(file, await printer.pdf());
  await printer.close();
}

const SAMPLE_PLAN = JSON.parse(readFileSync(path.join(root, 'test/fixtures/plan.sample.json'), 'utf8'));

/** The sample plan (test/fixtures/plan.sample.json) each console imports unless told not to: its inspection. */
export const SAMPLE: { readonly id: string; readonly title: string } = SAMPLE_PLAN.inspection;

/** Goes to a route of the console by its hash, and waits for the page's heading. */
export async function goTo(page: Page, hash: string, heading: string | RegExp): Promise<void> {
  await page.evaluate(`window.location.hash = ${JSON.stringify(hash)}`);
  await page.getByRole('heading', { level: 1, name: heading }).waitFor({ timeout: 60_000 });
}

/** A test file's console, ready inside its hooks and tests. */
export interface ConsoleFixture {
  readonly app: RunningConsole;
  readonly browser: Browser;
  /** The test API client (test/support/api.ts) on this console's runtime, for seeding. */
  readonly api: ReturnType<typeof apiClient>;
  /** A fresh page on the console (its own context, zh-CN) at the given size: see openPage. */
  open(viewport?: Viewport): Promise<Page>;
  /** The same, signed in through the dev login. */
  signIn(who: DevUser, viewport?: Viewport): Promise<Page>;
  /** The end of a journey on a page: no page error or CSP violation was seen; its context is closed. */
  finish(page: Page): Promise<void>;
  /** Writes a real PDF, printed by this Chromium, with the given Chinese text in it. */
  printPdf(file: string, title: string, body: string): Promise<void>;
}

/**
 * One file's console: `npm start` and Chromium started before its tests (with the sample plan
 * imported by an admin, 李四, unless told not to), both stopped after. Its members are there
 * inside hooks and tests.
 */
export function useConsole(label: string, options: { samplePlan?: boolean } = {}): ConsoleFixture {
  let started: { app: RunningConsole; browser: Browser; api: ReturnType<typeof apiClient> } | undefined;
  const get = () => {
    if (!started) throw new Error('the console is not started: use the fixture inside a hook or test');
    return started;
  };
  beforeAll(async () => {
    const [app, browser] = await Promise.all([startConsole(label), launchBrowser()]);
    // The support client mints with a subject; the console's dev-token endpoint derives it.
    const runtime = {
      url: app.url,
      token: ({ subject: _subject, ...request }: DevTokenRequest) => app.token(request),
    } as unknown as RuntimeFixture;
    started = { app, browser, api: apiClient(() => runtime) };
    if (options.samplePlan ?? true) {
      const imported = await started.api.post(
        '/inspections/import',
        { role: 'admin', name: '李四' },
        { plan: SAMPLE_PLAN },
      );
      expect(imported.status, imported.text).toBe(201);
    }
  }, 120_000);
  // A failing journey leaves what each open page showed: a screenshot, its address and text.
  afterEach(async (context) => {
    if (context.task.result?.state !== 'fail') return;
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    let n = 0;
    for (const page of openPages) {
      n += 1;
      const name = `FAILED-${context.task.name.replace(/[^\w一-龥]+/g, '-').slice(0, 60)}-${n}.png`;
      await page.screenshot({ path: path.join(SCREENSHOT_DIR, name), fullPage: true }).catch(() => undefined);
      const text = await page
        .locator('body')
        .textContent({ timeout: 1000 })
        .catch(() => '');
      process.stderr.write(
        `failed test, page ${n}: ${page.url()}\n${text?.slice(0, 2000)}\n(screenshot ${name})\n`,
      );
      await page
        .context()
        .close()
        .catch(() => undefined);
    }
    openPages.clear();
  });
  afterAll(async () => {
    await started?.browser.close();
    await started?.app.stop();
  });
  const fixture: ConsoleFixture = {
    get app() {
      return get().app;
    },
    get browser() {
      return get().browser;
    },
    get api() {
      return get().api;
    },
    open: (viewport = DESKTOP) => openPage(get().browser, get().app.url, viewport),
    async signIn(who, viewport = DESKTOP) {
      const page = await fixture.open(viewport);
      await devLogin(page, who);
      return page;
    },
    async finish(page) {
      expect(pageProblems(page)).toEqual([]);
      await page.context().close();
    },
    printPdf: (file, title, body) => printPdf(get().browser, file, title, body),
  };
  return fixture;
}

/** A scratch folder for one test file (downloads, printed PDFs), removed after its tests. */
export function useScratch(label: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), `rectify-${label}-`));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}
