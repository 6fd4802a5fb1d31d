import { describe, expect, it } from 'vitest';
import { appendLink } from '#shared/domain/chain.ts';
import type { Item, ItemEvent } from '#shared/domain/item.ts';
import { itemAsOf } from '#shared/domain/summary/replay.ts';
import { anItem } from '../../support/items.ts';

/**
 * An item replayed to an instant from its chain (summary/replay.ts). The chain is written out
 * record by record, so each kind of record is seen doing its part; each test replays it itself.
 */

const ACTOR = { subject: 'admin-1', name: '整改办', roles: ['admin'] };

type Step = [at: string, type: ItemEvent['type'], data: Record<string, unknown>];

/** The item's chain: Imported, then the steps. */
function chainOf(steps: Step[]): ItemEvent[] {
  const events: ItemEvent[] = [];
  const imported: Step = [
    '2024-06-21T00:00:00.000Z',
    'Imported',
    {
      importId: 'imp-1',
      title: '原标题',
      status: 'not_started',
      longTerm: false,
      responsibleLeader: '王强',
      responsibleDept: '基层卫生科',
      deadline: '2024-09-30',
      measures: [
        { text: '措施一', done: false },
        { text: '措施二', done: false },
      ],
    },
  ];
  for (const [at, type, data] of [imported, ...steps]) {
    events.push(
      appendLink(events.at(-1), {
        eventId: `e-${events.length + 1}`,
        itemId: 'insp-2024.1.1.1',
        inspectionId: 'insp-2024',
        type,
        at,
        actor: ACTOR,
        data,
      }) as ItemEvent,
    );
  }
  return events;
}

const STEPS: Step[] = [
  ['2024-07-01T00:00:00.000Z', 'StatusChanged', { from: 'not_started', to: 'in_progress', rule: 'start' }],
  ['2024-07-10T00:00:00.000Z', 'ProgressReported', { text: '已招录', measuresDone: [1], newlyDone: [1] }],
  ['2024-07-20T00:00:00.000Z', 'EvidenceStored', { evidenceId: 'ev-1' }],
  ['2024-08-01T00:00:00.000Z', 'StatusChanged', { from: 'in_progress', to: 'rectified', rule: 'rectify' }],
  ['2024-08-15T00:00:00.000Z', 'StatusChanged', { from: 'rectified', to: 'closed', rule: 'close-out' }],
];

/** The item now: what the chain above led to, with bookkeeping a replay must not carry back. */
const current = (chain: ItemEvent[], overrides: Partial<Item> = {}): Item =>
  anItem({
    title: '原标题',
    status: 'closed',
    measures: [
      { text: '措施一', done: true },
      { text: '措施二', done: true },
    ],
    progress: '全部完成',
    lastProgressAt: '2024-09-01T00:00:00.000Z',
    rectifiedAt: '2024-08-01T00:00:00.000Z',
    rectifiedBy: 'dept-1',
    signOff: { meaning: '同意销号' } as never,
    followUp: { lookBackAnnounced: '2025-02-15' },
    ladder: { lastScanDate: '2024-09-20', lastScanAt: 'x', redScans: 0, yellowStreak: 1 },
    description: '现在的描述',
    responsibleLeaderId: 'L-001',
    evidenceCount: 1,
    version: chain.length + 1,
    chainHead: 'f'.repeat(64),
    updatedAt: '2024-09-01T00:00:00.000Z',
    ...overrides,
  });

describe('itemAsOf', () => {
  it('is the current item itself when nothing happened after the instant', () => {
    const chain = chainOf(STEPS);
    const now = current(chain);
    expect(itemAsOf(now, chain, '2024-09-01T00:00:00.000Z')).toBe(now);
    expect(itemAsOf(now, chain, '2024-12-01T00:00:00.000Z')).toBe(now);
  });

  it('is the imported state before anything else happened, with nothing the import did not say', () => {
    const chain = chainOf(STEPS);
    const then = itemAsOf(current(chain), chain, '2024-06-30T00:00:00.000Z');
    expect(then).toMatchObject({
      status: 'not_started',
      measures: [
        { text: '措施一', done: false },
        { text: '措施二', done: false },
      ],
      version: 1,
      chainHead: chain[0]?.hash,
      updatedAt: '2024-06-21T00:00:00.000Z',
      evidenceCount: 1,
    });
    for (const field of [
      'progress',
      'lastProgressAt',
      'rectifiedAt',
      'rectifiedBy',
      'signOff',
      'followUp',
      'ladder',
      'withdrawn',
      'description',
      'responsibleLeaderId',
    ]) {
      expect(then, field).not.toHaveProperty(field);
    }
  });

  it.each([
    ['2024-07-01T00:00:00.000Z', { status: 'in_progress', version: 2, doneFlags: [false, false] }],
    ['2024-07-10T00:00:00.000Z', { status: 'in_progress', version: 3, doneFlags: [false, true] }],
    ['2024-08-01T00:00:00.000Z', { status: 'rectified', version: 5, doneFlags: [false, true] }],
    ['2024-08-20T00:00:00.000Z', { status: 'closed', version: 6, doneFlags: [false, true] }],
  ] as const)('as of %s', (asOf, { status, version, doneFlags }) => {
    const chain = chainOf(STEPS);
    const then = itemAsOf(current(chain), chain, asOf);
    expect(then.status).toBe(status);
    expect(then.version).toBe(version);
    expect(then.chainHead).toBe(chain[version - 1]?.hash);
    expect(then.measures.map((measure) => measure.done)).toEqual(doneFlags);
  });

  it('keeps the latest progress and when it was reported, and when the item was last marked rectified', () => {
    const chain = chainOf(STEPS);
    const then = itemAsOf(current(chain), chain, '2024-08-20T00:00:00.000Z');
    expect(then).toMatchObject({
      progress: '已招录',
      lastProgressAt: '2024-07-10T00:00:00.000Z',
      rectifiedAt: '2024-08-01T00:00:00.000Z',
      updatedAt: '2024-08-15T00:00:00.000Z',
    });
    // Evidence records and status changes withdraw nothing.
    expect(then).not.toHaveProperty('withdrawn');
  });

  it('replays what a replace import revised, and the measures’ done flags it carried', () => {
    const chain = chainOf([
      ...STEPS.slice(0, 2),
      [
        '2024-07-15T00:00:00.000Z',
        'PlanRevised',
        {
          importId: 'imp-2',
          changes: [
            { field: 'title', before: '原标题', after: '新标题' },
            { field: 'description', before: null, after: '补充描述' },
            { field: 'responsibleLeaderId', before: null, after: 'L-002' },
            {
              field: 'measures',
              before: [],
              after: [
                { text: '措施二', done: true },
                { text: '新措施', done: false },
              ],
            },
          ],
        },
      ],
    ]);
    const now = current(chain, { title: '新标题' });
    const before = itemAsOf(now, chain, '2024-07-14T00:00:00.000Z');
    expect(before.title).toBe('原标题');
    expect(before).not.toHaveProperty('description');
    const after = itemAsOf(now, chain, '2024-07-16T00:00:00.000Z');
    expect(after).toMatchObject({ title: '新标题', description: '补充描述', responsibleLeaderId: 'L-002' });
    expect(after.measures).toEqual([
      { text: '措施二', done: true },
      { text: '新措施', done: false },
    ]);
  });

  it('replays a withdrawal, and the reinstatement that undoes it', () => {
    const withdrawal: Step = [
      '2024-07-15T00:00:00.000Z',
      'Withdrawn',
      { importId: 'imp-2', reason: '替换导入时删除', reasonEn: 'dropped by a replace' },
    ];
    const reinstatement: Step = [
      '2024-07-25T00:00:00.000Z',
      'PlanRevised',
      { importId: 'imp-3', changes: [], reinstated: true },
    ];
    const revisionOnly: Step = [
      '2024-07-20T00:00:00.000Z',
      'PlanRevised',
      { importId: 'imp-2b', changes: [] },
    ];
    const chain = chainOf([...STEPS.slice(0, 2), withdrawal, revisionOnly, reinstatement]);
    const now = current(chain);
    expect(itemAsOf(now, chain, '2024-07-14T00:00:00.000Z')).not.toHaveProperty('withdrawn');
    expect(itemAsOf(now, chain, '2024-07-22T00:00:00.000Z').withdrawn).toEqual({
      at: '2024-07-15T00:00:00.000Z',
      by: ACTOR,
      importId: 'imp-2',
      reason: '替换导入时删除',
      reasonEn: 'dropped by a replace',
    });
    expect(itemAsOf(now, chain, '2024-07-26T00:00:00.000Z')).not.toHaveProperty('withdrawn');
  });

  it('keeps a withdrawal without an English reason as it was recorded', () => {
    const chain = chainOf([
      ['2024-07-15T00:00:00.000Z', 'Withdrawn', { importId: 'imp-2', reason: '管理员删除' }],
    ]);
    expect(itemAsOf(current(chain), chain, '2024-07-16T00:00:00.000Z').withdrawn).toEqual({
      at: '2024-07-15T00:00:00.000Z',
      by: ACTOR,
      importId: 'imp-2',
      reason: '管理员删除',
    });
  });

  it('refuses a chain that does not start with the import', () => {
    const chain = chainOf(STEPS).slice(1);
    expect(() => itemAsOf(current(chain), chain, '2024-07-01T00:00:00.000Z')).toThrow(
      'the chain of insp-2024.1.1.1 does not start with its import',
    );
    expect(() => itemAsOf(current([]), [], '2024-07-01T00:00:00.000Z')).toThrow(
      'the chain of insp-2024.1.1.1 does not start with its import',
    );
  });
});
