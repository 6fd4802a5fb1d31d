import { createHash, randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { CopyObjectCommand, DeleteObjectCommand, GetObjectCommand } from '@aws-sdk/client-s3';
import { decideVerification, SNIFF_BYTES, verifyUpload } from '#shared/domain/evidence.ts';
import { logger } from '#shared/observability.ts';
import { evidenceBucketName, s3 } from '#shared/storage/client.ts';
import type { EvidenceStore } from '#shared/store/evidence-store.ts';
import type { LedgerStore } from '#shared/store/ledger-store.ts';
import { retryOnConcurrentChange } from './items.ts';

const UPLOADS = 'uploads/';
const QUARANTINE = 'quarantine/';
/** Item changes racing the verifier are retried; each retry re-reads the item. */
const RETRIES = 4;

/**
 * Reads an object as a stream, hashing it and keeping only its first bytes: memory does not
 * grow with the file. `signal` abandons the read (the body is destroyed).
 */
export async function measureObject(key: string, signal?: AbortSignal) {
  const object = await s3.send(new GetObjectCommand({ Bucket: evidenceBucketName(), Key: key }), {
    abortSignal: signal,
  });
  const hash = createHash('sha256');
  let size = 0;
  const head: Buffer[] = [];
  let headBytes = 0;
  for await (const chunk of object.Body as Readable) {
    const bytes = chunk as Buffer;
    hash.update(bytes);
    size += bytes.length;
    if (headBytes < SNIFF_BYTES) {
      // A copy: a view would keep the whole chunk alive for the rest of the read.
      head.push(Buffer.from(bytes.subarray(0, SNIFF_BYTES - headBytes)));
      headBytes += Math.min(bytes.length, SNIFF_BYTES - headBytes);
    }
  }
  return { size, sha256: hash.digest('hex'), head: Buffer.concat(head), versionId: object.VersionId };
}

/** Starts a read that may be abandoned: its failure is only seen by whoever awaits it. */
function started<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => {});
  return promise;
}

/**
 * Verifies one uploaded object against its pending evidence record: stored (counted toward the
 * item, in the item's chain) or rejected with the reason (the object moved to quarantine/).
 * Unknown keys and evidence already decided are ignored, so duplicate notifications are harmless.
 */
export async function verifyUploadedObject(
  stores: { ledger: LedgerStore; evidence: EvidenceStore },
  key: string,
): Promise<'stored' | 'rejected' | 'ignored'> {
  const evidenceId = key.startsWith(UPLOADS) ? key.slice(UPLOADS.length) : undefined;
  if (!evidenceId) {
    logger.warn('upload ignored: not under uploads/', { key });
    return 'ignored';
  }
  // The object's bytes are read while its records are looked up: on the emulator each record
  // read costs about as much as streaming a megabyte, so doing them one after another would
  // double the time of small files.
  const reading = new AbortController();
  const arriving = started(measureObject(key, reading.signal));
  const evidence = await stores.evidence.get(evidenceId);
  if (evidence?.state !== 'pending') {
    reading.abort();
    logger.warn('upload ignored: no pending evidence for it', { key, state: evidence?.state ?? 'unknown' });
    return 'ignored';
  }
  let prefetchedItem: ReturnType<LedgerStore['getItem']> | undefined = started(
    stores.ledger.getItem(evidence.inspectionId, evidence.ref),
  );
  const arrived = await arriving;
  const result = verifyUpload(evidence, arrived);
  if (!result.ok) {
    const Bucket = evidenceBucketName();
    await s3.send(
      new CopyObjectCommand({
        Bucket,
        Key: `${QUARANTINE}${evidence.evidenceId}`,
        CopySource: `${Bucket}/${key}`,
      }),
    );
    // A delete marker: the locked version itself stays, out of the uploads/ view.
    await s3.send(new DeleteObjectCommand({ Bucket, Key: key }));
  }
  return retryOnConcurrentChange(async () => {
    // A retry follows a concurrent change: it decides on a fresh read.
    const found = await (prefetchedItem ?? stores.ledger.getItem(evidence.inspectionId, evidence.ref));
    prefetchedItem = undefined;
    if (!found) {
      logger.warn('upload ignored: its item is gone (the inspection was replaced)', { key });
      return 'ignored' as const;
    }
    const decided = decideVerification(found.item, evidence, result, {
      eventId: randomUUID(),
      at: new Date().toISOString(),
      ...(arrived.versionId ? { objectVersionId: arrived.versionId } : {}),
    });
    await stores.ledger.commitEvidenceChange(
      found.inspection,
      found.item,
      decided.item,
      decided.event,
      decided.evidence,
      'pending',
    );
    logger.info('evidence verified', { evidenceId: evidence.evidenceId, state: decided.evidence.state });
    return decided.evidence.state === 'stored' ? ('stored' as const) : ('rejected' as const);
  }, RETRIES);
}
