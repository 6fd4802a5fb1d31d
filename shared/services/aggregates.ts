import {
  contributionOf,
  countersFromTotals,
  deltaOf,
  totalsFromCounters,
  totalsOf,
} from '#shared/domain/aggregates.ts';
import { calendarDate, type Inspection } from '#shared/domain/inspection.ts';
import type { Item } from '#shared/domain/item.ts';
import { logger } from '#shared/observability.ts';
import { type AggregateStore, CountedMeanwhile } from '#shared/store/aggregate-store.ts';
import type { LedgerStore } from '#shared/store/ledger-store.ts';

/** Consumers racing on one item read again this many times. */
const RETRIES = 5;

/**
 * Recomputes an inspection's counters from its ledger and writes them with every item's share:
 * the seed after an import, and the repair when counters are in doubt.
 */
export async function rebuildTotals(
  stores: { ledger: LedgerStore; aggregates: AggregateStore },
  inspection: Inspection,
  now = new Date(),
  items?: readonly Item[],
) {
  const today = calendarDate(now, inspection.timezone);
  const all = items ?? (await stores.ledger.listItems(inspection));
  // Withdrawn items (left out of the plan by a replace) count nowhere.
  const shares = all
    .filter((item) => !item.withdrawn)
    .map((item) => ({
      ref: item.ref,
      counted: { contribution: contributionOf(item, inspection, today), version: item.version },
    }));
  const counters = countersFromTotals(totalsOf(shares.map((share) => share.counted.contribution)));
  await stores.aggregates.replaceAll(inspection, shares, counters);
  return totalsFromCounters(counters);
}

/**
 * Counts one item event: reads the item as it is now, and replaces its counted share if the item
 * is newer than what was counted. A redelivered or late event finds nothing newer and changes
 * nothing; events arriving out of order still end at the latest state.
 */
export async function countItemEvent(
  stores: { ledger: LedgerStore; aggregates: AggregateStore },
  event: { inspectionId: string; ref: string },
  now = new Date(),
): Promise<'counted' | 'unchanged' | 'gone'> {
  for (let attempt = 0; ; attempt++) {
    const found = await stores.ledger.getItem(event.inspectionId, event.ref);
    // A withdrawn item's share left the counters with the replace that withdrew it.
    if (!found || found.item.withdrawn) return 'gone';
    const { item, inspection } = found;
    const before = await stores.aggregates.counted(inspection, item.ref);
    if (before && before.version >= item.version) return 'unchanged';
    const after = {
      contribution: contributionOf(item, inspection, calendarDate(now, inspection.timezone)),
      version: item.version,
    };
    try {
      await stores.aggregates.recount(
        inspection,
        item.ref,
        before,
        after,
        deltaOf(before?.contribution, after.contribution),
      );
      return 'counted';
    } catch (error) {
      if (!(error instanceof CountedMeanwhile) || attempt >= RETRIES) throw error;
      logger.debug('item counted meanwhile; reading it again', { itemId: item.itemId });
    }
  }
}

/** The counters of the inspection's visible generation: one item read (after the inspection's). */
export async function readTotals(aggregates: AggregateStore, inspection: Inspection) {
  const counters = await aggregates.counters(inspection);
  return counters ? totalsFromCounters(counters) : undefined;
}
