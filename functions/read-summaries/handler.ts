import { SummaryListQuery } from '#shared/api/queries.ts';
import { NotFound } from '#shared/domain/errors.ts';
import { SUMMARY_ID_PATTERN } from '#shared/domain/summary/schedule.ts';
import { parseQuery } from '#shared/http/body.ts';
import { httpHandler } from '#shared/http/handler.ts';
import { latestSummary, listSummaries, summaryJobView, summaryView } from '#shared/services/summaries.ts';
import { ledgerStore } from '#shared/store/ledger-store.ts';
import { summaryJobStore } from '#shared/store/summary-job-store.ts';
import { summaryStore } from '#shared/store/summary-store.ts';

/**
 * GET /inspections/{inspectionId}/summaries (a page, newest first), …/summaries/latest and
 * /summaries/{summaryId}: the summary's headline with 5-minute links to its files, or, for one
 * asked for and not made yet, its job (state, phase, failure).
 */
export const handler = httpHandler('readSummaries', async ({ event, pathParameters }) => {
  const stores = { ledger: ledgerStore(), summaries: summaryStore() };
  const inspectionId = pathParameters.inspectionId ?? '';
  switch (event.routeKey) {
    case 'GET /inspections/{inspectionId}/summaries':
      return {
        status: 200,
        body: await listSummaries(stores, inspectionId, parseQuery(event, SummaryListQuery)),
      };
    case 'GET /inspections/{inspectionId}/summaries/latest':
      return { status: 200, body: await summaryView(await latestSummary(stores, inspectionId)) };
    default: {
      const summaryId = pathParameters.summaryId ?? '';
      if (!SUMMARY_ID_PATTERN.test(summaryId)) throw new NotFound('summary', summaryId);
      const record = await stores.summaries.get(summaryId);
      if (record) return { status: 200, body: { ...(await summaryView(record)), state: 'ready' } };
      // Asked for and not made yet (or failed): where its job is.
      const job = await summaryJobStore().get(summaryId);
      if (!job) throw new NotFound('summary', summaryId);
      return { status: 200, body: summaryJobView(job) };
    }
  }
});
