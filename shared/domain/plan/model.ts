import type { ItemStatus } from '../status.ts';

/** The normalised plan, whatever it was imported from (plan-format.md `rectify.plan/v1`). */
export interface PlanMeasure {
  readonly text: string;
  readonly done: boolean;
}

export interface PlanItem {
  readonly no: number;
  /** `aspect.problem.item`, e.g. `1.2.3`. */
  readonly ref: string;
  readonly title: string;
  readonly description?: string;
  readonly status: ItemStatus;
  readonly longTerm: boolean;
  readonly responsibleLeader: string;
  readonly responsibleDept: string;
  /** YYYY-MM-DD, a calendar date in the inspection's time zone. */
  readonly deadline: string;
  readonly progress?: string;
  readonly measures: readonly PlanMeasure[];
}

export interface PlanProblem {
  readonly no: number;
  readonly title: string;
  readonly items: readonly PlanItem[];
}

export interface PlanAspect {
  readonly no: number;
  readonly title: string;
  readonly problems: readonly PlanProblem[];
}

export const OUTCOME_KINDS = ['regulation', 'dismissal', 'criticism', 'punishment', 'refund'] as const;
export type OutcomeKind = (typeof OUTCOME_KINDS)[number];

export interface PlanOutcome {
  readonly kind: OutcomeKind;
  readonly count: number;
  readonly amountCny?: number;
  readonly itemRef?: string;
  readonly note?: string;
}

export interface PlanInspection {
  readonly id?: string;
  readonly title: string;
  readonly inspectedUnit: string;
  readonly inspectionGroup: string;
  readonly inspectionStart: string;
  readonly inspectionEnd: string;
  readonly feedbackDate: string;
  readonly firstResponsible?: string;
  /** IANA zone; Asia/Shanghai when the plan does not say. */
  readonly timezone: string;
}

export interface Plan {
  readonly format: 'rectify.plan/v1';
  readonly inspection: PlanInspection;
  readonly aspects: readonly PlanAspect[];
  readonly outcomes: readonly PlanOutcome[];
}

/** One problem with a plan, located by JSON path or by spreadsheet row and column. */
export interface PlanError {
  readonly path: string;
  readonly message: string;
  readonly messageZh: string;
}

export type PlanResult =
  | { readonly ok: true; readonly plan: Plan }
  | { readonly ok: false; readonly errors: readonly PlanError[] };
