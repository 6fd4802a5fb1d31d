import type { Light } from '../deadlines.ts';
import type { OutcomeTally } from '../outcomes.ts';
import type { ItemStatus } from '../status.ts';

/**
 * A progress summary (整改情况报告): a fixed snapshot of one inspection as of one instant. This
 * is the shape of `summary.json` (`rectify.summary/v1`); a change to it is a v2, never an edit.
 * Every rendering (the paragraph, summary.md, chart.svg, ledger.xlsx) is made from it alone.
 */
export const SUMMARY_SCHEMA = 'rectify.summary/v1';

/** Item counts of a set of items, as of the summary's instant. */
export interface SummaryCounts {
  readonly total: number;
  readonly not_started: number;
  readonly in_progress: number;
  readonly rectified: number;
  readonly closed: number;
  /** `rectified` + `closed` (DESIGN.md §2). */
  readonly rectifiedTotal: number;
  readonly overdue: number;
  readonly longTerm: number;
  readonly lights: Readonly<Record<Light, number>>;
  readonly measuresTotal: number;
  readonly measuresDone: number;
}

/** One item as a summary lists it (in-progress, not-started, overdue and change lists). */
export interface SummaryItemRef {
  readonly ref: string;
  readonly title: string;
  readonly department: string;
  readonly leader: string;
  /** YYYY-MM-DD in the inspection's zone. */
  readonly deadline: string;
}

export interface OverdueItem extends SummaryItemRef {
  /** Whole days past the deadline on the as-of date (≥ 1). */
  readonly daysOverdue: number;
}

/** One item's state as of the summary: what the ledger sheet shows and the next summary diffs. */
export interface SummaryItem extends SummaryItemRef {
  readonly aspectNo: number;
  readonly problemNo: number;
  readonly status: ItemStatus;
  readonly longTerm: boolean;
  readonly overdue: boolean;
  readonly light: Light;
  readonly progress?: string;
  readonly measures: readonly { readonly text: string; readonly done: boolean }[];
}

export type { OutcomeTally };

export interface Summary {
  readonly schema: typeof SUMMARY_SCHEMA;
  readonly summaryId: string;
  readonly inspection: {
    readonly inspectionId: string;
    readonly importId: string;
    readonly title: string;
    readonly inspectedUnit: string;
    readonly inspectionGroup: string;
    readonly feedbackDate: string;
    readonly timezone: string;
  };
  /** The instant the snapshot is of (UTC ISO-8601). */
  readonly asOf: string;
  /** The as-of calendar date in the inspection's zone (YYYY-MM-DD). */
  readonly asOfDate: string;
  readonly generatedAt: string;
  readonly trigger: 'schedule' | 'request';
  /** The language asked for; `paragraph` always carries both. */
  readonly lang: 'zh-CN' | 'en';
  readonly paragraph: { readonly 'zh-CN': string; readonly en: string };
  readonly totals: SummaryCounts;
  readonly byAspect: readonly ({ readonly aspectNo: number; readonly title: string } & SummaryCounts)[];
  readonly byDepartment: readonly ({ readonly department: string } & SummaryCounts)[];
  readonly inProgress: readonly SummaryItemRef[];
  readonly notStarted: readonly SummaryItemRef[];
  readonly overdue: readonly OverdueItem[];
  readonly outcomes: {
    readonly byKind: readonly OutcomeTally[];
    readonly refundTotalCny: number;
  };
  /** Against the previous summary of the inspection (the latest one as of an earlier instant). */
  readonly changes: {
    readonly previousSummaryId: string;
    readonly previousAsOf: string;
    readonly newlyRectified: readonly SummaryItemRef[];
    readonly newlyOverdue: readonly SummaryItemRef[];
  } | null;
  /** Every item as of the instant, in ref order. */
  readonly items: readonly SummaryItem[];
}
