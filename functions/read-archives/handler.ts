import { ArchiveListQuery } from '#shared/api/queries.ts';
import { archivePublicKey } from '#shared/archive/signing.ts';
import { parseQuery } from '#shared/http/body.ts';
import { httpHandler } from '#shared/http/handler.ts';
import { archiveView, findArchive, listArchives } from '#shared/services/archives.ts';
import { archiveDownloadLink } from '#shared/storage/archive-link.ts';
import { archiveStore } from '#shared/store/archive-store.ts';
import { ledgerStore } from '#shared/store/ledger-store.ts';

/**
 * GET /archives/{archiveId} (status, progress, and a 15-minute link once ready), GET
 * /inspections/{inspectionId}/archives (a page), GET /archives/public-key (the key manifests are
 * signed with, for `rectify verify --public-key`) — auditors and admins.
 */
export const handler = httpHandler('readArchives', async ({ event, pathParameters }) => {
  switch (event.routeKey) {
    case 'GET /archives/public-key':
      return { status: 200, body: await archivePublicKey() };
    case 'GET /inspections/{inspectionId}/archives':
      return {
        status: 200,
        body: await listArchives(
          { ledger: ledgerStore(), archives: archiveStore() },
          pathParameters.inspectionId ?? '',
          parseQuery(event, ArchiveListQuery),
        ),
      };
    default: {
      const record = await findArchive(archiveStore(), pathParameters.archiveId ?? '');
      return { status: 200, body: await archiveView(record, archiveDownloadLink) };
    }
  }
});
