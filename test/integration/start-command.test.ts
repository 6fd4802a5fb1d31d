import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { sharedEmulator, uniqueStage } from '../support/runtime.ts';

const root = path.resolve(import.meta.dirname, '../..');
const keyDir = mkdtempSync(path.join(tmpdir(), 'rectify-start-'));
const baseEnv = {
  ...process.env,
  RECTIFY_DEV_KEY_FILE: path.join(keyDir, 'key.json'),
  RECTIFY_EMULATOR_ENDPOINT: sharedEmulator().endpoint,
};
afterAll(() => rmSync(keyDir, { recursive: true, force: true }));

/** Starts `npm start`'s script and resolves with the base URL it prints once ready. */
function start(env: NodeJS.ProcessEnv): {
  child: ChildProcess;
  ready: Promise<string>;
  output: () => string;
} {
  const child = spawn(process.execPath, [path.join(root, 'local/start.ts')], { cwd: root, env });
  let output = '';
  const ready = new Promise<string>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const url = /running at (http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1];
      if (url) resolve(url);
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.once('exit', (code) => reject(new Error(`exited with ${code} before ready:\n${output}`)));
  });
  return { child, ready, output: () => output };
}

function exitCode(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

describe('npm start', () => {
  it('serves /health and /me with a token from the token command, and stops cleanly on Ctrl-C', async () => {
    const { child, ready, output } = start({ ...baseEnv, PORT: '0', RECTIFY_STAGE: uniqueStage('start') });
    const url = await ready;
    expect(output()).toMatch(/npm run -s token -- --role department --dept/);
    expect((await fetch(`${url}/health`)).status).toBe(200);

    const { stdout: token } = await promisify(execFile)(
      process.execPath,
      [path.join(root, 'local/token.ts'), '--role', 'auditor'],
      { cwd: root, env: baseEnv },
    );
    const me = await fetch(`${url}/me`, { headers: { authorization: `Bearer ${token.trim()}` } });
    expect(await me.json()).toMatchObject({ roles: ['auditor'] });

    child.kill('SIGINT');
    expect(await exitCode(child)).toBe(0);
    await expect(fetch(`${url}/health`)).rejects.toThrow();
    // The emulator was reused, not started here, so it must still be serving the other files.
    expect((await fetch(`${sharedEmulator().endpoint}/moto-api/`)).status).toBe(200);
  });

  it('exits non-zero with advice when PORT is taken', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const { child, ready, output } = start({
        ...baseEnv,
        PORT: String(port),
        RECTIFY_STAGE: uniqueStage('busy'),
      });
      await expect(ready).rejects.toThrow();
      expect(await exitCode(child)).toBe(1);
      expect(output()).toMatch(new RegExp(`Port ${port} is in use: set PORT`));
    } finally {
      blocker.close();
    }
  });

  it('exits non-zero with advice when the emulator cannot start', async () => {
    const { RECTIFY_EMULATOR_ENDPOINT: _reused, ...env } = baseEnv;
    const { child, ready, output } = start({
      ...env,
      RECTIFY_PYTHON: '/nonexistent/python3',
      PATH: '/nonexistent',
    });
    await expect(ready).rejects.toThrow();
    expect(await exitCode(child)).toBe(1);
    expect(output()).toMatch(/Cannot start the emulator: No \/nonexistent\/python3 found/);
  });
});
