import { startLocalstack } from './localstack.ts';
import { resetMoto, startMoto } from './moto.ts';
import {
  EMULATOR_KINDS,
  type Emulator,
  type EmulatorKind,
  EmulatorUnavailable,
  LOCAL_REGION,
} from './types.ts';

export * from './types.ts';

function selectedKind(): EmulatorKind {
  const selected = process.env.RECTIFY_EMULATOR ?? 'moto';
  if (!(EMULATOR_KINDS as readonly string[]).includes(selected)) {
    throw new EmulatorUnavailable(`RECTIFY_EMULATOR=${selected} is not one of ${EMULATOR_KINDS.join(', ')}.`);
  }
  return selected as EmulatorKind;
}

/** Uses the emulator at RECTIFY_EMULATOR_ENDPOINT, which somebody else started and stops. */
async function reuse(endpoint: string, kind: EmulatorKind): Promise<Emulator> {
  try {
    await fetch(endpoint, { signal: AbortSignal.timeout(3_000) });
  } catch (error) {
    throw new EmulatorUnavailable(
      `RECTIFY_EMULATOR_ENDPOINT=${endpoint} does not answer (${(error as Error).message}).`,
    );
  }
  return {
    kind,
    endpoint,
    region: LOCAL_REGION,
    reset: () =>
      kind === 'moto' ? resetMoto(endpoint) : Promise.reject(new Error('no reset for LocalStack')),
    stop: async () => {},
  };
}

/**
 * The emulator this run uses: the one at RECTIFY_EMULATOR_ENDPOINT if given, otherwise a new one
 * of the kind RECTIFY_EMULATOR selects (moto by default; `localstack` needs Docker).
 */
export async function startEmulator(options: { port?: number } = {}): Promise<Emulator> {
  const kind = selectedKind();
  const existing = process.env.RECTIFY_EMULATOR_ENDPOINT;
  if (existing) return reuse(existing, kind);
  return kind === 'localstack' ? startLocalstack() : startMoto(options);
}
