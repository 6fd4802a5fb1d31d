import { canSee, seesEverything } from '#shared/domain/access.ts';
import { NotFound } from '#shared/domain/errors.ts';
import { calendarDate, type Inspection } from '#shared/domain/inspection.ts';
import type { Item } from '#shared/domain/item.ts';
import { isOverdue, ledgerTotals } from '#shared/domain/ledger.ts';
import type { Principal } from '#shared/domain/roles.ts';
import type { ItemStatus } from '#shared/domain/status.ts';
import type { Lang } from '#shared/i18n/lang.ts';
import type { LedgerStore } from '#shared/store/ledger-store.ts';
import { itemView } from './items.ts';

export interface LedgerFilter {
  readonly status?: readonly ItemStatus[];
  readonly dept?: string;
  readonly overdue?: boolean;
  /** An import generation (the current one, or one a replace left behind) to read instead of the current. */
  readonly generation?: string;
}

/**
 * The public face of an inspection (the import bookkeeping stays inside), with its generations:
 * the current import first, then those it replaced, newest first (each readable with
 * `?generation=`).
 */
export function inspectionView(inspection: Inspection) {
  const { importId: _i, importedBy: _b, replacedImports: _r, outcomes: _o, ...view } = inspection;
  return { ...view, generations: [inspection.importId, ...inspection.replacedImports] };
}

/**
 * Which part of the ledger to read: a department user's own department through GSI1; leaders'
 * items span departments, so they read the ledger and see what they lead; those who see
 * everything read one department when they filter by it.
 */
function readScope(principal: Principal, filter: LedgerFilter): { department?: string } | 'nothing' {
  if (seesEverything(principal)) return filter.dept ? { department: filter.dept } : {};
  if (principal.roles.includes('leader')) return {};
  return principal.department ? { department: principal.department } : 'nothing';
}

/**
 * The ledger (工作台账) as the principal may see it: a department only its own items (read
 * through the department index, not filtered after reading everything), a leader the items
 * they lead; then the requested filters; totals over what is shown.
 */
export async function readLedger(
  store: LedgerStore,
  principal: Principal,
  inspectionId: string,
  filter: LedgerFilter,
  lang: Lang,
  now = new Date(),
) {
  const inspection = await store.requireInspection(inspectionId);
  const generation = filter.generation ?? inspection.importId;
  // Only the inspection's own generations: an id is not a way into another inspection's data.
  if (generation !== inspection.importId && !inspection.replacedImports.includes(generation)) {
    throw new NotFound('generation', `${inspectionId}@${generation}`);
  }
  const scope = readScope(principal, filter);
  const read =
    scope === 'nothing' ? [] : await store.listItems({ inspectionId, importId: generation }, scope);
  const today = calendarDate(now, inspection.timezone);
  const items = read.filter(
    (item: Item) =>
      canSee(principal, item) &&
      (!filter.dept || item.responsibleDept === filter.dept) &&
      (!filter.status || filter.status.includes(item.status)) &&
      (filter.overdue === undefined || isOverdue(item, today) === filter.overdue),
  );
  return {
    inspection: inspectionView(inspection),
    generation,
    asOf: now.toISOString(),
    today,
    // A withdrawn item is shown (marked `withdrawn`, never overdue) but counts in no total.
    totals: ledgerTotals(
      items.filter((item) => !item.withdrawn),
      inspection.aspects,
      today,
    ),
    items: items.map((item) => itemView(item, inspection, lang, today)),
  };
}
