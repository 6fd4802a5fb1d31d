import { NotFound } from '#shared/domain/errors.ts';
import { httpHandler } from '#shared/http/handler.ts';
import { readTotals } from '#shared/services/aggregates.ts';
import { aggregateStore } from '#shared/store/aggregate-store.ts';
import { ledgerStore } from '#shared/store/ledger-store.ts';

/** GET /inspections/{inspectionId}/totals — the counters, kept by the bus consumer: one item read. */
export const handler = httpHandler('getTotals', async ({ pathParameters }) => {
  const inspectionId = pathParameters.inspectionId ?? '';
  const inspection = await ledgerStore().requireInspection(inspectionId);
  const totals = await readTotals(aggregateStore(), inspection);
  if (!totals) throw new NotFound('totals', inspectionId);
  return { status: 200, body: { inspectionId, importId: inspection.importId, totals } };
});
