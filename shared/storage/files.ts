import { createHash } from 'node:crypto';
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { evidenceKeyPrefixes } from '#catalog/resources.ts';
import { contentDisposition } from '#shared/http/response.ts';
import { evidenceBucketName, s3 } from './client.ts';
import { presignConfigFromEnv, presignGetObject, type S3PresignConfig } from './presign.ts';

/** Download links live five minutes: enough to start a download, too short to pass around. */
export const DOWNLOAD_LINK_SECONDS = 5 * 60;

export interface StoredReportFile {
  readonly key: string;
  readonly versionId?: string;
  readonly size: number;
  readonly sha256: string;
}

/** Where a summary's file is kept in the evidence bucket. */
export function reportFileKey(inspectionId: string, summaryId: string, name: string): string {
  return `${evidenceKeyPrefixes.summaries}${inspectionId}/${summaryId}/${name}`;
}

/**
 * Stores a generated file in the evidence bucket (private, encrypted, versioned, under Object
 * Lock in the cloud). S3 checks the SHA-256 on arrival, and the version id it returns is what the
 * records point at, so a later write to the same key never changes what a record names.
 */
export async function putReportFile(
  key: string,
  body: Uint8Array,
  contentType: string,
): Promise<StoredReportFile> {
  const digest = createHash('sha256').update(body).digest();
  const { VersionId } = await s3.send(
    new PutObjectCommand({
      Bucket: evidenceBucketName(),
      Key: key,
      Body: body,
      ContentType: contentType,
      ChecksumSHA256: digest.toString('base64'),
    }),
  );
  return {
    key,
    ...(VersionId ? { versionId: VersionId } : {}),
    size: body.byteLength,
    sha256: digest.toString('hex'),
  };
}

export async function readReportFile(file: Pick<StoredReportFile, 'key' | 'versionId'>): Promise<Buffer> {
  const { body } = await getObject({ bucket: evidenceBucketName(), ...file });
  const bytes = await body.transformToByteArray();
  // A view of the bytes, not a second copy (a 20,000-item summary.json is some 12 MB).
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** A short-lived presigned GET of exactly the stored version, saved under `fileName`. */
export function downloadLinkOf(
  file: Pick<StoredReportFile, 'key' | 'versionId'>,
  fileName: string,
  now = new Date(),
): Promise<{ url: string; expiresAt: string }> {
  return presignedDownload({ bucket: evidenceBucketName(), ...file }, fileName, DOWNLOAD_LINK_SECONDS, now);
}

/**
 * A presigned GET of an object (a version of it, when given) that saves as `fileName`. Signed
 * without the S3 client (storage/presign.ts): the reads that hand out links then bundle no client.
 * `config` is the environment's unless given (tests fix credentials, region and signing time).
 */
export async function presignedDownload(
  object: { bucket: string; key: string; versionId?: string },
  fileName: string,
  seconds: number,
  now = new Date(),
  config: S3PresignConfig = presignConfigFromEnv(),
): Promise<{ url: string; expiresAt: string }> {
  const url = await presignGetObject(
    { ...object, responseContentDisposition: contentDisposition(fileName) },
    seconds,
    config,
  );
  return { url, expiresAt: new Date(now.getTime() + seconds * 1000).toISOString() };
}

/**
 * Reads an object: exactly the version given, if one is (the buckets are versioned, so the
 * latest may be other bytes). `signal` abandons the read.
 */
export async function getObject(
  object: { bucket: string; key: string; versionId?: string },
  options: { client?: S3Client; signal?: AbortSignal } = {},
) {
  const read = await (options.client ?? s3).send(
    new GetObjectCommand({
      Bucket: object.bucket,
      Key: object.key,
      ...(object.versionId ? { VersionId: object.versionId } : {}),
    }),
    { abortSignal: options.signal },
  );
  if (!read.Body) throw new Error(`${object.key} has no body`);
  return { body: read.Body, versionId: read.VersionId };
}
