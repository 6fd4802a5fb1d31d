import type { Readable } from 'node:stream';
import { AbortMultipartUploadCommand, ListMultipartUploadsCommand } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { archiveBucketName, s3 } from './client.ts';
import { evidenceObjects } from './evidence-objects.ts';

/**
 * The builder's storage: evidence read as streams, the archive written as a multipart upload.
 * Download links are in archive-link.ts, so that the function that reads archives bundles neither
 * lib-storage nor the S3 client.
 */

/** Multipart parts of 8 MiB, two in flight: what the builder holds in memory for the upload. */
const PART_SIZE = 8 * 1024 * 1024;
const PARTS_IN_FLIGHT = 2;

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
