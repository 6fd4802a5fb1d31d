import { OutcomeRequest } from '#shared/api/schemas.ts';
import { parseJsonBody } from '#shared/http/body.ts';
import { httpHandler } from '#shared/http/handler.ts';
import { listOutcomes, recordOutcome } from '#shared/services/outcomes.ts';
import { inspectionChainStore } from '#shared/store/inspection-chain-store.ts';
import { ledgerStore } from '#shared/store/ledger-store.ts';

/**
 * POST /inspections/{inspectionId}/outcomes records an outcome (整改成效 / 问责; admins) as a
 * record of the inspection's chain; GET lists the outcomes in force with their sums by kind.
 */
export const handler = httpHandler('outcomes', async ({ event, principal, pathParameters }) => {
  const inspectionId = pathParameters.inspectionId ?? '';
  const stores = { ledger: ledgerStore(), chains: inspectionChainStore() };
  if (event.requestContext.http.method === 'GET') {
    return { status: 200, body: await listOutcomes(stores, inspectionId) };
  }
  const outcome = parseJsonBody(event, OutcomeRequest);
  return { status: 201, body: await recordOutcome(stores, principal, inspectionId, outcome) };
});
