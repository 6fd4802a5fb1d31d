import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { leaderKeyOf } from '#shared/domain/access.ts';
import { calendarDate } from '#shared/domain/inspection.ts';
import { isOverdue, ledgerFromPlan, ledgerTotals } from '#shared/domain/ledger.ts';
import { parsePlanJson } from '#shared/domain/plan/index.ts';
import { anItem } from '../../support/items.ts';

describe('calendarDate', () => {
  it('is the date in the inspection time zone, not in UTC', () => {
    expect(calendarDate(new Date('2022-10-20T17:00:00Z'), 'Asia/Shanghai')).toBe('2022-10-21');
    expect(calendarDate(new Date('2022-10-20T17:00:00Z'), 'UTC')).toBe('2022-10-20');
  });
});

describe('isOverdue', () => {
  it('counts open items past their deadline only', () => {
    expect(isOverdue({ status: 'in_progress', deadline: '2024-09-30' }, '2024-10-01')).toBe(true);
    expect(isOverdue({ status: 'in_progress', deadline: '2024-09-30' }, '2024-09-30')).toBe(false);
    expect(isOverdue({ status: 'rectified', deadline: '2024-09-30' }, '2024-10-01')).toBe(false);
    expect(isOverdue({ status: 'closed', deadline: '2024-09-30' }, '2024-10-01')).toBe(false);
  });
});

describe('ledgerTotals', () => {
  it('counts rectified as rectified + closed, by aspect and by department, with measures', () => {
    const items = [
      anItem({
        aspectNo: 1,
        status: 'rectified',
        responsibleDept: 'A',
        measures: [{ text: 'm', done: true }],
      }),
      anItem({ aspectNo: 1, status: 'closed', responsibleDept: 'B', measures: [] }),
      anItem({
        aspectNo: 2,
        status: 'in_progress',
        responsibleDept: 'A',
        deadline: '2024-01-01',
        measures: [{ text: 'm', done: false }],
      }),
      anItem({
        aspectNo: 2,
        status: 'not_started',
        responsibleDept: 'B',
        deadline: '2099-01-01',
        measures: [],
      }),
    ];
    const totals = ledgerTotals(
      items,
      [
        { no: 1, title: '方面一' },
        { no: 2, title: '方面二' },
      ],
      '2024-06-01',
    );
    expect(totals.all).toEqual({
      not_started: 1,
      in_progress: 1,
      rectified: 1,
      closed: 1,
      total: 4,
      rectifiedTotal: 2,
      overdue: 1,
      measuresTotal: 2,
      measuresDone: 1,
    });
    expect(totals.byAspect.map((a) => [a.aspectNo, a.rectifiedTotal, a.total])).toEqual([
      [1, 2, 2],
      [2, 0, 2],
    ]);
    expect(totals.byDepartment.map((d) => [d.department, d.total, d.overdue])).toEqual([
      ['A', 2, 1],
      ['B', 2, 0],
    ]);
  });

  it('gives zeros, not NaN, for an empty ledger', () => {
    expect(ledgerTotals([], [], '2024-06-01').all.total).toBe(0);
  });
});

describe('ledgerFromPlan', () => {
  it('carries the plan’s leader id into the item and its Imported record', () => {
    const sample = JSON.parse(
      readFileSync(path.resolve(import.meta.dirname, '../../fixtures/plan.sample.json'), 'utf8'),
    );
    sample.aspects[0].problems[0].items[0].responsibleLeaderId = 'L-001';
    const parsed = parsePlanJson(sample);
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
    let id = 0;
    const { items, events } = ledgerFromPlan(parsed.plan, {
      inspectionId: 'insp-2024',
      importId: 'imp-1',
      actor: { subject: 'admin-1', name: '整改办', roles: ['admin'] },
      at: '2024-06-20T00:00:00.000Z',
      newId: () => `e-${++id}`,
    });
    expect(items.map(leaderKeyOf)).toEqual(['L-001', '王强', '赵敏', '李明']);
    expect(events[0]?.data.responsibleLeaderId).toBe('L-001');
    expect(events[1]?.data).not.toHaveProperty('responsibleLeaderId');
  });
});
