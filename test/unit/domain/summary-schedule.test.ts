import { describe, expect, it } from 'vitest';
import { endOfCalendarDate } from '#shared/domain/inspection.ts';
import {
  DEFAULT_SUMMARY_SCHEDULE,
  localSlot,
  SUMMARY_ID_PATTERN,
  scheduledSummaryId,
  summaryDue,
} from '#shared/domain/summary/schedule.ts';

describe('the weekly summary slot', () => {
  it('is Monday 09:00 in the inspection zone by default', () => {
    // 01:00Z on Monday 4 November 2024 is 09:00 in Shanghai and 02:00 in Berlin.
    const at = new Date('2024-11-04T01:00:00Z');
    expect(localSlot(at, 'Asia/Shanghai')).toEqual({ weekday: 1, hour: 9 });
    expect(summaryDue(DEFAULT_SUMMARY_SCHEDULE, 'Asia/Shanghai', at)).toBe(true);
    expect(summaryDue(DEFAULT_SUMMARY_SCHEDULE, 'Europe/Berlin', at)).toBe(false);
    expect(summaryDue(DEFAULT_SUMMARY_SCHEDULE, 'Europe/Berlin', new Date('2024-11-04T08:00:00Z'))).toBe(
      true,
    );
  });

  it('takes the local weekday across midnight UTC, and never fires when off', () => {
    // 17:00Z on Sunday is 01:00 on Monday in Shanghai.
    expect(localSlot(new Date('2024-11-03T17:00:00Z'), 'Asia/Shanghai')).toEqual({ weekday: 1, hour: 1 });
    expect(localSlot(new Date('2024-11-03T23:00:00Z'), 'Asia/Shanghai')).toEqual({ weekday: 1, hour: 7 });
    const off = { ...DEFAULT_SUMMARY_SCHEDULE, enabled: false };
    expect(summaryDue(off, 'Asia/Shanghai', new Date('2024-11-04T01:00:00Z'))).toBe(false);
  });

  it('names one summary per inspection and hour, whichever schedule or retry makes it', () => {
    const id = scheduledSummaryId('insp-1', new Date('2024-11-04T01:00:00Z'));
    expect(id).toMatch(SUMMARY_ID_PATTERN);
    expect(scheduledSummaryId('insp-1', new Date('2024-11-04T01:00:07.123Z'))).toBe(id);
    expect(scheduledSummaryId('insp-1', new Date('2024-11-04T02:00:00Z'))).not.toBe(id);
    expect(scheduledSummaryId('insp-2', new Date('2024-11-04T01:00:00Z'))).not.toBe(id);
  });
});

describe('the end of a calendar date in a zone', () => {
  it.each([
    ['2024-10-20', 'Asia/Shanghai', '2024-10-20T15:59:59.999Z'],
    ['2024-10-20', 'UTC', '2024-10-20T23:59:59.999Z'],
    ['2024-10-20', 'America/New_York', '2024-10-21T03:59:59.999Z'],
    // The day DST ends in New York is 25 hours long.
    ['2024-11-03', 'America/New_York', '2024-11-04T04:59:59.999Z'],
    ['2024-03-31', 'Europe/Berlin', '2024-03-31T21:59:59.999Z'],
  ])('%s in %s ends at %s', (date, zone, end) => {
    expect(endOfCalendarDate(date, zone).toISOString()).toBe(end);
  });
});
