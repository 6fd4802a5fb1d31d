import { ArchiveRequest } from '#shared/api/schemas.ts';
import { parseJsonBody } from '#shared/http/body.ts';
import { httpHandler } from '#shared/http/handler.ts';
import { archiveJobsQueueUrl, sendJob } from '#shared/queue/client.ts';
import { requestArchive } from '#shared/services/archives.ts';
import { archiveStore } from '#shared/store/archive-store.ts';
import { ledgerStore } from '#shared/store/ledger-store.ts';

/**
 * POST /inspections/{inspectionId}/archives `{ refs?, aspect?, department?, from?, to? }` — asks
 * for an evidence archive (auditors, admins): 202 with its id; the builder works behind a queue.
 */
export const handler = httpHandler('requestArchive', async ({ event, principal, pathParameters }) => {
  const filters = parseJsonBody(event, ArchiveRequest);
  const record = await requestArchive(
    { ledger: ledgerStore(), archives: archiveStore() },
    (archiveId) => sendJob(archiveJobsQueueUrl(), { archiveId }),
    principal,
    pathParameters.inspectionId ?? '',
    filters,
  );
  return { status: 202, body: { archiveId: record.archiveId, status: record.status } };
});
