import { ProgressRequest } from '#shared/api/schemas.ts';
import { decideProgress } from '#shared/domain/progress.ts';
import { parseJsonBody } from '#shared/http/body.ts';
import { httpHandler } from '#shared/http/handler.ts';
import { changeItem, changeView } from '#shared/services/items.ts';
import { ledgerStore } from '#shared/store/ledger-store.ts';

/** A report does not depend on the version the client saw, so a concurrent change is retried. */
const RETRIES_ON_CONCURRENT_CHANGE = 20;

/** POST /items/{itemId}/progress — the progress form (工作进展): text, measures done, effective date. */
export const handler = httpHandler(
  'reportProgress',
  async ({ event, principal, pathParameters, lang, idempotencyKey }) => {
    const report = parseJsonBody(event, ProgressRequest);
    return changeItem(
      ledgerStore(),
      principal,
      pathParameters.itemId ?? '',
      (current, context) => decideProgress(current, report, principal, context),
      {
        answer: (change) => ({ status: 201, body: changeView(change, lang) }),
        retries: RETRIES_ON_CONCURRENT_CHANGE,
        idempotencyKey,
      },
    );
  },
);
