import { addDays, daysBetween } from './calendar.ts';
import { missedReattestation } from './follow-ups.ts';
import type { Inspection } from './inspection.ts';
import { type ActorRef, type Item, type ItemEvent, type LadderState, recordEvent } from './item.ts';
import { countsAsRectified } from './status.ts';

/**
 * The deadline ladder (预警 → 超期 → 督办). A daily scan looks at every open item once:
 * due within DUE_SOON_DAYS → ItemDueSoon (yellow); past its deadline → ItemOverdue (red);
 * red for a third scan, or yellow for a second scan in a row without progress → ItemEscalated.
 * Milestones scheduled backwards from the deadline (倒排) warn the same way, but never escalate.
 */
export const DUE_SOON_DAYS = 7;
/** Escalate at every third red scan (3rd, 6th, …). */
export const RED_SCANS_TO_ESCALATE = 3;
/** Escalate at every second yellow scan in a row without progress. */
export const YELLOW_SCANS_TO_ESCALATE = 2;

export type Light = 'green' | 'yellow' | 'red';

export interface Milestone {
  readonly key: 'plan' | 'half-way' | 'final-check';
  readonly name: { readonly 'zh-CN': string; readonly en: string };
  readonly due: string;
}

/** The actor of what the scheduled scans record. */
export const DEADLINE_SCAN: ActorRef = { subject: 'system:deadline-scan', name: '时限扫描', roles: [] };

/**
 * Milestones counted back from the deadline (倒排) over the span from the feedback date: the plan
 * in place after a tenth of it, half-way, and a final check a week before the deadline. Spans too
 * short for a milestone to fall between the start and the deadline drop it.
 */
export function milestonesOf(
  item: Pick<Item, 'deadline'>,
  inspection: Pick<Inspection, 'feedbackDate'>,
): Milestone[] {
  const start = inspection.feedbackDate;
  const span = daysBetween(start, item.deadline);
  const candidates: Milestone[] = [
    {
      key: 'plan',
      name: { 'zh-CN': '制定方案', en: 'plan in place' },
      due: addDays(start, Math.round(span / 10)),
    },
    {
      key: 'half-way',
      name: { 'zh-CN': '过半检查', en: 'half-way check' },
      due: addDays(start, Math.round(span / 2)),
    },
    {
      key: 'final-check',
      name: { 'zh-CN': '验收自查', en: 'final check' },
      due: addDays(item.deadline, -DUE_SOON_DAYS),
    },
  ];
  // A milestone inside the deadline's own warning window would only repeat that warning.
  return candidates.filter(
    (milestone) =>
      daysBetween(start, milestone.due) > 0 && daysBetween(milestone.due, item.deadline) >= DUE_SOON_DAYS,
  );
}

/** The item's light today: derived, so it is right at any moment, not only after a scan. */
export function lightOf(
  item: Item,
  inspection: Pick<Inspection, 'feedbackDate' | 'timezone'>,
  today: string,
): Light {
  // A long-term item whose re-attestation cycle passed without a report is yellow again.
  if (countsAsRectified(item.status))
    return missedReattestation(item, inspection, today) ? 'yellow' : 'green';
  const daysLeft = daysBetween(today, item.deadline);
  if (daysLeft < 0) return 'red';
  if (daysLeft <= DUE_SOON_DAYS) return 'yellow';
  const dueMilestone = milestonesOf(item, inspection).some((milestone) => {
    const left = daysBetween(today, milestone.due);
    return left >= 0 && left <= DUE_SOON_DAYS;
  });
  return dueMilestone ? 'yellow' : 'green';
}

/**
 * One scan of one item on `today` (a calendar date in the inspection's time zone): the item with
 * its ladder state and the chain records to append, or undefined when there is nothing to say —
 * the item is rectified, green, or was already scanned today (a second scan on the same day
 * warns nobody again).
 */
export function decideScan(
  item: Item,
  inspection: Pick<Inspection, 'feedbackDate'>,
  today: string,
  context: { at: string; newEventId: () => string },
): { item: Item; events: ItemEvent[] } | undefined {
  if (countsAsRectified(item.status)) return undefined;
  const previous = item.ladder;
  if (previous && previous.lastScanDate >= today) return undefined;
  const daysLeft = daysBetween(today, item.deadline);
  const progressed = Boolean(previous && item.lastProgressAt && item.lastProgressAt > previous.lastScanAt);
  const escalations = item.escalations ?? 0;

  type Step = { type: ItemEvent['type']; data: Record<string, unknown> };
  const steps: Step[] = [];
  let ladder: LadderState;
  if (daysLeft < 0) {
    const redScans = (previous?.redScans ?? 0) + 1;
    ladder = { lastScanDate: today, lastScanAt: context.at, redScans, yellowStreak: 0 };
    steps.push({
      type: 'Overdue',
      data: { deadline: item.deadline, daysOverdue: -daysLeft, scanDate: today, redScans },
    });
    if (redScans % RED_SCANS_TO_ESCALATE === 0) {
      steps.push({
        type: 'Escalated',
        data: { reason: 'red-three-scans', escalations: escalations + 1, light: 'red', scanDate: today },
      });
    }
  } else if (daysLeft <= DUE_SOON_DAYS) {
    const yellowStreak = progressed ? 1 : (previous?.yellowStreak ?? 0) + 1;
    ladder = { lastScanDate: today, lastScanAt: context.at, redScans: 0, yellowStreak };
    steps.push({ type: 'DueSoon', data: { deadline: item.deadline, daysLeft, scanDate: today } });
    if (yellowStreak % YELLOW_SCANS_TO_ESCALATE === 0) {
      steps.push({
        type: 'Escalated',
        data: {
          reason: 'yellow-twice-without-progress',
          escalations: escalations + 1,
          light: 'yellow',
          scanDate: today,
        },
      });
    }
  } else {
    const milestone = milestonesOf(item, inspection).find((candidate) => {
      const left = daysBetween(today, candidate.due);
      return left >= 0 && left <= DUE_SOON_DAYS;
    });
    if (!milestone) return undefined;
    ladder = { lastScanDate: today, lastScanAt: context.at, redScans: 0, yellowStreak: 0 };
    steps.push({
      type: 'DueSoon',
      data: {
        deadline: milestone.due,
        daysLeft: daysBetween(today, milestone.due),
        scanDate: today,
        milestone: milestone.name['zh-CN'],
      },
    });
  }

  let current = item;
  const events: ItemEvent[] = [];
  for (const step of steps) {
    const escalated = step.type === 'Escalated';
    const recorded = recordEvent(
      current,
      step.type,
      DEADLINE_SCAN,
      step.data,
      { ladder, ...(escalated ? { escalations: (current.escalations ?? 0) + 1 } : {}) },
      { eventId: context.newEventId(), at: context.at },
    );
    current = recorded.item;
    events.push(recorded.event);
  }
  return { item: current, events };
}
