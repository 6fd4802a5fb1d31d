import { httpHandler } from '#shared/http/handler.ts';
import { rebuildTotals } from '#shared/services/aggregates.ts';
import { aggregateStore } from '#shared/store/aggregate-store.ts';
import { ledgerStore } from '#shared/store/ledger-store.ts';

/** POST /inspections/{inspectionId}/totals/rebuild — recomputes the counters from the ledger (admins). */
export const handler = httpHandler('rebuildTotals', async ({ pathParameters }) => {
  const inspectionId = pathParameters.inspectionId ?? '';
  const inspection = await ledgerStore().requireInspection(inspectionId);
  const totals = await rebuildTotals({ ledger: ledgerStore(), aggregates: aggregateStore() }, inspection);
  return { status: 200, body: { inspectionId, importId: inspection.importId, totals } };
});
