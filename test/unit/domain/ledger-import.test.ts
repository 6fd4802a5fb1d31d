import { describe, expect, it } from 'vitest';
import { GENESIS_HASH } from '#shared/domain/chain.ts';
import { importNoteOf, ledgerFromPlan, ledgerTotals } from '#shared/domain/ledger.ts';
import type { Plan, PlanItem } from '#shared/domain/plan/model.ts';
import { anItem, principals } from '../../support/items.ts';

const planItem = (no: number, overrides: Partial<PlanItem> = {}): PlanItem => ({
  no,
  ref: `1.1.${no}`,
  title: `事项${no}`,
  status: 'not_started',
  longTerm: false,
  responsibleLeader: '王强',
  responsibleDept: '基层卫生科',
  deadline: '2024-12-31',
  measures: [{ text: '措施', done: false }],
  ...overrides,
});

const plan = (items: PlanItem[]): Plan => ({
  format: 'rectify.plan/v1',
  inspection: {
    id: 'plan-id',
    title: '巡察',
    inspectedUnit: '市卫健委',
    inspectionGroup: '市委第一巡察组',
    inspectionStart: '2024-03-01',
    inspectionEnd: '2024-04-30',
    feedbackDate: '2024-06-20',
    timezone: 'Asia/Shanghai',
  },
  aspects: [{ no: 1, title: '方面一', problems: [{ no: 1, title: '问题一', items }] }],
  outcomes: [{ kind: 'regulation', count: 2 }],
});

const context = () => {
  let id = 0;
  return {
    inspectionId: 'insp-2024',
    importId: 'imp-1',
    actor: principals.admin,
    at: '2024-06-21T00:00:00.000Z',
    newId: () => `ev-${++id}`,
  };
};

describe('ledgerFromPlan', () => {
  it('makes the inspection from the plan’s header, under the given id', () => {
    const { inspection } = ledgerFromPlan(plan([planItem(1)]), context());
    expect(inspection).toEqual({
      title: '巡察',
      inspectedUnit: '市卫健委',
      inspectionGroup: '市委第一巡察组',
      inspectionStart: '2024-03-01',
      inspectionEnd: '2024-04-30',
      feedbackDate: '2024-06-20',
      timezone: 'Asia/Shanghai',
      inspectionId: 'insp-2024',
      aspects: [{ no: 1, title: '方面一', problems: [{ no: 1, title: '问题一' }] }],
      itemCount: 1,
      outcomes: [{ kind: 'regulation', count: 2 }],
      importId: 'imp-1',
      importedAt: '2024-06-21T00:00:00.000Z',
      importedBy: principals.admin,
      replacedImports: [],
    });
    const replacing = ledgerFromPlan(plan([planItem(1)]), { ...context(), replacedImports: ['imp-0'] });
    expect(replacing.inspection.replacedImports).toEqual(['imp-0']);
  });

  it('imports a bare item as not started, recording exactly what the plan said', () => {
    const { items, events } = ledgerFromPlan(plan([planItem(1)]), context());
    const snapshot = {
      title: '事项1',
      status: 'not_started',
      longTerm: false,
      responsibleLeader: '王强',
      responsibleDept: '基层卫生科',
      deadline: '2024-12-31',
      measures: [{ text: '措施', done: false }],
    };
    expect(events).toEqual([
      {
        eventId: 'ev-1',
        itemId: 'insp-2024.1.1.1',
        inspectionId: 'insp-2024',
        type: 'Imported',
        at: '2024-06-21T00:00:00.000Z',
        actor: principals.admin,
        data: { importId: 'imp-1', ...snapshot, importedStatus: 'not_started', importedBy: principals.admin },
        seq: 1,
        prevHash: GENESIS_HASH,
        hash: events[0]?.hash,
      },
    ]);
    expect(items).toEqual([
      {
        itemId: 'insp-2024.1.1.1',
        inspectionId: 'insp-2024',
        ref: '1.1.1',
        aspectNo: 1,
        problemNo: 1,
        no: 1,
        ...snapshot,
        evidenceCount: 0,
        version: 1,
        chainHead: events[0]?.hash,
        updatedAt: '2024-06-21T00:00:00.000Z',
      },
    ]);
  });

  it('keeps the optional fields the plan gives, and the status it brought in', () => {
    const full = planItem(2, {
      description: '描述',
      responsibleLeaderId: 'L-001',
      progress: '已开展',
      status: 'in_progress',
      measures: [{ text: '措施', done: true }],
    });
    const { items, events } = ledgerFromPlan(plan([full]), context());
    expect(items[0]).toMatchObject({
      description: '描述',
      responsibleLeaderId: 'L-001',
      progress: '已开展',
      status: 'in_progress',
      importedStatus: 'in_progress',
      measures: [{ text: '措施', done: true }],
    });
    expect(events[0]?.data).toMatchObject({
      description: '描述',
      responsibleLeaderId: 'L-001',
      progress: '已开展',
      importedStatus: 'in_progress',
    });
  });
});

describe('importNoteOf', () => {
  it.each([
    [
      'imported closed, never signed off here',
      { status: 'closed', importedStatus: 'closed' },
      'closed-before-import',
    ],
    [
      'imported closed, signed off here since',
      { status: 'closed', importedStatus: 'closed', signOff: {} },
      undefined,
    ],
    ['closed here, imported rectified', { status: 'closed', importedStatus: 'rectified' }, undefined],
    [
      'imported rectified, never rectified here',
      { status: 'rectified', importedStatus: 'rectified' },
      'rectified-before-import',
    ],
    [
      'imported rectified, rectified here since',
      { status: 'rectified', importedStatus: 'rectified', rectifiedAt: 'x' },
      undefined,
    ],
    [
      'rectified here, imported closed (reopened since)',
      { status: 'rectified', importedStatus: 'closed' },
      undefined,
    ],
    [
      'rectified here, imported in progress',
      { status: 'rectified', importedStatus: 'in_progress' },
      undefined,
    ],
    ['imported rectified, reopened', { status: 'in_progress', importedStatus: 'rectified' }, undefined],
    ['never imported in a later state', { status: 'closed' }, undefined],
  ] as const)('%s: %s', (_case, item, note) => {
    expect(importNoteOf(item as Parameters<typeof importNoteOf>[0])).toBe(note);
  });
});

describe('ledgerTotals', () => {
  it('counts an item of an aspect the outline does not list in the totals and its department only', () => {
    const totals = ledgerTotals([anItem({ aspectNo: 9 })], [{ no: 1, title: '方面一' }], '2024-06-01');
    expect(totals.all.total).toBe(1);
    expect(totals.byAspect).toEqual([expect.objectContaining({ aspectNo: 1, total: 0 })]);
    expect(totals.byDepartment).toEqual([expect.objectContaining({ department: '基层卫生科', total: 1 })]);
  });

  it('lists departments in Chinese collation order (pinyin, Latin after)', () => {
    const items = ['卫生科', '财务科', '办公室', 'A科'].map((responsibleDept) => anItem({ responsibleDept }));
    const totals = ledgerTotals(items, [], '2024-06-01');
    expect(totals.byDepartment.map((d) => d.department)).toEqual(['办公室', '财务科', '卫生科', 'A科']);
  });
});
