import { randomBytes, randomUUID } from 'node:crypto';
import { AlreadyExists } from '#shared/domain/errors.ts';
import type { Inspection } from '#shared/domain/inspection.ts';
import { calendarDate } from '#shared/domain/inspection.ts';
import { nextInspectionEvent } from '#shared/domain/inspection-events.ts';
import type { ActorRef, Item } from '#shared/domain/item.ts';
import { outcomesOf } from '#shared/domain/outcomes.ts';
import { buildReport } from '#shared/domain/report/build.ts';
import type { ReportInput } from '#shared/domain/report/model.ts';
import { reportTextAsOf } from '#shared/domain/report/texts.ts';
import { buildSummary, type PreviousSummary } from '#shared/domain/summary/generate.ts';
import type { Summary } from '#shared/domain/summary/model.ts';
import { itemAsOf } from '#shared/domain/summary/replay.ts';
import type { Lang } from '#shared/i18n/lang.ts';
import { logger } from '#shared/observability.ts';
import { reportDocx } from '#shared/reports/report-docx.ts';
import { summaryChartSvg } from '#shared/reports/summary-chart.ts';
import { summaryMarkdown } from '#shared/reports/summary-markdown.ts';
import { summaryWorkbook } from '#shared/reports/summary-workbook.ts';
import { putReportFile, readReportFile, reportFileKey } from '#shared/storage/files.ts';
import type { LedgerStore } from '#shared/store/ledger-store.ts';
import type { SummaryPhase } from '#shared/store/summary-job-store.ts';
import type { SummaryFile, SummaryRecord, SummaryStore } from '#shared/store/summary-store.ts';
import { resolveAsOf, type SummaryJobStores, type SummaryStores } from './summaries.ts';

/**
 * Making a summary: replaying the items as of an instant, building the summary and its paragraph,
 * rendering and storing its five files (summary.json, summary.md, chart.svg, ledger.xlsx,
 * report.docx), and recording it in the inspection's chain. Apart from summaries.ts (asking for,
 * listing and showing summaries) and summary-schedule.ts (queueing the weekly ones) so that
 * only the generator's bundle carries the renderers.
 */

/** Item chains replayed at once for a summary as of a past instant. */
const REPLAY_PARALLEL = 8;

export interface SummaryRequest {
  readonly inspectionId: string;
  readonly summaryId?: string;
  /** An instant, or a calendar date meaning its end in the inspection's zone (default: now). */
  readonly asOf?: Date | string;
  readonly lang: Lang;
  readonly trigger: Summary['trigger'];
  readonly actor: ActorRef;
  /** Told as the generation moves from phase to phase (a queued job records it for the API). */
  readonly onProgress?: (phase: SummaryPhase, detail?: { items: number }) => Promise<void>;
}

/**
 * The items of the visible generation as they stood at `asOf`: an item changed since is replayed
 * from its chain (a summary as of a past instant says what was true then, not today).
 */
async function itemsAsOf(store: LedgerStore, inspection: Inspection, asOf: string): Promise<Item[]> {
  const current = await store.listItems(inspection);
  const changed = current.map((item, index) => ({ item, index })).filter(({ item }) => item.updatedAt > asOf);
  const items = [...current];
  for (let start = 0; start < changed.length; start += REPLAY_PARALLEL) {
    await Promise.all(
      changed.slice(start, start + REPLAY_PARALLEL).map(async ({ item, index }) => {
        items[index] = itemAsOf(item, await store.history(inspection, item.ref), asOf);
      }),
    );
  }
  return items;
}

/** What the previous summary said of each item, from its summary.json. */
async function previousOf(
  store: SummaryStore,
  inspectionId: string,
  asOf: string,
): Promise<PreviousSummary | undefined> {
  const [previous] = (await store.list(inspectionId, { limit: 1, before: asOf })).records;
  const json = previous?.files.find((file) => file.name === 'summary.json');
  if (!previous || !json) return undefined;
  const { items } = JSON.parse((await readReportFile(json)).toString('utf8')) as Summary;
  // Only what the change list needs: the rest of the previous snapshot is dropped at once.
  return {
    summaryId: previous.summaryId,
    asOf: previous.asOf,
    items: items.map(({ ref, status, overdue }) => ({ ref, status, overdue })),
  };
}

/** What the report document needs besides the summary: problem titles, descriptions, the office's texts. */
type ReportSources = Omit<ReportInput, 'summary' | 'lang'>;

/**
 * The five files, rendered and stored one at a time so that only one rendering is in memory at
 * once (a 20,000-item summary.json is some 12 MB). summary.json is compact: it is data, and the
 * next summary reads it back.
 */
const FILES: readonly {
  name: string;
  contentType: string;
  render: (summary: Summary, report: ReportSources) => Promise<Uint8Array>;
}[] = [
  {
    name: 'summary.json',
    contentType: 'application/json; charset=utf-8',
    render: async (summary) => Buffer.from(JSON.stringify(summary)),
  },
  {
    name: 'summary.md',
    contentType: 'text/markdown; charset=utf-8',
    render: async (summary) => Buffer.from(summaryMarkdown(summary, summary.lang)),
  },
  {
    name: 'chart.svg',
    contentType: 'image/svg+xml',
    render: async (summary) => Buffer.from(summaryChartSvg(summary, summary.lang)),
  },
  {
    name: 'ledger.xlsx',
    contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    render: (summary) => summaryWorkbook(summary, summary.lang),
  },
  {
    // The 整改情况报告 itself, in 公文 layout (GB/T 9704), written from the same snapshot.
    name: 'report.docx',
    contentType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    render: (summary, report) => reportDocx(buildReport({ summary, ...report, lang: summary.lang })),
  },
];

async function storeFiles(summary: Summary, report: ReportSources): Promise<SummaryFile[]> {
  const files: SummaryFile[] = [];
  for (const { name, contentType, render } of FILES) {
    const key = reportFileKey(summary.inspection.inspectionId, summary.summaryId, name);
    files.push({
      name,
      contentType,
      ...(await putReportFile(key, await render(summary, report), contentType)),
    });
  }
  return files;
}

/** The summary itself: the items and chains it reads are garbage once it is built. */
async function summarise(
  stores: SummaryStores,
  inspection: Inspection,
  request: { summaryId: string; asOf: Date; now: Date; trigger: Summary['trigger']; lang: Lang },
): Promise<{ summary: Summary; report: ReportSources }> {
  const asOfIso = request.asOf.toISOString();
  const [items, chain, previous] = await Promise.all([
    itemsAsOf(stores.ledger, inspection, asOfIso),
    stores.chains.chain(inspection.inspectionId),
    previousOf(stores.summaries, inspection.inspectionId, asOfIso),
  ]);
  const descriptions: Record<string, string> = {};
  for (const item of items) if (item.description) descriptions[item.ref] = item.description;
  const report: ReportSources = {
    aspects: inspection.aspects,
    descriptions,
    // The texts the office had saved by the summary's instant.
    texts: reportTextAsOf(chain, asOfIso),
  };
  const summary = buildSummary({
    summaryId: request.summaryId,
    inspection,
    items,
    outcomes: outcomesOf(chain, calendarDate(request.asOf, inspection.timezone)),
    asOf: request.asOf,
    generatedAt: request.now,
    trigger: request.trigger,
    lang: request.lang,
    ...(previous ? { previous } : {}),
  });
  return { summary, report };
}

function recordOf(
  summary: Summary,
  files: SummaryFile[],
  actor: ActorRef,
  chain: SummaryRecord['chain'],
): SummaryRecord {
  return {
    summaryId: summary.summaryId,
    inspectionId: summary.inspection.inspectionId,
    importId: summary.inspection.importId,
    asOf: summary.asOf,
    asOfDate: summary.asOfDate,
    generatedAt: summary.generatedAt,
    generatedBy: actor,
    trigger: summary.trigger,
    lang: summary.lang,
    paragraph: summary.paragraph,
    totals: summary.totals,
    byAspect: summary.byAspect,
    byDepartment: summary.byDepartment,
    outcomes: summary.outcomes,
    changes: summary.changes && {
      previousSummaryId: summary.changes.previousSummaryId,
      newlyRectified: summary.changes.newlyRectified.length,
      newlyOverdue: summary.changes.newlyOverdue.length,
    },
    files,
    chain,
  };
}

/**
 * Generates a summary of an inspection as of an instant (now by default), stores its four files
 * and records it: the summary record and the SummaryGenerated record of the inspection's chain
 * (which seals the files' SHA-256) in one transaction, from which the stream publishes the event.
 * A summary id that exists already is returned as it is: a retried run makes nothing twice.
 */
export async function generateSummary(
  stores: SummaryStores,
  request: SummaryRequest,
  now = new Date(),
): Promise<{ record: SummaryRecord; created: boolean }> {
  // Only a given (derived) id can exist already; a fresh random one needs no read.
  const existing = request.summaryId ? await stores.summaries.get(request.summaryId) : undefined;
  if (existing) return { record: existing, created: false };
  const summaryId = request.summaryId ?? `r-${randomBytes(10).toString('hex')}`;
  const inspection = await stores.ledger.requireInspection(request.inspectionId);
  const asOf = resolveAsOf(inspection, request.asOf, now);
  const asOfIso = asOf.toISOString();
  await request.onProgress?.('reading');
  const { summary, report } = await summarise(stores, inspection, {
    summaryId,
    asOf,
    now,
    trigger: request.trigger,
    lang: request.lang,
  });
  await request.onProgress?.('rendering', { items: summary.totals.total });
  const files = await storeFiles(summary, report);
  await request.onProgress?.('recording', { items: summary.totals.total });
  let record: SummaryRecord | undefined;
  try {
    await stores.chains.append(inspection.inspectionId, (head) => {
      const event = nextInspectionEvent(head, {
        eventId: randomUUID(),
        inspectionId: inspection.inspectionId,
        type: 'SummaryGenerated',
        at: now.toISOString(),
        actor: request.actor,
        data: {
          summaryId,
          asOf: asOfIso,
          lang: request.lang,
          files: files.map(({ name, sha256, size }) => ({ name, sha256, size })),
        },
      });
      record = recordOf(summary, files, request.actor, { seq: event.seq, hash: event.hash });
      return { event, with: [stores.summaries.recordPut(record)] };
    });
  } catch (error) {
    // Another run made this summary meanwhile (same scheduled slot): theirs stands.
    const theirs = error instanceof AlreadyExists ? await stores.summaries.get(summaryId) : undefined;
    if (theirs) return { record: theirs, created: false };
    throw error;
  }
  if (!record) throw new Error('the summary record was not built');
  logger.info('summary generated', {
    inspectionId: inspection.inspectionId,
    summaryId,
    asOf: asOfIso,
    items: summary.totals.total,
  });
  return { record, created: true };
}

/**
 * One delivery of a summary job (asked for through the API, or queued by the weekly schedule:
 * the job's trigger says which). The summary id is the job's, so a retry after a crash finds
 * the summary if the earlier attempt got as far as recording it, and never makes a second one.
 * A failure is retried by redelivery; the last delivery records it (the API then says why)
 * instead of failing again.
 */
export async function runSummaryJob(
  stores: SummaryJobStores,
  summaryId: string,
  delivery: { receiveCount: number; maxReceives: number },
  now: () => Date = () => new Date(),
): Promise<void> {
  const job = await stores.jobs.claim(summaryId, now().toISOString());
  if (!job) return; // ended already (ready or failed): a duplicate delivery
  try {
    await generateSummary(
      stores,
      {
        inspectionId: job.inspectionId,
        summaryId,
        asOf: new Date(job.asOf),
        lang: job.lang,
        trigger: job.trigger,
        actor: job.requestedBy,
        onProgress: (phase, detail) =>
          stores.jobs.update(job, { progress: { phase, at: now().toISOString(), ...(detail ?? {}) } }),
      },
      now(),
    );
    await stores.jobs.update(job, { state: 'ready' });
  } catch (error) {
    const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    logger.error('summary job failed', { summaryId, attempt: job.attempt, error });
    if (delivery.receiveCount < delivery.maxReceives) throw error;
    await stores.jobs.update(job, { state: 'failed', failure: { reason, at: now().toISOString() } });
  }
}
