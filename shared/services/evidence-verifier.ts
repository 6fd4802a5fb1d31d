import { createHash, randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import {
  CopyObjectCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { Conflict } from '#shared/domain/errors.ts';
import { decideVerification, type Evidence, SNIFF_BYTES, verifyUpload } from '#shared/domain/evidence.ts';
import { logger } from '#shared/observability.ts';
import { evidenceBucketName, s3 as sharedS3 } from '#shared/storage/client.ts';
import type { UploadedObject } from '#shared/storage/s3-events.ts';
import type { EvidenceStore } from '#shared/store/evidence-store.ts';
import type { LedgerStore } from '#shared/store/ledger-store.ts';
import { retryOnConcurrentChange } from './items.ts';

const UPLOADS = 'uploads/';
const QUARANTINE = 'quarantine/';
/** Item changes racing the verifier are retried; each retry re-reads the item. */
const RETRIES = 4;

/**
 * Reads an object as a stream, hashing it and keeping only its first bytes: memory does not
 * grow with the file. `signal` abandons the read (the body is destroyed). Given a version, it
 * reads that version: the bucket is versioned, and whoever holds the presigned POST can put
 * other bytes under the same key until it expires, so "the latest" may not be what was notified.
 */
export async function measureObject(
  object: string | UploadedObject,
  signal?: AbortSignal,
  s3: S3Client = sharedS3,
) {
  const { key, versionId } = typeof object === 'string' ? { key: object, versionId: undefined } : object;
  const read = await s3.send(
    new GetObjectCommand({
      Bucket: evidenceBucketName(),
      Key: key,
      ...(versionId ? { VersionId: versionId } : {}),
    }),
    { abortSignal: signal },
  );
  const hash = createHash('sha256');
  let size = 0;
  const head: Buffer[] = [];
  let headBytes = 0;
  for await (const chunk of read.Body as Readable) {
    const bytes = chunk as Buffer;
    hash.update(bytes);
    size += bytes.length;
    if (headBytes < SNIFF_BYTES) {
      // A copy: a view would keep the whole chunk alive for the rest of the read.
      head.push(Buffer.from(bytes.subarray(0, SNIFF_BYTES - headBytes)));
      headBytes += Math.min(bytes.length, SNIFF_BYTES - headBytes);
    }
  }
  return { size, sha256: hash.digest('hex'), head: Buffer.concat(head), versionId: read.VersionId };
}

/** Starts a read that may be abandoned: its failure is only seen by whoever awaits it. */
function started<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => {});
  return promise;
}

/** What the verifier works with; `objects` is the S3 client (tests pass one that fails on demand). */
export interface VerifierDependencies {
  readonly ledger: LedgerStore;
  readonly evidence: EvidenceStore;
  readonly objects?: S3Client;
}

/**
 * Verifies one uploaded object against its pending evidence record: stored (counted toward the
 * item, in the item's chain) or rejected with the reason (the object moved to quarantine/).
 *
 * The verdict is committed first and the object moved after: a failure at any step fails the
 * message, and its redelivery finds the verdict committed and only completes the move. (Moving
 * first, as this once did, left a failed commit's evidence pending for ever: the redelivery found
 * nothing under uploads/ to read.) So every delivery of the same notification, and two at once,
 * end with the same verdict and the object where it belongs; unknown keys are ignored.
 */
export async function verifyUploadedObject(
  dependencies: VerifierDependencies,
  uploaded: string | UploadedObject,
): Promise<'stored' | 'rejected' | 'ignored'> {
  const stores = dependencies;
  const s3 = dependencies.objects ?? sharedS3;
  const object: UploadedObject = typeof uploaded === 'string' ? { key: uploaded } : uploaded;
  const { key } = object;
  const evidenceId = key.startsWith(UPLOADS) ? key.slice(UPLOADS.length) : undefined;
  if (!evidenceId) {
    logger.warn('upload ignored: not under uploads/', { key });
    return 'ignored';
  }
  // The object's bytes are read while its records are looked up: on the emulator each record
  // read costs about as much as streaming a megabyte, so doing them one after another would
  // double the time of small files.
  const reading = new AbortController();
  const arriving = started(measureObject(object, reading.signal, s3));
  const evidence = await stores.evidence.get(evidenceId);
  if (evidence?.state !== 'pending') {
    reading.abort();
    return completeDecided(s3, evidence, object);
  }
  let prefetchedItem: ReturnType<LedgerStore['getItem']> | undefined = started(
    stores.ledger.getItem(evidence.inspectionId, evidence.ref),
  );
  const arrived = await arriving;
  const result = verifyUpload(evidence, arrived);
  let verdict: 'stored' | 'rejected' | 'ignored';
  try {
    verdict = await retryOnConcurrentChange(async () => {
      // A retry follows a concurrent change: it decides on a fresh read.
      const found = await (prefetchedItem ?? stores.ledger.getItem(evidence.inspectionId, evidence.ref));
      prefetchedItem = undefined;
      if (!found) {
        logger.warn('upload ignored: its item is gone (the inspection was replaced)', { key });
        return 'ignored' as const;
      }
      // A replace withdrew the item after the upload was asked for: it takes no evidence any more.
      if (found.item.withdrawn) {
        logger.warn('upload ignored: its item was withdrawn from the plan', {
          key,
          itemId: found.item.itemId,
        });
        return 'ignored' as const;
      }
      const decided = decideVerification(found.item, evidence, result, {
        eventId: randomUUID(),
        at: new Date().toISOString(),
        ...(arrived.versionId ? { objectVersionId: arrived.versionId } : {}),
      });
      // A rejection names its version too: a redelivery moves exactly the bytes that were judged.
      const record: Evidence = arrived.versionId
        ? { ...decided.evidence, objectVersionId: arrived.versionId }
        : decided.evidence;
      await stores.ledger.commitEvidenceChange(
        found.inspection,
        found.item,
        decided.item,
        decided.event,
        record,
        'pending',
      );
      logger.info('evidence verified', { evidenceId: evidence.evidenceId, state: record.state });
      return record.state === 'stored' ? ('stored' as const) : ('rejected' as const);
    }, RETRIES);
  } catch (error) {
    // Another delivery of the same upload committed its verdict first: finish what it started.
    const now = error instanceof Conflict ? await stores.evidence.get(evidenceId) : undefined;
    if (now?.state === 'stored' || now?.state === 'rejected') return completeDecided(s3, now, object);
    throw error;
  }
  if (verdict === 'rejected') await quarantine(s3, evidence.evidenceId, key, arrived.versionId);
  return verdict;
}

/**
 * A notification for evidence whose verdict is already committed (a redelivery, or a duplicate):
 * nothing is decided again; a rejected file whose move to quarantine did not finish is moved.
 */
async function completeDecided(
  s3: S3Client,
  evidence: Evidence | undefined,
  object: UploadedObject,
): Promise<'stored' | 'rejected' | 'ignored'> {
  if (evidence?.state === 'stored') return 'stored';
  if (evidence?.state === 'rejected') {
    await quarantine(s3, evidence.evidenceId, object.key, evidence.objectVersionId ?? object.versionId);
    return 'rejected';
  }
  logger.warn('upload ignored: no pending evidence for it', {
    key: object.key,
    state: evidence?.state ?? 'unknown',
  });
  return 'ignored';
}

/** Whether a key's latest version is an object (not absent, not a delete marker). */
async function exists(s3: S3Client, Bucket: string, Key: string): Promise<boolean> {
  try {
    await s3.send(new HeadObjectCommand({ Bucket, Key }));
    return true;
  } catch (error) {
    if ((error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404)
      return false;
    throw error;
  }
}

/**
 * Copies the rejected version to quarantine/ and hides the key in uploads/ with a delete marker
 * (the locked version itself stays). The marker is the last step, so a key already hidden means
 * the move is complete and a retry does nothing; a retry after a failed delete copies once more
 * (a second, identical quarantine version). Only uploads/ is looked at: the function may write to
 * quarantine/ but not read it.
 */
async function quarantine(s3: S3Client, evidenceId: string, key: string, versionId: string | undefined) {
  const Bucket = evidenceBucketName();
  if (!(await exists(s3, Bucket, key))) return;
  await s3.send(
    new CopyObjectCommand({
      Bucket,
      Key: `${QUARANTINE}${evidenceId}`,
      CopySource: `${Bucket}/${key}${versionId ? `?versionId=${encodeURIComponent(versionId)}` : ''}`,
    }),
  );
  await s3.send(new DeleteObjectCommand({ Bucket, Key: key }));
}
