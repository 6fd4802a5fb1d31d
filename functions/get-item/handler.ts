import { httpHandler } from '#shared/http/handler.ts';
import { findVisibleItem, itemView } from '#shared/services/items.ts';
import { ledgerStore } from '#shared/store/ledger-store.ts';

/** GET /items/{itemId} — one item, if the caller may see it. */
export const handler = httpHandler('getItem', async ({ principal, pathParameters, lang }) => {
  const { item, inspection } = await findVisibleItem(ledgerStore(), principal, pathParameters.itemId ?? '');
  return { status: 200, body: itemView(item, inspection, lang) };
});
