import { S3Client } from '@aws-sdk/client-s3';
import { afterEach, onTestFinished, vi } from 'vitest';
import type { S3PresignConfig } from '#shared/storage/presign.ts';

/**
 * What the presigner tests (test/unit/presign.test.ts, presigned-post.test.ts) compare our
 * signers with the SDK's across: the same regions, endpoints and credentials for both, and the
 * S3 client each SDK presigner is given for a configuration.
 */

export const CREDENTIALS = [
  { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' },
  {
    accessKeyId: 'ASIAEXAMPLE',
    secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
    sessionToken: 'IQoJb3JpZ2luX2VjE/+token==',
  },
];

/** Partitions aws, aws-cn and aws-us-gov; us-east-1 as S3Client addresses it (regionally). */
export const REGIONS = ['us-east-1', 'eu-west-1', 'cn-north-1', 'us-gov-west-1', 'ap-southeast-1'];

export const ENDPOINTS: { endpoint?: string; forcePathStyle: boolean }[] = [
  { forcePathStyle: false },
  { forcePathStyle: true },
  { endpoint: 'http://127.0.0.1:4566', forcePathStyle: true },
  { endpoint: 'http://127.0.0.1:4566', forcePathStyle: false },
  { endpoint: 'http://localhost:4566', forcePathStyle: false },
  { endpoint: 'http://localhost:4566/base', forcePathStyle: true },
  { endpoint: 'https://s3.example.com:8443/base/', forcePathStyle: false },
];

/** An S3 client configured as `config` says, destroyed when the test finishes. */
export function sdkClientFor(config: S3PresignConfig): S3Client {
  const client = new S3Client({
    region: config.region,
    credentials: config.credentials,
    ...(config.endpoint ? { endpoint: config.endpoint } : {}),
    forcePathStyle: config.forcePathStyle ?? false,
  });
  onTestFinished(() => client.destroy());
  return client;
}

/** The credentials the environment tests put in the environment (with its session token, if any). */
export const ENV_ACCESS_KEY = {
  AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
  AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
};

/** The credentials the SDK reads from an environment the tests set up with ENV_ACCESS_KEY. */
export function envCredentials(environment: Record<string, string>) {
  return {
    accessKeyId: ENV_ACCESS_KEY.AWS_ACCESS_KEY_ID,
    secretAccessKey: ENV_ACCESS_KEY.AWS_SECRET_ACCESS_KEY,
    ...(environment.AWS_SESSION_TOKEN ? { sessionToken: environment.AWS_SESSION_TOKEN } : {}),
  };
}

/**
 * Restores `names` in process.env (and the real clock) after each test of the enclosing block;
 * the returned function clears them all, for a test to set only its own.
 */
export function restoringEnv(names: readonly string[]): () => void {
  const saved = Object.fromEntries(names.map((name) => [name, process.env[name]]));
  afterEach(() => {
    vi.useRealTimers();
    for (const name of names) {
      if (saved[name] === undefined) delete process.env[name];
      else process.env[name] = saved[name];
    }
  });
  return () => {
    for (const name of names) delete process.env[name];
  };
}
