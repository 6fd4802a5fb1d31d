import type { SQSRecord } from 'aws-lambda';
import { parseBusMessage } from '#events/contracts.ts';
import { batchHandler } from '#shared/lambda/batch-handler.ts';
import { countItemEvent } from '#shared/services/aggregates.ts';
import { aggregateStore } from '#shared/store/aggregate-store.ts';
import { ledgerStore } from '#shared/store/ledger-store.ts';

async function countRecord(record: SQSRecord) {
  const { detailType, detail } = parseBusMessage(record.body);
  // The rule routes item events only; anything else here is a wiring fault worth a retry and the DLQ.
  if (!('ref' in detail))
    throw new Error(`${detailType} is not an item event; the counters take item events only`);
  await countItemEvent({ ledger: ledgerStore(), aggregates: aggregateStore() }, detail);
}

/**
 * Item events → the inspection's counters (by status, light, measures). Each message is
 * counted alone; a failure is retried by itself and dead-lettered after 5 receives.
 */
export const handler = batchHandler('countItems', countRecord);
