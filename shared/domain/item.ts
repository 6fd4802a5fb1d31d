import { appendLink, type Linked } from './chain.ts';
import type { PlanItem, PlanMeasure } from './plan/model.ts';
import type { ItemStatus } from './status.ts';

/** An action under an item (整改措施). */
export type Measure = PlanMeasure;

/** Who did something, as recorded in the trail. */
export interface ActorRef {
  readonly subject: string;
  readonly name: string;
  readonly roles: readonly string[];
}

/** The record of a close-out (销号): who, when, the decision, what it means, and what was signed. */
export interface SignOff {
  readonly by: ActorRef;
  readonly at: string;
  readonly decision: 'approved';
  /** The stated meaning, e.g. "整改到位，同意销号". */
  readonly meaning: string;
  /** SHA-256 of the item's canonical state at the moment of sign-off. */
  readonly stateHash: string;
}

/**
 * The trackable unit (具体表现 / 事项) and its current state: the fields the plan gives an item
 * (ref, title, status, long-term flag, leader, department, deadline, progress, measures) plus
 * where it sits and the bookkeeping of its chain.
 */
export interface Item extends PlanItem {
  readonly itemId: string;
  readonly inspectionId: string;
  readonly aspectNo: number;
  readonly problemNo: number;
  /** Evidence files verified and stored (withdrawn ones excluded). */
  readonly evidenceCount: number;
  /** Equals the `seq` of the last record in the item's chain. */
  readonly version: number;
  /** `hash` of the last record in the item's chain. */
  readonly chainHead: string;
  /** Subject of whoever last marked it rectified (a close-out must come from someone else). */
  readonly rectifiedBy?: string;
  readonly rectifiedAt?: string;
  /** Follow-ups after close-out (shared/domain/follow-ups.ts). */
  readonly followUp?: FollowUpState;
  readonly signOff?: SignOff;
  readonly updatedAt: string;
  /** When progress was last reported (the ladder escalates yellow items without progress). */
  readonly lastProgressAt?: string;
  /** What the deadline scans remember (shared/domain/deadlines.ts). */
  readonly ladder?: LadderState;
  /** Times the item was escalated (督办). */
  readonly escalations?: number;
  /**
   * The status the plan gave the item at its first import, when it was not `not_started`: the
   * 台账 carried that history in, so an item imported `closed` is "closed before import" — no
   * sign-off record of Rectify's exists for it, and none is invented. Never changes afterwards.
   */
  readonly importedStatus?: ItemStatus;
  /**
   * Set when a replace import dropped the item from the plan (plan-revision.ts): the item is
   * never erased, it stays readable with its history but counts nowhere and takes no writes.
   */
  readonly withdrawn?: Withdrawal;
}

/** Why and when an item left the plan: the replace import that dropped it. */
export interface Withdrawal {
  readonly at: string;
  readonly by: ActorRef;
  /** The generation (import id) that no longer has the item in its plan. */
  readonly importId: string;
  /** The reason the admin gave, or the default naming the replace (zh-CN). */
  readonly reason: string;
  /** The default reason in English, when no reason was given. */
  readonly reasonEn?: string;
}

/**
 * Public item ids are `<inspectionId>.<ref>`: inspection ids are slugs without dots and refs are
 * three numbers, so the split is unambiguous and ids read well in URLs and logs.
 */
export function itemIdOf(inspectionId: string, ref: string): string {
  return `${inspectionId}.${ref}`;
}

export function parseItemId(itemId: string): { inspectionId: string; ref: string } | undefined {
  // No leading zeros: the store reads refs as numbers, so `01.1.2` would be a second name for 1.1.2.
  const match = /^([a-z0-9-]{3,64})\.([1-9]\d{0,3}\.[1-9]\d{0,3}\.[1-9]\d{0,3})$/.exec(itemId);
  return match?.[1] && match[2] ? { inspectionId: match[1], ref: match[2] } : undefined;
}

/** One record of an item's history: a sealed link of its hash chain. */
export type ItemEvent = Linked & {
  readonly eventId: string;
  readonly itemId: string;
  readonly inspectionId: string;
  readonly type: ItemEventType;
  readonly at: string;
  readonly actor: ActorRef;
  readonly data: Readonly<Record<string, unknown>>;
};

export type ItemEventType =
  | 'Imported'
  | 'StatusChanged'
  | 'ProgressReported'
  | 'EvidenceStored'
  | 'EvidenceRejected'
  | 'EvidenceWithdrawn'
  // The deadline ladder and the follow-ups after close-out (written by the scheduled scans).
  | 'DueSoon'
  | 'Overdue'
  | 'Escalated'
  | 'LookBackDue'
  | 'LookBackConfirmed'
  | 'ReattestationDue'
  // A replace import (plan-revision.ts): the plan's fields changed, or the item left the plan.
  | 'PlanRevised'
  | 'Withdrawn';

/** The item's state as it is signed at close-out: what the item says, without bookkeeping. */
export function signableState(item: Item): Record<string, unknown> {
  const { updatedAt: _u, signOff: _s, ...state } = item;
  return state;
}

/** What the scans remember of an item. */
export interface LadderState {
  /** Calendar date (inspection time zone) of the last scan that warned about the item. */
  readonly lastScanDate: string;
  readonly lastScanAt: string;
  /** Red scans so far. */
  readonly redScans: number;
  /** Yellow scans in a row without progress in between. */
  readonly yellowStreak: number;
}

export interface FollowUpState {
  /** The look-back due date that was announced (LookBackDue), and the one confirmed. */
  readonly lookBackAnnounced?: string;
  readonly lookBackConfirmed?: string;
  /** The re-attestation due date that was announced as missed (ReattestationDue). */
  readonly reattestationAnnounced?: string;
}

/** Builds the next chain record for an item and the item state that records it. */
export function recordEvent(
  item: Item,
  type: ItemEventType,
  actor: ActorRef,
  data: Record<string, unknown>,
  next: Partial<Item>,
  context: { eventId: string; at: string },
): { item: Item; event: ItemEvent } {
  const event = appendLink(
    { seq: item.version, hash: item.chainHead },
    {
      eventId: context.eventId,
      itemId: item.itemId,
      inspectionId: item.inspectionId,
      type,
      at: context.at,
      actor,
      data,
    },
  );
  return {
    event,
    item: { ...item, ...next, version: event.seq, chainHead: event.hash, updatedAt: context.at },
  };
}
