import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page, Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEV_AUDIENCE } from '#local/dev-auth.ts';
import { buildConsole } from '../../web/build.ts';
import { launchBrowser, openPage, pageProblems } from '../support/browser.ts';
import { type MockOidc, pkceChallenge, startMockOidc } from '../support/mock-oidc.ts';
import { useLocalRuntime } from '../support/runtime.ts';

/**
 * The cloud's sign-in (web/src/lib/cognito.ts), for real in Chromium: the console built as for the
 * stack, its config saying "Cognito", and a stand-in identity provider (test/support/mock-oidc.ts)
 * whose ID tokens the local API accepts. Authorization code + PKCE, the ID token in memory only,
 * renewal by refresh token, and sign-out through the provider's /logout.
 */
const outDir = mkdtempSync(path.join(tmpdir(), 'rectify-cloud-login-'));
buildConsole(outDir);

const USER = { username: 'wangwu', password: 'correct horse battery staple' };
const NAME = '王五';

let idp: MockOidc;
// Registered before useLocalRuntime's, so it runs first: the console's config names the provider.
beforeAll(async () => {
  idp = await startMockOidc({
    signingKey: () => runtime().devKey,
    user: {
      ...USER,
      claims: { role: 'department', department: '基层卫生科', name: NAME, subject: 'u-wangwu' },
    },
    callbackUrls: () => [`${runtime().url}/`],
    // oidc-client-ts renews 60 s before expiry: the first token is due for renewal within seconds;
    // the renewed one is not, so it is renewed once.
    expiresIn: { authorizationCode: 62, refreshToken: 3600 },
  });
});
const runtime = useLocalRuntime('cloudlogin', {
  consoleDir: outDir,
  consoleConfig: (stage) => ({
    auth: 'cognito',
    apiUrl: '',
    stage,
    authority: idp.url,
    clientId: DEV_AUDIENCE,
    loginDomain: idp.url,
  }),
});
let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await idp?.stop();
  rmSync(outDir, { recursive: true, force: true });
});

/** The API calls the page makes (not the console's files), with the headers they carried. */
function watchApi(page: Page, origin: string) {
  const calls: Request[] = [];
  page.on('request', (request) => {
    const { origin: to, pathname } = new URL(request.url());
    if (to === origin && !/^\/(index\.html|config\.json|assets\/.*)?$/.test(pathname)) calls.push(request);
  });
  return async () =>
    Promise.all(
      calls.map(async (request) => ({
        path: new URL(request.url()).pathname,
        authorization: (await request.allHeaders()).authorization,
        status: (await request.response())?.status(),
      })),
    );
}

async function signInOnProvider(page: Page) {
  await page.getByLabel('用户名').fill(USER.username);
  await page.getByLabel('密码').fill(USER.password);
  await page.getByRole('button', { name: '登录' }).click();
}

/** Every key and value in both web storages of the page's origin. */
function webStorage(page: Page): Promise<string[]> {
  // A string, not a function: this file is compiled without the DOM's types.
  return page.evaluate(`[localStorage, sessionStorage].flatMap((store) =>
    Array.from({ length: store.length }, (_, i) => store.key(i)).flatMap((key) => [key, store.getItem(key)]))`);
}

describe('the console signing in through Cognito (a stand-in provider)', () => {
  it('serves a Cognito config, allows the provider in connect-src and mints no dev tokens', async () => {
    const { url } = runtime();
    const index = await fetch(`${url}/`);
    expect(index.headers.get('content-security-policy')).toMatch(
      new RegExp(`connect-src [^;]*${idp.url.replace(/[.:/]/g, '\\$&')}`),
    );
    expect(await (await fetch(`${url}/config.json`)).json()).toMatchObject({
      auth: 'cognito',
      authority: idp.url,
      clientId: DEV_AUDIENCE,
    });
    const mint = await fetch(`${url}/__local/dev-token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ role: 'admin' }),
    });
    expect(mint.status).toBe(404);
  });

  it('signs in with code + PKCE, keeps the ID token in memory, renews it, and signs out', async () => {
    const { url } = runtime();
    const page = await openPage(browser, url);
    const apiCalls = watchApi(page, url);
    const refreshed = page.waitForEvent('requestfinished', {
      predicate: (request) =>
        request.url() === `${idp.url}/oauth2/token` &&
        new URLSearchParams(request.postData() ?? '').get('grant_type') === 'refresh_token',
      timeout: 20_000,
    });

    // 1. Straight to the provider's authorize endpoint, with PKCE.
    await page.getByRole('button', { name: '登录' }).waitFor();
    const authorize = new URL(page.url());
    expect(authorize.origin + authorize.pathname).toBe(`${idp.url}/oauth2/authorize`);
    expect(Object.fromEntries(authorize.searchParams)).toMatchObject({
      response_type: 'code',
      client_id: DEV_AUDIENCE,
      redirect_uri: `${url}/`,
      code_challenge_method: 'S256',
      code_challenge: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      state: expect.any(String),
    });

    // 2. Back with ?code=&state=, the code exchanged, the address bar clean, the user known.
    let callback = new URL(url);
    const comingBack = page.waitForURL((to) => {
      if (to.origin === url && to.searchParams.has('code')) callback = to;
      return callback.searchParams.has('code');
    });
    await signInOnProvider(page);
    await comingBack;
    await page.getByRole('heading', { name: '我的事项' }).waitFor();
    expect(await page.getByRole('banner').textContent()).toContain(`${NAME} · 科室 · 基层卫生科`);
    expect(page.url()).toBe(`${url}/`);
    expect(callback.searchParams.get('state')).toBe(authorize.searchParams.get('state'));

    const exchange = idp.requests.find(
      (r) => r.path === '/oauth2/token' && r.form.grant_type === 'authorization_code',
    );
    expect(exchange?.origin).toBe(url);
    expect(exchange?.form).toMatchObject({
      client_id: DEV_AUDIENCE,
      code: callback.searchParams.get('code'),
      redirect_uri: `${url}/`,
    });
    expect(pkceChallenge(exchange?.form.code_verifier ?? '')).toBe(
      authorize.searchParams.get('code_challenge'),
    );
    const first = idp.issued[0];
    expect(first?.grant).toBe('authorization_code');
    const me = (await apiCalls()).find((call) => call.path === '/me');
    expect(me).toMatchObject({ authorization: `Bearer ${first?.idToken}`, status: 200 });

    // 3. No token, of any kind, in either web storage or a cookie of the console's origin.
    const stored = await webStorage(page);
    const cookies = (await page.context().cookies(url)).map((cookie) => cookie.value);
    for (const secret of [first?.idToken, first?.accessToken, first?.refreshToken]) {
      for (const entry of [...stored, ...cookies]) expect(entry).not.toContain(secret);
    }

    // 4. Renewal by refresh token before the ID token expires; later calls carry the new one.
    await refreshed;
    expect(idp.issued).toHaveLength(2);
    const renewal = idp.requests.find(
      (r) => r.path === '/oauth2/token' && r.form.grant_type === 'refresh_token',
    );
    expect(renewal?.form).toMatchObject({ client_id: DEV_AUDIENCE, refresh_token: first?.refreshToken });
    const renewed = idp.issued[1];
    expect(renewed?.grant).toBe('refresh_token');
    const before = (await apiCalls()).length;
    await page.getByRole('link', { name: '消息' }).click();
    await page.getByRole('heading', { name: '消息' }).waitFor();
    const later = (await apiCalls()).slice(before);
    expect(later.map((call) => call.path)).toContain('/me/notifications');
    for (const call of later) {
      expect(call, call.path).toMatchObject({ authorization: `Bearer ${renewed?.idToken}`, status: 200 });
    }
    for (const entry of await webStorage(page)) expect(entry).not.toContain(renewed?.idToken);

    // 5. Sign-out ends the provider's session and comes back to the console, which signs in again.
    const signedOutAt = idp.requests.length;
    const pages: string[] = [];
    page.on('framenavigated', (frame) => {
      if (frame === page.mainFrame()) pages.push(frame.url());
    });
    await page.getByRole('button', { name: '退出' }).click();
    // The provider asks for the password again: its session really ended.
    await page.getByRole('button', { name: '登录' }).waitFor();
    expect(idp.issued).toHaveLength(2);
    const after = idp.requests.slice(signedOutAt).map((r) => ({ path: r.path, query: r.query }));
    // Once to /logout, back to the console (nothing else in between), then to sign in afresh.
    expect(after.filter((r) => r.path === '/logout')).toEqual([
      { path: '/logout', query: { client_id: DEV_AUDIENCE, logout_uri: `${url}/` } },
    ]);
    expect(after.map((r) => r.path).indexOf('/logout')).toBeLessThan(
      after.map((r) => r.path).indexOf('/oauth2/authorize'),
    );
    expect(pages.map((to) => to.split('?')[0])).toEqual([`${url}/`, `${idp.url}/oauth2/authorize`]);

    expect(pageProblems(page)).toEqual([]);
    await page.context().close();
  });

  it('comes back to the page sign-in started from, and a reload signs in again through the session', async () => {
    const { url } = runtime();
    const page = await openPage(browser, `${url}/#/inbox`);
    await page.getByRole('button', { name: '登录' }).waitFor();
    await signInOnProvider(page);
    await page.getByRole('heading', { name: '消息' }).waitFor();
    expect(page.url()).toBe(`${url}/#/inbox`);

    // A reload forgets the in-memory token; the provider's session signs in again unasked.
    const mark = idp.requests.length;
    await page.reload();
    await page.getByRole('heading', { name: '消息' }).waitFor();
    expect(page.url()).toBe(`${url}/#/inbox`);
    const again = idp.requests.slice(mark);
    expect(again.filter((r) => r.form.grant_type === 'authorization_code')).toHaveLength(1);
    expect(again.map((r) => r.path)).not.toContain('/login');
    expect(pageProblems(page)).toEqual([]);
    await page.context().close();
  });
});
