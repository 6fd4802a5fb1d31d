import { randomBytes } from 'node:crypto';
import { NotFound, ValidationFailed } from '#shared/domain/errors.ts';
import type { Inspection } from '#shared/domain/inspection.ts';
import { endOfCalendarDate } from '#shared/domain/inspection.ts';
import type { ActorRef } from '#shared/domain/item.ts';
import type { Lang } from '#shared/i18n/lang.ts';
import { downloadLinkOf } from '#shared/storage/files.ts';
import type { InspectionChainStore } from '#shared/store/inspection-chain-store.ts';
import type { LedgerStore } from '#shared/store/ledger-store.ts';
import type { SummaryJob, SummaryJobStore } from '#shared/store/summary-job-store.ts';
import type { SummaryRecord, SummaryStore } from '#shared/store/summary-store.ts';
import { decodeCursor, encodeCursor } from './page-cursor.ts';

const minDate = (a: Date, b: Date) => (a < b ? a : b);

export interface SummaryStores {
  readonly ledger: LedgerStore;
  readonly chains: InspectionChainStore;
  readonly summaries: SummaryStore;
}

/**
 * The instant a summary is of: `asOf` as given (a calendar date: its end in the inspection's
 * zone, but never later than now), or now; one in the future is refused, naming the field.
 */
export function resolveAsOf(inspection: Inspection, asOf: Date | string | undefined, now: Date): Date {
  const resolved =
    typeof asOf === 'string' ? minDate(endOfCalendarDate(asOf, inspection.timezone), now) : (asOf ?? now);
  if (resolved > now) {
    throw new ValidationFailed([
      {
        path: 'asOf',
        message: `asOf ${resolved.toISOString()} is in the future; a summary is of what has happened`,
        messageZh: `asOf（${resolved.toISOString()}）晚于当前时间，报告只能截至已发生的时刻`,
      },
    ]);
  }
  return resolved;
}

/** The API's view of a summary: its record without storage details, and links to its files. */
export async function summaryView(record: SummaryRecord, now = new Date()) {
  const { files, ...view } = record;
  return {
    ...view,
    files: await Promise.all(
      files.map(async (file) => ({
        name: file.name,
        contentType: file.contentType,
        size: file.size,
        sha256: file.sha256,
        ...(await downloadLinkOf(file, `${record.inspectionId}-${record.asOfDate}-${file.name}`, now)),
      })),
    ),
  };
}

/** A page of an inspection's summaries, newest first; `next` continues it. */
export async function listSummaries(
  stores: Pick<SummaryStores, 'ledger' | 'summaries'>,
  inspectionId: string,
  query: { limit: number; next?: string },
) {
  await stores.ledger.requireInspection(inspectionId);
  const cursor = query.next ? decodeCursor(query.next) : undefined;
  const page = await stores.summaries.list(inspectionId, {
    limit: query.limit,
    ...(cursor ? { cursor } : {}),
  });
  return {
    summaries: page.records.map(({ summaryId, asOf, asOfDate, generatedAt, trigger, paragraph }) => ({
      summaryId,
      asOf,
      asOfDate,
      generatedAt,
      trigger,
      paragraph,
    })),
    ...(page.cursor ? { next: encodeCursor(page.cursor) } : {}),
  };
}

/** The summary with the latest as-of instant. */
export async function latestSummary(
  stores: Pick<SummaryStores, 'ledger' | 'summaries'>,
  inspectionId: string,
) {
  await stores.ledger.requireInspection(inspectionId);
  const [latest] = (await stores.summaries.list(inspectionId, { limit: 1 })).records;
  if (!latest) throw new NotFound('summary', `${inspectionId}/latest`);
  return latest;
}

// ---- Summaries asked for through the API: a job behind a queue ------------------------------

export interface SummaryJobStores extends SummaryStores {
  readonly jobs: SummaryJobStore;
}

/**
 * Asks for a summary (POST …/summaries): checks what can be checked now (the inspection, the
 * as-of instant, fixed here so a queued job summarises the moment it was asked for), records the
 * job and hands it to the queue. The generator (runSummaryJob) does the rest, however long the
 * inspection takes to read.
 */
export async function requestSummary(
  stores: Pick<SummaryJobStores, 'ledger' | 'jobs'>,
  enqueue: (summaryId: string) => Promise<void>,
  request: { inspectionId: string; asOf?: Date | string; lang: Lang; actor: ActorRef },
  now = new Date(),
): Promise<SummaryJob> {
  const inspection = await stores.ledger.requireInspection(request.inspectionId);
  const job: SummaryJob = {
    summaryId: `r-${randomBytes(10).toString('hex')}`,
    inspectionId: inspection.inspectionId,
    asOf: resolveAsOf(inspection, request.asOf, now).toISOString(),
    lang: request.lang,
    requestedBy: request.actor,
    requestedAt: now.toISOString(),
    trigger: 'request',
    state: 'queued',
    attempt: 0,
  };
  await stores.jobs.create(job);
  await enqueue(job.summaryId);
  return job;
}

/** What GET /summaries/{id} says of a summary that is not (yet) there: its job. */
export function summaryJobView(job: SummaryJob) {
  const { attempt: _attempt, ...view } = job;
  return view;
}
