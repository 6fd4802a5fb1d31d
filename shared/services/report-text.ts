import { randomUUID } from 'node:crypto';
import { nextInspectionEvent } from '#shared/domain/inspection-events.ts';
import type { ReportText } from '#shared/domain/report/model.ts';
import { reportTextOf } from '#shared/domain/report/texts.ts';
import type { Principal } from '#shared/domain/roles.ts';
import { actorRef } from '#shared/domain/roles.ts';
import type { InspectionChainStore } from '#shared/store/inspection-chain-store.ts';
import type { LedgerStore } from '#shared/store/ledger-store.ts';

interface Stores {
  readonly ledger: LedgerStore;
  readonly chains: InspectionChainStore;
}

export interface ReportTextView {
  readonly inspectionId: string;
  readonly texts: ReportText;
  readonly savedAt?: string;
  readonly savedBy?: { readonly subject: string; readonly name: string };
}

/**
 * Saves the texts the office writes for its 整改情况报告 as a `ReportTextSet` record of the
 * inspection's chain: the whole set each time, so any report (also one as of a past date) reads
 * the texts in force at its instant from one record, and every change stays in the trail.
 */
export async function saveReportText(
  stores: Stores,
  principal: Principal,
  inspectionId: string,
  texts: ReportText,
  now = new Date(),
): Promise<ReportTextView> {
  await stores.ledger.requireInspection(inspectionId);
  const actor = actorRef(principal);
  const data: Record<string, string> = { ...reportTextOf(texts as Record<string, unknown>) };
  const event = await stores.chains.append(inspectionId, (head) => ({
    event: nextInspectionEvent(head, {
      eventId: randomUUID(),
      inspectionId,
      type: 'ReportTextSet',
      at: now.toISOString(),
      actor,
      data,
    }),
  }));
  return {
    inspectionId,
    texts: data,
    savedAt: event.at,
    savedBy: { subject: actor.subject, name: actor.name },
  };
}

/** The texts in force now (none saved: empty, and the report writes its defaults). */
export async function readReportText(stores: Stores, inspectionId: string): Promise<ReportTextView> {
  await stores.ledger.requireInspection(inspectionId);
  const chain = await stores.chains.chain(inspectionId);
  const last = chain.findLast((event) => event.type === 'ReportTextSet');
  if (!last) return { inspectionId, texts: {} };
  return {
    inspectionId,
    texts: reportTextOf(last.data),
    savedAt: last.at,
    savedBy: { subject: last.actor.subject, name: last.actor.name },
  };
}
