import { SummaryRequest } from '#shared/api/schemas.ts';
import { actorRef } from '#shared/domain/transitions.ts';
import { parseJsonBody } from '#shared/http/body.ts';
import { httpHandler } from '#shared/http/handler.ts';
import { idempotentByHeader } from '#shared/http/idempotency.ts';
import { generateSummary, summaryView } from '#shared/services/summaries.ts';
import { inspectionChainStore } from '#shared/store/inspection-chain-store.ts';
import { ledgerStore } from '#shared/store/ledger-store.ts';
import { summaryStore } from '#shared/store/summary-store.ts';

/**
 * POST /inspections/{inspectionId}/summaries `{ asOf?, lang? }` — generates a summary now (admins):
 * its files are stored and the record and SummaryGenerated are written before it answers 201.
 */
export const handler = httpHandler('requestSummary', async ({ event, principal, pathParameters }) => {
  const request = parseJsonBody(event, SummaryRequest);
  const asOf =
    request.asOf === undefined
      ? undefined
      : request.asOf.length === 10
        ? request.asOf
        : new Date(request.asOf);
  const { record } = await generateSummary(
    { ledger: ledgerStore(), chains: inspectionChainStore(), summaries: summaryStore() },
    {
      inspectionId: pathParameters.inspectionId ?? '',
      ...(asOf ? { asOf } : {}),
      lang: request.lang,
      trigger: 'request',
      actor: actorRef(principal),
    },
  );
  return { status: 201, body: await summaryView(record) };
}).use(idempotentByHeader('requestSummary'));
