import { randomUUID } from 'node:crypto';
import { decideScan } from '#shared/domain/deadlines.ts';
import { Conflict } from '#shared/domain/errors.ts';
import { decideLookBack, decideReattestation } from '#shared/domain/follow-ups.ts';
import { calendarDate, type Inspection } from '#shared/domain/inspection.ts';
import type { Item, ItemEvent } from '#shared/domain/item.ts';
import { countsAsRectified } from '#shared/domain/status.ts';
import { logger } from '#shared/observability.ts';
import type { LedgerStore } from '#shared/store/ledger-store.ts';
import { retryOnConcurrentChange } from './items.ts';

/** What a scan decides for one item on one day: the item and the records to append, or nothing. */
type Decide = (
  item: Item,
  inspection: Inspection,
  today: string,
  context: { at: string; newEventId: () => string },
) => { item: Item; events: ItemEvent[] } | undefined;

interface ScanDefinition {
  readonly name: string;
  /** Items worth deciding on (the rest are not even considered). */
  readonly select: (item: Item) => boolean;
  readonly decide: Decide;
}

export interface ScanReport {
  readonly scan: string;
  readonly inspections: number;
  readonly considered: number;
  /** Items that got at least one record. */
  readonly recorded: number;
  readonly records: Readonly<Record<string, number>>;
}

/** The scheduled scans, by schedule name (catalog/functions.ts). */
export const SCANS = {
  deadlines: {
    name: 'deadlines',
    select: (item) => !countsAsRectified(item.status),
    decide: decideScan,
  },
  lookback: {
    name: 'lookback',
    select: (item) => item.status === 'closed',
    decide: (item, inspection, today, context) =>
      one(decideLookBack(item, inspection, today, eventContext(context))),
  },
  reattest: {
    name: 'reattest',
    select: (item) => item.longTerm && countsAsRectified(item.status),
    decide: (item, inspection, today, context) =>
      one(decideReattestation(item, inspection, today, eventContext(context))),
  },
} as const satisfies Record<string, ScanDefinition>;

export type ScanName = keyof typeof SCANS;

function eventContext(context: { at: string; newEventId: () => string }) {
  return { at: context.at, eventId: context.newEventId() };
}
function one(decided: { item: Item; event: ItemEvent } | undefined) {
  return decided && { item: decided.item, events: [decided.event] };
}

/** A scan that had to leave inspections for its retry (they were being revised). */
export class ScanDeferred extends Error {
  override name = 'ScanDeferred';
  readonly inspectionIds: readonly string[];
  constructor(scan: string, inspectionIds: readonly string[]) {
    super(
      `scan ${scan} deferred ${inspectionIds.join(', ')} (a replace import was under way); retry the run`,
    );
    this.inspectionIds = inspectionIds;
  }
}

/** Items changed by a request while the scan decided on them are read again this many times. */
const RETRIES = 4;
const PARALLEL = 4;

/**
 * Runs one scan over every inspection, judging each item on the calendar date of `now` in its
 * inspection's time zone. Each decision is appended to the item's chain with the item in one
 * transaction (the stream then carries it to the bus). Every decision remembers what it
 * announced, so running a scan twice on one day records nothing the second time.
 */
export async function runScan(store: LedgerStore, scan: ScanDefinition, now: Date): Promise<ScanReport> {
  let considered = 0;
  let recorded = 0;
  const records: Record<string, number> = {};
  const inspections = await store.listInspections();
  const deferred: string[] = [];
  for (const inspection of inspections) {
    const today = calendarDate(now, inspection.timezone);
    // Withdrawn items (left out of the plan by a replace) are not chased; they take no writes.
    const items = (await store.listItems(inspection)).filter((item) => !item.withdrawn && scan.select(item));
    considered += items.length;
    const scanOne = (listed: Item) => {
      let fresh: Item | undefined = listed;
      return retryOnConcurrentChange(async () => {
        const item = fresh ?? (await store.getItem(inspection.inspectionId, listed.ref))?.item;
        fresh = undefined; // a retry reads the item again
        if (!item) return;
        const decided = scan.decide(item, inspection, today, {
          at: now.toISOString(),
          newEventId: randomUUID,
        });
        if (!decided) return;
        await store.commitChange(inspection, item, decided.item, decided.events);
        recorded += 1;
        for (const event of decided.events) records[event.type] = (records[event.type] ?? 0) + 1;
      }, RETRIES);
    };
    try {
      for (let start = 0; start < items.length; start += PARALLEL) {
        await Promise.all(items.slice(start, start + PARALLEL).map(scanOne));
      }
    } catch (error) {
      // A replace holding the inspection's lease (or just done) refuses item writes with a
      // Conflict: the other inspections are still scanned, and the run then fails so that the
      // scheduler's retry comes back for this one (a scan records nothing twice on one day).
      if (!(error instanceof Conflict)) throw error;
      logger.warn('scan deferred for an inspection being revised', {
        inspectionId: inspection.inspectionId,
        reason: error.message,
      });
      deferred.push(inspection.inspectionId);
    }
  }
  const report = { scan: scan.name, inspections: inspections.length, considered, recorded, records };
  logger.info('scan done', { ...report, deferred, now: now.toISOString() });
  if (deferred.length > 0) throw new ScanDeferred(scan.name, deferred);
  return report;
}
