import type { SQSRecord } from 'aws-lambda';
import * as z from 'zod/mini';
import { queues } from '#catalog/resources.ts';
import { batchHandler } from '#shared/lambda/batch-handler.ts';
import { runSummaryJob } from '#shared/services/summary-generation.ts';
import { inspectionChainStore } from '#shared/store/inspection-chain-store.ts';
import { ledgerStore } from '#shared/store/ledger-store.ts';
import { summaryJobStore } from '#shared/store/summary-job-store.ts';
import { summaryStore } from '#shared/store/summary-store.ts';

const Job = z.strictObject({ summaryId: z.string() });

async function buildRecord(record: SQSRecord) {
  const { summaryId } = Job.parse(JSON.parse(record.body));
  await runSummaryJob(
    {
      ledger: ledgerStore(),
      chains: inspectionChainStore(),
      summaries: summaryStore(),
      jobs: summaryJobStore(),
    },
    summaryId,
    {
      receiveCount: Number(record.attributes.ApproximateReceiveCount ?? '1'),
      maxReceives: queues.summaryJobs.maxReceiveCount,
    },
  );
}

/**
 * Summary jobs (SQS, one at a time), asked for through the API or queued by the weekly schedule
 * (scheduledSummaries) → the generator. A failed attempt is retried by redelivery; its last
 * delivery records the failure instead.
 */
export const handler = batchHandler('buildSummary', buildRecord);
