import { appendLink } from './chain.ts';
import type { AspectOutline, Inspection } from './inspection.ts';
import { type ActorRef, type Item, type ItemEvent, itemIdOf } from './item.ts';
import type { Plan } from './plan/model.ts';
import { countsAsRectified, ITEM_STATUSES, type ItemStatus } from './status.ts';

/**
 * Turns a validated plan into the ledger it describes: the inspection, its items as the plan
 * states them (history as it stood), and each item's first chain record, `Imported`.
 */
export function ledgerFromPlan(
  plan: Plan,
  context: {
    inspectionId: string;
    importId: string;
    actor: ActorRef;
    at: string;
    newId: () => string;
    replacedImports?: readonly string[];
  },
): { inspection: Inspection; items: Item[]; events: ItemEvent[] } {
  const items: Item[] = [];
  const events: ItemEvent[] = [];
  const aspects: AspectOutline[] = plan.aspects.map((aspect) => ({
    no: aspect.no,
    title: aspect.title,
    problems: aspect.problems.map((problem) => ({ no: problem.no, title: problem.title })),
  }));
  for (const aspect of plan.aspects) {
    for (const problem of aspect.problems) {
      for (const planned of problem.items) {
        const itemId = itemIdOf(context.inspectionId, planned.ref);
        const snapshot = {
          title: planned.title,
          ...(planned.description ? { description: planned.description } : {}),
          status: planned.status,
          longTerm: planned.longTerm,
          responsibleLeader: planned.responsibleLeader,
          ...(planned.responsibleLeaderId ? { responsibleLeaderId: planned.responsibleLeaderId } : {}),
          responsibleDept: planned.responsibleDept,
          deadline: planned.deadline,
          ...(planned.progress ? { progress: planned.progress } : {}),
          measures: planned.measures.map((m) => ({ text: m.text, done: m.done })),
        };
        const event = appendLink(undefined, {
          eventId: context.newId(),
          itemId,
          inspectionId: context.inspectionId,
          type: 'Imported' as const,
          at: context.at,
          actor: context.actor,
          // The 台账's state comes in as it stood, and the record says so explicitly: which
          // status was imported and by whom (not only the envelope's actor), so an item that
          // arrives closed reads as "closed before import", never as a close-out of Rectify's.
          data: {
            importId: context.importId,
            ...snapshot,
            importedStatus: planned.status,
            importedBy: context.actor,
          },
        });
        events.push(event);
        items.push({
          itemId,
          inspectionId: context.inspectionId,
          ref: planned.ref,
          aspectNo: aspect.no,
          problemNo: problem.no,
          no: planned.no,
          ...snapshot,
          ...(planned.status !== 'not_started' ? { importedStatus: planned.status } : {}),
          evidenceCount: 0,
          version: event.seq,
          chainHead: event.hash,
          updatedAt: context.at,
        });
      }
    }
  }
  // The plan's id (when it had one) is context.inspectionId; every other field carries over.
  const { id: _planId, ...header } = plan.inspection;
  return {
    inspection: {
      ...header,
      inspectionId: context.inspectionId,
      aspects,
      itemCount: items.length,
      outcomes: plan.outcomes,
      importId: context.importId,
      importedAt: context.at,
      importedBy: context.actor,
      replacedImports: context.replacedImports ?? [],
    },
    items,
    events,
  };
}

/** How the ledger, its exports and archives name a state the 台账 carried in (see importNoteOf). */
export const IMPORT_NOTES = {
  'closed-before-import': { 'zh-CN': '导入前已销号', en: 'closed before import' },
  'rectified-before-import': { 'zh-CN': '导入前已整改', en: 'rectified before import' },
} as const;
export type ImportNote = keyof typeof IMPORT_NOTES;

/**
 * Whether the item's current state is the one its 台账 brought in, not one reached in Rectify:
 * imported `closed` and never signed off here is "closed before import" (its sign-off is on paper,
 * so `signOff` stays absent); imported `rectified` and never marked rectified here is "rectified
 * before import". Once the item moves on (reopened, rectified or closed in Rectify) the note goes.
 */
export function importNoteOf(
  item: Pick<Item, 'status' | 'importedStatus' | 'signOff' | 'rectifiedAt'>,
): ImportNote | undefined {
  if (item.status === 'closed' && item.importedStatus === 'closed' && !item.signOff) {
    return 'closed-before-import';
  }
  if (item.status === 'rectified' && item.importedStatus === 'rectified' && !item.rectifiedAt) {
    return 'rectified-before-import';
  }
  return undefined;
}

/**
 * An open item whose deadline (a calendar date in the inspection's zone) has passed. An item
 * withdrawn from the plan (plan-revision.ts) is due nothing any more.
 */
export function isOverdue(item: Pick<Item, 'status' | 'deadline' | 'withdrawn'>, today: string): boolean {
  return !item.withdrawn && !countsAsRectified(item.status) && item.deadline < today;
}

export interface StatusCounts extends Record<ItemStatus, number> {
  readonly total: number;
  /** `rectified` + `closed`. */
  readonly rectifiedTotal: number;
  readonly overdue: number;
  readonly measuresTotal: number;
  readonly measuresDone: number;
}

function emptyCounts(): { -readonly [K in keyof StatusCounts]: number } {
  return {
    ...(Object.fromEntries(ITEM_STATUSES.map((s) => [s, 0])) as Record<ItemStatus, number>),
    total: 0,
    rectifiedTotal: 0,
    overdue: 0,
    measuresTotal: 0,
    measuresDone: 0,
  };
}

export interface LedgerTotals {
  readonly all: StatusCounts;
  readonly byAspect: readonly ({ readonly aspectNo: number; readonly title: string } & StatusCounts)[];
  readonly byDepartment: readonly ({ readonly department: string } & StatusCounts)[];
}

/** Totals over a set of items, as of a calendar date in the inspection's zone. */
export function ledgerTotals(
  items: readonly Item[],
  aspects: readonly Pick<AspectOutline, 'no' | 'title'>[],
  today: string,
): LedgerTotals {
  const all = emptyCounts();
  const byAspect = new Map(aspects.map((a) => [a.no, { aspectNo: a.no, title: a.title, ...emptyCounts() }]));
  const byDepartment = new Map<string, { department: string } & ReturnType<typeof emptyCounts>>();
  for (const item of items) {
    let department = byDepartment.get(item.responsibleDept);
    if (!department) {
      department = { department: item.responsibleDept, ...emptyCounts() };
      byDepartment.set(item.responsibleDept, department);
    }
    const buckets = [all, department, byAspect.get(item.aspectNo)].filter((b) => b !== undefined);
    const overdue = isOverdue(item, today);
    const done = item.measures.filter((m) => m.done).length;
    for (const counts of buckets) {
      counts[item.status] += 1;
      counts.total += 1;
      if (countsAsRectified(item.status)) counts.rectifiedTotal += 1;
      if (overdue) counts.overdue += 1;
      counts.measuresTotal += item.measures.length;
      counts.measuresDone += done;
    }
  }
  return {
    all,
    byAspect: [...byAspect.values()],
    byDepartment: [...byDepartment.values()].sort((a, b) =>
      a.department.localeCompare(b.department, 'zh-CN'),
    ),
  };
}
