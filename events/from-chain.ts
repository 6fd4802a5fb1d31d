import type { InspectionEventType } from '#shared/domain/inspection-events.ts';
import type { ItemEventType } from '#shared/domain/item.ts';
import type { ChainRecord, InspectionChainRecord } from '#shared/store/chain-records.ts';
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

export type PublishedEvent = {
  [T in ItemDetailType]: { readonly detailType: T; readonly detail: EventDetail<T> };
}[ItemDetailType];

/**
 * The bus event of a chain record (as shared/store/chain-records.ts reads it: the sealed event
 * and where the item stood), or undefined for a type that is not published. Throws a
 * ContractViolation when the record does not fit its contract, and an Error for a chain type
 * Rectify does not know: both are bugs to surface, not events to drop.
 */
export function eventFromChainRecord(record: ChainRecord): PublishedEvent | undefined {
  const { value: event, beside: at } = record;
  const subject = `chain record ${event.itemId} seq ${event.seq} (${event.type})`;
  // A copy is the same event again (same eventId): announcing it twice would repeat notices.
  if (at.copiedFrom !== undefined) return undefined;
  const detailType = declaredDetailType(DETAIL_TYPE_OF_CHAIN_TYPE, event.type, subject);
  if (!detailType) return undefined;
  const detail = {
    schemaVersion: SCHEMA_VERSION,
    eventId: event.eventId,
    itemId: event.itemId,
    inspectionId: event.inspectionId,
    ref: at.ref,
    title: at.title,
    department: at.department,
    ...(at.leader === undefined ? {} : { leader: at.leader }),
    at: event.at,
    actor: event.actor,
    seq: event.seq,
    hash: event.hash,
    // Kept beside the record, outside its hash: the request (or run) that wrote it.
    ...(at.correlationId === undefined ? {} : { correlationId: at.correlationId }),
    data: event.data,
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
export function eventFromInspectionRecord({
  value: record,
  beside,
}: InspectionChainRecord): PublishedInspectionEvent | undefined {
  const subject = `inspection record ${record.inspectionId} seq ${record.seq} (${record.type})`;
  const detailType = declaredDetailType(DETAIL_TYPE_OF_INSPECTION_EVENT_TYPE, record.type, subject);
  if (!detailType) return undefined;
  const detail = {
    schemaVersion: SCHEMA_VERSION,
    eventId: record.eventId,
    inspectionId: record.inspectionId,
    at: record.at,
    ...(record.actor.subject.startsWith('system:') ? {} : { actor: record.actor }),
    ...(beside.correlationId === undefined ? {} : { correlationId: beside.correlationId }),
    data: record.data,
  };
  return { detailType, detail: parseEvent(detailType, detail, subject) } as PublishedInspectionEvent;
}
