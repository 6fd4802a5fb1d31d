import { type Light, lightOf } from './deadlines.ts';
import type { Inspection } from './inspection.ts';
import type { Item } from './item.ts';
import { ITEM_STATUSES, type ItemStatus } from './status.ts';

/**
 * Per-inspection counters (by status, by light, measures), kept by a consumer of the bus so that
 * reading the totals costs one item read. Each item's share is counted as an absolute
 * contribution at a version; a newer version replaces it by the difference, so counting is
 * idempotent and indifferent to the order events arrive in.
 */
export interface Contribution {
  readonly status: ItemStatus;
  readonly light: Light;
  readonly measuresTotal: number;
  readonly measuresDone: number;
}

export interface Totals {
  readonly items: number;
  readonly byStatus: Readonly<Record<ItemStatus, number>>;
  readonly byLight: Readonly<Record<Light, number>>;
  readonly measures: { readonly total: number; readonly done: number };
}

const LIGHTS: readonly Light[] = ['green', 'yellow', 'red'];

/** What one item adds to the totals, judged on `today` (a date in the inspection's time zone). */
export function contributionOf(
  item: Item,
  inspection: Pick<Inspection, 'feedbackDate' | 'timezone'>,
  today: string,
): Contribution {
  return {
    status: item.status,
    light: lightOf(item, inspection, today),
    measuresTotal: item.measures.length,
    measuresDone: item.measures.filter((measure) => measure.done).length,
  };
}

/** The counters as flat paths (`status.closed`, `light.red`, `measures.done`, `items`). */
export type CounterDeltas = Readonly<Record<string, number>>;

function countersOf(contribution: Contribution | undefined, sign: 1 | -1): Record<string, number> {
  if (!contribution) return {};
  return {
    items: sign,
    [`status.${contribution.status}`]: sign,
    [`light.${contribution.light}`]: sign,
    'measures.total': sign * contribution.measuresTotal,
    'measures.done': sign * contribution.measuresDone,
  };
}

/** How the counters move when an item's counted share goes from `before` (absent: none) to `after`. */
export function deltaOf(before: Contribution | undefined, after: Contribution): CounterDeltas {
  const deltas: Record<string, number> = { ...countersOf(before, -1) };
  for (const [path, value] of Object.entries(countersOf(after, 1)))
    deltas[path] = (deltas[path] ?? 0) + value;
  return Object.fromEntries(Object.entries(deltas).filter(([, value]) => value !== 0));
}

/** The totals of a set of contributions: what the counters must equal. */
export function totalsOf(contributions: Iterable<Contribution>): Totals {
  const byStatus = Object.fromEntries(ITEM_STATUSES.map((status) => [status, 0])) as Record<
    ItemStatus,
    number
  >;
  const byLight = Object.fromEntries(LIGHTS.map((light) => [light, 0])) as Record<Light, number>;
  let items = 0;
  let total = 0;
  let done = 0;
  for (const contribution of contributions) {
    items += 1;
    byStatus[contribution.status] += 1;
    byLight[contribution.light] += 1;
    total += contribution.measuresTotal;
    done += contribution.measuresDone;
  }
  return { items, byStatus, byLight, measures: { total, done } };
}

/** The flat counters (`items`, `status.<status>`, `light.<light>`, `measures.*`) of some totals. */
export function countersFromTotals(totals: Totals): Record<string, number> {
  return {
    items: totals.items,
    ...Object.fromEntries(Object.entries(totals.byStatus).map(([status, n]) => [`status.${status}`, n])),
    ...Object.fromEntries(Object.entries(totals.byLight).map(([light, n]) => [`light.${light}`, n])),
    'measures.total': totals.measures.total,
    'measures.done': totals.measures.done,
  };
}

/** Totals from the flat counters as stored (missing counters are zero). */
export function totalsFromCounters(counters: Readonly<Record<string, number>>): Totals {
  const read = (path: string) => counters[path] ?? 0;
  return {
    items: read('items'),
    byStatus: Object.fromEntries(ITEM_STATUSES.map((status) => [status, read(`status.${status}`)])) as Record<
      ItemStatus,
      number
    >,
    byLight: Object.fromEntries(LIGHTS.map((light) => [light, read(`light.${light}`)])) as Record<
      Light,
      number
    >,
    measures: { total: read('measures.total'), done: read('measures.done') },
  };
}
