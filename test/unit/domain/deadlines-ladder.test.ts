import { describe, expect, it } from 'vitest';
import { DEADLINE_SCAN, decideScan, lightOf, milestonesOf } from '#shared/domain/deadlines.ts';
import type { Item, LadderState } from '#shared/domain/item.ts';
import { anItem } from '../../support/items.ts';

/**
 * The ladder's edges: the day a warning starts and stops, what each scan records, and what it
 * leaves on the item. Feedback on 1 January 2024 throughout.
 */
const inspection = { feedbackDate: '2024-01-01', timezone: 'Asia/Shanghai' };
const at = (day: string) => `${day}T01:00:00.000Z`;
let ids = 0;
const scan = (item: Item, day: string) =>
  decideScan(item, inspection, day, { at: at(day), newEventId: () => `e-${++ids}` });
const ladder = (overrides: Partial<LadderState> = {}): LadderState => ({
  lastScanDate: '2024-12-20',
  lastScanAt: at('2024-12-20'),
  redScans: 0,
  yellowStreak: 0,
  ...overrides,
});

describe('milestones', () => {
  it('are named in both languages', () => {
    expect(milestonesOf({ deadline: '2024-12-31' }, inspection)).toEqual([
      { key: 'plan', name: { 'zh-CN': '制定方案', en: 'plan in place' }, due: '2024-02-07' },
      { key: 'half-way', name: { 'zh-CN': '过半检查', en: 'half-way check' }, due: '2024-07-02' },
      { key: 'final-check', name: { 'zh-CN': '验收自查', en: 'final check' }, due: '2024-12-24' },
    ]);
  });

  it('drop one that falls on the feedback date itself', () => {
    // Seven days: the final check would be on 1 January, the day of the feedback.
    expect(milestonesOf({ deadline: '2024-01-08' }, inspection)).toEqual([]);
  });
});

describe('the light at its edges', () => {
  const item = anItem({ status: 'in_progress', deadline: '2024-12-31' });
  it.each([
    ['the half-way check is 8 days away', '2024-06-24', 'green'],
    ['the half-way check is exactly 7 days away', '2024-06-25', 'yellow'],
    ['the half-way check is today', '2024-07-02', 'yellow'],
    ['the half-way check was yesterday', '2024-07-03', 'green'],
  ] as const)('%s: %s', (_case, today, light) => {
    expect(lightOf(item, inspection, today)).toBe(light);
  });

  it('is yellow exactly seven days before a deadline that has no milestones', () => {
    const short = anItem({ status: 'in_progress', deadline: '2024-01-08' });
    expect(lightOf(short, inspection, '2024-01-01')).toBe('yellow');
  });
});

describe('one scan', () => {
  const open = anItem({ status: 'in_progress', deadline: '2024-12-31' });

  it('on the deadline itself warns that it is due, not overdue', () => {
    const decided = scan(open, '2024-12-31');
    expect(decided?.events.map((event) => [event.type, event.data])).toEqual([
      ['DueSoon', { deadline: '2024-12-31', daysLeft: 0, scanDate: '2024-12-31' }],
    ]);
    expect(decided?.item.ladder).toEqual({
      lastScanDate: '2024-12-31',
      lastScanAt: at('2024-12-31'),
      redScans: 0,
      yellowStreak: 1,
    });
  });

  it('seven days before the deadline warns; eight days before, the final check does', () => {
    expect(scan(open, '2024-12-24')?.events.map((event) => event.data)).toEqual([
      { deadline: '2024-12-31', daysLeft: 7, scanDate: '2024-12-24' },
    ]);
    expect(scan(open, '2024-12-23')?.events.map((event) => event.data)).toEqual([
      { deadline: '2024-12-24', daysLeft: 1, scanDate: '2024-12-23', milestone: '验收自查' },
    ]);
  });

  it('past the deadline records how late the item is and the red scans so far, as the scan actor', () => {
    const decided = scan({ ...open, ladder: ladder({ redScans: 4 }) }, '2025-01-03');
    expect(decided?.events).toHaveLength(1);
    expect(decided?.events[0]).toMatchObject({
      type: 'Overdue',
      actor: DEADLINE_SCAN,
      data: { deadline: '2024-12-31', daysOverdue: 3, scanDate: '2025-01-03', redScans: 5 },
    });
    expect(decided?.item.ladder).toEqual({
      lastScanDate: '2025-01-03',
      lastScanAt: at('2025-01-03'),
      redScans: 5,
      yellowStreak: 0,
    });
    expect(DEADLINE_SCAN).toEqual({ subject: 'system:deadline-scan', name: '时限扫描', roles: [] });
  });

  it('escalates the third red scan and counts the escalation on the item', () => {
    const decided = scan({ ...open, escalations: 2, ladder: ladder({ redScans: 2 }) }, '2025-01-03');
    expect(decided?.events.map((event) => [event.type, event.data])).toEqual([
      ['Overdue', { deadline: '2024-12-31', daysOverdue: 3, scanDate: '2025-01-03', redScans: 3 }],
      ['Escalated', { reason: 'red-three-scans', escalations: 3, light: 'red', scanDate: '2025-01-03' }],
    ]);
    expect(decided?.item).toMatchObject({ escalations: 3, version: 3, updatedAt: at('2025-01-03') });
    expect(decided?.events.map((event) => [event.eventId.startsWith('e-'), event.at])).toEqual([
      [true, at('2025-01-03')],
      [true, at('2025-01-03')],
    ]);
    expect(decided?.events[1]?.eventId).not.toBe(decided?.events[0]?.eventId);
  });

  it('escalates the second yellow scan without progress', () => {
    const decided = scan({ ...open, escalations: 1, ladder: ladder({ yellowStreak: 1 }) }, '2024-12-28');
    expect(decided?.events.map((event) => [event.type, event.data])).toEqual([
      ['DueSoon', { deadline: '2024-12-31', daysLeft: 3, scanDate: '2024-12-28' }],
      [
        'Escalated',
        { reason: 'yellow-twice-without-progress', escalations: 2, light: 'yellow', scanDate: '2024-12-28' },
      ],
    ]);
    expect(decided?.item).toMatchObject({ escalations: 2, ladder: { yellowStreak: 2, redScans: 0 } });
  });

  it.each([
    ['progress after the last scan starts the streak again', at('2024-12-21'), 1, ['DueSoon']],
    [
      'progress at the very instant of the last scan is not after it',
      at('2024-12-20'),
      2,
      ['DueSoon', 'Escalated'],
    ],
    ['progress before the last scan does not count', at('2024-12-19'), 2, ['DueSoon', 'Escalated']],
    ['no progress ever', undefined, 2, ['DueSoon', 'Escalated']],
  ])('%s', (_case, lastProgressAt, yellowStreak, types) => {
    const item = {
      ...open,
      ladder: ladder({ yellowStreak: 1 }),
      ...(lastProgressAt ? { lastProgressAt } : {}),
    };
    const decided = scan(item, '2024-12-28');
    expect(decided?.events.map((event) => event.type)).toEqual(types);
    expect(decided?.item.ladder?.yellowStreak).toBe(yellowStreak);
  });

  it('scans an item reported on before its first scan without a streak to break', () => {
    const decided = scan({ ...open, lastProgressAt: at('2024-12-01') }, '2024-12-28');
    expect(decided?.events.map((event) => event.type)).toEqual(['DueSoon']);
    expect(decided?.item.ladder?.yellowStreak).toBe(1);
  });

  it('warns about a milestone once a day, resetting the ladder', () => {
    const decided = scan(
      { ...open, ladder: ladder({ lastScanDate: '2024-06-20', redScans: 2, yellowStreak: 1 }) },
      '2024-06-25',
    );
    expect(decided?.events.map((event) => [event.type, event.data])).toEqual([
      ['DueSoon', { deadline: '2024-07-02', daysLeft: 7, scanDate: '2024-06-25', milestone: '过半检查' }],
    ]);
    expect(decided?.item.ladder).toEqual({
      lastScanDate: '2024-06-25',
      lastScanAt: at('2024-06-25'),
      redScans: 0,
      yellowStreak: 0,
    });
    expect(scan(open, '2024-06-24')).toBeUndefined();
    expect(scan(open, '2024-07-02')?.events[0]?.data).toMatchObject({ daysLeft: 0, milestone: '过半检查' });
    expect(scan(open, '2024-07-03')).toBeUndefined();
  });

  it('scans again on a later day, but not on an earlier one', () => {
    const scanned = { ...open, ladder: ladder({ lastScanDate: '2024-12-25' }) };
    expect(scan(scanned, '2024-12-24')).toBeUndefined();
    expect(scan(scanned, '2024-12-26')).toBeDefined();
  });
});
