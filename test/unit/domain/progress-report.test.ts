import { describe, expect, it } from 'vitest';
import { ValidationFailed } from '#shared/domain/errors.ts';
import { decideProgress } from '#shared/domain/progress.ts';
import { anItem, principals } from '../../support/items.ts';

const at = { eventId: 'e-1', at: '2024-12-01T02:00:00.000Z' };
const measures = (...done: boolean[]) =>
  done.map((isDone, index) => ({ text: `措施${index}`, done: isDone }));

function validationError(fn: () => unknown): ValidationFailed {
  try {
    fn();
  } catch (error) {
    if (error instanceof ValidationFailed) return error;
    throw error;
  }
  throw new Error('expected a ValidationFailed');
}

describe('decideProgress: measures', () => {
  // Twelve measures, so that a sort by text ("10" < "2") and a sort by number disagree.
  const twelve = anItem({ measures: measures(...Array.from({ length: 12 }, (_, n) => n === 3)) });

  it('marks the named measures done, keeps the others, and never un-does one', () => {
    const { item } = decideProgress(
      twelve,
      { text: '进展', measuresDone: [10, 2, 10] },
      principals.department,
      at,
    );
    expect(item.measures.map((measure, index) => [index, measure.done]).filter(([, done]) => done)).toEqual([
      [2, true],
      [3, true],
      [10, true],
    ]);
    expect(item.measures[2]).toEqual({ text: '措施2', done: true });
  });

  it('records the measures named (once each, in number order) and those newly done', () => {
    const { event } = decideProgress(
      twelve,
      { text: '进展', measuresDone: [10, 3, 2, 10] },
      principals.department,
      at,
    );
    expect(event.data).toEqual({ text: '进展', measuresDone: [2, 3, 10], newlyDone: [2, 10] });
  });

  it('keeps the effective date when the report gives one', () => {
    const { event } = decideProgress(
      anItem(),
      { text: '进展', measuresDone: [], effectiveDate: '2024-11-28' },
      principals.leader,
      at,
    );
    expect(event.data).toEqual({
      text: '进展',
      measuresDone: [],
      newlyDone: [],
      effectiveDate: '2024-11-28',
    });
    expect(event.actor).toEqual({ subject: 'leader-1', name: '王强', roles: ['leader'] });
  });

  it('leaves the measures as they were for a report that names none', () => {
    const item = anItem({ measures: measures(true, false) });
    const { item: next } = decideProgress(
      item,
      { text: '进展', measuresDone: [] },
      principals.department,
      at,
    );
    expect(next.measures).toEqual(item.measures);
    expect(next.progress).toBe('进展');
  });

  it('refuses every measure number the item does not have, each at its position', () => {
    const item = anItem({ measures: measures(false, false) });
    const error = validationError(() =>
      decideProgress(item, { text: 'x', measuresDone: [1, 2, 0, 5] }, principals.department, at),
    );
    expect(error.issues).toEqual([
      {
        path: 'measuresDone[1]',
        message: 'item insp-2024.1.1.1 has 2 measure(s) (0–1); there is no measure 2',
        messageZh: '该事项共有 2 条整改措施，不存在第 2 条（从 0 起编号）',
      },
      {
        path: 'measuresDone[3]',
        message: 'item insp-2024.1.1.1 has 2 measure(s) (0–1); there is no measure 5',
        messageZh: '该事项共有 2 条整改措施，不存在第 5 条（从 0 起编号）',
      },
    ]);
  });

  it('accepts the last measure', () => {
    const item = anItem({ measures: measures(false, false) });
    const { item: next } = decideProgress(item, { text: 'x', measuresDone: [1] }, principals.department, at);
    expect(next.measures.map((measure) => measure.done)).toEqual([false, true]);
  });
});
