import { describe, expect, it } from 'vitest';
import {
  type Contribution,
  contributionOf,
  countersFromTotals,
  deltaOf,
  totalsFromCounters,
  totalsOf,
} from '#shared/domain/aggregates.ts';
import { anItem } from '../../support/items.ts';

const inspection = { feedbackDate: '2024-06-01', timezone: 'Asia/Shanghai' };

const contribution = (overrides: Partial<Contribution> = {}): Contribution => ({
  status: 'in_progress',
  light: 'green',
  measuresTotal: 3,
  measuresDone: 1,
  ...overrides,
});

describe('contributionOf', () => {
  it('counts the item’s status, its light today and its measures', () => {
    const item = anItem({
      status: 'in_progress',
      deadline: '2024-09-30',
      measures: [
        { text: 'a', done: true },
        { text: 'b', done: false },
        { text: 'c', done: true },
      ],
    });
    expect(contributionOf(item, inspection, '2024-07-01')).toEqual({
      status: 'in_progress',
      light: 'green',
      measuresTotal: 3,
      measuresDone: 2,
    });
    expect(contributionOf(item, inspection, '2024-10-01').light).toBe('red');
  });
});

describe('deltaOf', () => {
  it('counts a new item once, in every counter it touches', () => {
    expect(deltaOf(undefined, contribution())).toEqual({
      items: 1,
      'status.in_progress': 1,
      'light.green': 1,
      'measures.total': 3,
      'measures.done': 1,
    });
  });

  it('moves the item between counters by the difference and leaves out what did not change', () => {
    const before = contribution();
    const after = contribution({ status: 'rectified', measuresDone: 3 });
    expect(deltaOf(before, after)).toEqual({
      'status.in_progress': -1,
      'status.rectified': 1,
      'measures.done': 2,
    });
  });

  it('is empty when nothing changed', () => {
    expect(deltaOf(contribution(), contribution())).toEqual({});
  });

  it('takes measures away as well as adding them', () => {
    expect(
      deltaOf(contribution({ light: 'red' }), contribution({ light: 'yellow', measuresTotal: 1 })),
    ).toEqual({
      'light.red': -1,
      'light.yellow': 1,
      'measures.total': -2,
    });
  });
});

describe('totals and counters', () => {
  const contributions = [
    contribution(),
    contribution({ status: 'closed', light: 'green', measuresTotal: 2, measuresDone: 2 }),
    contribution({ status: 'not_started', light: 'red', measuresTotal: 1, measuresDone: 0 }),
  ];
  const totals = {
    items: 3,
    byStatus: { not_started: 1, in_progress: 1, rectified: 0, closed: 1 },
    byLight: { green: 2, yellow: 0, red: 1 },
    measures: { total: 6, done: 3 },
  };
  const counters = {
    items: 3,
    'status.not_started': 1,
    'status.in_progress': 1,
    'status.rectified': 0,
    'status.closed': 1,
    'light.green': 2,
    'light.yellow': 0,
    'light.red': 1,
    'measures.total': 6,
    'measures.done': 3,
  };

  it('sums contributions into totals, every status and light present', () => {
    expect(totalsOf(contributions)).toEqual(totals);
    expect(totalsOf([])).toEqual({
      items: 0,
      byStatus: { not_started: 0, in_progress: 0, rectified: 0, closed: 0 },
      byLight: { green: 0, yellow: 0, red: 0 },
      measures: { total: 0, done: 0 },
    });
  });

  it('flattens totals into counters and reads them back', () => {
    expect(countersFromTotals(totals)).toEqual(counters);
    expect(totalsFromCounters(counters)).toEqual(totals);
  });

  it('reads missing counters as zero', () => {
    expect(totalsFromCounters({ items: 1, 'status.closed': 1, 'measures.done': 2 })).toEqual({
      items: 1,
      byStatus: { not_started: 0, in_progress: 0, rectified: 0, closed: 1 },
      byLight: { green: 0, yellow: 0, red: 0 },
      measures: { total: 0, done: 2 },
    });
  });

  it('reaches the totals by applying the deltas of every change, in any order', () => {
    const applied: Record<string, number> = {};
    const apply = (deltas: Record<string, number>) => {
      for (const [path, value] of Object.entries(deltas)) applied[path] = (applied[path] ?? 0) + value;
    };
    const [first, second, third] = contributions as [Contribution, Contribution, Contribution];
    apply(deltaOf(undefined, third));
    apply(deltaOf(undefined, contribution({ status: 'rectified', light: 'yellow' })));
    apply(deltaOf(contribution({ status: 'rectified', light: 'yellow' }), second));
    apply(deltaOf(undefined, first));
    expect(totalsFromCounters(applied)).toEqual(totals);
  });
});
