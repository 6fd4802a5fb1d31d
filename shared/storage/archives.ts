import type { Readable } from 'node:stream';
import { AbortMultipartUploadCommand, ListMultipartUploadsCommand } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { buckets } from '#catalog/resources.ts';
import { requiredEnv } from '#shared/config.ts';
import { s3 } from './client.ts';
import { evidenceObjects } from './evidence-objects.ts';
import { presignedDownload } from './files.ts';

/** Archive download links live 15 minutes: an archive can be large. */
export const ARCHIVE_LINK_SECONDS = 15 * 60;
/** Multipart parts of 8 MiB, two in flight: what the builder holds in memory for the upload. */
const PART_SIZE = 8 * 1024 * 1024;
const PARTS_IN_FLIGHT = 2;

export function archiveBucketName(): string {
  return requiredEnv(buckets.archives.envVar);
}

/** A stored evidence version, as a stream. */
export function openEvidenceObject(objectKey: string, versionId?: string): Promise<Readable> {
  return evidenceObjects.open({ objectKey, ...(versionId ? { objectVersionId: versionId } : {}) });
}

export interface ArchiveUpload {
  done(): Promise<void>;
  abort(): Promise<void>;
}

/**
 * Streams a body into the archives bucket as a multipart upload (lib-storage): parts are sent as
 * they fill, so memory holds at most a few parts whatever the size. A failed upload is aborted,
 * leaving no parts behind.
 */
export function uploadArchive(key: string, body: Readable): ArchiveUpload {
  const upload = new Upload({
    client: s3,
    params: { Bucket: archiveBucketName(), Key: key, Body: body, ContentType: 'application/zip' },
    partSize: PART_SIZE,
    queueSize: PARTS_IN_FLIGHT,
    leavePartsOnError: false,
  });
  return {
    done: async () => {
      await upload.done();
    },
    abort: () => upload.abort(),
  };
}

/**
 * Aborts every unfinished multipart upload under a prefix: what an attempt that died midway (a
 * timeout, a crash) left behind, before the next attempt starts clean.
 */
export async function abortUploadsUnder(prefix: string): Promise<number> {
  const Bucket = archiveBucketName();
  const { Uploads = [] } = await s3.send(new ListMultipartUploadsCommand({ Bucket, Prefix: prefix }));
  await Promise.all(
    Uploads.map((upload) =>
      s3.send(new AbortMultipartUploadCommand({ Bucket, Key: upload.Key, UploadId: upload.UploadId })),
    ),
  );
  return Uploads.length;
}

export async function archiveDownloadLink(
  key: string,
  fileName: string,
  now = new Date(),
): Promise<{ downloadUrl: string; expiresAt: string }> {
  const { url, expiresAt } = await presignedDownload(
    { bucket: archiveBucketName(), key },
    fileName,
    ARCHIVE_LINK_SECONDS,
    now,
  );
  return { downloadUrl: url, expiresAt };
}
