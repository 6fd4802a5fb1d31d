import { describe, expect, it } from 'vitest';
import { GENESIS_HASH } from '#shared/domain/chain.ts';
import type { InspectionEvent } from '#shared/domain/inspection-events.ts';
import { reportTextAsOf, reportTextOf } from '#shared/domain/report/texts.ts';

const record = (
  at: string,
  type: InspectionEvent['type'],
  data: Record<string, unknown>,
): InspectionEvent => ({
  eventId: `e-${at}`,
  inspectionId: 'insp-2024',
  type,
  at,
  actor: { subject: 'admin-1', name: '整改办', roles: ['admin'] },
  data,
  seq: 1,
  prevHash: GENESIS_HASH,
  hash: GENESIS_HASH,
});

describe('reportTextOf', () => {
  it('keeps the four report texts that hold words, and nothing else', () => {
    expect(
      reportTextOf({
        opening: '开头',
        organisation: '组织',
        nextSteps: '  ',
        issuingUnit: '中共某局党组',
        other: '不是报告文字',
        title: 7,
      }),
    ).toEqual({ opening: '开头', organisation: '组织', issuingUnit: '中共某局党组' });
    expect(reportTextOf({ nextSteps: ' 下一步 ', opening: 1 })).toEqual({ nextSteps: ' 下一步 ' });
  });
});

describe('reportTextAsOf', () => {
  const chain = [
    record('2024-07-01T00:00:00.000Z', 'ReportTextSet', { opening: '第一版', nextSteps: '计划' }),
    record('2024-07-05T00:00:00.000Z', 'OutcomeRecorded', { opening: '不是报告文字的记录' }),
    record('2024-08-01T00:00:00.000Z', 'ReportTextSet', { opening: '第二版' }),
  ];

  it.each([
    ['before any text was saved', '2024-06-30T23:59:59.999Z', {}],
    ['at the instant of the first set', '2024-07-01T00:00:00.000Z', { opening: '第一版', nextSteps: '计划' }],
    [
      'between the sets, other records ignored',
      '2024-07-31T00:00:00.000Z',
      { opening: '第一版', nextSteps: '计划' },
    ],
    ['after the second set, which replaces the whole set', '2024-09-01T00:00:00.000Z', { opening: '第二版' }],
  ])('%s', (_case, asOf, texts) => {
    expect(reportTextAsOf(chain, asOf)).toEqual(texts);
  });
});
