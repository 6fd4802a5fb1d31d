/**
 * The names of the detail-types Rectify puts on its bus, without their schemas: the bus rules
 * (catalog/resources.ts, read by every function) need the names only, not zod and the contracts.
 * events/contracts.ts defines a schema for exactly these names, in this order.
 */
export const ITEM_DETAIL_TYPES = [
  'ItemStatusChanged',
  'ProgressReported',
  'EvidenceStored',
  'EvidenceRejected',
  'EvidenceWithdrawn',
  'ItemDueSoon',
  'ItemOverdue',
  'ItemEscalated',
  'LookBackDue',
  'LookBackConfirmed',
  'ReattestationDue',
] as const;

export const INSPECTION_DETAIL_TYPES = ['SummaryGenerated', 'ArchiveReady', 'ArchiveFailed'] as const;

export const DETAIL_TYPES = [...ITEM_DETAIL_TYPES, ...INSPECTION_DETAIL_TYPES] as const;

/** The detail-types of events about one item (they carry the item envelope). */
export type ItemDetailType = (typeof ITEM_DETAIL_TYPES)[number];
export type InspectionDetailType = (typeof INSPECTION_DETAIL_TYPES)[number];
export type DetailType = (typeof DETAIL_TYPES)[number];
