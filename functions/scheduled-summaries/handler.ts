import { scheduleHandler } from '#shared/lambda/schedule-handler.ts';
import { scheduledInstant } from '#shared/schedule-event.ts';
import { runScheduledSummaries } from '#shared/services/summary-generation.ts';
import { aggregateStore } from '#shared/store/aggregate-store.ts';
import { inspectionChainStore } from '#shared/store/inspection-chain-store.ts';
import { ledgerStore } from '#shared/store/ledger-store.ts';
import { summaryStore } from '#shared/store/summary-store.ts';

/**
 * The weekly summaries: `summaries` (Monday 09:00 in the stack's zone, the default slot) and
 * `summaries-hourly` (any other slot an admin set, or an inspection in another zone). Both make
 * whatever is due at their scheduled time; a summary both would make is made once.
 */
export const handler = scheduleHandler('scheduledSummaries', (event) =>
  runScheduledSummaries(
    {
      ledger: ledgerStore(),
      chains: inspectionChainStore(),
      summaries: summaryStore(),
      aggregates: aggregateStore(),
    },
    scheduledInstant(event),
  ),
);
