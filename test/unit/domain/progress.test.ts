import { describe, expect, it } from 'vitest';
import { RuleViolation, ValidationFailed } from '#shared/domain/errors.ts';
import { reattestationDueOf } from '#shared/domain/follow-ups.ts';
import { decideProgress } from '#shared/domain/progress.ts';
import { anItem, principals } from '../../support/items.ts';

const at = { eventId: 'e-1', at: '2024-12-01T02:00:00.000Z' };
const report = { text: '本季度继续落实长效机制', measuresDone: [0] };

describe('decideProgress', () => {
  // The whole table: status × long-term. Only a closed item that is not long-term refuses.
  it.each([
    ['not_started', false, true],
    ['in_progress', false, true],
    ['rectified', false, true],
    ['closed', false, false],
    ['not_started', true, true],
    ['in_progress', true, true],
    ['rectified', true, true],
    ['closed', true, true],
  ] as const)('an item %s (long-term %s): accepted %s', (status, longTerm, accepted) => {
    const item = anItem({ status, longTerm });
    const decide = () => decideProgress(item, report, principals.department, at);
    if (!accepted) {
      expect(decide).toThrow(RuleViolation);
      try {
        decide();
      } catch (error) {
        expect((error as RuleViolation).details).toEqual({ rule: 'item-closed', status, longTerm });
        expect((error as RuleViolation).params.reasonZh).toMatch(/已销号/);
        expect((error as RuleViolation).params.reason).toMatch(/reopen it first/);
      }
      return;
    }
    const { item: next, event } = decide();
    expect(next).toMatchObject({ status, progress: report.text, lastProgressAt: at.at, version: 2 });
    expect(event).toMatchObject({ type: 'ProgressReported', data: { text: report.text, newlyDone: [0] } });
  });

  it('re-attests a closed long-term item: the next cycle counts from the report', () => {
    const inspection = { timezone: 'Asia/Shanghai' };
    const closed = anItem({
      status: 'closed',
      longTerm: true,
      rectifiedAt: '2024-06-01T02:00:00.000Z',
      signOff: { at: '2024-06-10T02:00:00.000Z' } as never,
    });
    expect(reattestationDueOf(closed, inspection)).toBe('2024-08-30');
    const { item } = decideProgress(closed, report, principals.department, at);
    expect(reattestationDueOf(item, inspection)).toBe('2025-03-01');
  });

  it('names measures that do not exist', () => {
    expect(() =>
      decideProgress(anItem(), { text: 'x', measuresDone: [3] }, principals.department, at),
    ).toThrow(ValidationFailed);
  });
});
