import { httpHandler } from '#shared/http/handler.ts';
import { evidenceView, findVisibleEvidence } from '#shared/services/evidence.ts';
import { evidenceStore } from '#shared/store/evidence-store.ts';
import { ledgerStore } from '#shared/store/ledger-store.ts';

/** GET /evidence/{evidenceId} — metadata, state, uploader, times, effective date and hash. */
export const handler = httpHandler('getEvidence', async ({ principal, pathParameters, lang }) => {
  const stores = { ledger: ledgerStore(), evidence: evidenceStore() };
  const { evidence } = await findVisibleEvidence(stores, principal, pathParameters.evidenceId ?? '');
  return { status: 200, body: evidenceView(evidence, lang) };
});
