import type { ItemStatus } from '../status.ts';

/**
 * The normalised plan, whatever it was imported from (plan-format.md `rectify.plan/v1`): status
 * codes rather than labels, every level sorted by `no`, blank optional text left out.
 */

/** A rectification measure (整改措施) under an item. */
export interface PlanMeasure {
  readonly text: string;
  readonly done: boolean;
}

/** An item (具体表现): the unit that is tracked, with its owner and deadline. */
export interface PlanItem {
  readonly no: number;
  /** `aspect.problem.item`, e.g. `1.2.3`. */
  readonly ref: string;
  readonly title: string;
  readonly description?: string;
  readonly status: ItemStatus;
  readonly longTerm: boolean;
  /** The leader's name (责任领导), as shown. */
  readonly responsibleLeader: string;
  /**
   * The leader's id, matching the `custom:leaderId` an admin set on the leader's account; when
   * absent the name is the key (access.ts `leaderKeyOf`).
   */
  readonly responsibleLeaderId?: string;
  readonly responsibleDept: string;
  /** YYYY-MM-DD, a calendar date in the inspection's time zone. */
  readonly deadline: string;
  readonly progress?: string;
  readonly measures: readonly PlanMeasure[];
}

/** A problem (问题) found by the inspection. */
export interface PlanProblem {
  readonly no: number;
  readonly title: string;
  readonly items: readonly PlanItem[];
}

/** An aspect (方面): the top-level grouping of problems. */
export interface PlanAspect {
  readonly no: number;
  readonly title: string;
  readonly problems: readonly PlanProblem[];
}

/** What the rectification achieved (整改成效): regulations issued, people held to account, money recovered. */
export const OUTCOME_KINDS = ['regulation', 'dismissal', 'criticism', 'punishment', 'refund'] as const;
export type OutcomeKind = (typeof OUTCOME_KINDS)[number];

/** One line of outcomes; `itemRef` ties it to an item (`a.p.i`). */
export interface PlanOutcome {
  readonly kind: OutcomeKind;
  readonly count: number;
  readonly amountCny?: number;
  readonly itemRef?: string;
  readonly note?: string;
}

/**
 * What a ledger column (台账列) of a spreadsheet plan holds, in ledger order; an importer may map
 * a column to one by hand (spreadsheet.ts `columns`).
 */
export const LEDGER_FIELDS = [
  'aspect',
  'problem',
  'item',
  'measure',
  'measureDone',
  'status',
  'leader',
  'leaderId',
  'dept',
  'deadline',
  'progress',
  'description',
] as const;
export type LedgerField = (typeof LEDGER_FIELDS)[number];

/** The inspection (巡察 / 审计) the plan answers. */
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

/** A whole plan, ready to become a ledger. */
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

/** A plan, or every error found in the input: parsing never throws on bad input. */
export type PlanResult =
  | { readonly ok: true; readonly plan: Plan }
  | { readonly ok: false; readonly errors: readonly PlanError[] };
