import type { SQSRecord } from 'aws-lambda';
import * as z from 'zod';
import { queues } from '#catalog/resources.ts';
import { kmsManifestSigner } from '#shared/archive/signing.ts';
import { batchHandler } from '#shared/lambda/batch-handler.ts';
import { buildArchive } from '#shared/services/archive-builder.ts';
import { abortUploadsUnder, openEvidenceObject, uploadArchive } from '#shared/storage/archives.ts';
import { archiveStore } from '#shared/store/archive-store.ts';
import { evidenceStore } from '#shared/store/evidence-store.ts';
import { inspectionChainStore } from '#shared/store/inspection-chain-store.ts';
import { ledgerStore } from '#shared/store/ledger-store.ts';
import { summaryStore } from '#shared/store/summary-store.ts';

const Job = z.strictObject({ archiveId: z.string() });

async function buildRecord(record: SQSRecord) {
  const { archiveId } = Job.parse(JSON.parse(record.body));
  await buildArchive(
    {
      ledger: ledgerStore(),
      evidence: evidenceStore(),
      chains: inspectionChainStore(),
      summaries: summaryStore(),
      archives: archiveStore(),
    },
    {
      sign: kmsManifestSigner,
      openEvidence: (evidence) => openEvidenceObject(evidence.objectKey, evidence.objectVersionId),
      upload: uploadArchive,
      abortUploadsUnder,
    },
    archiveId,
    {
      receiveCount: Number(record.attributes.ApproximateReceiveCount ?? '1'),
      maxReceives: queues.archiveJobs.maxReceiveCount,
    },
  );
}

/**
 * Archive jobs (SQS, one at a time) → the builder. A failed attempt is retried by redelivery and
 * starts clean; its last delivery records the archive as failed instead of failing again.
 */
export const handler = batchHandler('buildArchive', buildRecord);
