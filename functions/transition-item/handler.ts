import { TransitionRequest } from '#shared/api/schemas.ts';
import { decideTransition } from '#shared/domain/transitions.ts';
import { parseJsonBody } from '#shared/http/body.ts';
import { httpHandler } from '#shared/http/handler.ts';
import { changeItem, changeView } from '#shared/services/items.ts';
import { ledgerStore } from '#shared/store/ledger-store.ts';

/**
 * POST /items/{itemId}/transitions — a status change `{ to, reason, expectedVersion, meaning? }`:
 * 200 with the item, 409 on a stale version, 422 when a rule forbids it.
 */
export const handler = httpHandler(
  'transitionItem',
  async ({ event, principal, pathParameters, lang, idempotencyKey }) => {
    const request = parseJsonBody(event, TransitionRequest);
    return changeItem(
      ledgerStore(),
      principal,
      pathParameters.itemId ?? '',
      (current, context) => decideTransition(current, request, principal, context),
      { answer: (change) => ({ status: 200, body: changeView(change, lang) }), idempotencyKey },
    );
  },
);
