import type { ActorRef } from './item.ts';
import type { PlanInspection, PlanOutcome } from './plan/model.ts';
import type { SummarySchedule } from './summary/schedule.ts';

/** Per-inspection settings, with the defaults above. */
export interface FollowUpSettings {
  readonly lookBackMonths?: number;
  readonly reattestationDays?: number;
}

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
  /** The weekly summary's slot, when an admin set one (Monday 09:00 in the zone otherwise). */
  readonly summarySchedule?: SummarySchedule;
}

/**
 * A formatter per time zone and kind, made once: building an Intl.DateTimeFormat costs far more
 * than formatting with one (a tenth of a millisecond per item view, which asks several times).
 */
function formatterFor(
  cache: Map<string, Intl.DateTimeFormat>,
  timezone: string,
  make: (timeZone: string) => Intl.DateTimeFormat,
): Intl.DateTimeFormat {
  let formatter = cache.get(timezone);
  if (!formatter) {
    formatter = make(timezone);
    cache.set(timezone, formatter);
  }
  return formatter;
}

const dateFormatters = new Map<string, Intl.DateTimeFormat>();
const wallClockFormatters = new Map<string, Intl.DateTimeFormat>();

/** Today's calendar date (YYYY-MM-DD) in a time zone. */
export function calendarDate(instant: Date, timezone: string): string {
  // en-CA formats as YYYY-MM-DD.
  return formatterFor(
    dateFormatters,
    timezone,
    (timeZone) =>
      new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }),
  ).format(instant);
}

/** Milliseconds the zone is ahead of UTC at an instant. */
function zoneOffset(instant: number, timezone: string): number {
  const parts = formatterFor(
    wallClockFormatters,
    timezone,
    (timeZone) =>
      new Intl.DateTimeFormat('en-US', {
        timeZone,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
      }),
  ).formatToParts(instant);
  const part = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const wall = Date.UTC(
    part('year'),
    part('month') - 1,
    part('day'),
    part('hour'),
    part('minute'),
    part('second'),
  );
  return wall - Math.floor(instant / 1000) * 1000;
}

/** The last millisecond of a calendar date in a zone ("截至10月20日" means up to its end). */
export function endOfCalendarDate(date: string, timezone: string): Date {
  const nextMidnightUtc = Date.parse(`${date}T00:00:00Z`) + 86_400_000;
  // Guess with the offset at UTC midnight, then correct with the offset at the guess (DST).
  const guess = nextMidnightUtc - zoneOffset(nextMidnightUtc, timezone);
  return new Date(nextMidnightUtc - zoneOffset(guess, timezone) - 1);
}
