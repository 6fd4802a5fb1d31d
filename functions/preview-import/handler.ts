import { ImportRequest } from '#shared/api/schemas.ts';
import { parseJsonBody } from '#shared/http/body.ts';
import { httpHandler } from '#shared/http/handler.ts';
import { previewImport } from '#shared/services/import-preview.ts';

/** The same limit as the import itself: a preview takes the same body. */
const MAX_IMPORT_BYTES = 6 * 1024 * 1024;

/**
 * POST /inspections/import/preview — the import's body, read but not imported: 200 with the
 * column each field comes from, the first rows and the counts, or with every error at its place
 * (a file with errors is still a successful preview). Touches no table.
 */
export const handler = httpHandler('previewImport', async ({ event }) => ({
  status: 200,
  body: await previewImport(parseJsonBody(event, ImportRequest, MAX_IMPORT_BYTES)),
}));
