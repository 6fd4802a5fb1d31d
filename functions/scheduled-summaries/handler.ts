import { scheduleHandler } from '#shared/lambda/schedule-handler.ts';
import { sendJob, summaryJobsQueueUrl } from '#shared/queue/client.ts';
import { scheduledInstant } from '#shared/schedule-event.ts';
import { runScheduledSummaries } from '#shared/services/summary-schedule.ts';
import { aggregateStore } from '#shared/store/aggregate-store.ts';
import { ledgerStore } from '#shared/store/ledger-store.ts';
import { summaryJobStore } from '#shared/store/summary-job-store.ts';
import { summaryStore } from '#shared/store/summary-store.ts';

/**
 * The weekly summaries: `summaries` (Monday 09:00 in the stack's zone, the default slot) and
 * `summaries-hourly` (any other slot an admin set, or an inspection in another zone). Both queue
 * a summary job for whatever is due at their scheduled time (buildSummary makes it, retried per
 * inspection); a summary both would queue is queued once.
 */
export const handler = scheduleHandler('scheduledSummaries', (event) =>
  runScheduledSummaries(
    {
      ledger: ledgerStore(),
      summaries: summaryStore(),
      jobs: summaryJobStore(),
      aggregates: aggregateStore(),
    },
    scheduledInstant(event),
    (summaryId) => sendJob(summaryJobsQueueUrl(), { summaryId }),
  ),
);
