import { ImportRequest } from '#shared/api/schemas.ts';
import { parseJsonBody } from '#shared/http/body.ts';
import { httpHandler } from '#shared/http/handler.ts';
import { importPlan } from '#shared/services/imports.ts';
import { aggregateStore } from '#shared/store/aggregate-store.ts';
import { ledgerStore } from '#shared/store/ledger-store.ts';

/** Lambda's synchronous payload limit is 6 MB; a plan of several thousand items fits under it. */
const MAX_IMPORT_BYTES = 6 * 1024 * 1024;

/**
 * POST /inspections/import — a `rectify.plan/v1` document (`{ plan }`) or a spreadsheet
 * (`{ spreadsheet: { kind, contentBase64, inspection? } }`), whole or not at all: 201, 400 listing
 * every error with its place, 409 when the inspection exists and `replace` was not asked.
 */
export const handler = httpHandler('importPlan', async ({ event, principal }) => {
  const request = parseJsonBody(event, ImportRequest, MAX_IMPORT_BYTES);
  const outcome = await importPlan(
    { ledger: ledgerStore(), aggregates: aggregateStore() },
    principal,
    request,
  );
  return { status: 201, body: outcome, headers: { location: `/inspections/${outcome.inspectionId}/ledger` } };
});
