import { describe, expect, it } from 'vitest';
import { GENESIS_HASH } from '#shared/domain/chain.ts';
import { ValidationFailed } from '#shared/domain/errors.ts';
import type { InspectionEvent } from '#shared/domain/inspection-events.ts';
import { checkOutcome, type OutcomeInput, outcomesOf, tallyOutcomes } from '#shared/domain/outcomes.ts';

const context = { refs: new Set(['1.1.1']), today: '2024-09-01' };

/** The issues of a refused outcome, or 'accepted'. */
function issuesOf(outcome: OutcomeInput) {
  try {
    checkOutcome(outcome, context);
  } catch (error) {
    if (error instanceof ValidationFailed) return error.issues;
    throw error;
  }
  return 'accepted';
}

describe('checkOutcome', () => {
  it.each([
    [
      'a refund with its amount, recorded today',
      { kind: 'refund', count: 1, amountCny: 120, date: '2024-09-01' },
      'accepted',
    ],
    [
      'a regulation naming an item that exists',
      { kind: 'regulation', count: 1, itemRef: '1.1.1', date: '2024-08-01' },
      'accepted',
    ],
    [
      'a refund without an amount',
      { kind: 'refund', count: 1, date: '2024-08-01' },
      [
        {
          path: 'amountCny',
          message: 'a refund needs amountCny, the amount recovered in yuan',
          messageZh: '退缴须填写金额 amountCny（元）',
        },
      ],
    ],
    [
      'an amount on a dismissal',
      { kind: 'dismissal', count: 1, amountCny: 0, date: '2024-08-01' },
      [
        {
          path: 'amountCny',
          message: 'amountCny is for refunds only, not for dismissal',
          messageZh: '只有退缴（refund）可以填写金额 amountCny',
        },
      ],
    ],
    [
      'an item that does not exist',
      { kind: 'criticism', count: 2, itemRef: '9.9.9', date: '2024-08-01' },
      [
        {
          path: 'itemRef',
          message: 'the inspection has no item 9.9.9',
          messageZh: '该巡察没有编号为 9.9.9 的事项',
        },
      ],
    ],
    [
      'a date after today',
      { kind: 'regulation', count: 1, date: '2024-09-02' },
      [
        {
          path: 'date',
          message: 'date 2024-09-02 is after today (2024-09-01); record an outcome once it has happened',
          messageZh: '日期 2024-09-02 晚于今天（2024-09-01），成效须在发生后登记',
        },
      ],
    ],
  ] as const)('%s', (_case, outcome, issues) => {
    expect(issuesOf(outcome)).toEqual(issues);
  });

  it('names every problem at once', () => {
    const issues = issuesOf({
      kind: 'punishment',
      count: 1,
      amountCny: 5,
      itemRef: '2.2.2',
      date: '2025-01-01',
    });
    expect(issues === 'accepted' ? issues : issues.map((issue) => issue.path)).toEqual([
      'amountCny',
      'itemRef',
      'date',
    ]);
  });
});

const ADMIN = { subject: 'admin-1', name: '整改办', roles: ['admin'] };
const record = (
  eventId: string,
  type: InspectionEvent['type'],
  at: string,
  data: Record<string, unknown>,
): InspectionEvent => ({
  eventId,
  inspectionId: 'insp-2024',
  type,
  at,
  actor: ADMIN,
  data,
  seq: 1,
  prevHash: GENESIS_HASH,
  hash: GENESIS_HASH,
});

describe('outcomesOf', () => {
  const chain = [
    record('imp-1', 'PlanImported', '2024-06-01T00:00:00.000Z', {
      outcomes: [
        { kind: 'regulation', count: 2 },
        { kind: 'refund', count: 1, amountCny: 100 },
      ],
    }),
    record('out-1', 'OutcomeRecorded', '2024-07-01T00:00:00.000Z', {
      kind: 'dismissal',
      count: 1,
      date: '2024-06-30',
    }),
    record('sum-1', 'SummaryGenerated', '2024-07-02T00:00:00.000Z', {
      outcomes: [{ kind: 'criticism', count: 9 }],
    }),
    record('out-2', 'OutcomeRecorded', '2024-08-01T00:00:00.000Z', {
      kind: 'criticism',
      count: 3,
      date: '2024-07-31',
    }),
  ];

  it('lists the plan’s outcomes, numbered after the import record, then those recorded', () => {
    expect(outcomesOf(chain)).toEqual([
      {
        kind: 'regulation',
        count: 2,
        outcomeId: 'imp-1.1',
        source: 'plan',
        recordedAt: '2024-06-01T00:00:00.000Z',
        recordedBy: ADMIN,
      },
      {
        kind: 'refund',
        count: 1,
        amountCny: 100,
        outcomeId: 'imp-1.2',
        source: 'plan',
        recordedAt: '2024-06-01T00:00:00.000Z',
        recordedBy: ADMIN,
      },
      {
        kind: 'dismissal',
        count: 1,
        date: '2024-06-30',
        outcomeId: 'out-1',
        source: 'recorded',
        recordedAt: '2024-07-01T00:00:00.000Z',
        recordedBy: ADMIN,
      },
      {
        kind: 'criticism',
        count: 3,
        date: '2024-07-31',
        outcomeId: 'out-2',
        source: 'recorded',
        recordedAt: '2024-08-01T00:00:00.000Z',
        recordedBy: ADMIN,
      },
    ]);
  });

  it.each([
    ['the day before the first recorded outcome', '2024-06-29', ['imp-1.1', 'imp-1.2']],
    ['the day of it', '2024-06-30', ['imp-1.1', 'imp-1.2', 'out-1']],
    ['after both', '2024-12-31', ['imp-1.1', 'imp-1.2', 'out-1', 'out-2']],
  ])('as of %s: recorded outcomes dated then or before', (_case, asOfDate, ids) => {
    expect(outcomesOf(chain, asOfDate).map((outcome) => outcome.outcomeId)).toEqual(ids);
  });

  it('takes a later import’s plan outcomes in place of the earlier ones, and an import without any as none', () => {
    const replaced = [
      ...chain,
      record('imp-2', 'PlanImported', '2024-09-01T00:00:00.000Z', {
        outcomes: [{ kind: 'punishment', count: 1 }],
      }),
    ];
    expect(outcomesOf(replaced).map((outcome) => outcome.outcomeId)).toEqual(['imp-2.1', 'out-1', 'out-2']);
    const emptied = [...chain, record('imp-3', 'PlanImported', '2024-09-01T00:00:00.000Z', {})];
    expect(
      outcomesOf(chain.filter((event) => event.type !== 'PlanImported')).map((o) => o.outcomeId),
    ).toEqual(['out-1', 'out-2']);
    expect(outcomesOf(emptied).map((outcome) => outcome.outcomeId)).toEqual(['out-1', 'out-2']);
  });
});

describe('tallyOutcomes', () => {
  it('sums by kind in report order, every kind present, notes trimmed and once each', () => {
    expect(
      tallyOutcomes([
        { kind: 'refund', count: 1, amountCny: 0.1, note: ' 清退 ' },
        { kind: 'regulation', count: 2, note: '' },
        { kind: 'refund', count: 2, amountCny: 0.2, note: '清退' },
        { kind: 'refund', count: 1, note: '追缴' },
      ]),
    ).toEqual([
      { kind: 'regulation', count: 2, amountCny: 0, notes: [] },
      { kind: 'dismissal', count: 0, amountCny: 0, notes: [] },
      { kind: 'criticism', count: 0, amountCny: 0, notes: [] },
      { kind: 'punishment', count: 0, amountCny: 0, notes: [] },
      { kind: 'refund', count: 4, amountCny: 0.3, notes: ['清退', '追缴'] },
    ]);
  });
});
