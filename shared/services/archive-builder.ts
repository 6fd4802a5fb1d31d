import { randomUUID } from 'node:crypto';
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
import { StaleVersion } from '#shared/domain/errors.ts';
import type { Evidence } from '#shared/domain/evidence.ts';
import { calendarDate, type Inspection } from '#shared/domain/inspection.ts';
import { nextInspectionEvent } from '#shared/domain/inspection-events.ts';
import type { Item } from '#shared/domain/item.ts';
import { importNoteOf } from '#shared/domain/ledger.ts';
import { logger } from '#shared/observability.ts';
import type { ArchiveUpload } from '#shared/storage/archives.ts';
import { readReportFile } from '#shared/storage/files.ts';
import type { ArchiveStores } from './archives.ts';

/**
 * The archive builder (the buildArchive function): gathers an archive's content, streams it as a
 * signed ZIP into the archives bucket and records the outcome. A module of its own, apart from
 * services/archives.ts, so that the functions that request and read archives do not bundle the
 * ZIP writer (yazl).
 */

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

/** The items an archive covers: every item, or those the filters name. */
function selectItems(items: readonly Item[], filters: ArchiveFilters): Item[] {
  return items.filter(
    (item) =>
      (!filters.refs || filters.refs.includes(item.ref)) &&
      (filters.aspect === undefined || item.aspectNo === filters.aspect) &&
      (!filters.department || item.responsibleDept === filters.department),
  );
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
