import { describe, expect, it } from 'vitest';
import type { Inspection } from '#shared/domain/inspection.ts';
import { type InspectionEvent, nextInspectionEvent } from '#shared/domain/inspection-events.ts';
import type { Item, ItemEvent } from '#shared/domain/item.ts';
import { ledgerFromPlan } from '#shared/domain/ledger.ts';
import { checkOutcome, outcomesOf, tallyOutcomes } from '#shared/domain/outcomes.ts';
import type { OutcomeKind, PlanOutcome } from '#shared/domain/plan/model.ts';
import { decideProgress } from '#shared/domain/progress.ts';
import { buildSummary, compareRefs } from '#shared/domain/summary/generate.ts';
import { type ParagraphFacts, paragraphEn, paragraphZh } from '#shared/domain/summary/paragraph.ts';
import { itemAsOf } from '#shared/domain/summary/replay.ts';
import { decideTransition } from '#shared/domain/transitions.ts';
import { anItem, principals } from '../../support/items.ts';

const tally = (counts: Partial<Record<OutcomeKind, number>>, extra: PlanOutcome[] = []) =>
  tallyOutcomes([
    ...Object.entries(counts).map(([kind, count]) => ({
      kind: kind as OutcomeKind,
      count,
      ...(kind === 'refund' ? { amountCny: 4384 } : {}),
    })),
    ...extra,
  ]);

/** The totals of the report the issue quotes: 39 items, 37 done, 2 in progress. */
const REPORT: ParagraphFacts = {
  asOfDate: '2022-10-20',
  items: 39,
  rectified: 37,
  inProgressTitles: ['A', 'B'],
  notStarted: 0,
  measuresTotal: 69,
  measuresDone: 67,
  outcomes: tally({ regulation: 19, dismissal: 4, criticism: 7, punishment: 1, refund: 1 }),
};

describe('the narrative paragraph', () => {
  it('reads exactly like the original report', () => {
    expect(paragraphZh(REPORT)).toBe(
      '截至2022年10月20日，巡察反馈的39个具体事项已经整改完成37项，正在整改2项（A，B）。提出整改措施69条，已经完成67条。建立健全制度19项，免职4人、批评教育7人，惩处1人，退缴违规钱款4384元。',
    );
  });

  it('says the same in English', () => {
    expect(paragraphEn(REPORT)).toBe(
      'As of 20 October 2022, of the 39 specific issues raised by the inspection, 37 have been rectified and 2 are in progress (A; B). Of the 69 rectification measures proposed, 67 are complete. 19 regulations were established or improved, 4 people were removed from post, 7 people were criticised and educated, 1 person was punished and CNY 4,384 of irregular funds was recovered.',
    );
  });

  it('adds 尚未启动 only when some items have not started', () => {
    expect(paragraphZh(REPORT)).not.toContain('尚未启动');
    const withIdle = paragraphZh({ ...REPORT, rectified: 36, notStarted: 1 });
    expect(withIdle).toContain('已经整改完成36项，正在整改2项（A，B），尚未启动1项。');
    expect(paragraphEn({ ...REPORT, rectified: 36, notStarted: 1 })).toContain('1 has not started');
  });

  it.each([
    ['regulation', '建立健全制度19项'],
    ['dismissal', '免职4人'],
    ['criticism', '批评教育7人'],
    ['punishment', '惩处1人'],
    ['refund', '退缴违规钱款4384元'],
  ] as const)('drops the %s clause when its count is zero', (kind, clause) => {
    const counts = { regulation: 19, dismissal: 4, criticism: 7, punishment: 1, refund: 1, [kind]: 0 };
    const text = paragraphZh({ ...REPORT, outcomes: tally(counts) });
    expect(text).not.toContain(clause);
    expect(text).not.toMatch(/，，|、，|，、|、。|，。/);
    expect(text.endsWith('。')).toBe(true);
  });

  it('joins the remaining personnel clauses without stray separators', () => {
    expect(paragraphZh({ ...REPORT, outcomes: tally({ criticism: 7 }) })).toMatch(
      /已经完成67条。批评教育7人。$/,
    );
    expect(paragraphZh({ ...REPORT, outcomes: tally({ dismissal: 4, refund: 1 }) })).toMatch(
      /免职4人，退缴违规钱款4384元。$/,
    );
    expect(paragraphZh({ ...REPORT, outcomes: tally({}) })).toMatch(/已经完成67条。$/);
  });

  it('names who was dealt with from a short shared note, never from a sentence', () => {
    const named = tallyOutcomes([{ kind: 'dismissal', count: 4, note: '校级领导干部' }]);
    expect(paragraphZh({ ...REPORT, outcomes: named })).toContain('免职校级领导干部4人');
    const verbAgain = tallyOutcomes([{ kind: 'criticism', count: 2, note: '批评教育' }]);
    expect(paragraphZh({ ...REPORT, outcomes: verbAgain })).toContain('批评教育2人');
    const sentence = tallyOutcomes([
      { kind: 'punishment', count: 1, note: '对违规报销的教师给予警告处分，并通报' },
    ]);
    expect(paragraphZh({ ...REPORT, outcomes: sentence })).toContain('惩处1人');
    const mixed = tallyOutcomes([
      { kind: 'dismissal', count: 2, note: '校级领导干部' },
      { kind: 'dismissal', count: 1, note: '中层干部' },
    ]);
    expect(paragraphZh({ ...REPORT, outcomes: mixed })).toContain('免职3人');
  });

  it('names at most ten in-progress items, then says 等', () => {
    const titles = Array.from({ length: 12 }, (_, i) => `事项${i + 1}`);
    const text = paragraphZh({ ...REPORT, rectified: 27, inProgressTitles: titles });
    expect(text).toContain(
      '正在整改12项（事项1，事项2，事项3，事项4，事项5，事项6，事项7，事项8，事项9，事项10等）',
    );
    expect(text).not.toContain('事项11');
  });

  it('says all were rectified when none is left', () => {
    const done = { ...REPORT, rectified: 39, inProgressTitles: [], measuresDone: 69 };
    expect(paragraphZh(done)).toMatch(
      /^截至2022年10月20日，巡察反馈的39个具体事项已经全部整改完成。提出整改措施69条，已经全部完成。/,
    );
    expect(paragraphEn(done)).toContain(
      'all 39 specific issues raised by the inspection have been rectified',
    );
  });

  it('is a sensible sentence for an inspection with no items', () => {
    const empty = {
      ...REPORT,
      items: 0,
      rectified: 0,
      inProgressTitles: [],
      measuresTotal: 0,
      measuresDone: 0,
      outcomes: tally({}),
    };
    expect(paragraphZh(empty)).toBe('截至2022年10月20日，尚无巡察反馈的具体事项录入台账。');
    expect(paragraphEn(empty)).toBe(
      'As of 20 October 2022, no specific issues raised by the inspection have been entered in the ledger.',
    );
  });

  it('writes refunds with fen when there are any, and sums them exactly', () => {
    const refunds = tallyOutcomes([
      { kind: 'refund', count: 1, amountCny: 0.1 },
      { kind: 'refund', count: 1, amountCny: 0.2 },
    ]);
    expect(paragraphZh({ ...REPORT, outcomes: refunds })).toContain('退缴违规钱款0.3元');
  });
});

const INSPECTION: Inspection = {
  inspectionId: 'insp-2022',
  title: '关于巡察反馈意见整改情况',
  inspectedUnit: '第一中学',
  inspectionGroup: '第二巡察组',
  inspectionStart: '2022-03-01',
  inspectionEnd: '2022-04-30',
  feedbackDate: '2022-06-01',
  timezone: 'Asia/Shanghai',
  aspects: [
    { no: 1, title: '党的领导', problems: [{ no: 1, title: '问题一' }] },
    { no: 2, title: '财务管理', problems: [{ no: 1, title: '问题二' }] },
  ],
  itemCount: 0,
  outcomes: [],
  importId: 'imp1',
  importedAt: '2022-06-02T00:00:00.000Z',
  importedBy: { subject: 'admin-1', name: '整改办', roles: ['admin'] },
  replacedImports: [],
};

const input = (items: Item[], asOf: string, extra: Partial<Parameters<typeof buildSummary>[0]> = {}) =>
  buildSummary({
    summaryId: 'r-0123456789abcdef0123',
    inspection: INSPECTION,
    items,
    outcomes: [],
    asOf: new Date(asOf),
    generatedAt: new Date('2026-11-26T00:00:00Z'),
    trigger: 'request',
    lang: 'zh-CN',
    ...extra,
  });

describe('a summary', () => {
  const items = [
    anItem({
      ref: '1.1.1',
      title: '甲',
      status: 'closed',
      deadline: '2022-09-30',
      measures: [{ text: 'm', done: true }],
    }),
    anItem({
      ref: '1.1.2',
      title: '乙',
      status: 'in_progress',
      deadline: '2022-10-01',
      responsibleDept: '财务科',
    }),
    anItem({ ref: '2.1.10', aspectNo: 2, title: '丙', status: 'not_started', deadline: '2022-12-31' }),
    anItem({
      ref: '2.1.9',
      aspectNo: 2,
      title: '丁',
      status: 'rectified',
      deadline: '2022-08-01',
      longTerm: true,
    }),
  ];

  it('takes the as-of date in the inspection zone', () => {
    const summary = input(items, '2022-10-20T17:00:00Z');
    expect(summary.asOfDate).toBe('2022-10-21');
    expect(summary.paragraph['zh-CN']).toMatch(/^截至2022年10月21日，/);
  });

  it('counts statuses, overdue items, lights and measures, in all and by aspect and department', () => {
    const summary = input(items, '2022-10-20T00:00:00Z');
    expect(summary.totals).toMatchObject({
      total: 4,
      closed: 1,
      rectified: 1,
      in_progress: 1,
      not_started: 1,
      rectifiedTotal: 2,
      overdue: 1,
      longTerm: 1,
      measuresTotal: 4,
      measuresDone: 1,
    });
    expect(summary.totals.lights.red).toBe(1);
    expect(summary.overdue).toEqual([expect.objectContaining({ ref: '1.1.2', daysOverdue: 19 })]);
    expect(summary.byAspect.map((a) => [a.aspectNo, a.total, a.rectifiedTotal])).toEqual([
      [1, 2, 1],
      [2, 2, 1],
    ]);
    expect(summary.byDepartment.find((d) => d.department === '财务科')?.total).toBe(1);
    expect(summary.items.map((item) => item.ref)).toEqual(['1.1.1', '1.1.2', '2.1.9', '2.1.10']);
    expect(summary.paragraph['zh-CN']).toContain('已经整改完成2项，正在整改1项（乙），尚未启动1项。');
  });

  it('lists what changed since the previous summary', () => {
    const summary = input(items, '2022-10-20T00:00:00Z', {
      previous: {
        summaryId: 's-previous',
        asOf: '2022-09-20T00:00:00.000Z',
        items: [
          { ref: '1.1.1', status: 'rectified', overdue: false },
          { ref: '1.1.2', status: 'in_progress', overdue: false },
          { ref: '2.1.9', status: 'in_progress', overdue: true },
        ],
      },
    });
    expect(summary.changes?.newlyRectified.map((i) => i.ref)).toEqual(['2.1.9']);
    expect(summary.changes?.newlyOverdue.map((i) => i.ref)).toEqual(['1.1.2']);
    expect(input(items, '2022-10-20T00:00:00Z').changes).toBeNull();
  });

  it('has no NaN anywhere for an inspection with no items', () => {
    const summary = input([], '2022-10-20T00:00:00Z');
    expect(JSON.stringify(summary)).not.toMatch(/NaN|Infinity/);
    expect(summary.totals.total).toBe(0);
    expect(summary.byAspect).toHaveLength(2);
  });

  it('orders refs numerically', () => {
    expect(['1.10.1', '1.2.1', '1.2.10', '1.2.9'].sort(compareRefs)).toEqual([
      '1.2.1',
      '1.2.9',
      '1.2.10',
      '1.10.1',
    ]);
  });
});

describe('replaying an item to an instant', () => {
  // A real chain made by the domain's own decisions: import, start, report, rectify, close.
  const { items, events } = ledgerFromPlan(
    {
      format: 'rectify.plan/v1',
      inspection: { ...INSPECTION, id: 'insp-2022' },
      aspects: [
        {
          no: 1,
          title: '党的领导',
          problems: [
            {
              no: 1,
              title: '问题一',
              items: [
                {
                  no: 1,
                  ref: '1.1.1',
                  title: '甲',
                  status: 'not_started',
                  longTerm: false,
                  responsibleLeader: '王强',
                  responsibleDept: '基层卫生科',
                  deadline: '2022-09-30',
                  measures: [
                    { text: 'one', done: false },
                    { text: 'two', done: false },
                  ],
                },
              ],
            },
          ],
        },
      ],
      outcomes: [],
    },
    {
      inspectionId: 'insp-2022',
      importId: 'imp1',
      actor: principals.admin,
      at: '2022-06-02T00:00:00.000Z',
      newId: () => crypto.randomUUID(),
    },
  );
  let item = items[0] as Item;
  const chain: ItemEvent[] = [...events];
  const step = (next: { item: Item; event: ItemEvent }) => {
    item = next.item;
    chain.push(next.event);
  };
  const at = (iso: string) => ({ eventId: crypto.randomUUID(), at: iso });
  step(
    decideTransition(
      item,
      { to: 'in_progress', expectedVersion: 1 },
      principals.department,
      at('2022-07-01T00:00:00.000Z'),
    ),
  );
  step(
    decideProgress(
      item,
      { text: '第一条完成', measuresDone: [0] },
      principals.department,
      at('2022-08-01T00:00:00.000Z'),
    ),
  );
  item = { ...item, evidenceCount: 1 };
  step(
    decideTransition(
      item,
      { to: 'rectified', expectedVersion: 3 },
      principals.department,
      at('2022-09-01T00:00:00.000Z'),
    ),
  );
  step(
    decideTransition(
      item,
      { to: 'closed', expectedVersion: 4 },
      principals.admin,
      at('2022-10-01T00:00:00.000Z'),
    ),
  );

  it.each([
    ['2022-06-01T00:00:00.000Z', 'not_started', [false, false], 1],
    ['2022-07-15T00:00:00.000Z', 'in_progress', [false, false], 2],
    ['2022-08-01T00:00:00.000Z', 'in_progress', [true, false], 3],
    ['2022-09-15T00:00:00.000Z', 'rectified', [true, false], 4],
    ['2030-01-01T00:00:00.000Z', 'closed', [true, false], 5],
  ])('as of %s it was %s', (asOf, status, done, version) => {
    const then = itemAsOf(item, chain, asOf);
    expect(then.status).toBe(status);
    expect(then.measures.map((m) => m.done)).toEqual(done);
    expect(then.version).toBe(version);
    expect(then.chainHead).toBe(chain[version - 1]?.hash);
  });

  it('replays the whole chain to the current state', () => {
    const replayed = itemAsOf(
      { ...item, updatedAt: '2099-01-01T00:00:00.000Z' },
      chain,
      '2030-01-01T00:00:00.000Z',
    );
    expect(replayed).toMatchObject({
      status: item.status,
      measures: item.measures,
      progress: item.progress,
      version: item.version,
    });
  });

  it('gives a past summary the past state, not today’s', () => {
    const past = input([itemAsOf(item, chain, '2022-07-15T00:00:00.000Z')], '2022-07-15T00:00:00.000Z');
    expect(past.totals).toMatchObject({ in_progress: 1, closed: 0 });
    expect(input([item], '2022-10-15T00:00:00.000Z').totals).toMatchObject({ in_progress: 0, closed: 1 });
  });
});

describe('outcomes', () => {
  const actor = principals.admin;
  const chain: InspectionEvent[] = [];
  const append = (type: InspectionEvent['type'], data: Record<string, unknown>, at: string) => {
    chain.push(
      nextInspectionEvent(chain.at(-1), {
        eventId: `e${chain.length + 1}`,
        inspectionId: 'insp-2022',
        type,
        at,
        actor,
        data,
      }),
    );
  };
  append(
    'PlanImported',
    { importId: 'imp1', outcomes: [{ kind: 'regulation', count: 3 }] },
    '2022-06-02T00:00:00.000Z',
  );
  append(
    'OutcomeRecorded',
    { kind: 'dismissal', count: 1, date: '2022-07-01', note: '中层干部' },
    '2022-07-02T00:00:00.000Z',
  );
  append(
    'PlanImported',
    { importId: 'imp2', outcomes: [{ kind: 'regulation', count: 5 }] },
    '2022-08-01T00:00:00.000Z',
  );
  append(
    'OutcomeRecorded',
    { kind: 'refund', count: 1, amountCny: 100, date: '2022-09-01' },
    '2022-09-02T00:00:00.000Z',
  );

  it('takes the latest plan’s outcomes and every recorded one dated by the as-of date', () => {
    const now = outcomesOf(chain);
    expect(now.map((o) => [o.kind, o.count, o.source])).toEqual([
      ['regulation', 5, 'plan'],
      ['dismissal', 1, 'recorded'],
      ['refund', 1, 'recorded'],
    ]);
    expect(outcomesOf(chain, '2022-08-15').map((o) => o.kind)).toEqual(['regulation', 'dismissal']);
  });

  it('refuses what would make the numbers wrong, naming the field', () => {
    const context = { refs: new Set(['1.1.1']), today: '2022-10-01' };
    const refused = (outcome: Parameters<typeof checkOutcome>[0]) => {
      try {
        checkOutcome(outcome, context);
        return [];
      } catch (error) {
        return (error as { issues: { path: string }[] }).issues.map((issue) => issue.path);
      }
    };
    expect(refused({ kind: 'refund', count: 1, date: '2022-09-01' })).toEqual(['amountCny']);
    expect(refused({ kind: 'dismissal', count: 1, amountCny: 5, date: '2022-09-01' })).toEqual(['amountCny']);
    expect(refused({ kind: 'criticism', count: 1, itemRef: '9.9.9', date: '2022-09-01' })).toEqual([
      'itemRef',
    ]);
    expect(refused({ kind: 'criticism', count: 1, date: '2022-10-02' })).toEqual(['date']);
    expect(refused({ kind: 'criticism', count: 1, itemRef: '1.1.1', date: '2022-10-01' })).toEqual([]);
  });
});
