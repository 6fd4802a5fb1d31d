import { SummaryScheduleRequest } from '#shared/api/schemas.ts';
import { NotFound } from '#shared/domain/errors.ts';
import { parseJsonBody } from '#shared/http/body.ts';
import { httpHandler } from '#shared/http/handler.ts';
import { ledgerStore } from '#shared/store/ledger-store.ts';

/**
 * PUT /inspections/{inspectionId}/summary-schedule `{ enabled, weekday, hour, lang }` — when the
 * weekly summary is made, in the inspection's own time zone (admins). Kept across re-imports.
 */
export const handler = httpHandler('setSummarySchedule', async ({ event, pathParameters }) => {
  const inspectionId = pathParameters.inspectionId ?? '';
  const schedule = parseJsonBody(event, SummaryScheduleRequest);
  const inspection = await ledgerStore().setSummarySchedule(inspectionId, schedule);
  if (!inspection) throw new NotFound('inspection', inspectionId);
  return { status: 200, body: { ...schedule, timezone: inspection.timezone } };
});
