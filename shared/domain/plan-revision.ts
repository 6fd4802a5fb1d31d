import { canonicalJson } from './chain.ts';
import { RuleViolation } from './errors.ts';
import type { Inspection } from './inspection.ts';
import type { ActorRef, Item, ItemEvent, Measure, Withdrawal } from './item.ts';
import { recordEvent } from './item.ts';
import { ledgerFromPlan } from './ledger.ts';
import type { Plan, PlanItem } from './plan/model.ts';
import { ITEM_STATUSES, type ItemStatus, STATUS_LABELS } from './status.ts';

/**
 * A replace import changes the PLAN, never the workflow (DESIGN.md §7, "every side door is a
 * workflow rule"). Items are matched by ref and keep their status, version, evidence, sign-off
 * and hash chain; what the plan may change is listed in PLAN_FIELDS, and each change is a
 * `PlanRevised` record of the item's chain with every field's before and after. Items the new
 * plan drops are withdrawn (a `Withdrawn` record and `item.withdrawn`), never erased.
 *
 * The workflow's own state is out of the plan's reach:
 * - status: a plan status ahead of the item's refuses the whole import (only a transition, with
 *   its evidence and sign-off, moves an item forward); one equal or behind is ignored (reopening
 *   is a transition too).
 * - measures' `done` flags: they come only from progress reports. A measure keeps its flag when
 *   the revised list has the same text (the one at the same position first, else the first
 *   unclaimed measure with that text, so reordering and inserting keep them); a measure whose
 *   text is new starts not done, whatever the plan says. The plan's own flags are ignored.
 * - progress text (工作进展): reported through the progress form, so the plan's is ignored.
 * - new refs come in through the first-import rules (ledgerFromPlan, an `Imported` record) but
 *   only as not_started or in_progress: anything further along needs the workflow's proof.
 * - a withdrawn ref that is back in the plan is reinstated by its `PlanRevised` record
 *   (`reinstated: true`), under the same status rule as any existing item.
 */

/** The plan's fields of an item a replace may change, in the order the records list them. */
export const PLAN_FIELDS = [
  'title',
  'description',
  'measures',
  'responsibleLeader',
  'responsibleLeaderId',
  'responsibleDept',
  'deadline',
  'longTerm',
] as const satisfies readonly (keyof PlanItem & keyof Item)[];
export type PlanField = (typeof PLAN_FIELDS)[number];

/** One field of a `PlanRevised` record; `null` stands for "absent" (JSON has no undefined). */
export interface FieldChange {
  readonly field: PlanField;
  readonly before: unknown;
  readonly after: unknown;
}

/** One item the replace refuses, named by ref and by its place in the (normalised) plan. */
export interface RevisionRefusal {
  readonly path: string;
  readonly ref: string;
  readonly message: string;
  readonly messageZh: string;
}

export interface RevisionContext {
  readonly inspectionId: string;
  /** The new generation. */
  readonly importId: string;
  readonly actor: ActorRef;
  readonly at: string;
  readonly newId: () => string;
  /** Earlier generations, newest first (the one replaced first). */
  readonly replacedImports: readonly string[];
  /** Why dropped items leave the plan; a default naming the replace otherwise. */
  readonly withdrawReason?: string;
}

export interface Revision {
  /** The inspection as the new plan describes it (outline, header, outcomes, the new importId). */
  readonly inspection: Inspection;
  /** Every item of the new generation: kept, revised, reinstated, withdrawn and new. */
  readonly items: Item[];
  /** Only the records this replace appends (PlanRevised, Withdrawn, and new items' Imported). */
  readonly records: ItemEvent[];
  readonly revised: string[];
  readonly withdrawn: string[];
  readonly added: string[];
  /** Non-empty means nothing may be written. */
  readonly refusals: RevisionRefusal[];
}

const RANK = Object.fromEntries(ITEM_STATUSES.map((status, index) => [status, index])) as Record<
  ItemStatus,
  number
>;
const NEW_ITEM_STATUSES: readonly ItemStatus[] = ['not_started', 'in_progress'];
const zh = (status: ItemStatus) => STATUS_LABELS[status]['zh-CN'];

/** The default reason of a withdrawal, in both languages, naming the replace. */
export function defaultWithdrawReason(importId: string): { zh: string; en: string } {
  return {
    zh: `整改方案替换导入（批次 ${importId}）时该事项已从方案中删除`,
    en: `removed from the plan by the replace import ${importId}`,
  };
}

/** The measures of a revised item: the plan's texts, each keeping `done` only for the same text. */
export function carryMeasures(current: readonly Measure[], planned: readonly Measure[]): Measure[] {
  const claimed = new Set<number>();
  const texts = planned.map((measure) => measure.text.trim());
  // Same text at the same position first, so duplicates of one text keep their own flags.
  const match: (number | undefined)[] = texts.map((text, index) =>
    current[index]?.text.trim() === text ? index : undefined,
  );
  for (const index of match) if (index !== undefined) claimed.add(index);
  texts.forEach((text, position) => {
    if (match[position] !== undefined) return;
    const found = current.findIndex((measure, index) => !claimed.has(index) && measure.text.trim() === text);
    if (found >= 0) {
      match[position] = found;
      claimed.add(found);
    }
  });
  return planned.map((measure, position) => {
    const from = match[position];
    return { text: measure.text, done: from !== undefined && (current[from]?.done ?? false) };
  });
}

const orNull = (value: unknown) => (value === undefined ? null : value);

/** The fields the plan changes, with before and after; empty when the item stays as it is. */
export function fieldChanges(item: Item, planned: Pick<Item, PlanField>): FieldChange[] {
  return PLAN_FIELDS.flatMap((field) => {
    const before = orNull(item[field]);
    const after = orNull(planned[field]);
    return canonicalJson(before) === canonicalJson(after) ? [] : [{ field, before, after }];
  });
}

/** The item with the plan's values of its plan fields (absent optional fields removed). */
function withPlanFields(item: Item, planned: Pick<Item, PlanField>): Item {
  const next: Record<string, unknown> = { ...item };
  for (const field of PLAN_FIELDS) {
    if (planned[field] === undefined) delete next[field];
    else next[field] = planned[field];
  }
  return next as unknown as Item;
}

/**
 * Decides a replace: the new generation's items and the records to append, or the refusals
 * that stop the whole import. Pure: `current` is the visible generation, read under the lease.
 */
export function revisePlan(current: readonly Item[], plan: Plan, context: RevisionContext): Revision {
  // The first-import rules build the inspection and every item of the plan as it would be
  // imported fresh; only the new refs' items and Imported records are used from it.
  const fresh = ledgerFromPlan(plan, {
    inspectionId: context.inspectionId,
    importId: context.importId,
    actor: context.actor,
    at: context.at,
    newId: context.newId,
    replacedImports: context.replacedImports,
  });
  const importedRecord = new Map(fresh.events.map((event) => [event.itemId, event]));
  const byRef = new Map(current.map((item) => [item.ref, item]));
  const inPlan = new Set<string>();
  const items: Item[] = [];
  const records: ItemEvent[] = [];
  const revised: string[] = [];
  const added: string[] = [];
  const refusals: RevisionRefusal[] = [];
  const freshByRef = new Map(fresh.items.map((item) => [item.ref, item]));

  plan.aspects.forEach((aspect, a) => {
    aspect.problems.forEach((problem, p) => {
      problem.items.forEach((planned, i) => {
        const path = `aspects[${a}].problems[${p}].items[${i}].status`;
        inPlan.add(planned.ref);
        const existing = byRef.get(planned.ref);
        const built = freshByRef.get(planned.ref);
        if (!built) throw new Error(`the plan's item ${planned.ref} was not built`);
        if (!existing) {
          if (!NEW_ITEM_STATUSES.includes(planned.status)) {
            refusals.push({
              path,
              ref: planned.ref,
              message: `Item ${planned.ref} is new in this plan and may come in only as not_started or in_progress, not ${planned.status}: only the workflow (evidence, sign-off) moves an item further.`,
              messageZh: `事项 ${planned.ref} 是本次方案新增的事项，只能以“未启动”或“正在整改”导入，不能为“${zh(planned.status)}”：事项须经整改流程（佐证材料、销号）推进。`,
            });
            return;
          }
          const record = importedRecord.get(built.itemId);
          if (!record) throw new Error(`the plan's item ${planned.ref} has no Imported record`);
          items.push(built);
          records.push(record);
          added.push(planned.ref);
          return;
        }
        if (RANK[planned.status] > RANK[existing.status]) {
          refusals.push({
            path,
            ref: planned.ref,
            message: `Item ${planned.ref}: the plan says ${planned.status} but the item is ${existing.status}. A replace changes the plan, not the workflow: only a transition (with its evidence and sign-off) moves an item forward.`,
            messageZh: `事项 ${planned.ref}：方案中的状态为“${zh(planned.status)}”，台账中当前为“${zh(existing.status)}”。替换导入只修改整改方案，不推进整改流程：事项状态须通过状态变更（佐证材料、销号）推进。`,
          });
          return;
        }
        const target: Pick<Item, PlanField> = {
          ...built,
          measures: carryMeasures(existing.measures, planned.measures),
        };
        const changes = fieldChanges(existing, target);
        const reinstated = existing.withdrawn !== undefined;
        if (changes.length === 0 && !reinstated) {
          items.push(existing);
          return;
        }
        const decided = recordEvent(
          existing,
          'PlanRevised',
          context.actor,
          { importId: context.importId, changes, ...(reinstated ? { reinstated: true } : {}) },
          {},
          { eventId: context.newId(), at: context.at },
        );
        const { withdrawn: _back, ...next } = withPlanFields(decided.item, target);
        items.push(next);
        records.push(decided.event);
        revised.push(planned.ref);
      });
    });
  });

  const withdrawn: string[] = [];
  const fallback = defaultWithdrawReason(context.importId);
  const reason = context.withdrawReason?.trim();
  for (const item of current) {
    if (inPlan.has(item.ref)) continue;
    // Withdrawn by an earlier replace and still out of the plan: nothing new to record.
    if (item.withdrawn) {
      items.push(item);
      continue;
    }
    const withdrawal: Withdrawal = {
      at: context.at,
      by: context.actor,
      importId: context.importId,
      ...(reason ? { reason } : { reason: fallback.zh, reasonEn: fallback.en }),
    };
    const decided = recordEvent(
      item,
      'Withdrawn',
      context.actor,
      {
        importId: context.importId,
        reason: withdrawal.reason,
        ...(withdrawal.reasonEn ? { reasonEn: withdrawal.reasonEn } : {}),
      },
      { withdrawn: withdrawal },
      { eventId: context.newId(), at: context.at },
    );
    items.push(decided.item);
    records.push(decided.event);
    withdrawn.push(item.ref);
  }

  return {
    // itemCount is the plan's: the items not withdrawn.
    inspection: fresh.inspection,
    items,
    records,
    revised,
    withdrawn,
    added,
    refusals,
  };
}

/** The refusal of a replace that would move the workflow, naming every item (422, nothing written). */
export function revisionRefused(refusals: readonly RevisionRefusal[]): RuleViolation {
  const refs = refusals.map((refusal) => refusal.ref).join(', ');
  return new RuleViolation(
    'plan-revision-moves-workflow',
    {
      en: `The replace is refused, nothing was changed: ${refusals.length} item(s) (${refs}) would move in the workflow. ${refusals[0]?.message ?? ''}`,
      zh: `替换导入被拒绝，未作任何更改：${refusals.length} 个事项（${refs}）将改变整改流程状态。${refusals[0]?.messageZh ?? ''}`,
    },
    { issues: refusals },
  );
}

/**
 * A withdrawn item takes no writes: transitions, progress, evidence and the scans all stop at it.
 * Checked where a change is decided and again where every change is committed.
 */
export function refuseWithdrawn(item: Item): void {
  if (!item.withdrawn) return;
  throw new RuleViolation(
    'item-withdrawn',
    {
      en: `Item ${item.itemId} was withdrawn from the plan (${item.withdrawn.reasonEn ?? item.withdrawn.reason}, ${item.withdrawn.at}); it can be read but no longer changed.`,
      zh: `事项 ${item.ref} 已从整改方案中撤销（${item.withdrawn.reason}，${item.withdrawn.at}），只能查看，不能再修改。`,
    },
    { withdrawn: item.withdrawn },
  );
}
