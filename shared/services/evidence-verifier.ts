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
 * grow with the file.
 */
async function measure(key: string) {
  const object = await s3.send(new GetObjectCommand({ Bucket: evidenceBucketName(), Key: key }));
  const hash = createHash('sha256');
  let size = 0;
  const head: Buffer[] = [];
  let headBytes = 0;
  for await (const chunk of object.Body as Readable) {
    const bytes = chunk as Buffer;
    hash.update(bytes);
    size += bytes.length;
    if (headBytes < SNIFF_BYTES) {
      head.push(bytes.subarray(0, SNIFF_BYTES - headBytes));
      headBytes += Math.min(bytes.length, SNIFF_BYTES - headBytes);
    }
  }
  return { size, sha256: hash.digest('hex'), head: Buffer.concat(head), versionId: object.VersionId };
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
  const evidence = evidenceId ? await stores.evidence.get(evidenceId) : undefined;
  if (!evidence || evidence.state !== 'pending') {
    logger.warn('upload ignored: no pending evidence for it', { key, state: evidence?.state ?? 'unknown' });
    return 'ignored';
  }
  const arrived = await measure(key);
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
    const found = await stores.ledger.getItem(evidence.inspectionId, evidence.ref);
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
