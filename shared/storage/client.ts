import { S3Client } from '@aws-sdk/client-s3';
import { buckets } from '#catalog/resources.ts';
import { requiredEnv } from '#shared/config.ts';
import { traced } from '#shared/observability.ts';

/**
 * One S3 client per execution environment. Path-style addressing only where the local runtime
 * asks for it (an emulator on 127.0.0.1 has no per-bucket host names).
 */
export const s3 = traced(
  new S3Client({ forcePathStyle: process.env.RECTIFY_S3_FORCE_PATH_STYLE === 'true' }),
);

export function evidenceBucketName(): string {
  return requiredEnv(buckets.evidence.envVar);
}
