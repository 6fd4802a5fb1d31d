import { appendLink, type Linked } from './chain.ts';
import type { ActorRef } from './item.ts';

/**
 * The inspection's own hash chain, beside its items' chains: what happens to the inspection as a
 * whole. `PlanImported` records the plan's outcomes at each import (a replacement's plan outcomes
 * supersede the previous plan's); `OutcomeRecorded` an outcome an admin recorded later (these
 * survive re-imports); `SummaryGenerated` a summary and the SHA-256 of each of its files, so a
 * report handed to leaders can be checked against the trail; `ArchiveReady` / `ArchiveFailed` an
 * evidence archive (who asked, what it holds and its SHA-256); `ReportTextSet` the texts the office
 * wrote for its 整改情况报告 (the whole set as saved).
 */
export type InspectionEventType =
  | 'PlanImported'
  | 'OutcomeRecorded'
  | 'SummaryGenerated'
  | 'ArchiveReady'
  | 'ArchiveFailed'
  | 'ReportTextSet';

export type InspectionEvent = Linked & {
  readonly eventId: string;
  readonly inspectionId: string;
  readonly type: InspectionEventType;
  readonly at: string;
  readonly actor: ActorRef;
  readonly data: Readonly<Record<string, unknown>>;
};

/** Seals the next record of an inspection's chain after `head` (the last record, if any). */
export function nextInspectionEvent(
  head: Pick<Linked, 'seq' | 'hash'> | undefined,
  record: Omit<InspectionEvent, keyof Linked>,
): InspectionEvent {
  return appendLink(head, record);
}
