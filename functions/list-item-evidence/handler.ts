import { httpHandler } from '#shared/http/handler.ts';
import { evidenceView } from '#shared/services/evidence.ts';
import { findVisibleItem } from '#shared/services/items.ts';
import { evidenceStore } from '#shared/store/evidence-store.ts';
import { ledgerStore } from '#shared/store/ledger-store.ts';

/** GET /items/{itemId}/evidence — every evidence file of an item, in every state. */
export const handler = httpHandler('listItemEvidence', async ({ principal, pathParameters, lang }) => {
  const { item } = await findVisibleItem(ledgerStore(), principal, pathParameters.itemId ?? '');
  const evidence = await evidenceStore().listForItem(item.itemId);
  return {
    status: 200,
    body: { itemId: item.itemId, evidence: evidence.map((file) => evidenceView(file, lang)) },
  };
});
