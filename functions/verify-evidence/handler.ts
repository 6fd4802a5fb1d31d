import type { SQSRecord } from 'aws-lambda';
import { batchHandler } from '#shared/lambda/batch-handler.ts';
import { verifyUploadedObject } from '#shared/services/evidence-verifier.ts';
import { createdObjects } from '#shared/storage/s3-events.ts';
import { evidenceStore } from '#shared/store/evidence-store.ts';
import { ledgerStore } from '#shared/store/ledger-store.ts';

async function verifyRecord(record: SQSRecord) {
  // Each record names the version it created: that version is verified, not the key's latest.
  for (const object of createdObjects(record.body)) {
    await verifyUploadedObject({ ledger: ledgerStore(), evidence: evidenceStore() }, object);
  }
}

/**
 * S3 ObjectCreated (uploads/) → SQS → here: each upload is verified; a message that fails is
 * reported alone as a batch item failure, so only it is retried (and dead-lettered after 5).
 */
export const handler = batchHandler('verifyEvidence', verifyRecord);
