import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startEmulator } from '#local/emulator/index.ts';
import { ensureMotoPython, startMoto } from '#local/emulator/moto.ts';
import { EmulatorUnavailable } from '#local/emulator/types.ts';

const savedEnv = { ...process.env };
afterEach(() => {
  process.env = { ...savedEnv };
});

describe('the moto harness', () => {
  it('finds an interpreter that can import moto.server', () => {
    expect(ensureMotoPython()).toMatch(/python/);
  });

  it('starts moto on a free port, answers health, resets, and stops the process it started', async () => {
    const emulator = await startMoto();
    expect(emulator.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect((await fetch(`${emulator.endpoint}/moto-api/`)).status).toBe(200);
    await emulator.reset();
    await emulator.stop();
    await expect(fetch(`${emulator.endpoint}/moto-api/`)).rejects.toThrow();
  });

  it('fails with a message naming the port when the port is taken', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      await expect(startMoto({ port })).rejects.toThrow(new RegExp(`Port ${port} is already in use`));
    } finally {
      blocker.close();
    }
  });

  it('fails with a message when no usable python exists', async () => {
    process.env.RECTIFY_PYTHON = '/nonexistent/python3';
    // The fallbacks (project venv, python3) still find moto here, so the named interpreter is
    // only skipped; with PATH emptied too, nothing is left and the message says what to do.
    process.env.PATH = '/nonexistent';
    await expect(startMoto()).rejects.toThrow(/No \/nonexistent\/python3 found.*Install Python 3\.10/s);
  });
});

describe('emulator selection', () => {
  it('refuses an unknown RECTIFY_EMULATOR instead of guessing', async () => {
    process.env.RECTIFY_EMULATOR = 'kinesalite';
    await expect(startEmulator()).rejects.toThrow(
      /RECTIFY_EMULATOR=kinesalite is not one of moto, localstack/,
    );
  });

  it('fails at once, never falling back to moto, when LocalStack is selected and Docker is missing', async () => {
    process.env.RECTIFY_EMULATOR = 'localstack';
    process.env.DOCKER_HOST = 'unix:///nonexistent/docker.sock';
    const started = Date.now();
    const failure = await startEmulator().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(EmulatorUnavailable);
    expect((failure as Error).message).toMatch(/RECTIFY_EMULATOR=localstack needs a running Docker engine/);
    expect(Date.now() - started).toBeLessThan(20_000);
  });

  it('reuses the emulator at RECTIFY_EMULATOR_ENDPOINT and leaves it running on stop', async () => {
    const owned = await startMoto();
    try {
      process.env.RECTIFY_EMULATOR_ENDPOINT = owned.endpoint;
      const reused = await startEmulator();
      expect(reused.endpoint).toBe(owned.endpoint);
      await reused.stop();
      expect((await fetch(`${owned.endpoint}/moto-api/`)).status).toBe(200);
    } finally {
      await owned.stop();
    }
  });

  it('refuses a RECTIFY_EMULATOR_ENDPOINT that does not answer', async () => {
    process.env.RECTIFY_EMULATOR_ENDPOINT = 'http://127.0.0.1:9';
    await expect(startEmulator()).rejects.toThrow(
      /RECTIFY_EMULATOR_ENDPOINT=http:\/\/127\.0\.0\.1:9 does not answer/,
    );
  });
});
