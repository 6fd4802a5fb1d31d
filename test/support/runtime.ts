import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, inject } from 'vitest';
import { type DevKey, type DevTokenRequest, loadOrCreateDevKey, mintDevToken } from '#local/dev-auth.ts';
import type { Emulator } from '#local/emulator/types.ts';
import { type LocalRuntime, startLocalRuntime } from '#local/runtime.ts';
import type { ConsoleConfig } from '../../web/hosting.ts';

/** The run's shared emulator, as the global setup started it (this file never stops it). */
export function sharedEmulator(): Emulator {
  const { kind, endpoint, region } = inject('emulator');
  return {
    kind,
    endpoint,
    region,
    reset: async () => {
      throw new Error('tests isolate by stage; resetting the shared emulator would break parallel files');
    },
    stop: async () => {},
  };
}

/** A stage name no other test file uses, so its tables and buckets are its own. */
export function uniqueStage(label: string): string {
  return `t${label}${randomUUID().slice(0, 8)}`.toLowerCase().replace(/[^a-z0-9]/g, '');
}

export interface RuntimeFixture {
  readonly url: string;
  readonly runtime: LocalRuntime;
  readonly devKey: DevKey;
  readonly keyFile: string;
  token(request: DevTokenRequest): Promise<string>;
}

/**
 * Starts the local runtime for this test file (own stage, own signing key in a temp dir) before
 * its tests and stops it after. Access the fixture inside tests, once beforeAll has run.
 */
export function useLocalRuntime(
  label: string,
  options: {
    queueVisibilityTimeoutSeconds?: number;
    consoleDir?: string;
    /**
     * The console's `/config.json` (the dev login when unset). A function, given the stage, when
     * it names something only an earlier beforeAll knows (the stand-in identity provider's port).
     */
    consoleConfig?: ConsoleConfig | ((stage: string) => ConsoleConfig);
  } = {},
): () => RuntimeFixture {
  let fixture: RuntimeFixture | undefined;
  let keyDir: string | undefined;
  beforeAll(async () => {
    keyDir = mkdtempSync(path.join(tmpdir(), 'rectify-key-'));
    const keyFile = path.join(keyDir, 'dev-signing-key.json');
    const devKey = await loadOrCreateDevKey(keyFile);
    const stage = uniqueStage(label);
    const { consoleConfig, ...rest } = options;
    const runtime = await startLocalRuntime({
      emulator: sharedEmulator(),
      stage,
      port: 0,
      devKey,
      ...rest,
      ...(consoleConfig
        ? { consoleConfig: typeof consoleConfig === 'function' ? consoleConfig(stage) : consoleConfig }
        : {}),
    });
    fixture = {
      url: runtime.url,
      runtime,
      devKey,
      keyFile,
      token: (request) => mintDevToken(devKey, request),
    };
  });
  afterAll(async () => {
    await fixture?.runtime.stop();
    if (keyDir) rmSync(keyDir, { recursive: true, force: true });
  });
  return () => {
    if (!fixture) throw new Error('the local runtime is not started: use the fixture inside a test');
    return fixture;
  };
}
