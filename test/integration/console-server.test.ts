import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildConsole } from '../../web/build.ts';
import { useLocalRuntime } from '../support/runtime.ts';

/**
 * What `npm start` serves besides the API: the built console with the cloud's security headers,
 * its config, and the dev login's token minting — which a page on another origin must not reach.
 */
const outDir = mkdtempSync(path.join(tmpdir(), 'rectify-console-test-'));
const build = buildConsole(outDir);
afterAll(() => rmSync(outDir, { recursive: true, force: true }));
const fixture = useLocalRuntime('console', { consoleDir: outDir });

const mint = (headers: Record<string, string>, body: unknown) =>
  fetch(`${fixture().url}/__local/dev-token`, { method: 'POST', headers, body: JSON.stringify(body) });

describe('the console on npm start', () => {
  it('serves index.html and its hashed assets with the strict CSP, and the API beside them', async () => {
    const { url } = fixture();
    const index = await fetch(`${url}/`);
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toMatch(/^text\/html/);
    const csp = index.headers.get('content-security-policy') ?? '';
    expect(csp).toMatch(/script-src 'self'(;|$)/);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(index.headers.get('x-content-type-options')).toBe('nosniff');
    const html = await index.text();
    expect(html).toContain(`/${build.entryScript}`);
    expect(html).not.toMatch(/<script>(?!<\/script>)|<style/);

    const script = await fetch(`${url}/${build.entryScript}`);
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(script.headers.get('cache-control')).toContain('immutable');
    expect((await fetch(`${url}/health`)).status).toBe(200);
  });

  it('says "dev login" in config.json', async () => {
    const config = await (await fetch(`${fixture().url}/config.json`)).json();
    expect(config).toMatchObject({ auth: 'dev', apiUrl: '' });
  });

  it('never serves a file outside the console folder', async () => {
    const { url } = fixture();
    for (const attempt of [
      '/assets/../../package.json',
      '/assets/%2e%2e/%2e%2e/package.json',
      '/assets/..%2f..%2fpackage.json',
    ]) {
      const response = await fetch(`${url}${attempt}`);
      expect(await response.text(), attempt).not.toContain('"name": "rectify"');
    }
  });

  it('mints a dev token for the login page, whose claims the API then reads', async () => {
    const response = await mint(
      { 'content-type': 'application/json' },
      { role: 'department', department: '财务科', name: '张三' },
    );
    expect(response.status).toBe(200);
    const { token } = (await response.json()) as { token: string };
    const me = await fetch(`${fixture().url}/me`, { headers: { authorization: `Bearer ${token}` } });
    expect(await me.json()).toMatchObject({ roles: ['department'], department: '财务科', name: '张三' });
  });

  it('refuses to mint for another origin, for a form post, and for a bad role, naming the field', async () => {
    const { url } = fixture();
    const foreign = await mint(
      { 'content-type': 'application/json', origin: 'https://evil.example' },
      { role: 'admin' },
    );
    expect(foreign.status).toBe(403);
    // A cross-site <form> or fetch without preflight can only send these content types.
    const simple = await mint({ 'content-type': 'text/plain' }, { role: 'admin' });
    expect(simple.status).toBe(403);
    const sameOrigin = await mint({ 'content-type': 'application/json', origin: url }, { role: 'root' });
    expect(sameOrigin.status).toBe(400);
    expect(((await sameOrigin.json()) as { error: { message: string } }).error.message).toMatch(/^role:/);
  });
});
