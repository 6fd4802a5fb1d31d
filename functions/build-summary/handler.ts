import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { z } from 'zod';
import { queues } from '#catalog/resources.ts';
import { logger } from '#shared/observability.ts';
import { runSummaryJob } from '#shared/services/summaries.ts';
import { inspectionChainStore } from '#shared/store/inspection-chain-store.ts';
import { ledgerStore } from '#shared/store/ledger-store.ts';
import { summaryJobStore } from '#shared/store/summary-job-store.ts';
import { summaryStore } from '#shared/store/summary-store.ts';

const processor = new BatchProcessor(EventType.SQS);
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
 * Summary jobs (SQS, one at a time) → the generator, the same code the weekly schedule runs. A
 * failed attempt is retried by redelivery; its last delivery records the failure instead.
 */
export const handler = middy((event: SQSEvent, context: Context) =>
  processPartialResponse(event, buildRecord, processor, { context }),
).use(injectLambdaContext(logger, { resetKeys: true }));
