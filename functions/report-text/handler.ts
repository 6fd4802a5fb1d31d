import { ReportTextRequest } from '#shared/api/schemas.ts';
import { parseJsonBody } from '#shared/http/body.ts';
import { httpHandler } from '#shared/http/handler.ts';
import { readReportText, saveReportText } from '#shared/services/report-text.ts';
import { inspectionChainStore } from '#shared/store/inspection-chain-store.ts';
import { ledgerStore } from '#shared/store/ledger-store.ts';

/**
 * PUT /inspections/{inspectionId}/report-text saves the texts of the 整改情况报告 the office writes
 * (opening, part 一, part 三, 落款; admins), each save a record of the inspection's chain; GET
 * reads the texts in force.
 */
export const handler = httpHandler('reportText', async ({ event, principal, pathParameters }) => {
  const inspectionId = pathParameters.inspectionId ?? '';
  const stores = { ledger: ledgerStore(), chains: inspectionChainStore() };
  if (event.requestContext.http.method === 'GET') {
    return { status: 200, body: await readReportText(stores, inspectionId) };
  }
  const texts = parseJsonBody(event, ReportTextRequest);
  return { status: 200, body: await saveReportText(stores, principal, inspectionId, texts) };
});
