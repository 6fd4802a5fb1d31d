import { ValidationFailed } from './errors.ts';
import type { InspectionEvent } from './inspection-events.ts';
import type { ActorRef } from './item.ts';
import { OUTCOME_KINDS, type OutcomeKind, type PlanOutcome } from './plan/model.ts';

/**
 * Outcomes (整改成效 / 问责): regulations issued, people dealt with, money recovered. They live in
 * the inspection's chain (inspection-events.ts): the plan's at each import, and those an admin
 * records afterwards.
 */

/** An outcome as an admin records it: the plan's fields plus the date it took effect. */
export interface OutcomeInput extends PlanOutcome {
  /** YYYY-MM-DD in the inspection's zone: when the regulation was issued, the person dealt with… */
  readonly date: string;
}

export interface RecordedOutcome extends PlanOutcome {
  readonly outcomeId: string;
  /** `plan`: came with the (latest) imported plan; `recorded`: recorded through the API. */
  readonly source: 'plan' | 'recorded';
  readonly date?: string;
  readonly recordedAt: string;
  readonly recordedBy: ActorRef;
}

/**
 * The checks zod cannot make alone: an amount belongs to refunds only (and a refund has one), the
 * item named exists, and an outcome is recorded after it happened.
 */
export function checkOutcome(
  outcome: OutcomeInput,
  context: { refs: ReadonlySet<string>; today: string },
): void {
  const problems: { path: string; message: string; messageZh: string }[] = [];
  if (outcome.kind === 'refund' && outcome.amountCny === undefined) {
    problems.push({
      path: 'amountCny',
      message: 'a refund needs amountCny, the amount recovered in yuan',
      messageZh: '退缴须填写金额 amountCny（元）',
    });
  }
  if (outcome.kind !== 'refund' && outcome.amountCny !== undefined) {
    problems.push({
      path: 'amountCny',
      message: `amountCny is for refunds only, not for ${outcome.kind}`,
      messageZh: '只有退缴（refund）可以填写金额 amountCny',
    });
  }
  if (outcome.itemRef !== undefined && !context.refs.has(outcome.itemRef)) {
    problems.push({
      path: 'itemRef',
      message: `the inspection has no item ${outcome.itemRef}`,
      messageZh: `该巡察没有编号为 ${outcome.itemRef} 的事项`,
    });
  }
  if (outcome.date > context.today) {
    problems.push({
      path: 'date',
      message: `date ${outcome.date} is after today (${context.today}); record an outcome once it has happened`,
      messageZh: `日期 ${outcome.date} 晚于今天（${context.today}），成效须在发生后登记`,
    });
  }
  if (problems.length > 0) throw new ValidationFailed(problems);
}

/**
 * The outcomes of an inspection as its chain stands, optionally as of a calendar date: the plan
 * outcomes of the latest import (an import's plan states the outcomes so far, so its outcomes
 * count whatever the date, like the items' imported state) plus recorded outcomes dated on or
 * before `asOfDate`.
 */
export function outcomesOf(chain: readonly InspectionEvent[], asOfDate?: string): RecordedOutcome[] {
  let planned: RecordedOutcome[] = [];
  const recorded: RecordedOutcome[] = [];
  for (const event of chain) {
    if (event.type === 'PlanImported') {
      const outcomes = (event.data.outcomes ?? []) as readonly PlanOutcome[];
      planned = outcomes.map((outcome, index) => ({
        ...outcome,
        outcomeId: `${event.eventId}.${index + 1}`,
        source: 'plan',
        recordedAt: event.at,
        recordedBy: event.actor,
      }));
    } else if (event.type === 'OutcomeRecorded') {
      const outcome = event.data as unknown as OutcomeInput;
      if (asOfDate !== undefined && outcome.date > asOfDate) continue;
      recorded.push({
        ...outcome,
        outcomeId: event.eventId,
        source: 'recorded',
        recordedAt: event.at,
        recordedBy: event.actor,
      });
    }
  }
  return [...planned, ...recorded];
}

export interface OutcomeTally {
  readonly kind: OutcomeKind;
  readonly count: number;
  readonly amountCny: number;
  /** The distinct notes of this kind, in the order first recorded. */
  readonly notes: readonly string[];
}

/** Outcomes summed by kind, every kind present (zeros included), in the report's order. */
export function tallyOutcomes(outcomes: readonly PlanOutcome[]): OutcomeTally[] {
  return OUTCOME_KINDS.map((kind) => {
    const ofKind = outcomes.filter((outcome) => outcome.kind === kind);
    const notes = [
      ...new Set(ofKind.map((o) => o.note?.trim()).filter((note): note is string => Boolean(note))),
    ];
    return {
      kind,
      count: ofKind.reduce((sum, o) => sum + o.count, 0),
      // Yuan with fen: summed in fen so that 0.1 + 0.2 is 0.3.
      amountCny: ofKind.reduce((sum, o) => sum + Math.round((o.amountCny ?? 0) * 100), 0) / 100,
      notes,
    };
  });
}
