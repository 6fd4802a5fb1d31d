import { randomBytes, randomUUID } from 'node:crypto';
import { PassThrough, type Readable } from 'node:stream';
import {
  type ArchiveContent,
  type ArchiveProgress,
  type ManifestSigner,
  writeArchive,
} from '#shared/archive/writer.ts';
import { digestingStream } from '#shared/digest-stream.ts';
import {
  ARCHIVE_ID_PATTERN,
  type ArchiveRecord,
  archiveObjectKey,
  archivePrefix,
} from '#shared/domain/archive/archive.ts';
import type { ArchiveFilters } from '#shared/domain/archive/manifest.ts';
import { NotFound, StaleVersion, ValidationFailed } from '#shared/domain/errors.ts';
import type { Evidence } from '#shared/domain/evidence.ts';
import { calendarDate, type Inspection } from '#shared/domain/inspection.ts';
import { nextInspectionEvent } from '#shared/domain/inspection-events.ts';
import type { Item } from '#shared/domain/item.ts';
import { importNoteOf } from '#shared/domain/ledger.ts';
import type { Principal } from '#shared/domain/roles.ts';
import { actorRef } from '#shared/domain/roles.ts';
import { logger } from '#shared/observability.ts';
import type { ArchiveUpload } from '#shared/storage/archives.ts';
import { readReportFile } from '#shared/storage/files.ts';
import type { ArchiveStore } from '#shared/store/archive-store.ts';
import type { EvidenceStore } from '#shared/store/evidence-store.ts';
import type { InspectionChainStore } from '#shared/store/inspection-chain-store.ts';
import type { LedgerStore } from '#shared/store/ledger-store.ts';
import type { SummaryStore } from '#shared/store/summary-store.ts';
import { decodeCursor, encodeCursor } from './page-cursor.ts';

export interface ArchiveStores {
  readonly ledger: LedgerStore;
  readonly evidence: EvidenceStore;
  readonly chains: InspectionChainStore;
  readonly summaries: SummaryStore;
  readonly archives: ArchiveStore;
}

/** What the builder reads from and writes to; the function passes S3 and KMS, tests may wrap them. */
export interface ArchiveIo {
  readonly sign: ManifestSigner;
  openEvidence(evidence: Evidence): Promise<Readable>;
  upload(key: string, body: Readable): ArchiveUpload;
  abortUploadsUnder(prefix: string): Promise<number>;
}

/** Archives are kept this long in their bucket (catalog/resources.ts `buckets.archives`). */
const ARCHIVE_DAYS = 30;
/** Item chains and evidence lists read at once while gathering. */
const PARALLEL = 8;
/** Progress is written at most this often. */
const PROGRESS_EVERY_MS = 2_000;

async function inBatches<T, R>(values: readonly T[], each: (value: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  for (let start = 0; start < values.length; start += PARALLEL) {
    results.push(...(await Promise.all(values.slice(start, start + PARALLEL).map(each))));
  }
  return results;
}

function invalid(path: string, message: string, messageZh: string): never {
  throw new ValidationFailed([{ path, message, messageZh }]);
}

/** The items an archive covers: every item, or those the filters name. */
function selectItems(items: readonly Item[], filters: ArchiveFilters): Item[] {
  return items.filter(
    (item) =>
      (!filters.refs || filters.refs.includes(item.ref)) &&
      (filters.aspect === undefined || item.aspectNo === filters.aspect) &&
      (!filters.department || item.responsibleDept === filters.department),
  );
}

/**
 * Requests an archive (auditors, admins): checks the filters against the ledger (each wrong one
 * named), records the request as queued and hands the job to the builder's queue. 202: building
 * takes as long as the evidence is large.
 */
export async function requestArchive(
  stores: Pick<ArchiveStores, 'ledger' | 'archives'>,
  enqueue: (archiveId: string) => Promise<void>,
  principal: Principal,
  inspectionId: string,
  filters: ArchiveFilters,
  now = new Date(),
): Promise<ArchiveRecord> {
  const inspection = await stores.ledger.requireInspection(inspectionId);
  const items = await stores.ledger.listItems(inspection);
  const unknownRefs = (filters.refs ?? []).filter((ref) => !items.some((item) => item.ref === ref));
  if (unknownRefs.length > 0) {
    invalid(
      'refs',
      `no item ${unknownRefs.join(', ')} in ${inspectionId}`,
      `该巡察没有事项 ${unknownRefs.join('、')}`,
    );
  }
  if (filters.aspect !== undefined && !inspection.aspects.some((aspect) => aspect.no === filters.aspect)) {
    invalid(
      'aspect',
      `no aspect ${filters.aspect} in ${inspectionId}`,
      `该巡察没有第 ${filters.aspect} 个方面`,
    );
  }
  if (filters.department && !items.some((item) => item.responsibleDept === filters.department)) {
    invalid(
      'department',
      `no item of ${filters.department} in ${inspectionId}`,
      `该巡察没有 ${filters.department} 的事项`,
    );
  }
  if (filters.from && filters.to && filters.from > filters.to) {
    invalid(
      'to',
      `to (${filters.to}) is before from (${filters.from})`,
      `截止日期 ${filters.to} 早于起始日期 ${filters.from}`,
    );
  }
  const record: ArchiveRecord = {
    archiveId: `a-${randomBytes(10).toString('hex')}`,
    inspectionId,
    filters,
    requestedBy: actorRef(principal),
    requestedAt: now.toISOString(),
    status: 'queued',
    attempt: 0,
  };
  await stores.archives.create(record);
  try {
    await enqueue(record.archiveId);
  } catch (error) {
    // Without its job the request would stay queued for ever: say it failed, and why.
    await stores.archives.abandon(
      record.archiveId,
      `could not be queued: ${(error as Error).message}`,
      now.toISOString(),
    );
    throw error;
  }
  return record;
}

/** The evidence an archive holds: stored or withdrawn files (kept, marked), in the date range. */
function archivable(evidence: Evidence, inspection: Inspection, filters: ArchiveFilters): boolean {
  if (evidence.state !== 'stored' && evidence.state !== 'withdrawn') return false;
  const date =
    evidence.effectiveDate ??
    calendarDate(new Date(evidence.storedAt ?? evidence.requestedAt), inspection.timezone);
  return (!filters.from || date >= filters.from) && (!filters.to || date <= filters.to);
}

async function gather(
  stores: ArchiveStores,
  io: ArchiveIo,
  archive: ArchiveRecord,
  now: Date,
): Promise<ArchiveContent> {
  const inspection = await stores.ledger.requireInspection(archive.inspectionId);
  const items = selectItems(await stores.ledger.listItems(inspection), archive.filters);
  const perItem = await inBatches(items, async (item) => ({
    item,
    chain: await stores.ledger.history(inspection, item.ref),
    evidence: (await stores.evidence.listForItem(item.itemId)).filter((e) =>
      archivable(e, inspection, archive.filters),
    ),
  }));
  const [latest] = (await stores.summaries.list(inspection.inspectionId, { limit: 1 })).records;
  const summary = latest && {
    summaryId: latest.summaryId,
    asOf: latest.asOf,
    chainHash: latest.chain.hash,
    files: await Promise.all(
      latest.files.map(async (file) => ({ name: file.name, bytes: await readReportFile(file) })),
    ),
  };
  return {
    archiveId: archive.archiveId,
    inspection: {
      inspectionId: inspection.inspectionId,
      importId: inspection.importId,
      title: inspection.title,
      timezone: inspection.timezone,
    },
    filters: archive.filters,
    generatedAt: now.toISOString(),
    requestedBy: `${archive.requestedBy.name} (${archive.requestedBy.subject})`,
    evidence: perItem.flatMap(({ item, evidence }) =>
      evidence.map((file) => ({
        evidenceId: file.evidenceId,
        itemRef: item.ref,
        itemTitle: item.title,
        fileName: file.fileName,
        contentType: file.contentType,
        size: file.size,
        sha256: file.sha256,
        uploadedBy: `${file.requestedBy.name} (${file.requestedBy.subject})`,
        uploadedAt: file.storedAt ?? file.requestedAt,
        ...(file.effectiveDate ? { effectiveDate: file.effectiveDate } : {}),
        state: file.state === 'withdrawn' ? ('withdrawn' as const) : ('stored' as const),
        open: () => io.openEvidence(file),
      })),
    ),
    items: perItem.map(({ item, chain }) => {
      const importNote = importNoteOf(item);
      return {
        ref: item.ref,
        title: item.title,
        status: item.status,
        ...(item.importedStatus ? { importedStatus: item.importedStatus } : {}),
        ...(importNote ? { importNote } : {}),
        chain,
      };
    }),
    inspectionChain: await stores.chains.chain(inspection.inspectionId),
    ...(summary ? { summary } : {}),
  };
}

/** Ends an attempt: the archive record and its chain record (ArchiveReady / ArchiveFailed), together. */
async function finish(
  stores: ArchiveStores,
  archive: ArchiveRecord,
  finished: ArchiveRecord,
  type: 'ArchiveReady' | 'ArchiveFailed',
  data: Record<string, unknown>,
  now: Date,
): Promise<boolean> {
  try {
    await stores.chains.append(archive.inspectionId, (head) => ({
      event: nextInspectionEvent(head, {
        eventId: randomUUID(),
        inspectionId: archive.inspectionId,
        type,
        at: now.toISOString(),
        actor: archive.requestedBy,
        data: { archiveId: archive.archiveId, ...data },
      }),
      with: [stores.archives.finishPut(archive, finished)],
    }));
    return true;
  } catch (error) {
    // A newer attempt holds the archive now: its result stands, this one's is dropped.
    if (error instanceof StaleVersion) return false;
    throw error;
  }
}

export type BuildOutcome = 'ready' | 'failed' | 'skipped';

/**
 * Builds one archive: claims it for a new attempt (nothing to do when it is ready or failed
 * already — a redelivered job makes no second archive), aborts what an earlier attempt left, and
 * streams evidence → ZIP → multipart upload under this attempt's own key. On an error the upload
 * is aborted; the job is retried (thrown) until its last delivery, which records `failed` and
 * ArchiveFailed. Success records `ready` and ArchiveReady in one transaction.
 */
export async function buildArchive(
  stores: ArchiveStores,
  io: ArchiveIo,
  archiveId: string,
  delivery: { receiveCount: number; maxReceives: number },
  clock: () => Date = () => new Date(),
): Promise<BuildOutcome> {
  if (!ARCHIVE_ID_PATTERN.test(archiveId)) throw new Error(`not an archive id: ${archiveId}`);
  const archive = await stores.archives.claim(archiveId, clock().toISOString());
  if (!archive) return 'skipped';
  const prefix = archivePrefix(archive);
  await io.abortUploadsUnder(prefix);
  const key = archiveObjectKey(archive, archive.attempt);
  let upload: ArchiveUpload | undefined;
  try {
    const content = await gather(stores, io, archive, clock());
    let noted = 0;
    const progress = (value: ArchiveProgress) => {
      const at = Date.now();
      if (at - noted < PROGRESS_EVERY_MS && value.filesDone < value.filesTotal) return;
      noted = at;
      stores.archives.note(archive, { progress: value }).catch((error: unknown) => {
        logger.warn('archive progress not recorded', { archiveId, error });
      });
    };
    const written = writeArchive(content, io.sign, progress);
    const hashing = digestingStream();
    written.stream.on('error', (error) => hashing.destroy(error));
    const body = written.stream.pipe(hashing).pipe(new PassThrough());
    hashing.on('error', (error) => body.destroy(error));
    upload = io.upload(key, body);
    const [manifest] = await Promise.all([written.done, upload.done()]);
    const now = clock();
    const { sha256, size: sizeBytes } = hashing.digest();
    const bytesTotal = content.evidence.reduce((sum, file) => sum + file.size, 0);
    const ready: ArchiveRecord = {
      ...archive,
      status: 'ready',
      objectKey: key,
      sizeBytes,
      sha256,
      fileCount: manifest.evidence.length,
      warnings: manifest.warnings,
      readyAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + ARCHIVE_DAYS * 86_400_000).toISOString(),
      progress: {
        filesDone: manifest.evidence.length,
        filesTotal: manifest.evidence.length,
        bytesDone: bytesTotal,
        bytesTotal,
      },
    };
    const { lastError: _e, ...clean } = ready;
    const recorded = await finish(
      stores,
      archive,
      clean,
      'ArchiveReady',
      { sizeBytes, sha256: clean.sha256, files: clean.fileCount },
      now,
    );
    logger.info('archive ready', {
      archiveId,
      attempt: archive.attempt,
      sizeBytes,
      files: clean.fileCount,
      recorded,
    });
    return recorded ? 'ready' : 'skipped';
  } catch (error) {
    await upload?.abort().catch(() => {});
    await io.abortUploadsUnder(prefix).catch(() => 0);
    const reason = ((error as Error).message ?? String(error)).slice(0, 1000);
    logger.error('archive attempt failed', { archiveId, attempt: archive.attempt, error });
    if (delivery.receiveCount >= delivery.maxReceives) {
      const now = clock();
      await finish(
        stores,
        archive,
        { ...archive, status: 'failed', failure: { reason, at: now.toISOString() } },
        'ArchiveFailed',
        { reason },
        now,
      );
      return 'failed';
    }
    await stores.archives.note(archive, { lastError: reason });
    throw error;
  }
}

/** The API's view of an archive: status and progress, and a 15-minute link once it is ready. */
export async function archiveView(
  record: ArchiveRecord,
  link: (key: string, fileName: string) => Promise<{ downloadUrl: string; expiresAt: string }>,
) {
  const { objectKey, expiresAt: archiveExpiresAt, ...view } = record;
  const ready = record.status === 'ready' && objectKey;
  return {
    ...view,
    progress: record.progress ?? null,
    warnings: record.warnings ?? [],
    ...(archiveExpiresAt ? { archiveExpiresAt } : {}),
    ...(ready ? await link(objectKey, `${record.inspectionId}-${record.archiveId}.zip`) : {}),
  };
}

export async function findArchive(store: ArchiveStore, archiveId: string): Promise<ArchiveRecord> {
  const record = ARCHIVE_ID_PATTERN.test(archiveId) ? await store.get(archiveId) : undefined;
  if (!record) throw new NotFound('archive', archiveId);
  return record;
}

/** A page of an inspection's archives, newest request first. */
export async function listArchives(
  stores: Pick<ArchiveStores, 'ledger' | 'archives'>,
  inspectionId: string,
  query: { limit: number; next?: string },
) {
  await stores.ledger.requireInspection(inspectionId);
  const cursor = query.next ? decodeCursor(query.next) : undefined;
  const page = await stores.archives.list(inspectionId, {
    limit: query.limit,
    ...(cursor ? { cursor } : {}),
  });
  return {
    archives: page.records.map(({ objectKey: _k, ...record }) => record),
    ...(page.cursor ? { next: encodeCursor(page.cursor) } : {}),
  };
}
