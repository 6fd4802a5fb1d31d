import { randomBytes } from 'node:crypto';
import { ARCHIVE_ID_PATTERN, type ArchiveRecord } from '#shared/domain/archive/archive.ts';
import type { ArchiveFilters } from '#shared/domain/archive/manifest.ts';
import { NotFound, ValidationFailed } from '#shared/domain/errors.ts';
import type { Principal } from '#shared/domain/roles.ts';
import { actorRef } from '#shared/domain/roles.ts';
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

function invalid(path: string, message: string, messageZh: string): never {
  throw new ValidationFailed([{ path, message, messageZh }]);
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
