import { LookBackRequest } from '#shared/api/schemas.ts';
import { decideLookBackConfirmation } from '#shared/domain/follow-ups.ts';
import { actorRef } from '#shared/domain/roles.ts';
import { parseJsonBody } from '#shared/http/body.ts';
import { httpHandler } from '#shared/http/handler.ts';
import { changeItem, changeView } from '#shared/services/items.ts';
import { ledgerStore } from '#shared/store/ledger-store.ts';

/**
 * POST /items/{itemId}/look-back `{ note? }` — an admin confirms a due look-back (回头看): the
 * rectification held. To reopen instead, transition the item closed → in_progress with a reason.
 */
export const handler = httpHandler(
  'confirmLookBack',
  async ({ event, principal, pathParameters, lang, idempotencyKey }) => {
    const { note } = parseJsonBody(event, LookBackRequest);
    return changeItem(
      ledgerStore(),
      principal,
      pathParameters.itemId ?? '',
      (current, context, inspection) =>
        decideLookBackConfirmation(current, inspection, actorRef(principal), note, context),
      { answer: (change) => ({ status: 200, body: changeView(change, lang) }), idempotencyKey },
    );
  },
);
