import { SummaryRequest } from '#shared/api/schemas.ts';
import { actorRef } from '#shared/domain/roles.ts';
import { parseJsonBody } from '#shared/http/body.ts';
import { httpHandler } from '#shared/http/handler.ts';
import { sendJob, summaryJobsQueueUrl } from '#shared/queue/client.ts';
import { requestSummary, summaryJobView } from '#shared/services/summaries.ts';
import { ledgerStore } from '#shared/store/ledger-store.ts';
import { summaryJobStore } from '#shared/store/summary-job-store.ts';

/**
 * POST /inspections/{inspectionId}/summaries `{ asOf?, lang? }` — asks for a summary (admins):
 * 202 with its id at once; the generator makes it behind a queue however long the inspection
 * takes to read, and GET /summaries/{id} follows it to its files.
 */
export const handler = httpHandler('requestSummary', async ({ event, principal, pathParameters }) => {
  const request = parseJsonBody(event, SummaryRequest);
  const asOf =
    request.asOf === undefined
      ? undefined
      : request.asOf.length === 10
        ? request.asOf
        : new Date(request.asOf);
  const job = await requestSummary(
    { ledger: ledgerStore(), jobs: summaryJobStore() },
    (summaryId) => sendJob(summaryJobsQueueUrl(), { summaryId }),
    {
      inspectionId: pathParameters.inspectionId ?? '',
      ...(asOf ? { asOf } : {}),
      lang: request.lang,
      actor: actorRef(principal),
    },
  );
  return { status: 202, body: summaryJobView(job) };
});
