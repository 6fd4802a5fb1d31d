import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { canSee, canWrite } from '#shared/domain/access.ts';
import { lightOf, milestonesOf } from '#shared/domain/deadlines.ts';
import { Forbidden, NotFound, StaleVersion } from '#shared/domain/errors.ts';
import { lookBackDueOf, reattestationDueOf } from '#shared/domain/follow-ups.ts';
import { calendarDate, type Inspection } from '#shared/domain/inspection.ts';
import { type Item, type ItemEvent, parseItemId } from '#shared/domain/item.ts';
import { IMPORT_NOTES, importNoteOf, isOverdue } from '#shared/domain/ledger.ts';
import { refuseWithdrawn } from '#shared/domain/plan-revision.ts';
import type { Principal } from '#shared/domain/roles.ts';
import { STATUS_LABELS } from '#shared/domain/status.ts';
import type { Lang } from '#shared/i18n/lang.ts';
import type { IdempotencyKey } from '#shared/store/idempotency-keys.ts';
import { InspectionChanged, type ItemWithInspection, type LedgerStore } from '#shared/store/ledger-store.ts';
import { answerOnce, idempotencyKeysBeside } from './idempotency.ts';

/**
 * An item the principal may see. Items of other departments answer exactly like items that do
 * not exist (404), so a department cannot probe for what others hold.
 */
export async function findVisibleItem(
  store: LedgerStore,
  principal: Principal,
  itemId: string,
): Promise<ItemWithInspection> {
  const id = parseItemId(itemId);
  const found = id ? await store.getItem(id.inspectionId, id.ref) : undefined;
  if (!found || !canSee(principal, found.item)) throw new NotFound('item', itemId);
  return found;
}

type Decision = (
  item: Item,
  context: { eventId: string; at: string },
  inspection: Inspection,
) => { item: Item; event: ItemEvent };

/**
 * Runs a read–decide–commit attempt again after a concurrent change of the item (StaleVersion),
 * at most `retries` more times, with full-jitter backoff so that writers racing for one item do
 * not collide again in lockstep. Any other error, or the last conflict, goes to the caller.
 */
export async function retryOnConcurrentChange<T>(attempt: () => Promise<T>, retries: number): Promise<T> {
  let settingsMoved = false;
  for (let failures = 0; ; failures++) {
    try {
      return await attempt();
    } catch (error) {
      // Decided on settings that moved since: once more on a fresh read, whatever `retries` says
      // (the client's expectedVersion is still checked; only the inspection was stale).
      if (error instanceof InspectionChanged && !settingsMoved) {
        settingsMoved = true;
        failures--;
        continue;
      }
      if (!(error instanceof StaleVersion) || failures >= retries) throw error;
      await sleep(Math.random() * Math.min(500, 10 * 2 ** failures));
    }
  }
}

/** A change of an item as committed: its new state, the chain record appended, its inspection. */
export interface ItemChange {
  readonly item: Item;
  readonly event: ItemEvent;
  readonly inspection: Inspection;
}

/**
 * Reads an item, lets the domain decide the change, and commits the new state with its chain
 * record in one transaction, then gives what `answer` makes of it. The answer is made before the
 * commit so that a request's Idempotency-Key can be remembered with it in the same transaction:
 * a retry then finds the change and its answer together, or neither. `retries` re-reads and
 * re-decides after a concurrent change (with jittered backoff); only decisions that do not depend
 * on a version the client saw (progress reports) use it.
 */
export async function changeItem<A>(
  store: LedgerStore,
  principal: Principal,
  itemId: string,
  decide: Decision,
  options: {
    readonly answer: (change: ItemChange) => A;
    readonly retries?: number;
    readonly idempotencyKey?: IdempotencyKey;
  },
): Promise<A> {
  const { idempotencyKey } = options;
  const keys = idempotencyKeysBeside(store);
  const attempt = () =>
    retryOnConcurrentChange(async () => {
      const { item: before, inspection } = await findItemToChange(store, principal, itemId);
      if (!canWrite(principal, before)) throw new Forbidden(`change item ${itemId}`);
      // Said before any rule of the change itself: nothing of a withdrawn item changes.
      refuseWithdrawn(before);
      const { item, event } = decide(
        before,
        { eventId: randomUUID(), at: new Date().toISOString() },
        inspection,
      );
      const answer = options.answer({ item, event, inspection });
      const remembered = idempotencyKey ? [keys.remember(idempotencyKey, answer)] : [];
      await store.commitChange(inspection, before, item, event, remembered);
      return answer;
    }, options.retries ?? 0);
  return answerOnce(keys, idempotencyKey, attempt);
}

/**
 * findVisibleItem for a change: the inspection may come from the store's cache, so a change
 * decided on settings that moved since is refused at commit (InspectionChanged) and decided
 * once more on a fresh read.
 */
async function findItemToChange(store: LedgerStore, principal: Principal, itemId: string) {
  const id = parseItemId(itemId);
  const found = id ? await store.getItemToChange(id.inspectionId, id.ref) : undefined;
  if (!found || !canSee(principal, found.item)) throw new NotFound('item', itemId);
  return found;
}

/** What a change of an item answers: the item as the API shows it, and the record it appended. */
export function changeView(change: ItemChange, lang: Lang) {
  return { item: itemView(change.item, change.inspection, lang), event: change.event };
}

/**
 * An item as the API shows it: with its status label, overdue flag, light, milestones and
 * follow-up dates. `today` is the date in the inspection's zone; a list passes it once rather
 * than formatting a date per item. The scans' bookkeeping stays inside.
 */
export function itemView(
  item: Item,
  inspection: Pick<Inspection, 'timezone' | 'feedbackDate'>,
  lang: Lang,
  today = calendarDate(new Date(), inspection.timezone),
) {
  const { ladder: _ladder, followUp: _followUp, ...shown } = item;
  const lookBackDue = lookBackDueOf(item, inspection);
  const reattestationDue = reattestationDueOf(item, inspection);
  const importNote = importNoteOf(item);
  return {
    ...shown,
    statusLabel: STATUS_LABELS[item.status][lang],
    // "Closed before import" and the like: the state came with the 台账, not from a sign-off here.
    ...(importNote ? { importNote, importNoteLabel: IMPORT_NOTES[importNote][lang] } : {}),
    overdue: isOverdue(item, today),
    light: lightOf(item, inspection, today),
    escalations: item.escalations ?? 0,
    milestones: milestonesOf(item, inspection).map((milestone) => ({
      key: milestone.key,
      name: milestone.name[lang],
      due: milestone.due,
    })),
    ...(lookBackDue ? { lookBackDue } : {}),
    ...(reattestationDue ? { reattestationDue } : {}),
  };
}
