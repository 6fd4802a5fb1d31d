import type { FollowUpSettings } from './follow-ups.ts';
import type { ActorRef } from './item.ts';
import type { PlanInspection, PlanOutcome } from './plan/model.ts';

/** The outline of findings: aspects (方面) and their problems (问题). Items live on their own. */
export interface AspectOutline {
  readonly no: number;
  readonly title: string;
  readonly problems: readonly { readonly no: number; readonly title: string }[];
}

/**
 * One inspection (巡察 / 审计) of one unit, as imported: the plan's header (title, unit, group,
 * dates, the IANA zone in which deadlines are calendar dates) plus what the ledger keeps.
 */
export interface Inspection extends Omit<PlanInspection, 'id'> {
  readonly inspectionId: string;
  readonly aspects: readonly AspectOutline[];
  readonly itemCount: number;
  readonly outcomes: readonly PlanOutcome[];
  /**
   * The import generation readers see. Each import writes under a fresh id and becomes visible
   * only when this pointer moves to it, so a half-written import is never seen.
   */
  readonly importId: string;
  readonly importedAt: string;
  readonly importedBy: ActorRef;
  /** Import generations this one replaced, newest first (kept for the record, never shown as current). */
  readonly replacedImports: readonly string[];
  /** Look-back and re-attestation periods, when an admin set them (defaults otherwise). */
  readonly followUp?: FollowUpSettings;
}

/** Today's calendar date (YYYY-MM-DD) in a time zone. */
export function calendarDate(instant: Date, timezone: string): string {
  // en-CA formats as YYYY-MM-DD.
  return new Intl.DateTimeFormat('en-CA', {
    timeZone: timezone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(instant);
}
