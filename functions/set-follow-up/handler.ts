import { FollowUpRequest } from '#shared/api/schemas.ts';
import { NotFound } from '#shared/domain/errors.ts';
import { parseJsonBody } from '#shared/http/body.ts';
import { httpHandler } from '#shared/http/handler.ts';
import { ledgerStore } from '#shared/store/ledger-store.ts';

/**
 * PUT /inspections/{inspectionId}/follow-up `{ lookBackMonths, reattestationDays }` — the periods
 * the look-back and re-attestation scans use for this inspection (admins). Kept across re-imports.
 */
export const handler = httpHandler('setFollowUp', async ({ event, pathParameters }) => {
  const inspectionId = pathParameters.inspectionId ?? '';
  const followUp = parseJsonBody(event, FollowUpRequest);
  const inspection = await ledgerStore().setFollowUp(inspectionId, followUp);
  if (!inspection) throw new NotFound('inspection', inspectionId);
  return { status: 200, body: inspection.followUp };
});
