import { randomBytes, randomUUID } from 'node:crypto';
import type * as z from 'zod';
import type { ImportRequest } from '#shared/api/schemas.ts';
import type { Linked } from '#shared/domain/chain.ts';
import { Conflict, ValidationFailed } from '#shared/domain/errors.ts';
import type { Inspection } from '#shared/domain/inspection.ts';
import { type InspectionEvent, nextInspectionEvent } from '#shared/domain/inspection-events.ts';
import type { ActorRef } from '#shared/domain/item.ts';
import { ledgerFromPlan } from '#shared/domain/ledger.ts';
import { parsePlanJson, readPlanSpreadsheet, type SpreadsheetLayout } from '#shared/domain/plan/index.ts';
import type { Plan, PlanError, PlanResult } from '#shared/domain/plan/model.ts';
import { revisePlan, revisionRefused } from '#shared/domain/plan-revision.ts';
import type { Principal } from '#shared/domain/roles.ts';
import { actorRef } from '#shared/domain/roles.ts';
import type { AggregateStore } from '#shared/store/aggregate-store.ts';
import type { LedgerStore } from '#shared/store/ledger-store.ts';
import { rebuildTotals } from './aggregates.ts';

/** Short, random, sortable enough: import generations are few per inspection. */
function newImportId(): string {
  return `${Date.now().toString(36)}${randomBytes(4).toString('hex')}`;
}

/** The plan or its errors, and for a spreadsheet which column each field was read from. */
async function parse(
  request: z.output<typeof ImportRequest>,
): Promise<{ result: PlanResult; layout?: SpreadsheetLayout }> {
  if (request.spreadsheet) {
    const { kind, contentBase64, inspection, columns } = request.spreadsheet;
    return readPlanSpreadsheet(Buffer.from(contentBase64, 'base64'), kind, {
      ...(inspection ? { inspection } : {}),
      ...(columns ? { columns } : {}),
    });
  }
  return { result: parsePlanJson(request.plan) };
}

export interface ImportOutcome {
  readonly inspectionId: string;
  readonly importId: string;
  readonly itemCount: number;
  readonly replaced: boolean;
  /** For a spreadsheet: field → the header it was read from, as recorded in PlanImported. */
  readonly columns?: SpreadsheetLayout['columns'];
}

/** What an import would read, with nothing written: POST /inspections/import/preview. */
export type ImportPreview =
  | {
      readonly ok: true;
      readonly columns: SpreadsheetLayout['columns'];
      readonly header: SpreadsheetLayout['header'];
      readonly sample: SpreadsheetLayout['sample'];
      readonly counts: { aspects: number; problems: number; items: number; measures: number };
      readonly inspection: Plan['inspection'];
    }
  | {
      readonly ok: false;
      readonly columns: SpreadsheetLayout['columns'];
      readonly header: SpreadsheetLayout['header'];
      readonly errors: readonly PlanError[];
    };

/**
 * Reads a plan as importPlan would and says what it found — the column each field comes from,
 * the first rows, the counts, or every error — touching no store: an importer checks a 台账's
 * mapping before anything is written.
 */
export async function previewImport(request: z.output<typeof ImportRequest>): Promise<ImportPreview> {
  const { result, layout = { columns: {}, header: [], sample: [] } } = await parse(request);
  const { columns, header, sample } = layout;
  if (!result.ok) return { ok: false, columns, header, errors: result.errors };
  const { plan } = result;
  const problems = plan.aspects.flatMap((aspect) => aspect.problems);
  const items = problems.flatMap((problem) => problem.items);
  return {
    ok: true,
    columns,
    header,
    sample,
    counts: {
      aspects: plan.aspects.length,
      problems: problems.length,
      items: items.length,
      measures: items.reduce((sum, item) => sum + item.measures.length, 0),
    },
    inspection: plan.inspection,
  };
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
  const { result: parsed, layout } = await parse(request);
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
