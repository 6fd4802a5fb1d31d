import { EvidenceRequest } from '#shared/api/schemas.ts';
import { parseJsonBody } from '#shared/http/body.ts';
import { httpHandler } from '#shared/http/handler.ts';
import { requestUpload } from '#shared/services/evidence.ts';
import { evidenceStore } from '#shared/store/evidence-store.ts';
import { ledgerStore } from '#shared/store/ledger-store.ts';

/**
 * POST /items/{itemId}/evidence — `{ fileName, contentType, size, sha256, … }` → 201 with a
 * presigned POST; the file goes straight to S3 and is verified when it lands.
 */
export const handler = httpHandler('requestEvidence', async ({ event, principal, pathParameters }) => {
  const request = parseJsonBody(event, EvidenceRequest);
  const stores = { ledger: ledgerStore(), evidence: evidenceStore() };
  return { status: 201, body: await requestUpload(stores, principal, pathParameters.itemId ?? '', request) };
});
