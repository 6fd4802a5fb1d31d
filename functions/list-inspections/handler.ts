import { httpHandler } from '#shared/http/handler.ts';
import { inspectionView } from '#shared/services/ledger-view.ts';
import { ledgerStore } from '#shared/store/ledger-store.ts';

/** GET /inspections — every inspection's header (titles and dates are not items: all may see them). */
export const handler = httpHandler('listInspections', async () => {
  const inspections = await ledgerStore().listInspections();
  return { status: 200, body: { inspections: inspections.map(inspectionView) } };
});
