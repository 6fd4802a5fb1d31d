import type { Lang } from '#shared/i18n/lang.ts';
import { sha256Hex } from '../chain.ts';

/**
 * When an inspection's weekly summary is made: a weekday and an hour in the inspection's own
 * zone (Monday 09:00 unless an admin set another), or never.
 */
export interface SummarySchedule {
  readonly enabled: boolean;
  /** ISO weekday: 1 = Monday … 7 = Sunday. */
  readonly weekday: number;
  /** 0–23, in the inspection's zone. */
  readonly hour: number;
  readonly lang: Lang;
}

export const DEFAULT_SUMMARY_SCHEDULE: SummarySchedule = {
  enabled: true,
  weekday: 1,
  hour: 9,
  lang: 'zh-CN',
};

const WEEKDAYS: Record<string, number> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };

/** The weekday and hour an instant falls on in a zone. */
export function localSlot(instant: Date, timezone: string): { weekday: number; hour: number } {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: timezone,
    weekday: 'short',
    hour: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(instant);
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return { weekday: WEEKDAYS[part('weekday')] ?? 0, hour: Number(part('hour')) };
}

/** Whether a schedule run at `instant` is the inspection's weekly slot. */
export function summaryDue(schedule: SummarySchedule, timezone: string, instant: Date): boolean {
  if (!schedule.enabled) return false;
  const slot = localSlot(instant, timezone);
  return slot.weekday === schedule.weekday && slot.hour === schedule.hour;
}

/** The hour an instant falls in, in UTC: every run that lands in one slot names it the same. */
export function slotInstant(instant: Date): Date {
  const hour = new Date(instant);
  hour.setUTCMinutes(0, 0, 0);
  return hour;
}

/**
 * The id of the scheduled summary of one inspection for one slot: derived, not random, so that a
 * retried or overlapping run finds the summary already made and makes no second one.
 */
export function scheduledSummaryId(inspectionId: string, instant: Date): string {
  return `s-${sha256Hex(`${inspectionId}|${slotInstant(instant).toISOString()}`).slice(0, 20)}`;
}

/** Summaries asked for through the API get a random id of the same shape. */
export const SUMMARY_ID_PATTERN = /^[sr]-[0-9a-f]{20}$/;
