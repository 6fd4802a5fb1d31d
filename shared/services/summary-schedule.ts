import { totalsFromCounters } from '#shared/domain/aggregates.ts';
import { AlreadyExists } from '#shared/domain/errors.ts';
import type { Inspection } from '#shared/domain/inspection.ts';
import type { ActorRef } from '#shared/domain/item.ts';
import {
  DEFAULT_SUMMARY_SCHEDULE,
  scheduledSummaryId,
  slotInstant,
  summaryDue,
} from '#shared/domain/summary/schedule.ts';
import { logger } from '#shared/observability.ts';
import type { AggregateStore } from '#shared/store/aggregate-store.ts';
import type { LedgerStore } from '#shared/store/ledger-store.ts';
import type { SummaryJob, SummaryJobStore } from '#shared/store/summary-job-store.ts';
import type { SummaryStore } from '#shared/store/summary-store.ts';

/**
 * The weekly summaries' schedule run: it decides which inspections are due and queues one
 * summary job each; the generator (buildSummary → runSummaryJob) makes them behind the queue.
 * Apart from summary-generation.ts so that the schedule's bundle carries no renderer and no S3.
 */

/** Who generated a scheduled summary, in the chain (the bus event then carries no actor). */
export const SUMMARY_SCHEDULE: ActorRef = { subject: 'system:summary-schedule', name: '定期报送', roles: [] };

export interface ScheduledSummariesStores {
  readonly ledger: LedgerStore;
  readonly summaries: SummaryStore;
  readonly jobs: SummaryJobStore;
  readonly aggregates: AggregateStore;
}

/** An inspection is active while any of its items is not closed (its aggregates say so). */
async function isActive(aggregates: AggregateStore, inspection: Inspection): Promise<boolean> {
  const counters = await aggregates.counters(inspection);
  if (!counters) return true;
  const totals = totalsFromCounters(counters);
  return totals.items > totals.byStatus.closed;
}

export interface ScheduledSummariesReport {
  readonly inspections: number;
  readonly due: number;
  /** Jobs this run queued (created and sent). */
  readonly queued: number;
  /** Due summaries made or asked for before this run (a retry, the other schedule on one hour). */
  readonly existing: number;
}

/**
 * Queues the scheduled summary's job; false when it was there already (made, or its job asked
 * for by an earlier run). A job still `queued` is sent again: the run that created it may have
 * died before sending it, and a second delivery is harmless (the job is claimed conditionally and
 * the summary id is the job's).
 */
async function queueSummary(
  stores: ScheduledSummariesStores,
  enqueue: (summaryId: string) => Promise<void>,
  job: SummaryJob,
): Promise<boolean> {
  if (await stores.summaries.get(job.summaryId)) return false;
  try {
    await stores.jobs.create(job);
  } catch (error) {
    if (!(error instanceof AlreadyExists)) throw error;
    const earlier = await stores.jobs.get(job.summaryId);
    if (earlier?.state === 'queued') await enqueue(job.summaryId);
    else if (earlier?.state === 'failed') {
      logger.warn('scheduled summary failed earlier; not asked for again', {
        inspectionId: job.inspectionId,
        summaryId: job.summaryId,
        failure: earlier.failure,
      });
    }
    return false;
  }
  await enqueue(job.summaryId);
  return true;
}

/**
 * A schedule run: the weekly summary of every active inspection whose slot (weekday and hour in
 * its own zone) this run falls on, as of the slot, queued as a summary job (one per inspection,
 * each built and retried on its own). Each summary's id is derived from the inspection and the
 * slot, so a retried run, or the weekly and the hourly schedule landing on one hour, queue it
 * once. One inspection's failure does not stop the others; the run then fails so that Scheduler
 * retries it (the queued ones are skipped).
 */
export async function runScheduledSummaries(
  stores: ScheduledSummariesStores,
  scheduledTime: Date,
  enqueue: (summaryId: string) => Promise<void>,
  now = new Date(),
): Promise<ScheduledSummariesReport> {
  const inspections = await stores.ledger.listInspections();
  const slot = slotInstant(scheduledTime);
  const asOf = slot > now ? now : slot;
  let due = 0;
  let queued = 0;
  let existing = 0;
  const failures: string[] = [];
  for (const inspection of inspections) {
    const schedule = inspection.summarySchedule ?? DEFAULT_SUMMARY_SCHEDULE;
    if (!summaryDue(schedule, inspection.timezone, scheduledTime)) continue;
    try {
      if (!(await isActive(stores.aggregates, inspection))) continue;
      due += 1;
      const job: SummaryJob = {
        summaryId: scheduledSummaryId(inspection.inspectionId, scheduledTime),
        inspectionId: inspection.inspectionId,
        asOf: asOf.toISOString(),
        lang: schedule.lang,
        requestedBy: SUMMARY_SCHEDULE,
        requestedAt: now.toISOString(),
        trigger: 'schedule',
        state: 'queued',
        attempt: 0,
      };
      if (await queueSummary(stores, enqueue, job)) queued += 1;
      else existing += 1;
    } catch (error) {
      logger.error('scheduled summary not queued', { inspectionId: inspection.inspectionId, error });
      failures.push(inspection.inspectionId);
    }
  }
  const report = { inspections: inspections.length, due, queued, existing };
  logger.info('scheduled summaries queued', { ...report, scheduledTime: scheduledTime.toISOString() });
  if (failures.length > 0)
    throw new Error(`summaries not queued for ${failures.join(', ')}; the retry queues only these`);
  return report;
}
