import { describe, expect, it } from 'vitest';
import { RuleViolation } from '#shared/domain/errors.ts';
import type { Item } from '#shared/domain/item.ts';
import { ledgerFromPlan } from '#shared/domain/ledger.ts';
import type { Plan, PlanItem } from '#shared/domain/plan/model.ts';
import {
  carryMeasures,
  defaultWithdrawReason,
  type RevisionRefusal,
  refuseWithdrawn,
  revisePlan,
  revisionRefused,
} from '#shared/domain/plan-revision.ts';
import { principals } from '../../support/items.ts';

const m = (text: string, done = false) => ({ text, done });

describe('carryMeasures', () => {
  it.each([
    ['the same list keeps every flag', [m('a', true), m('b')], [m('a'), m('b')], [true, false]],
    ['a measure moved keeps its flag', [m('a', true), m('b')], [m('b'), m('a')], [false, true]],
    ['a reworded measure starts not done', [m('a', true)], [m('a (revised)')], [false]],
    ['blanks around a text do not matter', [m(' a ', true)], [m('a')], [true]],
    ['blanks do not matter at another position either', [m('b'), m(' a ', true)], [m('a')], [true]],
    [
      'the same text at the same position wins over an earlier one',
      [m('x', true), m('x')],
      [m('y'), m('x')],
      [false, false],
    ],
    [
      'a measure matched at its position is not matched again',
      [m('x'), m('x', true)],
      [m('x'), m('y')],
      [false, false],
    ],
    [
      'one done measure counts once however often its text comes back',
      [m('a', true)],
      [m('b'), m('a'), m('a')],
      [false, true, false],
    ],
    ['a new measure starts not done', [m('a', true)], [m('a'), m('new')], [true, false]],
    [
      'duplicates keep their own flags, same position first',
      [m('x', false), m('x', true)],
      [m('x'), m('x')],
      [false, true],
    ],
    [
      'a duplicate added later matches no done measure twice',
      [m('x', true)],
      [m('x'), m('x')],
      [true, false],
    ],
    [
      'a text at another position is matched after the same-position ones',
      [m('b', true), m('a', true), m('c')],
      [m('a'), m('b'), m('c')],
      [true, true, false],
    ],
  ])('%s', (_case, current, planned, done) => {
    const carried = carryMeasures(current, planned);
    expect(carried.map((measure) => measure.done)).toEqual(done);
    expect(carried.map((measure) => measure.text)).toEqual(planned.map((measure) => measure.text));
  });
});

const planItem = (no: number, overrides: Partial<PlanItem> = {}): PlanItem => ({
  no,
  ref: `1.1.${no}`,
  title: `事项${no}`,
  status: 'not_started',
  longTerm: false,
  responsibleLeader: '王强',
  responsibleDept: '基层卫生科',
  deadline: '2024-12-31',
  measures: [m('措施')],
  ...overrides,
});

const planOf = (items: PlanItem[]): Plan => ({
  format: 'rectify.plan/v1',
  inspection: {
    title: '巡察',
    inspectedUnit: '市卫健委',
    inspectionGroup: '市委第一巡察组',
    inspectionStart: '2024-03-01',
    inspectionEnd: '2024-04-30',
    feedbackDate: '2024-06-20',
    timezone: 'Asia/Shanghai',
  },
  aspects: [{ no: 1, title: '方面一', problems: [{ no: 1, title: '问题一', items }] }],
  outcomes: [],
});

let ids = 0;
const context = (overrides: { withdrawReason?: string } = {}) => ({
  inspectionId: 'insp-2024',
  importId: 'imp-2',
  actor: principals.admin,
  at: '2024-07-01T00:00:00.000Z',
  newId: () => `r-${++ids}`,
  replacedImports: ['imp-1'],
  ...overrides,
});

const current = (items: PlanItem[]): Item[] =>
  ledgerFromPlan(planOf(items), { ...context(), importId: 'imp-1', replacedImports: [] }).items;

describe('revisePlan', () => {
  it('refuses a new item that comes in beyond in progress, saying why in both languages', () => {
    const revision = revisePlan(
      current([planItem(1)]),
      planOf([planItem(1), planItem(2, { status: 'closed' })]),
      context(),
    );
    expect(revision.refusals).toEqual([
      {
        path: 'aspects[0].problems[0].items[1].status',
        ref: '1.1.2',
        message:
          'Item 1.1.2 is new in this plan and may come in only as not_started or in_progress, not closed: only the workflow (evidence, sign-off) moves an item further.',
        messageZh:
          '事项 1.1.2 是本次方案新增的事项，只能以“未启动”或“正在整改”导入，不能为“已完成”：事项须经整改流程（佐证材料、销号）推进。',
      },
    ]);
  });

  it('refuses a plan status ahead of the item’s, and takes one behind it as it stands', () => {
    const items = current([planItem(1, { status: 'in_progress' }), planItem(2, { status: 'in_progress' })]);
    const revision = revisePlan(
      items,
      planOf([planItem(1, { status: 'rectified' }), planItem(2, { status: 'not_started' })]),
      context(),
    );
    expect(revision.refusals).toEqual([
      {
        path: 'aspects[0].problems[0].items[0].status',
        ref: '1.1.1',
        message:
          'Item 1.1.1: the plan says rectified but the item is in_progress. A replace changes the plan, not the workflow: only a transition (with its evidence and sign-off) moves an item forward.',
        messageZh:
          '事项 1.1.1：方案中的状态为“已整改”，台账中当前为“正在整改”。替换导入只修改整改方案，不推进整改流程：事项状态须通过状态变更（佐证材料、销号）推进。',
      },
    ]);
  });

  it('withdraws an item the plan drops with the reason given, trimmed, or the default in both languages', () => {
    const items = current([planItem(1), planItem(2)]);
    const given = revisePlan(items, planOf([planItem(1)]), context({ withdrawReason: '  合并到 1.1.1  ' }));
    expect(given.withdrawn).toEqual(['1.1.2']);
    expect(given.records.at(-1)).toMatchObject({
      type: 'Withdrawn',
      data: { importId: 'imp-2', reason: '合并到 1.1.1' },
    });
    expect(given.records.at(-1)?.data).not.toHaveProperty('reasonEn');
    const blank = revisePlan(items, planOf([planItem(1)]), context({ withdrawReason: '   ' }));
    const fallback = defaultWithdrawReason('imp-2');
    expect(blank.records.at(-1)?.data).toEqual({
      importId: 'imp-2',
      reason: fallback.zh,
      reasonEn: fallback.en,
    });
    expect(fallback).toEqual({
      zh: '整改方案替换导入（批次 imp-2）时该事项已从方案中删除',
      en: 'removed from the plan by the replace import imp-2',
    });
  });
});

describe('revisePlan: fields the plan no longer gives', () => {
  it('are removed from the item, not left empty', () => {
    const items = current([planItem(1, { description: '旧描述', responsibleLeaderId: 'L-1' })]);
    const revision = revisePlan(items, planOf([planItem(1)]), context());
    expect(revision.revised).toEqual(['1.1.1']);
    expect(revision.items[0]).not.toHaveProperty('description');
    expect(revision.items[0]).not.toHaveProperty('responsibleLeaderId');
  });
});

describe('revisionRefused', () => {
  const refusal = (ref: string): RevisionRefusal => ({
    path: `p.${ref}`,
    ref,
    message: `message of ${ref}`,
    messageZh: `${ref} 的说明`,
  });

  it('says the count even of none', () => {
    expect(revisionRefused([]).params).toEqual({
      reason: 'The replace is refused, nothing was changed: 0 item(s) () would move in the workflow. ',
      reasonZh: '替换导入被拒绝，未作任何更改：0 个事项（）将改变整改流程状态。',
    });
  });

  it('names every refused item and repeats the first reason', () => {
    const error = revisionRefused([refusal('1.1.1'), refusal('1.1.2')]);
    expect(error).toBeInstanceOf(RuleViolation);
    expect(error.params).toEqual({
      reason:
        'The replace is refused, nothing was changed: 2 item(s) (1.1.1, 1.1.2) would move in the workflow. message of 1.1.1',
      reasonZh: '替换导入被拒绝，未作任何更改：2 个事项（1.1.1, 1.1.2）将改变整改流程状态。1.1.1 的说明',
    });
    expect(error.details).toEqual({
      rule: 'plan-revision-moves-workflow',
      issues: [refusal('1.1.1'), refusal('1.1.2')],
    });
  });
});

describe('refuseWithdrawn', () => {
  const withdrawn = (reasonEn?: string): Item =>
    ({
      ...current([planItem(1)])[0],
      withdrawn: {
        at: '2024-07-01T00:00:00.000Z',
        by: principals.admin,
        importId: 'imp-2',
        reason: '已删除',
        ...(reasonEn ? { reasonEn } : {}),
      },
    }) as Item;

  it('lets an item in the plan be changed', () => {
    expect(() => refuseWithdrawn(current([planItem(1)])[0] as Item)).not.toThrow();
  });

  it.each([
    ['an English reason', 'dropped', 'dropped'],
    ['only a Chinese reason', undefined, '已删除'],
  ])('refuses a withdrawn item, giving %s', (_case, reasonEn, shown) => {
    const item = withdrawn(reasonEn);
    const error = (() => {
      try {
        refuseWithdrawn(item);
      } catch (thrown) {
        return thrown as RuleViolation;
      }
      throw new Error('expected a refusal');
    })();
    expect(error).toBeInstanceOf(RuleViolation);
    expect(error.params).toEqual({
      reason: `Item insp-2024.1.1.1 was withdrawn from the plan (${shown}, 2024-07-01T00:00:00.000Z); it can be read but no longer changed.`,
      reasonZh: '事项 1.1.1 已从整改方案中撤销（已删除，2024-07-01T00:00:00.000Z），只能查看，不能再修改。',
    });
    expect(error.details).toEqual({ rule: 'item-withdrawn', withdrawn: item.withdrawn });
  });
});
