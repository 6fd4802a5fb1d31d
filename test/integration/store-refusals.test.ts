import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ArchiveRecord } from '#shared/domain/archive/archive.ts';
import { AlreadyExists, StaleVersion } from '#shared/domain/errors.ts';
import type { Evidence } from '#shared/domain/evidence.ts';
import { nextInspectionEvent } from '#shared/domain/inspection-events.ts';
import { generateSummary } from '#shared/services/summary-generation.ts';
import { archiveStore } from '#shared/store/archive-store.ts';
import { evidenceStore } from '#shared/store/evidence-store.ts';
import { inspectionChainStore } from '#shared/store/inspection-chain-store.ts';
import { ledgerStore } from '#shared/store/ledger-store.ts';
import { summaryStore } from '#shared/store/summary-store.ts';
import { apiClient, users } from '../support/api.ts';
import { queuedArchive } from '../support/archives.ts';
import { useLocalRuntime } from '../support/runtime.ts';

/**
 * What a store's refused transaction or create means, as the domain's errors (the services catch
 * those, never DynamoDB's cancellation reasons), against the emulator: the write with its chain
 * record lands whole or not at all.
 */
const local = useLocalRuntime('store-refusals');
const api = apiClient(local);
const plan = JSON.parse(
  readFileSync(path.resolve(import.meta.dirname, '../fixtures/plan.sample.json'), 'utf8'),
);
const INSPECTION = plan.inspection.id as string;
const admin = { subject: 'admin-1', name: '整改办', roles: ['admin' as const] };

beforeAll(async () => {
  expect((await api.post('/inspections/import', users.admin, { plan })).status).toBe(201);
});

const chainLength = async () => (await inspectionChainStore().chain(INSPECTION)).length;

describe('a store that runs a transaction with a chain record', () => {
  it('refuses a summary record made meanwhile with AlreadyExists, and appends no chain record', async () => {
    const summaryId = 'r-00000000000000000e01';
    const stores = { ledger: ledgerStore(), chains: inspectionChainStore(), summaries: summaryStore() };
    const made = await generateSummary(stores, {
      inspectionId: INSPECTION,
      summaryId,
      asOf: new Date('2024-10-25T15:59:59.999Z'),
      lang: 'zh-CN',
      trigger: 'request',
      actor: admin,
    });
    expect(made.created).toBe(true);
    const before = await chainLength();
    const again = inspectionChainStore().append(INSPECTION, (head) => ({
      event: nextInspectionEvent(head, {
        eventId: randomUUID(),
        inspectionId: INSPECTION,
        type: 'SummaryGenerated',
        at: new Date().toISOString(),
        actor: admin,
        data: { summaryId, asOf: made.record.asOf, lang: 'zh-CN', files: [] },
      }),
      with: [summaryStore().recordPut(made.record)],
    }));
    await expect(again).rejects.toBeInstanceOf(AlreadyExists);
    await expect(again).rejects.toMatchObject({ code: 'already_exists', params: { id: summaryId } });
    expect(await chainLength()).toBe(before);
  });

  it('refuses the end of an archive attempt a newer attempt replaced with StaleVersion, and appends nothing', async () => {
    const archives = archiveStore();
    const archiveId = await queuedArchive(archives, INSPECTION);
    const first = await archives.claim(archiveId, new Date().toISOString());
    const second = await archives.claim(archiveId, new Date().toISOString());
    if (!first || !second) throw new Error('the archive was not claimed');
    const finish = (attempt: ArchiveRecord) =>
      inspectionChainStore().append(INSPECTION, (head) => ({
        event: nextInspectionEvent(head, {
          eventId: randomUUID(),
          inspectionId: INSPECTION,
          type: 'ArchiveFailed',
          at: new Date().toISOString(),
          actor: attempt.requestedBy,
          data: { archiveId, reason: `attempt ${attempt.attempt}` },
        }),
        with: [archives.finishPut(attempt, { ...attempt, status: 'failed' })],
      }));
    const before = await chainLength();
    const stale = finish(first);
    await expect(stale).rejects.toBeInstanceOf(StaleVersion);
    await expect(stale).rejects.toMatchObject({ details: { expectedVersion: 1, currentVersion: 2 } });
    expect(await chainLength()).toBe(before);
    expect(await archives.get(archiveId)).toMatchObject({ status: 'building', attempt: 2 });

    await finish(second);
    expect(await chainLength()).toBe(before + 1);
    expect(await archives.get(archiveId)).toMatchObject({ status: 'failed', attempt: 2 });
  });
});

describe('a store that creates a record', () => {
  it('refuses an id that is taken with AlreadyExists, and keeps the record there', async () => {
    const evidence: Evidence = {
      evidenceId: `ev-${randomUUID()}`,
      itemId: `${INSPECTION}.1.1.1`,
      inspectionId: INSPECTION,
      ref: '1.1.1',
      fileName: '全科医生招录公告.pdf',
      contentType: 'application/pdf',
      size: 482_133,
      sha256: '18ac3e7343f016890c510e93f935261169d9e3f565436429830faf0934f4f8e4',
      state: 'pending',
      objectKey: 'uploads/ev-1',
      requestedBy: admin,
      requestedAt: '2024-08-16T02:19:00.000Z',
    };
    await evidenceStore().create(evidence);
    const again = evidenceStore().create({ ...evidence, fileName: 'other.pdf' });
    await expect(again).rejects.toBeInstanceOf(AlreadyExists);
    await expect(again).rejects.toMatchObject({
      code: 'already_exists',
      params: { resource: 'evidence', id: evidence.evidenceId },
    });
    expect(await evidenceStore().get(evidence.evidenceId)).toStrictEqual(evidence);
  });
});
