import { randomBytes, randomUUID } from 'node:crypto';
import type * as z from 'zod';
import type { ImportRequest } from '#shared/api/schemas.ts';
import type { Linked } from '#shared/domain/chain.ts';
import { Conflict, ValidationFailed } from '#shared/domain/errors.ts';
import type { Inspection } from '#shared/domain/inspection.ts';
import { type InspectionEvent, nextInspectionEvent } from '#shared/domain/inspection-events.ts';
import type { ActorRef } from '#shared/domain/item.ts';
import { ledgerFromPlan } from '#shared/domain/ledger.ts';
import type { SpreadsheetLayout } from '#shared/domain/plan/index.ts';
import type { Plan } from '#shared/domain/plan/model.ts';
import { revisePlan, revisionRefused } from '#shared/domain/plan-revision.ts';
import type { Principal } from '#shared/domain/roles.ts';
import { actorRef } from '#shared/domain/roles.ts';
import type { AggregateStore } from '#shared/store/aggregate-store.ts';
import type { LedgerStore } from '#shared/store/ledger-store.ts';
import { rebuildTotals } from './aggregates.ts';
import { parseImportRequest } from './import-preview.ts';

/** Short, random, sortable enough: import generations are few per inspection. */
function newImportId(): string {
  return `${Date.now().toString(36)}${randomBytes(4).toString('hex')}`;
}

export interface ImportOutcome {
  readonly inspectionId: string;
  readonly importId: string;
  readonly itemCount: number;
  readonly replaced: boolean;
  /** For a spreadsheet: field → the header it was read from, as recorded in PlanImported. */
  readonly columns?: SpreadsheetLayout['columns'];
}

/** The inspection chain's PlanImported record of an import or a replace, sealed onto its head. */
function planImported(
  inspectionId: string,
  actor: ActorRef,
  now: Date,
  data: Readonly<Record<string, unknown>>,
): (head: Linked | undefined) => InspectionEvent {
  return (head) =>
    nextInspectionEvent(head, {
      eventId: randomUUID(),
      inspectionId,
      type: 'PlanImported',
      at: now.toISOString(),
      actor,
      data,
    });
}

/**
 * Imports a plan whole or not at all: every error is reported before anything is written, an
 * inspection imported before is refused unless `replace` is asked for (then see replacePlan),
 * and the new ledger becomes visible in one final write (see LedgerStore.importLedger).
 */
export async function importPlan(
  stores: { ledger: LedgerStore; aggregates: AggregateStore },
  principal: Principal,
  request: z.output<typeof ImportRequest>,
  now = new Date(),
): Promise<ImportOutcome> {
  const store = stores.ledger;
  const { result: parsed, layout } = await parseImportRequest(request);
  if (!parsed.ok) throw new ValidationFailed(parsed.errors);
  const { plan } = parsed;
  // The record says how a spreadsheet was read, so a wrong mapping can be traced afterwards.
  const columns = layout ? { columns: layout.columns } : {};
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
  if (existing)
    return replacePlan(stores, principal, plan, existing, importId, request.withdrawReason, columns, now);
  const actor = actorRef(principal);
  const ledger = ledgerFromPlan(plan, {
    inspectionId,
    importId,
    actor,
    at: now.toISOString(),
    newId: randomUUID,
    replacedImports: [],
  });
  // The counters of the new generation are seeded before it becomes visible.
  const { inspection } = ledger;
  await rebuildTotals(stores, inspection, now, ledger.items);
  await store.importLedger(
    ledger,
    undefined,
    planImported(inspectionId, actor, now, { importId, outcomes: plan.outcomes, ...columns }),
  );
  return { inspectionId, importId, itemCount: ledger.items.length, replaced: false, ...columns };
}

/**
 * A replace changes the plan, never the workflow (shared/domain/plan-revision.ts). Under the
 * inspection's lease (no item changes meanwhile, see LedgerStore.beginRevision) it reads the
 * visible generation, lets the domain decide, and writes the new generation with the carried
 * chains; a refusal names every item and writes nothing. The lease is given back on any failure;
 * if even that fails, it expires on its own.
 */
async function replacePlan(
  stores: { ledger: LedgerStore; aggregates: AggregateStore },
  principal: Principal,
  plan: Plan,
  existing: Inspection,
  importId: string,
  withdrawReason: string | undefined,
  columns: Pick<ImportOutcome, 'columns'>,
  now: Date,
): Promise<ImportOutcome> {
  const store = stores.ledger;
  const { inspectionId } = existing;
  const actor = actorRef(principal);
  await store.beginRevision(inspectionId, existing.importId, importId, now);
  try {
    const current = await store.readGeneration(existing);
    const revision = revisePlan(current.items, plan, {
      inspectionId,
      importId,
      actor,
      at: now.toISOString(),
      newId: randomUUID,
      replacedImports: [existing.importId, ...existing.replacedImports],
      ...(withdrawReason ? { withdrawReason } : {}),
    });
    if (revision.refusals.length > 0) throw revisionRefused(revision.refusals);
    // A replacement keeps what an admin set for the inspection: follow-up periods, summary schedule.
    const inspection = {
      ...revision.inspection,
      ...(existing.followUp ? { followUp: existing.followUp } : {}),
      ...(existing.summarySchedule ? { summarySchedule: existing.summarySchedule } : {}),
    };
    await rebuildTotals(stores, inspection, now, revision.items);
    await store.replaceLedger(
      { inspection, items: revision.items, events: revision.records },
      existing,
      current,
      planImported(inspectionId, actor, now, {
        importId,
        replaced: existing.importId,
        // Counts only: each item's own chain records what changed (a list of thousands of
        // refs could outgrow a record).
        revised: revision.revised.length,
        withdrawn: revision.withdrawn.length,
        added: revision.added.length,
        outcomes: plan.outcomes,
        ...columns,
      }),
    );
    return { inspectionId, importId, itemCount: inspection.itemCount, replaced: true, ...columns };
  } catch (error) {
    await store.endRevision(inspectionId, importId).catch(() => undefined);
    throw error;
  }
}
