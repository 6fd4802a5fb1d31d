import { describe, expect, it } from 'vitest';
import { daysBetween } from '#shared/domain/calendar.ts';
import { decideScan, lightOf, milestonesOf } from '#shared/domain/deadlines.ts';
import type { Item } from '#shared/domain/item.ts';
import { anItem } from '../../support/items.ts';

const inspection = { feedbackDate: '2024-01-01', timezone: 'Asia/Shanghai' };
let ids = 0;
const context = (at: string) => ({ at, newEventId: () => `event-${++ids}` });

/** Runs the scan on each day in turn, carrying the item over, and returns each day's events. */
function scanDays(item: Item, days: readonly string[], between?: (item: Item, day: string) => Item) {
  let current = item;
  return days.map((day) => {
    const decided = decideScan(current, inspection, day, context(`${day}T00:00:00.000Z`));
    if (decided) current = decided.item;
    const result = { day, types: decided?.events.map((event) => event.type) ?? [], item: current };
    if (between) current = between(current, day);
    return result;
  });
}

describe('milestones (倒排)', () => {
  it('counts the plan, half-way and final check back from the deadline', () => {
    expect(milestonesOf({ deadline: '2024-12-31' }, inspection).map((m) => [m.key, m.due])).toEqual([
      ['plan', '2024-02-07'],
      ['half-way', '2024-07-02'],
      ['final-check', '2024-12-24'],
    ]);
  });
  it('drops a milestone that would fall inside the deadline’s own warning window', () => {
    // A 10-day span: half-way (day 5) is already inside the last week.
    expect(milestonesOf({ deadline: '2024-01-11' }, inspection).map((m) => m.key)).toEqual([
      'plan',
      'final-check',
    ]);
  });
});

describe('the light', () => {
  const item = anItem({ deadline: '2024-12-31', status: 'in_progress' });
  it.each([
    ['2024-05-01', 'green'],
    ['2024-06-28', 'yellow'], // half-way check due in 4 days
    ['2024-12-24', 'yellow'],
    ['2024-12-31', 'yellow'],
    ['2025-01-01', 'red'],
  ] as const)('on %s is %s', (today, light) => {
    expect(lightOf(item, inspection, today)).toBe(light);
  });
  it('is green for rectified and closed items whatever the date', () => {
    expect(lightOf({ ...item, status: 'rectified' }, inspection, '2025-03-01')).toBe('green');
    expect(lightOf({ ...item, status: 'closed' }, inspection, '2025-03-01')).toBe('green');
  });
});

describe('the daily scan', () => {
  const open = anItem({ deadline: '2024-09-30', status: 'in_progress' });

  it('says nothing about a green item', () => {
    expect(decideScan(open, inspection, '2024-08-01', context('2024-08-01T00:00:00Z'))).toBeUndefined();
  });

  it('warns once a day inside the last week, and escalates the second yellow day without progress', () => {
    const days = scanDays(open, ['2024-09-24', '2024-09-25']);
    expect(days.map((d) => d.types)).toEqual([['DueSoon'], ['DueSoon', 'Escalated']]);
    expect(days[1]?.item).toMatchObject({ escalations: 1, ladder: { yellowStreak: 2 } });
  });

  it('does not escalate when progress was reported between the yellow scans', () => {
    const reportProgress = (item: Item, day: string) => ({ ...item, lastProgressAt: `${day}T12:00:00.000Z` });
    const days = scanDays(open, ['2024-09-24', '2024-09-25', '2024-09-26'], reportProgress);
    expect(days.map((d) => d.types)).toEqual([['DueSoon'], ['DueSoon'], ['DueSoon']]);
  });

  it('turns red past the deadline and escalates on every third red scan', () => {
    const days = scanDays(open, [
      '2024-10-01',
      '2024-10-02',
      '2024-10-03',
      '2024-10-04',
      '2024-10-05',
      '2024-10-06',
    ]);
    expect(days.map((d) => d.types)).toEqual([
      ['Overdue'],
      ['Overdue'],
      ['Overdue', 'Escalated'],
      ['Overdue'],
      ['Overdue'],
      ['Overdue', 'Escalated'],
    ]);
    expect(days.at(-1)?.item.escalations).toBe(2);
  });

  it('warns at most once per item per day', () => {
    const first = decideScan(open, inspection, '2024-10-01', context('2024-10-01T00:00:00Z'));
    expect(first?.events).toHaveLength(1);
    expect(
      decideScan(first?.item ?? open, inspection, '2024-10-01', context('2024-10-01T09:00:00Z')),
    ).toBeUndefined();
  });

  it('ignores rectified and closed items', () => {
    for (const status of ['rectified', 'closed'] as const) {
      expect(
        decideScan({ ...open, status }, inspection, '2024-12-01', context('2024-12-01T00:00:00Z')),
      ).toBeUndefined();
    }
  });

  it('warns about a milestone due within the week, without ever escalating for it', () => {
    const item = anItem({ deadline: '2024-12-31', status: 'in_progress' });
    const days = scanDays(item, ['2024-06-27', '2024-06-28', '2024-06-29']);
    expect(days.map((d) => d.types)).toEqual([['DueSoon'], ['DueSoon'], ['DueSoon']]);
    const decided = decideScan(item, inspection, '2024-06-28', context('2024-06-28T00:00:00Z'));
    expect(decided?.events[0]?.data).toEqual({
      deadline: '2024-07-02',
      daysLeft: 4,
      scanDate: '2024-06-28',
      milestone: '过半检查',
    });
  });

  it('chains its records to the item: seqs follow the version and each links to the one before', () => {
    // The item after one red scan on 2 October, version 2: the third red scan escalates.
    const afterOne = decideScan(open, inspection, '2024-10-02', context('2024-10-02T00:00:00Z'))
      ?.item as Item;
    const twice = decideScan(
      {
        ...afterOne,
        ladder: {
          lastScanDate: '2024-10-02',
          lastScanAt: '2024-10-02T00:00:00Z',
          redScans: 2,
          yellowStreak: 0,
        },
      },
      inspection,
      '2024-10-03',
      context('2024-10-03T00:00:00Z'),
    );
    expect(twice?.events.map((event) => [event.type, event.seq])).toEqual([
      ['Overdue', 3],
      ['Escalated', 4],
    ]);
    expect(twice?.events[1]?.prevHash).toBe(twice?.events[0]?.hash);
    expect(twice?.item).toMatchObject({ version: 4, chainHead: twice?.events[1]?.hash });
  });
});

describe('daysBetween', () => {
  it('counts calendar days across month and year ends', () => {
    expect(daysBetween('2024-12-30', '2025-01-02')).toBe(3);
    expect(daysBetween('2024-03-01', '2024-02-28')).toBe(-2);
  });
});
