import type { TestProject } from 'vitest/node';
import { startEmulator } from '#local/emulator/index.ts';
import type { EmulatorKind } from '#local/emulator/types.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    emulator: { kind: EmulatorKind; endpoint: string; region: string };
  }
}

/** One emulator for the whole run (moto: ~1 s to start); files isolate by resource names. */
export default async function setup(project: TestProject) {
  const emulator = await startEmulator();
  project.provide('emulator', { kind: emulator.kind, endpoint: emulator.endpoint, region: emulator.region });
  return async () => {
    await emulator.stop();
  };
}
