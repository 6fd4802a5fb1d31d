import { randomBytes, randomUUID } from 'node:crypto';
import type { z } from 'zod';
import type { ImportRequest } from '#shared/api/schemas.ts';
import { Conflict, ValidationFailed } from '#shared/domain/errors.ts';
import { nextInspectionEvent } from '#shared/domain/inspection-events.ts';
import { ledgerFromPlan } from '#shared/domain/ledger.ts';
import { parsePlanJson, parsePlanSpreadsheet } from '#shared/domain/plan/index.ts';
import type { PlanResult } from '#shared/domain/plan/model.ts';
import type { Principal } from '#shared/domain/roles.ts';
import { actorRef } from '#shared/domain/transitions.ts';
import type { AggregateStore } from '#shared/store/aggregate-store.ts';
import type { LedgerStore } from '#shared/store/ledger-store.ts';
import { rebuildTotals } from './aggregates.ts';

/** Short, random, sortable enough: import generations are few per inspection. */
function newImportId(): string {
  return `${Date.now().toString(36)}${randomBytes(4).toString('hex')}`;
}

async function parse(request: z.output<typeof ImportRequest>): Promise<PlanResult> {
  if (request.spreadsheet) {
    const { kind, contentBase64, inspection } = request.spreadsheet;
    return parsePlanSpreadsheet(Buffer.from(contentBase64, 'base64'), kind, inspection ? { inspection } : {});
  }
  return parsePlanJson(request.plan);
}

export interface ImportOutcome {
  readonly inspectionId: string;
  readonly importId: string;
  readonly itemCount: number;
  readonly replaced: boolean;
}

/**
 * Imports a plan whole or not at all: every error is reported before anything is written, an
 * inspection imported before is refused unless `replace` is asked for, and the new ledger
 * becomes visible in one final write (see LedgerStore.importLedger).
 */
export async function importPlan(
  stores: { ledger: LedgerStore; aggregates: AggregateStore },
  principal: Principal,
  request: z.output<typeof ImportRequest>,
  now = new Date(),
): Promise<ImportOutcome> {
  const store = stores.ledger;
  const parsed = await parse(request);
  if (!parsed.ok) throw new ValidationFailed(parsed.errors);
  const { plan } = parsed;
  const inspectionId = plan.inspection.id ?? `insp-${randomBytes(5).toString('hex')}`;
  const existing = await store.getInspection(inspectionId);
  if (existing && !request.replace) {
    throw new Conflict(
      `inspection ${inspectionId} was already imported (${existing.importedAt}); ask to replace it`,
      {
        inspectionId,
        importedAt: existing.importedAt,
      },
    );
  }
  const importId = newImportId();
  const ledger = ledgerFromPlan(plan, {
    inspectionId,
    importId,
    actor: actorRef(principal),
    at: now.toISOString(),
    newId: randomUUID,
    replacedImports: existing ? [existing.importId, ...existing.replacedImports] : [],
  });
  // The counters of the new generation are seeded before it becomes visible.
  // A replacement keeps what an admin set for the inspection: follow-up periods, summary schedule.
  const inspection = {
    ...ledger.inspection,
    ...(existing?.followUp ? { followUp: existing.followUp } : {}),
    ...(existing?.summarySchedule ? { summarySchedule: existing.summarySchedule } : {}),
  };
  await rebuildTotals(stores, inspection, now, ledger.items);
  const actor = actorRef(principal);
  await store.importLedger({ ...ledger, inspection }, existing?.importId, (head) =>
    nextInspectionEvent(head, {
      eventId: randomUUID(),
      inspectionId,
      type: 'PlanImported',
      at: now.toISOString(),
      actor,
      data: { importId, outcomes: plan.outcomes },
    }),
  );
  return {
    inspectionId,
    importId,
    itemCount: ledger.items.length,
    replaced: Boolean(existing),
  };
}
