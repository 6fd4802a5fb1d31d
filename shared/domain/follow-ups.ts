import { addDays, addMonths } from './calendar.ts';
import { RuleViolation } from './errors.ts';
import { calendarDate, type FollowUpSettings, type Inspection } from './inspection.ts';
import { type ActorRef, type Item, type ItemEvent, recordEvent } from './item.ts';
import { countsAsRectified } from './status.ts';

/**
 * What happens after an item is done. Look-back (回头看): a closed item comes back to the admins
 * some months after its close-out, to confirm the rectification held (or reopen it). Long-term
 * items (长期坚持) are never finished: every cycle the department re-attests with a progress
 * report; a missed cycle turns the item yellow and tells the department.
 */
export const LOOK_BACK_MONTHS = 6;
export const REATTESTATION_DAYS = 90;

export const FOLLOW_UP_SCAN: ActorRef = {
  subject: 'system:follow-up-scan',
  name: '回头看与长期坚持提醒',
  roles: [],
};

type Settings = Pick<Inspection, 'timezone'> & { readonly followUp?: FollowUpSettings };

/** When the closed item's look-back falls due; undefined for items not closed with a sign-off time. */
export function lookBackDueOf(item: Item, inspection: Settings): string | undefined {
  if (item.status !== 'closed') return undefined;
  const closedAt = item.signOff?.at ?? item.updatedAt;
  return addMonths(
    calendarDate(new Date(closedAt), inspection.timezone),
    inspection.followUp?.lookBackMonths ?? LOOK_BACK_MONTHS,
  );
}

/**
 * The instant the current re-attestation cycle of a long-term item started: its latest progress
 * report, or its rectification when there is none since.
 */
function lastAttestedAt(item: Item): string {
  const anchors = [item.lastProgressAt, item.rectifiedAt ?? item.signOff?.at].filter(
    (value): value is string => Boolean(value),
  );
  return anchors.sort().at(-1) ?? item.updatedAt;
}

/** When a long-term, rectified item must be re-attested; undefined for other items. */
export function reattestationDueOf(item: Item, inspection: Settings): string | undefined {
  if (!item.longTerm || !countsAsRectified(item.status)) return undefined;
  return addDays(
    calendarDate(new Date(lastAttestedAt(item)), inspection.timezone),
    inspection.followUp?.reattestationDays ?? REATTESTATION_DAYS,
  );
}

/** A long-term item whose cycle passed without a report: yellow on the ledger. */
export function missedReattestation(item: Item, inspection: Settings, today: string): boolean {
  const due = reattestationDueOf(item, inspection);
  return due !== undefined && today > due;
}

type Decision = { item: Item; event: ItemEvent } | undefined;
type Context = { eventId: string; at: string };

/** The look-back scan of one item: LookBackDue once per close-out, when it falls due. */
export function decideLookBack(item: Item, inspection: Settings, today: string, context: Context): Decision {
  const due = lookBackDueOf(item, inspection);
  if (!due || today < due || item.followUp?.lookBackAnnounced === due) return undefined;
  return recordEvent(
    item,
    'LookBackDue',
    FOLLOW_UP_SCAN,
    { closedAt: item.signOff?.at ?? item.updatedAt, dueDate: due },
    { followUp: { ...item.followUp, lookBackAnnounced: due } },
    context,
  );
}

/** The re-attestation scan of one item: ReattestationDue once per missed cycle. */
export function decideReattestation(
  item: Item,
  inspection: Settings,
  today: string,
  context: Context,
): Decision {
  const due = reattestationDueOf(item, inspection);
  if (!due || today <= due || item.followUp?.reattestationAnnounced === due) return undefined;
  return recordEvent(
    item,
    'ReattestationDue',
    FOLLOW_UP_SCAN,
    {
      cycleDays: inspection.followUp?.reattestationDays ?? REATTESTATION_DAYS,
      lastAttestedAt: lastAttestedAt(item),
      dueDate: due,
    },
    { followUp: { ...item.followUp, reattestationAnnounced: due } },
    context,
  );
}

/**
 * An admin confirms that a closed item's rectification held at its look-back (recorded in the
 * chain). Reopening instead is the ordinary closed → in_progress transition, with its reason.
 */
export function decideLookBackConfirmation(
  item: Item,
  inspection: Settings,
  actor: ActorRef,
  note: string | undefined,
  context: Context,
): { item: Item; event: ItemEvent } {
  const due = lookBackDueOf(item, inspection);
  if (!due || item.followUp?.lookBackAnnounced !== due) {
    throw new RuleViolation(
      'look-back-not-due',
      {
        en: `Item ${item.itemId} has no look-back due${due ? ` (it falls due on ${due})` : ' (it is not closed)'}.`,
        zh: `事项 ${item.ref} 尚无到期的回头看${due ? `（将于 ${due} 到期）` : '（事项未销号）'}。`,
      },
      { status: item.status, ...(due ? { dueDate: due } : {}) },
    );
  }
  if (item.followUp?.lookBackConfirmed === due) {
    throw new RuleViolation(
      'look-back-confirmed',
      {
        en: `The look-back of ${item.itemId} due ${due} is already confirmed.`,
        zh: `事项 ${item.ref} 的回头看已确认。`,
      },
      { dueDate: due },
    );
  }
  return recordEvent(
    item,
    'LookBackConfirmed',
    actor,
    note ? { note } : {},
    { followUp: { ...item.followUp, lookBackConfirmed: due } },
    context,
  );
}
