import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ContractViolation, ITEM_DETAIL_TYPES, type ItemDetailType } from '#events/contracts.ts';
import { DETAIL_TYPE_OF_CHAIN_TYPE, eventFromChainRecord, publishedDetailType } from '#events/from-chain.ts';
import { appendLink } from '#shared/domain/chain.ts';
import { decideScan } from '#shared/domain/deadlines.ts';
import { decideVerification, decideWithdrawal, type Evidence } from '#shared/domain/evidence.ts';
import {
  decideLookBack,
  decideLookBackConfirmation,
  decideReattestation,
} from '#shared/domain/follow-ups.ts';
import type { Item, ItemEvent, ItemEventType } from '#shared/domain/item.ts';
import { decideProgress } from '#shared/domain/progress.ts';
import { actorRef } from '#shared/domain/roles.ts';
import { decideTransition } from '#shared/domain/transitions.ts';
import { type ChainRecord, chainRecords } from '#shared/store/chain-records.ts';
import { anItem, principals } from '../../support/items.ts';

// Records come from the domain's own deciders, so the test fails when what the domain writes
// drifts from what the contracts say.
const inspection = { feedbackDate: '2024-06-20', timezone: 'Asia/Shanghai' };
const context = (at: string) => ({ eventId: randomUUID(), at });
const scanned = (item: Item, day: string) =>
  decideScan(item, inspection, day, { at: `${day}T00:05:00.000Z`, newEventId: randomUUID })?.events ?? [];

const open = anItem({
  status: 'in_progress',
  evidenceCount: 1,
  measures: [
    { text: '新招录全科医生32名', done: true },
    { text: '开展城乡对口支援', done: false },
  ],
});
const closeOut = decideTransition(
  { ...open, status: 'rectified', rectifiedBy: principals.department.subject },
  { to: 'closed', expectedVersion: open.version },
  principals.admin,
  context('2024-10-15T02:00:00.000Z'),
);
const closed = closeOut.item;
const lookBack = decideLookBack(closed, inspection, '2025-04-15', context('2025-04-14T16:05:00.000Z'));
const longTerm = { ...closed, longTerm: true };
const evidence: Evidence = {
  evidenceId: `ev-${randomUUID()}`,
  itemId: open.itemId,
  inspectionId: open.inspectionId,
  ref: open.ref,
  fileName: '全科医生招录公告.pdf',
  contentType: 'application/pdf',
  size: 482_133,
  sha256: '18ac3e7343f016890c510e93f935261169d9e3f565436429830faf0934f4f8e4',
  state: 'pending',
  objectKey: 'uploads/ev-1',
  requestedBy: actorRef(principals.department),
  requestedAt: '2024-08-16T02:19:00.000Z',
};
const stored = decideVerification(open, evidence, { ok: true }, context('2024-08-16T02:20:31.000Z'));
const [dueSoon] = scanned(open, '2024-09-24');
const [overdue, escalated] = scanned(
  {
    ...open,
    ladder: {
      lastScanDate: '2024-10-02',
      lastScanAt: '2024-10-02T00:05:00.000Z',
      redScans: 2,
      yellowStreak: 0,
    },
  },
  '2024-10-03',
);

const published: { chainType: ItemEventType; detailType: ItemDetailType; item: Item; event?: ItemEvent }[] = [
  { chainType: 'StatusChanged', detailType: 'ItemStatusChanged', item: open, event: closeOut.event },
  {
    chainType: 'ProgressReported',
    detailType: 'ProgressReported',
    item: open,
    event: decideProgress(
      open,
      { text: '已开展城乡对口支援', measuresDone: [0, 1], effectiveDate: '2024-08-15' },
      principals.department,
      context('2024-08-16T02:15:00.000Z'),
    ).event,
  },
  { chainType: 'EvidenceStored', detailType: 'EvidenceStored', item: open, event: stored.event },
  {
    chainType: 'EvidenceRejected',
    detailType: 'EvidenceRejected',
    item: open,
    event: decideVerification(
      open,
      evidence,
      { ok: false, reason: 'size-mismatch', detail: 'declared 482133 bytes, received 1048576' },
      context('2024-08-16T02:25:07.000Z'),
    ).event,
  },
  {
    chainType: 'EvidenceWithdrawn',
    detailType: 'EvidenceWithdrawn',
    item: open,
    event: decideWithdrawal(
      stored.item,
      stored.evidence,
      actorRef(principals.department),
      '误传了其他事项的材料',
      context('2024-08-17T01:10:00.000Z'),
    ).event,
  },
  { chainType: 'DueSoon', detailType: 'ItemDueSoon', item: open, event: dueSoon },
  { chainType: 'Overdue', detailType: 'ItemOverdue', item: open, event: overdue },
  { chainType: 'Escalated', detailType: 'ItemEscalated', item: open, event: escalated },
  { chainType: 'LookBackDue', detailType: 'LookBackDue', item: closed, event: lookBack?.event },
  {
    chainType: 'LookBackConfirmed',
    detailType: 'LookBackConfirmed',
    item: closed,
    event: lookBack
      ? decideLookBackConfirmation(
          lookBack.item,
          inspection,
          actorRef(principals.otherAdmin),
          '回头看：全科医生均在岗',
          context('2025-04-20T03:00:00.000Z'),
        ).event
      : undefined,
  },
  {
    chainType: 'ReattestationDue',
    detailType: 'ReattestationDue',
    item: longTerm,
    event: decideReattestation(longTerm, inspection, '2025-01-14', context('2025-01-13T16:05:00.000Z'))
      ?.event,
  },
];

/**
 * The chain record as the ledger table holds it, read back as the publisher reads it: through the
 * codec shared/store/ledger-store.ts writes it with.
 */
function storedRecord(event: ItemEvent, item: Item): ChainRecord {
  return chainRecords.read(
    chainRecords.encode(event, {
      importId: 'imp-1',
      ref: item.ref,
      title: item.title,
      department: item.responsibleDept,
      ...(item.responsibleLeader ? { leader: item.responsibleLeader } : {}),
    }),
  );
}

/** The record as stored with some attributes changed, read back. */
function storedWith(record: ChainRecord, change: Record<string, unknown>): ChainRecord {
  return chainRecords.read({ ...chainRecords.encode(record.value, record.beside), ...change });
}

function recordOf(chainType: ItemEventType): ChainRecord {
  const found = published.find((entry) => entry.chainType === chainType);
  if (!found?.event) throw new Error(`no ${chainType} record was decided`);
  return storedRecord(found.event, found.item);
}

describe('eventFromChainRecord', () => {
  it.each(published)(
    'publishes $chainType as $detailType: the item as it stood, without the store’s attributes',
    ({ chainType, detailType, item, event }) => {
      if (!event) throw new Error(`the domain decided no ${chainType} record`);
      expect(event.type).toBe(chainType);
      expect(publishedDetailType(chainType)).toBe(detailType);
      expect(eventFromChainRecord(storedRecord(event, item))).toStrictEqual({
        detailType,
        detail: {
          schemaVersion: 1,
          eventId: event.eventId,
          itemId: item.itemId,
          inspectionId: item.inspectionId,
          ref: item.ref,
          title: item.title,
          department: item.responsibleDept,
          leader: item.responsibleLeader,
          at: event.at,
          actor: event.actor,
          seq: event.seq,
          hash: event.hash,
          data: event.data,
        },
      });
    },
  );

  it('covers every chain type that is published, each as a different item detail-type', () => {
    const declared = Object.entries(DETAIL_TYPE_OF_CHAIN_TYPE).filter(([, detailType]) => detailType);
    expect(published.map((entry) => entry.chainType).sort()).toEqual(
      declared.map(([chainType]) => chainType).sort(),
    );
    expect(declared.map(([, detailType]) => detailType).sort()).toEqual([...ITEM_DETAIL_TYPES].sort());
  });

  it('publishes nothing for Imported', () => {
    const imported = appendLink(undefined, {
      eventId: randomUUID(),
      itemId: open.itemId,
      inspectionId: open.inspectionId,
      type: 'Imported' as const,
      at: '2024-06-21T01:00:00.000Z',
      actor: actorRef(principals.admin),
      data: { importId: 'imp-1', title: open.title, status: 'not_started' },
    });
    expect(publishedDetailType('Imported')).toBeUndefined();
    expect(eventFromChainRecord(storedRecord(imported, open))).toBeUndefined();
  });

  it('publishes nothing for a record a replace copied into a new generation (it was published when first written)', () => {
    const record = recordOf('StatusChanged');
    expect(eventFromChainRecord(record)).toBeDefined();
    expect(
      eventFromChainRecord(storedWith(record, { importId: 'imp-2', copiedFrom: 'imp-1' })),
    ).toBeUndefined();
  });

  it('publishes nothing for the records of a replace (PlanRevised, Withdrawn): they stay in the trail', () => {
    expect(publishedDetailType('PlanRevised')).toBeUndefined();
    expect(publishedDetailType('Withdrawn')).toBeUndefined();
  });

  it('leaves leader out for an item without one', () => {
    const record = storedRecord(closeOut.event, { ...open, responsibleLeader: '' });
    expect(record.beside).not.toHaveProperty('leader');
    expect(eventFromChainRecord(record)?.detail).not.toHaveProperty('leader');
  });

  it.each([
    [
      'a status that does not exist',
      'StatusChanged',
      { data: { ...closeOut.event.data, to: 'done' } },
      'data.to',
    ],
    [
      'a record written without the item’s department',
      'ProgressReported',
      { department: undefined },
      'department',
    ],
    ['an event id that is not a UUID', 'DueSoon', { eventId: 'event-1' }, 'eventId'],
    [
      'a field the contract does not name',
      'Overdue',
      { data: { ...overdue?.data, light: 'red' } },
      'data.light',
    ],
  ] as const)(
    'refuses %s, naming the record, the detail-type and the field',
    (_, chainType, change, field) => {
      const record = storedWith(recordOf(chainType), change);
      expect(() => eventFromChainRecord(record)).toThrow(ContractViolation);
      expect(() => eventFromChainRecord(record)).toThrow(
        `chain record ${record.value.itemId} seq ${record.value.seq} (${chainType}) does not fit the ${publishedDetailType(chainType)} contract: ${field}:`,
      );
    },
  );

  it('refuses a chain type it has no entry for, rather than dropping it', () => {
    const record = storedWith(recordOf('StatusChanged'), { type: 'ItemDeleted' });
    expect(() => eventFromChainRecord(record)).toThrow(/\(ItemDeleted\) has a type no event is declared for/);
  });
});
