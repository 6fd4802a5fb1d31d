import type { InspectionEvent } from '#shared/domain/inspection-events.ts';
import type { ItemEvent } from '#shared/domain/item.ts';
import { codec, type Stored } from './codec.ts';
import { keys } from './keys.ts';

/**
 * The records of the hash chains, as the ledgers write them and the stream publisher reads them
 * (no AWS import here, so that events/ may read them too).
 */

/**
 * What an item's chain record carries outside the sealed event (the hash covers none of it):
 * where the item stood when the record was written — ref, title, responsible department and
 * leader key — so that the publisher can address the event without reading the item.
 */
export interface ChainPlacement {
  /** The import generation the record belongs to. */
  readonly importId: string;
  readonly ref: string;
  readonly title: string;
  readonly department: string;
  /** The leader key, not the name: the notifier addresses `leader:<key>` inboxes by it. */
  readonly leader?: string;
  /** On a copy a replace carried into a new generation: the generation it was first written in. */
  readonly copiedFrom?: string;
  /** The request that wrote the record, carried onto its bus event. */
  readonly correlationId?: string;
}

export const chainRecords = codec<ItemEvent, ChainPlacement>({
  entity: 'ChainEvent',
  keys: (event, at) => keys.chainEvent(at.importId, at.ref, event.seq),
  beside: {
    importId: true,
    ref: true,
    title: true,
    department: true,
    leader: true,
    copiedFrom: true,
    correlationId: true,
  },
});

/** An item's chain record as read: the sealed event and where it was written. */
export type ChainRecord = Stored<ItemEvent, ChainPlacement>;

/** What an inspection's chain record carries outside the sealed event. */
export interface InspectionEventPlacement {
  /** The request that wrote the record, carried onto its bus event. */
  readonly correlationId?: string;
}

export const inspectionChainRecords = codec<InspectionEvent, InspectionEventPlacement>({
  entity: 'InspectionEvent',
  keys: (event) => keys.inspectionEvent(event.inspectionId, event.seq),
  beside: { correlationId: true },
});

/** An inspection's chain record as read. */
export type InspectionChainRecord = Stored<InspectionEvent, InspectionEventPlacement>;
