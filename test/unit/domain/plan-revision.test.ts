import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { verifyChain } from '#shared/domain/chain.ts';
import { RuleViolation } from '#shared/domain/errors.ts';
import type { Item, ItemEvent } from '#shared/domain/item.ts';
import { ledgerFromPlan } from '#shared/domain/ledger.ts';
import { parsePlanJson } from '#shared/domain/plan/index.ts';
import type { Plan } from '#shared/domain/plan/model.ts';
import {
  carryMeasures,
  type RevisionContext,
  refuseWithdrawn,
  revisePlan,
} from '#shared/domain/plan-revision.ts';
import { actorRef } from '#shared/domain/roles.ts';
import { itemAsOf } from '#shared/domain/summary/replay.ts';
import { decideTransition } from '#shared/domain/transitions.ts';
import { anItem, principals } from '../../support/items.ts';

const sampleJson = JSON.parse(
  readFileSync(path.resolve(import.meta.dirname, '../../fixtures/plan.sample.json'), 'utf8'),
);

async function planOf(edit: (json: typeof sampleJson) => void = () => {}): Promise<Plan> {
  const json = structuredClone(sampleJson);
  edit(json);
  const parsed = await parsePlanJson(json);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return parsed.plan;
}

let ids = 0;
const newId = () => `id-${++ids}`;
const IMPORTED_AT = '2024-06-20T00:00:00.000Z';
const REVISED_AT = '2024-07-10T00:00:00.000Z';

/** The sample plan as first imported, with its chains; `1.2.1` then started in the workflow. */
async function current(): Promise<{ items: Item[]; chains: Map<string, ItemEvent[]> }> {
  const ledger = ledgerFromPlan(await planOf(), {
    inspectionId: 'insp-2024',
    importId: 'gen1',
    actor: actorRef(principals.admin),
    at: IMPORTED_AT,
    newId,
  });
  const chains = new Map(ledger.events.map((event) => [event.itemId, [event]]));
  const items = ledger.items.map((item) => {
    if (item.ref !== '1.2.1') return item;
    const started = decideTransition(item, { to: 'in_progress', expectedVersion: 1 }, principals.admin, {
      eventId: newId(),
      at: '2024-07-01T00:00:00.000Z',
    });
    chains.get(item.itemId)?.push(started.event);
    return started.item;
  });
  return { items, chains };
}

const context = (overrides: Partial<RevisionContext> = {}): RevisionContext => ({
  inspectionId: 'insp-2024',
  importId: 'gen2',
  actor: actorRef(principals.admin),
  at: REVISED_AT,
  newId,
  replacedImports: ['gen1'],
  ...overrides,
});

const byRef = (items: readonly Item[], ref: string) => {
  const found = items.find((item) => item.ref === ref);
  if (!found) throw new Error(`no item ${ref}`);
  return found;
};

describe('revisePlan', () => {
  it('changes nothing and records nothing when the plan is the same', async () => {
    const { items } = await current();
    const revision = revisePlan(items, await planOf(), context());
    expect(revision.refusals).toEqual([]);
    expect(revision.records).toEqual([]);
    expect(revision.items).toEqual(items);
    expect(revision.inspection).toMatchObject({ importId: 'gen2', replacedImports: ['gen1'], itemCount: 4 });
  });

  it('keeps status and chain and appends one PlanRevised record listing each field before and after', async () => {
    const { items, chains } = await current();
    const plan = await planOf((json) => {
      const planned = json.aspects[0].problems[1].items[0];
      planned.title = '民营医院监督检查覆盖面不足（修订）';
      planned.deadline = '2024-10-31';
      planned.responsibleLeaderId = 'L-zhao';
      planned.status = 'not_started'; // behind the workflow: ignored
    });
    const revision = revisePlan(items, plan, context());
    expect(revision.refusals).toEqual([]);
    expect(revision.revised).toEqual(['1.2.1']);
    const before = byRef(items, '1.2.1');
    const after = byRef(revision.items, '1.2.1');
    expect(after).toMatchObject({
      status: 'in_progress',
      title: '民营医院监督检查覆盖面不足（修订）',
      deadline: '2024-10-31',
      responsibleLeaderId: 'L-zhao',
      version: before.version + 1,
      updatedAt: REVISED_AT,
    });
    const [record] = revision.records;
    expect(record).toMatchObject({
      type: 'PlanRevised',
      seq: 3,
      prevHash: before.chainHead,
      itemId: before.itemId,
    });
    expect(record?.data).toEqual({
      importId: 'gen2',
      changes: [
        { field: 'title', before: '民营医院监督检查覆盖面不足', after: '民营医院监督检查覆盖面不足（修订）' },
        { field: 'responsibleLeaderId', before: null, after: 'L-zhao' },
        { field: 'deadline', before: '2024-08-31', after: '2024-10-31' },
      ],
    });
    expect(after.chainHead).toBe(record?.hash);
    const chain = [...(chains.get(before.itemId) ?? []), ...revision.records];
    expect(verifyChain(chain)).toMatchObject({ ok: true, length: 3, head: after.chainHead });
    // The others are carried as they were.
    expect(byRef(revision.items, '1.1.1')).toBe(byRef(items, '1.1.1'));
  });

  it('refuses a plan status ahead of the workflow, naming every such item, and builds nothing else', async () => {
    const { items } = await current();
    const plan = await planOf((json) => {
      json.aspects[0].problems[1].items[0].status = 'closed'; // 1.2.1 is in_progress
      json.aspects[0].problems[0].items[1].status = 'rectified'; // 1.1.2 is in_progress
      json.aspects[0].problems[0].items[0].title = 'changed too';
    });
    const revision = revisePlan(items, plan, context());
    expect(revision.refusals.map((refusal) => [refusal.ref, refusal.path])).toEqual([
      ['1.1.2', 'aspects[0].problems[0].items[1].status'],
      ['1.2.1', 'aspects[0].problems[1].items[0].status'],
    ]);
    expect(revision.refusals[1]?.message).toMatch(/1\.2\.1.*closed.*in_progress/);
    expect(revision.refusals[1]?.messageZh).toContain('已完成');
  });

  it('takes new items only as not_started or in_progress, with their Imported record', async () => {
    const { items } = await current();
    const added = {
      no: 2,
      title: '新增事项',
      status: 'in_progress',
      longTerm: false,
      responsibleLeader: '赵敏',
      responsibleDept: '医政医管科',
      deadline: '2024-12-31',
      measures: [{ text: '新措施', done: false }],
    };
    const accepted = revisePlan(
      items,
      await planOf((json) => json.aspects[0].problems[1].items.push(added)),
      context(),
    );
    expect(accepted.refusals).toEqual([]);
    expect(accepted.added).toEqual(['1.2.2']);
    expect(byRef(accepted.items, '1.2.2')).toMatchObject({ status: 'in_progress', version: 1 });
    expect(accepted.records).toEqual([expect.objectContaining({ type: 'Imported', seq: 1 })]);

    const refused = revisePlan(
      items,
      await planOf((json) => json.aspects[0].problems[1].items.push({ ...added, status: 'closed' })),
      context(),
    );
    expect(refused.refusals).toEqual([
      expect.objectContaining({ ref: '1.2.2', path: 'aspects[0].problems[1].items[1].status' }),
    ]);
  });

  it('withdraws items the plan drops (never erases them), and reinstates one that comes back', async () => {
    const { items } = await current();
    const without = await planOf((json) => json.aspects[0].problems[0].items.splice(1, 1)); // 1.1.2
    const revision = revisePlan(items, without, context());
    expect(revision.withdrawn).toEqual(['1.1.2']);
    expect(revision.items).toHaveLength(4);
    const withdrawn = byRef(revision.items, '1.1.2');
    expect(withdrawn).toMatchObject({
      status: 'in_progress',
      version: 2,
      withdrawn: {
        at: REVISED_AT,
        importId: 'gen2',
        reason: expect.stringContaining('gen2'),
        reasonEn: 'removed from the plan by the replace import gen2',
      },
    });
    expect(revision.records).toEqual([
      expect.objectContaining({
        type: 'Withdrawn',
        seq: 2,
        data: expect.objectContaining({ importId: 'gen2' }),
      }),
    ]);
    expect(revision.inspection.itemCount).toBe(3);

    const withReason = revisePlan(items, without, context({ withdrawReason: '问题已合并到1.1.1' }));
    expect(byRef(withReason.items, '1.1.2').withdrawn).toMatchObject({ reason: '问题已合并到1.1.1' });
    expect(byRef(withReason.items, '1.1.2').withdrawn?.reasonEn).toBeUndefined();

    // Still out of the next plan: no second record.
    const again = revisePlan(revision.items, without, context({ importId: 'gen3' }));
    expect(again.records).toEqual([]);
    expect(byRef(again.items, '1.1.2')).toBe(withdrawn);

    // Back in the plan: reinstated by a PlanRevised record, status as the workflow left it.
    const back = revisePlan(revision.items, await planOf(), context({ importId: 'gen3' }));
    expect(back.records).toEqual([
      expect.objectContaining({
        type: 'PlanRevised',
        seq: 3,
        data: { importId: 'gen3', changes: [], reinstated: true },
      }),
    ]);
    expect(byRef(back.items, '1.1.2').withdrawn).toBeUndefined();
    expect(byRef(back.items, '1.1.2').status).toBe('in_progress');
  });
});

describe('carryMeasures', () => {
  it('keeps done for the same text (same position first, then anywhere) and starts new texts not done', () => {
    const current = [
      { text: 'A', done: true },
      { text: 'B', done: false },
      { text: 'C', done: true },
    ];
    expect(
      carryMeasures(current, [
        { text: 'C', done: false }, // moved: keeps its done
        { text: 'B', done: true }, // same position, not done in the workflow: the plan's flag is ignored
        { text: 'D', done: true }, // new text: not done whatever the plan says
        { text: ' A ', done: false }, // moved, spacing aside
      ]),
    ).toEqual([
      { text: 'C', done: true },
      { text: 'B', done: false },
      { text: 'D', done: false },
      { text: ' A ', done: true },
    ]);
  });

  it('gives each of two measures with one text its own flag', () => {
    expect(
      carryMeasures(
        [
          { text: 'X', done: true },
          { text: 'X', done: false },
        ],
        [
          { text: 'X', done: false },
          { text: 'X', done: false },
          { text: 'X', done: false },
        ],
      ),
    ).toEqual([
      { text: 'X', done: true },
      { text: 'X', done: false },
      { text: 'X', done: false },
    ]);
  });
});

describe('refuseWithdrawn', () => {
  it('refuses any write to a withdrawn item with 422 naming the item, and lets others through', () => {
    expect(() => refuseWithdrawn(anItem())).not.toThrow();
    const withdrawn = anItem({
      withdrawn: { at: REVISED_AT, by: actorRef(principals.admin), importId: 'gen2', reason: '合并' },
    });
    let error: unknown;
    try {
      refuseWithdrawn(withdrawn);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(RuleViolation);
    expect((error as RuleViolation).params.reason).toContain(withdrawn.itemId);
    expect((error as RuleViolation).details).toMatchObject({ rule: 'item-withdrawn' });
  });
});

describe('itemAsOf after a replace', () => {
  it('replays the plan as revised by then, and the withdrawal only from its instant', async () => {
    const { items, chains } = await current();
    const revised = revisePlan(
      items,
      await planOf((json) => {
        json.aspects[0].problems[1].items[0].deadline = '2024-10-31';
        json.aspects[0].problems[1].items[0].measures = [{ text: '新措施', done: true }];
        json.aspects[0].problems[0].items.splice(1, 1);
      }),
      context(),
    );
    const item = byRef(revised.items, '1.2.1');
    const chain = [
      ...(chains.get(item.itemId) ?? []),
      ...revised.records.filter((r) => r.itemId === item.itemId),
    ];
    const before = itemAsOf(item, chain, '2024-07-05T00:00:00.000Z');
    expect(before).toMatchObject({ deadline: '2024-08-31', status: 'in_progress' });
    expect(before.measures).toEqual([{ text: '制定民营医院年度监督检查计划', done: false }]);
    const after = itemAsOf(
      { ...item, updatedAt: '2099-01-01T00:00:00.000Z' },
      chain,
      '2024-07-11T00:00:00.000Z',
    );
    expect(after).toMatchObject({ deadline: '2024-10-31' });
    expect(after.measures).toEqual([{ text: '新措施', done: false }]);

    const gone = byRef(revised.items, '1.1.2');
    const goneChain = [
      ...(chains.get(gone.itemId) ?? []),
      ...revised.records.filter((r) => r.itemId === gone.itemId),
    ];
    expect(itemAsOf(gone, goneChain, '2024-07-05T00:00:00.000Z').withdrawn).toBeUndefined();
    expect(
      itemAsOf({ ...gone, updatedAt: '2099-01-01T00:00:00.000Z' }, goneChain, REVISED_AT).withdrawn,
    ).toMatchObject({
      importId: 'gen2',
    });
  });
});
