import { describe, expect, it } from 'vitest';
import type { Inspection } from '#shared/domain/inspection.ts';
import type { Item } from '#shared/domain/item.ts';
import type { RecordedOutcome } from '#shared/domain/outcomes.ts';
import { buildSummary, compareRefs, type SummaryInput } from '#shared/domain/summary/generate.ts';
import { anItem, principals } from '../../support/items.ts';

const inspection: Inspection = {
  inspectionId: 'insp-2024',
  title: '巡察',
  inspectedUnit: '市卫健委',
  inspectionGroup: '市委第一巡察组',
  inspectionStart: '2024-03-01',
  inspectionEnd: '2024-04-30',
  feedbackDate: '2024-01-01',
  timezone: 'Asia/Shanghai',
  aspects: [{ no: 1, title: '方面一', problems: [{ no: 1, title: '问题一' }] }],
  itemCount: 0,
  outcomes: [],
  importId: 'imp-1',
  importedAt: '2024-01-02T00:00:00.000Z',
  importedBy: principals.admin,
  replacedImports: [],
};

const item = (ref: string, overrides: Partial<Item> = {}): Item => {
  const [aspectNo, problemNo, no] = ref.split('.').map(Number) as [number, number, number];
  return anItem({
    itemId: `insp-2024.${ref}`,
    ref,
    aspectNo,
    problemNo,
    no,
    title: `事项${ref}`,
    ...overrides,
  });
};

const outcome = (kind: RecordedOutcome['kind'], count: number, amountCny?: number): RecordedOutcome => ({
  kind,
  count,
  ...(amountCny === undefined ? {} : { amountCny }),
  outcomeId: `o-${kind}`,
  source: 'recorded',
  recordedAt: '2024-06-01T00:00:00.000Z',
  recordedBy: principals.admin,
});

const summarise = (overrides: Partial<SummaryInput>) =>
  buildSummary({
    summaryId: 's-2',
    inspection,
    items: [],
    outcomes: [],
    asOf: new Date('2024-10-01T02:00:00.000Z'),
    generatedAt: new Date('2024-10-01T02:00:05.000Z'),
    trigger: 'schedule',
    lang: 'zh-CN',
    ...overrides,
  });

describe('compareRefs', () => {
  it.each([
    ['1.2.9', '1.2.10', -1],
    ['1.2.10', '1.2.9', 1],
    ['2.1.1', '10.1.1', -1],
    ['1.2', '1.2.1', -1],
    ['1.2.1', '1.2', 1],
    ['1.2.3', '1.2.3', 0],
  ])('%s against %s', (a, b, sign) => {
    expect(Math.sign(compareRefs(a, b))).toBe(sign);
  });
});

describe('buildSummary', () => {
  it('leaves withdrawn items out of everything', () => {
    const withdrawn = item('1.1.2', {
      withdrawn: { at: 'x', by: principals.admin, importId: 'imp-2', reason: 'r' },
    });
    const summary = summarise({ items: [item('1.1.1'), withdrawn] });
    expect(summary.items.map((i) => i.ref)).toEqual(['1.1.1']);
    expect(summary.totals.total).toBe(1);
  });

  it('counts an item of an aspect the outline lacks in the totals and its department only', () => {
    const summary = summarise({ items: [item('9.1.1'), item('1.1.1')] });
    expect(summary.totals.total).toBe(2);
    expect(summary.byAspect).toEqual([expect.objectContaining({ aspectNo: 1, title: '方面一', total: 1 })]);
  });

  it('counts each department once per item and lists departments in Chinese collation order', () => {
    const summary = summarise({
      items: [
        item('1.1.1', { responsibleDept: '卫生科' }),
        item('1.1.2', { responsibleDept: '财务科' }),
        item('1.1.3', { responsibleDept: '卫生科' }),
        item('1.1.4', { responsibleDept: '办公室' }),
      ],
    });
    expect(summary.byDepartment.map((d) => [d.department, d.total])).toEqual([
      ['办公室', 1],
      ['财务科', 1],
      ['卫生科', 2],
    ]);
  });

  it('lists the items not started, in progress and overdue, in ref order', () => {
    const summary = summarise({
      items: [
        item('1.1.10', { status: 'not_started', deadline: '2024-09-01' }),
        item('1.1.2', { status: 'in_progress', deadline: '2024-12-31' }),
        item('1.1.9', { status: 'not_started', deadline: '2024-12-31' }),
        item('1.1.1', { status: 'closed', deadline: '2024-09-01' }),
      ],
    });
    expect(summary.items.map((i) => i.ref)).toEqual(['1.1.1', '1.1.2', '1.1.9', '1.1.10']);
    expect(summary.notStarted.map((i) => i.ref)).toEqual(['1.1.9', '1.1.10']);
    expect(summary.inProgress.map((i) => i.ref)).toEqual(['1.1.2']);
    expect(summary.overdue).toEqual([
      {
        ref: '1.1.10',
        title: '事项1.1.10',
        department: '基层卫生科',
        leader: '王强',
        deadline: '2024-09-01',
        daysOverdue: 30,
      },
    ]);
  });

  it('totals the refunds, or says zero', () => {
    expect(
      summarise({ outcomes: [outcome('regulation', 2), outcome('refund', 1, 120.5)] }).outcomes
        .refundTotalCny,
    ).toBe(120.5);
    expect(summarise({ outcomes: [outcome('regulation', 2)] }).outcomes.refundTotalCny).toBe(0);
  });

  it('lists what changed since the previous summary, counting items it did not know', () => {
    const summary = summarise({
      items: [
        item('1.1.1', { status: 'rectified' }),
        item('1.1.2', { status: 'closed' }),
        item('1.1.3', { status: 'in_progress', deadline: '2024-09-01' }),
        item('1.1.4', { status: 'in_progress', deadline: '2024-09-01' }),
        item('1.1.5', { status: 'closed' }),
      ],
      previous: {
        summaryId: 's-1',
        asOf: '2024-09-01T02:00:00.000Z',
        items: [
          { ref: '1.1.1', status: 'in_progress', overdue: false },
          { ref: '1.1.2', status: 'rectified', overdue: false },
          { ref: '1.1.3', status: 'in_progress', overdue: true },
        ],
      },
    });
    expect(summary.changes).toEqual({
      previousSummaryId: 's-1',
      previousAsOf: '2024-09-01T02:00:00.000Z',
      newlyRectified: [expect.objectContaining({ ref: '1.1.1' }), expect.objectContaining({ ref: '1.1.5' })],
      newlyOverdue: [expect.objectContaining({ ref: '1.1.4' })],
    });
    expect(summarise({}).changes).toBeNull();
  });
});
