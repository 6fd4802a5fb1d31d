import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { CopyObjectCommand, DeleteObjectCommand, HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { evidenceKeyPrefixes } from '#catalog/resources.ts';
import { type Evidence, SNIFF_BYTES } from '#shared/domain/evidence.ts';
import { contentDisposition } from '#shared/http/response.ts';
import { evidenceBucketName, s3 } from './client.ts';
import { DOWNLOAD_LINK_SECONDS, getObject, presignedDownload } from './files.ts';
import type { S3PresignConfig } from './presign.ts';
import { type PresignedPost, presignPost } from './presigned-post.ts';
import type { UploadedObject } from './s3-events.ts';

/**
 * The evidence files in the evidence bucket: where they are kept (the layout is
 * `evidenceKeyPrefixes` in the catalog), and what the services do with them, in evidence terms.
 * A file stays where it was uploaded once stored: the bucket keeps every version under Object
 * Lock, so "stored" needs no move, and the records name the exact version.
 */

/** Where an upload lands; the key never contains the user's file name. */
export function evidenceUploadKey(evidenceId: string): string {
  return `${evidenceKeyPrefixes.uploads}${evidenceId}`;
}

/** The evidence an uploaded object's key names, or undefined for a key outside uploads/. */
export function uploadedEvidenceId(key: string): string | undefined {
  const id = key.startsWith(evidenceKeyPrefixes.uploads) ? key.slice(evidenceKeyPrefixes.uploads.length) : '';
  return id === '' ? undefined : id;
}

/** Where a rejected upload's copy is kept. */
export function quarantineKey(evidenceId: string): string {
  return `${evidenceKeyPrefixes.quarantine}${evidenceId}`;
}

/** What an upload holds, read once as it streams: its size, SHA-256 and first bytes. */
export interface MeasuredUpload {
  readonly size: number;
  readonly sha256: string;
  /** The first `SNIFF_BYTES`, for the type check. */
  readonly head: Buffer;
  /** The version read (in a versioned bucket). */
  readonly versionId: string | undefined;
}

export interface EvidenceObjects {
  /** A stored evidence version, as a stream. */
  open(evidence: Pick<Evidence, 'objectKey' | 'objectVersionId'>): Promise<Readable>;
  /**
   * Reads an upload as a stream, hashing it and keeping only its first bytes: memory does not
   * grow with the file. Given a version, it reads that version: whoever holds the presigned POST
   * can put other bytes under the same key until it expires, so "the latest" may not be what was
   * notified. `signal` abandons the read (the body is destroyed).
   */
  measure(upload: UploadedObject, signal?: AbortSignal): Promise<MeasuredUpload>;
  /**
   * Copies a rejected upload's version to quarantine/ and hides its key in uploads/ with a delete
   * marker (the locked version itself stays). The marker is the last step, so a key already
   * hidden means the move is complete and a retry does nothing; a retry after a failed delete
   * copies once more (a second, identical quarantine version). Only uploads/ is looked at: the
   * verifier may write to quarantine/ but not read it.
   */
  quarantine(upload: UploadedObject): Promise<void>;
}

/**
 * A short-lived presigned GET of exactly the stored version, saved under the original name. Not a
 * member of EvidenceObjects: it needs no S3 client (files.ts `presignedDownload`), so the download
 * function, which does nothing else with the bucket, bundles none (~200 KB).
 */
export function evidenceDownloadLink(
  evidence: Pick<Evidence, 'objectKey' | 'objectVersionId' | 'fileName'>,
  now = new Date(),
): Promise<{ url: string; expiresAt: string }> {
  return presignedDownload(
    {
      bucket: evidenceBucketName(),
      key: evidence.objectKey,
      ...(evidence.objectVersionId ? { versionId: evidence.objectVersionId } : {}),
    },
    evidence.fileName,
    DOWNLOAD_LINK_SECONDS,
    now,
  );
}

/**
 * A presigned POST for the evidence's upload: the policy fixes the key, the exact size, the
 * Content-Type and the SHA-256 checksum, and stores the Content-Disposition with the object so
 * the original (Chinese) name survives download. A function of its own, not a member of
 * EvidenceObjects, and signed without the S3 client (storage/presigned-post.ts): the function
 * that hands out uploads does nothing else with the bucket, so it bundles no client (~200 KB).
 * `config` is the environment's unless given (tests fix credentials, region and signing time).
 */
export function presignEvidenceUpload(
  evidence: Pick<Evidence, 'objectKey' | 'fileName' | 'contentType' | 'size' | 'sha256'>,
  expiresSeconds: number,
  config?: S3PresignConfig,
): Promise<PresignedPost> {
  const fields = {
    'Content-Type': evidence.contentType,
    'Content-Disposition': contentDisposition(evidence.fileName),
    'x-amz-checksum-algorithm': 'SHA256',
    'x-amz-checksum-sha256': Buffer.from(evidence.sha256, 'hex').toString('base64'),
  };
  return presignPost(
    {
      bucket: evidenceBucketName(),
      key: evidence.objectKey,
      fields,
      conditions: [
        ['content-length-range', evidence.size, evidence.size],
        ...Object.entries(fields).map(([field, value]) => ['eq', `$${field}`, value] as const),
      ],
    },
    expiresSeconds,
    config,
  );
}

/** The evidence objects through a given S3 client (tests pass one that fails on demand). */
export function evidenceObjectsOn(client: S3Client): EvidenceObjects {
  /** Whether a key's latest version is an object (not absent, not a delete marker). */
  async function exists(Bucket: string, Key: string): Promise<boolean> {
    try {
      await client.send(new HeadObjectCommand({ Bucket, Key }));
      return true;
    } catch (error) {
      if ((error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404)
        return false;
      throw error;
    }
  }

  return {
    async open(evidence) {
      const { body } = await getObject(
        {
          bucket: evidenceBucketName(),
          key: evidence.objectKey,
          ...(evidence.objectVersionId ? { versionId: evidence.objectVersionId } : {}),
        },
        { client },
      );
      return body as Readable;
    },

    async measure(upload, signal) {
      const read = await getObject(
        { bucket: evidenceBucketName(), ...upload },
        { client, ...(signal ? { signal } : {}) },
      );
      const hash = createHash('sha256');
      let size = 0;
      const head: Buffer[] = [];
      let headBytes = 0;
      for await (const chunk of read.body as Readable) {
        const bytes = chunk as Buffer;
        hash.update(bytes);
        size += bytes.length;
        if (headBytes < SNIFF_BYTES) {
          // A copy: a view would keep the whole chunk alive for the rest of the read.
          head.push(Buffer.from(bytes.subarray(0, SNIFF_BYTES - headBytes)));
          headBytes += Math.min(bytes.length, SNIFF_BYTES - headBytes);
        }
      }
      return { size, sha256: hash.digest('hex'), head: Buffer.concat(head), versionId: read.versionId };
    },

    async quarantine(upload) {
      const evidenceId = uploadedEvidenceId(upload.key);
      if (!evidenceId) throw new Error(`${upload.key} is not an evidence upload`);
      const Bucket = evidenceBucketName();
      if (!(await exists(Bucket, upload.key))) return;
      const version = upload.versionId ? `?versionId=${encodeURIComponent(upload.versionId)}` : '';
      await client.send(
        new CopyObjectCommand({
          Bucket,
          Key: quarantineKey(evidenceId),
          CopySource: `${Bucket}/${upload.key}${version}`,
        }),
      );
      await client.send(new DeleteObjectCommand({ Bucket, Key: upload.key }));
    },
  };
}

/**
 * The evidence objects through the execution environment's S3 client; a pure call, so that a
 * function that never uses them bundles no S3 client (storage/client.ts).
 */
export const evidenceObjects: EvidenceObjects = /* @__PURE__ */ evidenceObjectsOn(s3);
