import { randomUUID } from 'node:crypto';
import type { ArchiveStore } from '#shared/store/archive-store.ts';

/**
 * An auditor's archive request written straight to the store, with no queue message pointing at
 * it: only the test that made it builds it.
 */
export async function queuedArchive(archives: ArchiveStore, inspectionId: string): Promise<string> {
  const archiveId = `a-${randomUUID().replace(/-/g, '').slice(0, 20)}`;
  await archives.create({
    archiveId,
    inspectionId,
    filters: {},
    requestedBy: { subject: 'auditor-1', name: '巡察组', roles: ['auditor'] },
    requestedAt: new Date().toISOString(),
    status: 'queued',
    attempt: 0,
  });
  return archiveId;
}
