import { archiveBucketName } from './client.ts';
import { presignedDownload } from './files.ts';

/** Archive download links live 15 minutes: an archive can be large. */
export const ARCHIVE_LINK_SECONDS = 15 * 60;

/** A presigned GET of a ready archive, saved under `fileName`. */
export async function archiveDownloadLink(
  key: string,
  fileName: string,
  now = new Date(),
): Promise<{ downloadUrl: string; expiresAt: string }> {
  const { url, expiresAt } = await presignedDownload(
    { bucket: archiveBucketName(), key },
    fileName,
    ARCHIVE_LINK_SECONDS,
    now,
  );
  return { downloadUrl: url, expiresAt };
}
