/** A running AWS emulator that the SDK clients reach over HTTP on this machine. */
export interface Emulator {
  readonly kind: EmulatorKind;
  /** e.g. `http://127.0.0.1:45123`; give it to the SDK as `endpoint` / `AWS_ENDPOINT_URL`. */
  readonly endpoint: string;
  readonly region: string;
  /** Wipes every service's state (moto); LocalStack has no cheap equivalent and throws. */
  reset(): Promise<void>;
  /** Stops what this process started; a reused emulator is left running. */
  stop(): Promise<void>;
}

export const EMULATOR_KINDS = ['moto', 'localstack'] as const;
export type EmulatorKind = (typeof EMULATOR_KINDS)[number];

/** Fixed local credentials: the emulators accept any, and no real key must ever be needed. */
export const LOCAL_REGION = 'us-east-1';
export const LOCAL_CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' } as const;

/** Raised with a message that tells the user what to do next. */
export class EmulatorUnavailable extends Error {
  override name = 'EmulatorUnavailable';
}
