import type { Item, ItemEvent, Withdrawal } from '../item.ts';
import { type FieldChange, PLAN_FIELDS } from '../plan-revision.ts';
import type { ItemStatus } from '../status.ts';

/**
 * An item as it stood at an instant, replayed from its chain: the `Imported` record's state (the
 * plan states history as it stood, so it is the earliest state known whatever the import's date),
 * then every later record written at or before `asOf`. Only what a summary reads is replayed:
 * status, measures, progress and the dates the ladder and follow-ups go by; and what a replace
 * import did (plan-revision.ts): the plan's fields as revised by then, and whether the item was
 * withdrawn by then.
 */
export function itemAsOf(current: Item, chain: readonly ItemEvent[], asOf: string): Item {
  // Nothing happened to the item after the instant: its current state is its state then.
  if (current.updatedAt <= asOf) return current;
  const imported = chain[0];
  if (imported?.type !== 'Imported') {
    throw new Error(`the chain of ${current.itemId} does not start with its import`);
  }
  const data = imported.data as Pick<Item, 'status' | 'measures' | 'progress'>;
  let status: ItemStatus = data.status;
  let measures = data.measures.map((measure) => ({ ...measure }));
  let progress = data.progress;
  let lastProgressAt: string | undefined;
  let rectifiedAt: string | undefined;
  // The plan's fields as imported, then as each PlanRevised record left them (null: absent).
  const planFields: Record<string, unknown> = Object.fromEntries(
    PLAN_FIELDS.map((field) => [field, imported.data[field] ?? null]),
  );
  let withdrawn: Withdrawal | undefined;
  let last: ItemEvent = imported;
  for (const event of chain.slice(1)) {
    if (event.at > asOf) break;
    last = event;
    if (event.type === 'StatusChanged') {
      status = event.data.to as ItemStatus;
      if (status === 'rectified') rectifiedAt = event.at;
    } else if (event.type === 'ProgressReported') {
      // A report marks measures done and never un-does one (progress.ts).
      const done = new Set(event.data.measuresDone as readonly number[]);
      measures = measures.map((measure, index) => (done.has(index) ? { ...measure, done: true } : measure));
      progress = event.data.text as string;
      lastProgressAt = event.at;
    } else if (event.type === 'PlanRevised') {
      for (const change of event.data.changes as readonly FieldChange[]) {
        planFields[change.field] = change.after;
        // The revised list carries each measure's done flag as it stood (carryMeasures).
        if (change.field === 'measures') {
          measures = (change.after as Item['measures']).map((measure) => ({ ...measure }));
        }
      }
      if (event.data.reinstated) withdrawn = undefined;
    } else if (event.type === 'Withdrawn') {
      withdrawn = {
        at: event.at,
        by: event.actor,
        importId: event.data.importId as string,
        reason: event.data.reason as string,
        ...(event.data.reasonEn ? { reasonEn: event.data.reasonEn as string } : {}),
      };
    }
  }
  const revisedFields = Object.fromEntries(
    Object.entries(planFields).filter(([field, value]) => field !== 'measures' && value !== null),
  );
  const {
    progress: _p,
    lastProgressAt: _l,
    rectifiedAt: _r,
    rectifiedBy: _b,
    signOff: _s,
    followUp: _f,
    ladder: _d,
    withdrawn: _w,
    description: _t,
    responsibleLeaderId: _k,
    ...stable
  } = current;
  return {
    ...stable,
    ...revisedFields,
    ...(withdrawn ? { withdrawn } : {}),
    status,
    measures,
    ...(progress !== undefined ? { progress } : {}),
    ...(lastProgressAt ? { lastProgressAt } : {}),
    ...(rectifiedAt ? { rectifiedAt } : {}),
    version: last.seq,
    chainHead: last.hash,
    updatedAt: last.at,
  };
}
