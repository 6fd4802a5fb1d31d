import { httpHandler } from '#shared/http/handler.ts';
import { downloadLink, findVisibleEvidence } from '#shared/services/evidence.ts';
import { evidenceStore } from '#shared/store/evidence-store.ts';
import { ledgerStore } from '#shared/store/ledger-store.ts';

/** GET /evidence/{evidenceId}/download — a presigned GET valid 5 minutes, with the original name. */
export const handler = httpHandler('downloadEvidence', async ({ principal, pathParameters }) => {
  const stores = { ledger: ledgerStore(), evidence: evidenceStore() };
  const { evidence } = await findVisibleEvidence(stores, principal, pathParameters.evidenceId ?? '');
  return { status: 200, body: await downloadLink(evidence) };
});
