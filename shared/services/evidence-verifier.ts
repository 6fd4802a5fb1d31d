import { randomUUID } from 'node:crypto';
import { Conflict } from '#shared/domain/errors.ts';
import { decideVerification, type Evidence, verifyUpload } from '#shared/domain/evidence.ts';
import { logger } from '#shared/observability.ts';
import {
  type EvidenceObjects,
  evidenceObjects,
  uploadedEvidenceId,
} from '#shared/storage/evidence-objects.ts';
import type { UploadedObject } from '#shared/storage/s3-events.ts';
import type { EvidenceStore } from '#shared/store/evidence-store.ts';
import type { LedgerStore } from '#shared/store/ledger-store.ts';
import { retryOnConcurrentChange } from './items.ts';

/** Item changes racing the verifier are retried; each retry re-reads the item. */
const RETRIES = 4;

/** Starts a read that may be abandoned: its failure is only seen by whoever awaits it. */
function started<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => {});
  return promise;
}

/** What the verifier works with; `objects` are the evidence files (tests pass some that fail on demand). */
export interface VerifierDependencies {
  readonly ledger: LedgerStore;
  readonly evidence: EvidenceStore;
  readonly objects?: EvidenceObjects;
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
  const objects = dependencies.objects ?? evidenceObjects;
  const object: UploadedObject = typeof uploaded === 'string' ? { key: uploaded } : uploaded;
  const { key } = object;
  const evidenceId = uploadedEvidenceId(key);
  if (!evidenceId) {
    logger.warn('upload ignored: not under uploads/', { key });
    return 'ignored';
  }
  // The object's bytes are read while its records are looked up: on the emulator each record
  // read costs about as much as streaming a megabyte, so doing them one after another would
  // double the time of small files.
  const reading = new AbortController();
  const arriving = started(objects.measure(object, reading.signal));
  const evidence = await stores.evidence.get(evidenceId);
  if (evidence?.state !== 'pending') {
    reading.abort();
    return completeDecided(objects, evidence, object);
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
    if (now?.state === 'stored' || now?.state === 'rejected') return completeDecided(objects, now, object);
    throw error;
  }
  if (verdict === 'rejected') await objects.quarantine(versionOf(key, arrived.versionId));
  return verdict;
}

/**
 * A notification for evidence whose verdict is already committed (a redelivery, or a duplicate):
 * nothing is decided again; a rejected file whose move to quarantine did not finish is moved.
 */
async function completeDecided(
  objects: EvidenceObjects,
  evidence: Evidence | undefined,
  object: UploadedObject,
): Promise<'stored' | 'rejected' | 'ignored'> {
  if (evidence?.state === 'stored') return 'stored';
  if (evidence?.state === 'rejected') {
    await objects.quarantine(versionOf(object.key, evidence.objectVersionId ?? object.versionId));
    return 'rejected';
  }
  logger.warn('upload ignored: no pending evidence for it', {
    key: object.key,
    state: evidence?.state ?? 'unknown',
  });
  return 'ignored';
}

/** An upload's key and, when known, the version that was judged. */
function versionOf(key: string, versionId: string | undefined): UploadedObject {
  return versionId ? { key, versionId } : { key };
}
