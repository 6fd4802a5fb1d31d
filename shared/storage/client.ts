import { S3Client } from '@aws-sdk/client-s3';
import { buckets } from '#catalog/resources.ts';
import { requiredEnv } from '#shared/config.ts';
import { traced } from '#shared/observability.ts';

/**
 * One S3 client per execution environment. Path-style addressing only where the local runtime
 * asks for it (an emulator on 127.0.0.1 has no per-bucket host names). Made in a call marked
 * pure: a function whose code never uses the client (it imports a module that also serves other
 * functions, as services/evidence.ts does) then leaves it and the whole S3 SDK out of its bundle
 * (~170 KB) instead of making an unused client when it starts.
 */
export const s3 = /* @__PURE__ */ (() =>
  traced(new S3Client({ forcePathStyle: process.env.RECTIFY_S3_FORCE_PATH_STYLE === 'true' })))();

export function evidenceBucketName(): string {
  return requiredEnv(buckets.evidence.envVar);
}

export function archiveBucketName(): string {
  return requiredEnv(buckets.archives.envVar);
}
