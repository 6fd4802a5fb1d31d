import type { InspectionEvent, InspectionEventType } from '#shared/domain/inspection-events.ts';
import type { ItemEvent, ItemEventType } from '#shared/domain/item.ts';
import {
  type EventDetail,
  type InspectionDetailType,
  type ItemDetailType,
  parseEvent,
  SCHEMA_VERSION,
} from './contracts.ts';

/**
 * Which detail-type each chain record type is published as. `Imported` is not published: an
 * import writes one per item, which would flood the bus, and nothing consumes it. Declared for
 * every chain type, so a new one does not compile until someone decides.
 */
export const DETAIL_TYPE_OF_CHAIN_TYPE = {
  Imported: undefined,
  StatusChanged: 'ItemStatusChanged',
  ProgressReported: 'ProgressReported',
  EvidenceStored: 'EvidenceStored',
  EvidenceRejected: 'EvidenceRejected',
  EvidenceWithdrawn: 'EvidenceWithdrawn',
  DueSoon: 'ItemDueSoon',
  Overdue: 'ItemOverdue',
  Escalated: 'ItemEscalated',
  LookBackDue: 'LookBackDue',
  LookBackConfirmed: 'LookBackConfirmed',
  ReattestationDue: 'ReattestationDue',
  // A replace import's records stay in the trail: the replace is an admin's act on the whole
  // plan (its PlanImported record is in the inspection's chain), and the new generation's
  // totals are rebuilt by the import itself, so no consumer needs them.
  PlanRevised: undefined,
  Withdrawn: undefined,
} as const satisfies Record<ItemEventType, ItemDetailType | undefined>;

/**
 * What a record type is published as, from its table; undefined when it is not published. A type
 * the table does not declare is a bug (a record Rectify does not know), never an event to drop.
 */
function declaredDetailType<Type extends string, Detail>(
  table: Readonly<Record<Type, Detail | undefined>>,
  type: string,
  subject: string,
): Detail | undefined {
  if (!Object.hasOwn(table, type)) throw new Error(`${subject} has a type no event is declared for`);
  return table[type as Type];
}

/** The detail-type a chain record of this type is published as; undefined when it is not published. */
export function publishedDetailType(chainType: ItemEventType): ItemDetailType | undefined {
  return DETAIL_TYPE_OF_CHAIN_TYPE[chainType];
}

/**
 * A chain record as the ledger table stores it, unmarshalled: the sealed event plus, outside the
 * hash, the store's keys and where the item stood when the record was written.
 */
export type StoredChainRecord = ItemEvent & {
  readonly PK: string;
  readonly SK: string;
  readonly entity: 'ChainEvent';
  readonly importId: string;
  readonly ref: string;
  readonly title: string;
  readonly department: string;
  readonly leader?: string;
  /** On a copy a replace carried into a new generation: the record was published when first written. */
  readonly copiedFrom?: string;
};

export type PublishedEvent = {
  [T in ItemDetailType]: { readonly detailType: T; readonly detail: EventDetail<T> };
}[ItemDetailType];

/**
 * The bus event of a chain record, or undefined for a type that is not published. Throws a
 * ContractViolation when the record does not fit its contract, and an Error for a chain type
 * Rectify does not know: both are bugs to surface, not events to drop.
 */
export function eventFromChainRecord(record: StoredChainRecord): PublishedEvent | undefined {
  const subject = `chain record ${record.itemId} seq ${record.seq} (${record.type})`;
  // A copy is the same event again (same eventId): announcing it twice would repeat notices.
  if (record.copiedFrom !== undefined) return undefined;
  const detailType = declaredDetailType(DETAIL_TYPE_OF_CHAIN_TYPE, record.type, subject);
  if (!detailType) return undefined;
  const detail = {
    schemaVersion: SCHEMA_VERSION,
    eventId: record.eventId,
    itemId: record.itemId,
    inspectionId: record.inspectionId,
    ref: record.ref,
    title: record.title,
    department: record.department,
    ...(record.leader === undefined ? {} : { leader: record.leader }),
    at: record.at,
    actor: record.actor,
    seq: record.seq,
    hash: record.hash,
    data: record.data,
  };
  return { detailType, detail: parseEvent(detailType, detail, subject) } as PublishedEvent;
}

/** Which inspection-chain records are published, and as what; the others stay in the trail. */
export const DETAIL_TYPE_OF_INSPECTION_EVENT_TYPE = {
  PlanImported: undefined,
  OutcomeRecorded: undefined,
  SummaryGenerated: 'SummaryGenerated',
  ArchiveReady: 'ArchiveReady',
  ArchiveFailed: 'ArchiveFailed',
  ReportTextSet: undefined,
} as const satisfies Record<InspectionEventType, InspectionDetailType | undefined>;

export type PublishedInspectionEvent = {
  [T in InspectionDetailType]: { readonly detailType: T; readonly detail: EventDetail<T> };
}[InspectionDetailType];

/**
 * The bus event of a record of an inspection's own chain, or undefined for a type that is not
 * published. A system actor (a schedule) is left out: the contract says who asked, if anyone did.
 */
export function eventFromInspectionRecord(record: InspectionEvent): PublishedInspectionEvent | undefined {
  const subject = `inspection record ${record.inspectionId} seq ${record.seq} (${record.type})`;
  const detailType = declaredDetailType(DETAIL_TYPE_OF_INSPECTION_EVENT_TYPE, record.type, subject);
  if (!detailType) return undefined;
  const detail = {
    schemaVersion: SCHEMA_VERSION,
    eventId: record.eventId,
    inspectionId: record.inspectionId,
    at: record.at,
    ...(record.actor.subject.startsWith('system:') ? {} : { actor: record.actor }),
    data: record.data,
  };
  return { detailType, detail: parseEvent(detailType, detail, subject) } as PublishedInspectionEvent;
}
