import { verifyChain } from '#shared/domain/chain.ts';
import { httpHandler } from '#shared/http/handler.ts';
import { findVisibleItem } from '#shared/services/items.ts';
import { ledgerStore } from '#shared/store/ledger-store.ts';

/**
 * GET /items/{itemId}/history — the item's hash-chained records, oldest first, with the server's
 * own verification of the chain (clients should verify again themselves: `rectify history --verify`).
 */
export const handler = httpHandler('itemHistory', async ({ principal, pathParameters }) => {
  const store = ledgerStore();
  const { item, inspection } = await findVisibleItem(store, principal, pathParameters.itemId ?? '');
  const events = await store.history(inspection, item.ref);
  return { status: 200, body: { itemId: item.itemId, events, verification: verifyChain(events) } };
});
