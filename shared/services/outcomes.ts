import { randomUUID } from 'node:crypto';
import { calendarDate } from '#shared/domain/inspection.ts';
import { nextInspectionEvent } from '#shared/domain/inspection-events.ts';
import {
  checkOutcome,
  type OutcomeInput,
  outcomesOf,
  type RecordedOutcome,
  tallyOutcomes,
} from '#shared/domain/outcomes.ts';
import type { Principal } from '#shared/domain/roles.ts';
import { actorRef } from '#shared/domain/roles.ts';
import type { InspectionChainStore } from '#shared/store/inspection-chain-store.ts';
import type { LedgerStore } from '#shared/store/ledger-store.ts';

interface Stores {
  readonly ledger: LedgerStore;
  readonly chains: InspectionChainStore;
}

/** Records an outcome as an OutcomeRecorded record of the inspection's chain (admins). */
export async function recordOutcome(
  stores: Stores,
  principal: Principal,
  inspectionId: string,
  outcome: OutcomeInput,
  now = new Date(),
): Promise<RecordedOutcome> {
  const inspection = await stores.ledger.requireInspection(inspectionId);
  const named = outcome.itemRef ? await stores.ledger.getItem(inspectionId, outcome.itemRef) : undefined;
  checkOutcome(outcome, {
    refs: new Set(named ? [named.item.ref] : []),
    today: calendarDate(now, inspection.timezone),
  });
  const actor = actorRef(principal);
  const data = Object.fromEntries(Object.entries(outcome).filter(([, value]) => value !== undefined));
  const event = await stores.chains.append(inspectionId, (head) => ({
    event: nextInspectionEvent(head, {
      eventId: randomUUID(),
      inspectionId,
      type: 'OutcomeRecorded',
      at: now.toISOString(),
      actor,
      data,
    }),
  }));
  return {
    ...(data as unknown as OutcomeInput),
    outcomeId: event.eventId,
    source: 'recorded',
    recordedAt: event.at,
    recordedBy: actor,
  };
}

/** The outcomes in force: the latest plan's and every recorded one, with the sums by kind. */
export async function listOutcomes(stores: Stores, inspectionId: string) {
  const _inspection = await stores.ledger.requireInspection(inspectionId);
  const outcomes = outcomesOf(await stores.chains.chain(inspectionId));
  return { inspectionId, outcomes, tally: tallyOutcomes(outcomes) };
}
