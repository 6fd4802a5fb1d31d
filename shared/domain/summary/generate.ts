import { daysBetween } from '../calendar.ts';
import { type Light, lightOf } from '../deadlines.ts';
import { calendarDate, type Inspection } from '../inspection.ts';
import type { Item } from '../item.ts';
import { isOverdue } from '../ledger.ts';
import { type RecordedOutcome, tallyOutcomes } from '../outcomes.ts';
import { countsAsRectified } from '../status.ts';
import {
  SUMMARY_SCHEMA,
  type Summary,
  type SummaryCounts,
  type SummaryItem,
  type SummaryItemRef,
} from './model.ts';
import { paragraphEn, paragraphZh } from './paragraph.ts';

/** What the previous summary said of each item: all the next one needs to list the changes. */
export interface PreviousSummary {
  readonly summaryId: string;
  readonly asOf: string;
  readonly items: readonly Pick<SummaryItem, 'ref' | 'status' | 'overdue'>[];
}

export interface SummaryInput {
  readonly summaryId: string;
  readonly inspection: Inspection;
  /** Every item of the visible generation, each as it stood at `asOf` (replay.ts). */
  readonly items: readonly Item[];
  /** The outcomes as of the as-of date (outcomes.ts `outcomesOf`). */
  readonly outcomes: readonly RecordedOutcome[];
  readonly asOf: Date;
  readonly generatedAt: Date;
  readonly trigger: Summary['trigger'];
  readonly lang: Summary['lang'];
  readonly previous?: PreviousSummary;
}

type MutableCounts = {
  -readonly [K in keyof SummaryCounts]: SummaryCounts[K] extends number ? number : Record<Light, number>;
};

function emptyCounts(): MutableCounts {
  return {
    total: 0,
    not_started: 0,
    in_progress: 0,
    rectified: 0,
    closed: 0,
    rectifiedTotal: 0,
    overdue: 0,
    longTerm: 0,
    lights: { green: 0, yellow: 0, red: 0 },
    measuresTotal: 0,
    measuresDone: 0,
  };
}

function count(counts: MutableCounts, item: SummaryItem): void {
  counts.total += 1;
  counts[item.status] += 1;
  if (countsAsRectified(item.status)) counts.rectifiedTotal += 1;
  if (item.overdue) counts.overdue += 1;
  if (item.longTerm) counts.longTerm += 1;
  counts.lights[item.light] += 1;
  counts.measuresTotal += item.measures.length;
  counts.measuresDone += item.measures.filter((measure) => measure.done).length;
}

/** Numeric order of `a.p.i` refs (1.2.10 after 1.2.9). */
export function compareRefs(a: string, b: string): number {
  const left = a.split('.').map(Number);
  const right = b.split('.').map(Number);
  for (let i = 0; i < Math.max(left.length, right.length); i++) {
    const difference = (left[i] ?? 0) - (right[i] ?? 0);
    if (difference !== 0) return difference;
  }
  return 0;
}

const refOf = (item: SummaryItem): SummaryItemRef => ({
  ref: item.ref,
  title: item.title,
  department: item.department,
  leader: item.leader,
  deadline: item.deadline,
});

/**
 * A summary of an inspection as of an instant, from the items and outcomes as they stood then.
 * Pure: the same input gives the same summary, so a summary can be regenerated and compared.
 */
export function buildSummary(input: SummaryInput): Summary {
  const { inspection } = input;
  const asOfDate = calendarDate(input.asOf, inspection.timezone);
  const items: SummaryItem[] = input.items
    // An item withdrawn from the plan (by then) is in no report.
    .filter((item) => !item.withdrawn)
    .map(
      (item): SummaryItem => ({
        ref: item.ref,
        title: item.title,
        department: item.responsibleDept,
        leader: item.responsibleLeader,
        deadline: item.deadline,
        aspectNo: item.aspectNo,
        problemNo: item.problemNo,
        status: item.status,
        longTerm: item.longTerm,
        overdue: isOverdue(item, asOfDate),
        light: lightOf(item, inspection, asOfDate),
        ...(item.progress ? { progress: item.progress } : {}),
        measures: item.measures.map((measure) => ({ text: measure.text, done: measure.done })),
      }),
    )
    .sort((a, b) => compareRefs(a.ref, b.ref));

  const totals = emptyCounts();
  const byAspect = new Map(
    inspection.aspects.map((a) => [a.no, { aspectNo: a.no, title: a.title, ...emptyCounts() }]),
  );
  const byDepartment = new Map<string, { department: string } & MutableCounts>();
  for (const item of items) {
    count(totals, item);
    const aspect = byAspect.get(item.aspectNo);
    if (aspect) count(aspect, item);
    let department = byDepartment.get(item.department);
    if (!department) {
      department = { department: item.department, ...emptyCounts() };
      byDepartment.set(item.department, department);
    }
    count(department, item);
  }

  const inProgress = items.filter((item) => item.status === 'in_progress');
  const outcomes = tallyOutcomes(input.outcomes);
  const facts = {
    asOfDate,
    items: totals.total,
    rectified: totals.rectifiedTotal,
    inProgressTitles: inProgress.map((item) => item.title),
    notStarted: totals.not_started,
    measuresTotal: totals.measuresTotal,
    measuresDone: totals.measuresDone,
    outcomes,
  };

  let changes: Summary['changes'] = null;
  if (input.previous) {
    const before = new Map(input.previous.items.map((item) => [item.ref, item]));
    changes = {
      previousSummaryId: input.previous.summaryId,
      previousAsOf: input.previous.asOf,
      newlyRectified: items
        .filter((item) => countsAsRectified(item.status))
        .filter((item) => {
          const then = before.get(item.ref);
          return !then || !countsAsRectified(then.status);
        })
        .map(refOf),
      newlyOverdue: items.filter((item) => item.overdue && !before.get(item.ref)?.overdue).map(refOf),
    };
  }

  return {
    schema: SUMMARY_SCHEMA,
    summaryId: input.summaryId,
    inspection: {
      inspectionId: inspection.inspectionId,
      importId: inspection.importId,
      title: inspection.title,
      inspectedUnit: inspection.inspectedUnit,
      inspectionGroup: inspection.inspectionGroup,
      feedbackDate: inspection.feedbackDate,
      timezone: inspection.timezone,
    },
    asOf: input.asOf.toISOString(),
    asOfDate,
    generatedAt: input.generatedAt.toISOString(),
    trigger: input.trigger,
    lang: input.lang,
    paragraph: { 'zh-CN': paragraphZh(facts), en: paragraphEn(facts) },
    totals,
    byAspect: [...byAspect.values()],
    byDepartment: [...byDepartment.values()].sort((a, b) =>
      a.department.localeCompare(b.department, 'zh-CN'),
    ),
    inProgress: inProgress.map(refOf),
    notStarted: items.filter((item) => item.status === 'not_started').map(refOf),
    overdue: items
      .filter((item) => item.overdue)
      .map((item) => ({ ...refOf(item), daysOverdue: daysBetween(item.deadline, asOfDate) })),
    outcomes: {
      byKind: outcomes,
      refundTotalCny: outcomes.find((tally) => tally.kind === 'refund')?.amountCny ?? 0,
    },
    changes,
    items,
  };
}
