import { WithdrawRequest } from '#shared/api/schemas.ts';
import { parseJsonBody } from '#shared/http/body.ts';
import { httpHandler } from '#shared/http/handler.ts';
import { withdrawEvidence } from '#shared/services/evidence.ts';
import { evidenceStore } from '#shared/store/evidence-store.ts';
import { ledgerStore } from '#shared/store/ledger-store.ts';

/** POST /evidence/{evidenceId}/withdraw `{ reason }` — out of the count, kept in storage and history. */
export const handler = httpHandler(
  'withdrawEvidence',
  async ({ event, principal, pathParameters, lang, idempotencyKey }) => {
    const { reason } = parseJsonBody(event, WithdrawRequest);
    const stores = { ledger: ledgerStore(), evidence: evidenceStore() };
    return {
      status: 200,
      body: await withdrawEvidence(
        stores,
        principal,
        pathParameters.evidenceId ?? '',
        reason,
        lang,
        idempotencyKey,
      ),
    };
  },
);
