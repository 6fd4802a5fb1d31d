import { RuleViolation, ValidationFailed } from './errors.ts';
import type { Item, ItemEvent } from './item.ts';
import { recordEvent } from './item.ts';
import type { Principal } from './roles.ts';
import { actorRef } from './roles.ts';

export const MAX_PROGRESS_TEXT = 10_000;

/** The progress form (工作进展): what was done, which measures are now done, as of when. */
export interface ProgressReport {
  readonly text: string;
  /** Indexes into the item's measures, 0-based. */
  readonly measuresDone: readonly number[];
  /** The date the reported work took effect, when it differs from today (YYYY-MM-DD). */
  readonly effectiveDate?: string;
}

/**
 * Records a progress report as the item's next chain record and applies it: the progress text
 * becomes the item's current progress and the named measures are marked done. Measures are
 * never un-done by a report; that is what reopening is for.
 *
 * A closed (销号) item is finished: a report on it is refused, since it would change the state
 * that was signed off. The exception is a long-term item (长期坚持): it is never finished, and
 * its report is the periodic re-attestation (follow-ups.ts, every 90 days by default, for
 * rectified and closed long-term items alike). A rectified item still takes reports (DESIGN
 * only fixes its evidence and its close-out), so the department can add to what the admin
 * reviews before signing off.
 */
export function decideProgress(
  item: Item,
  report: ProgressReport,
  principal: Principal,
  context: { eventId: string; at: string },
): { item: Item; event: ItemEvent } {
  if (item.status === 'closed' && !item.longTerm) {
    throw new RuleViolation(
      'item-closed',
      {
        en: `Item ${item.itemId} is closed (signed off); progress can no longer be reported. An admin must reopen it first.`,
        zh: `事项 ${item.ref} 已销号，不能再报送整改进展；如需继续整改，请管理员先重新打开该事项。`,
      },
      { status: item.status, longTerm: item.longTerm },
    );
  }
  const unknown = report.measuresDone
    .map((index, position) => ({ index, position }))
    .filter(({ index }) => index >= item.measures.length);
  if (unknown.length > 0) {
    throw new ValidationFailed(
      unknown.map(({ index, position }) => ({
        path: `measuresDone[${position}]`,
        message: `item ${item.itemId} has ${item.measures.length} measure(s) (0–${item.measures.length - 1}); there is no measure ${index}`,
        messageZh: `该事项共有 ${item.measures.length} 条整改措施，不存在第 ${index} 条（从 0 起编号）`,
      })),
    );
  }
  const done = new Set(report.measuresDone);
  const newlyDone = [...done].filter((index) => !item.measures[index]?.done).sort((a, b) => a - b);
  return recordEvent(
    item,
    'ProgressReported',
    actorRef(principal),
    {
      text: report.text,
      measuresDone: [...done].sort((a, b) => a - b),
      newlyDone,
      ...(report.effectiveDate ? { effectiveDate: report.effectiveDate } : {}),
    },
    {
      progress: report.text,
      lastProgressAt: context.at,
      measures: item.measures.map((measure, index) =>
        done.has(index) ? { ...measure, done: true } : measure,
      ),
    },
    context,
  );
}
