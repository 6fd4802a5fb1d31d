import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { SingleBar } from 'cli-progress';
import type { ApiClient } from './client.ts';
import { downloadVerified } from './evidence.ts';
import { terminalText } from './format.ts';

export interface ArchiveFilterOptions {
  readonly refs?: string;
  readonly aspect?: number;
  readonly department?: string;
  readonly from?: string;
  readonly to?: string;
}

interface ArchiveView {
  archiveId: string;
  inspectionId: string;
  status: 'queued' | 'building' | 'ready' | 'failed';
  progress: { filesDone: number; filesTotal: number; bytesDone: number; bytesTotal: number } | null;
  sizeBytes?: number;
  sha256?: string;
  downloadUrl?: string;
  warnings: string[];
  failure?: { reason: string };
}

/** How often the CLI asks how the build is going. */
const POLL_MS = 1_000;

/**
 * Requests an archive, shows the build's progress (a bar on a terminal), and downloads it once
 * ready, keeping the file only if it hashes to the SHA-256 the server recorded.
 */
export async function fetchArchive(
  api: ApiClient,
  inspectionId: string,
  filters: ArchiveFilterOptions,
  out: string | undefined,
): Promise<{ file: string; archive: ArchiveView }> {
  const body = {
    ...(filters.refs ? { refs: filters.refs.split(',').map((ref) => ref.trim()) } : {}),
    ...(filters.aspect === undefined ? {} : { aspect: filters.aspect }),
    ...(filters.department ? { department: filters.department } : {}),
    ...(filters.from ? { from: filters.from } : {}),
    ...(filters.to ? { to: filters.to } : {}),
  };
  const { archiveId } = await api.post<{ archiveId: string }>(
    `/inspections/${encodeURIComponent(inspectionId)}/archives`,
    body,
    { 'idempotency-key': randomUUID() },
  );
  const bar = process.stderr.isTTY
    ? new SingleBar({
        format: ` ${terminalText(archiveId)} {bar} {percentage}% | {value}/{total} MiB`,
        hideCursor: true,
      })
    : undefined;
  let archive: ArchiveView;
  try {
    for (;;) {
      archive = await api.get<ArchiveView>(`/archives/${archiveId}`);
      if (archive.progress && bar) {
        const mib = (bytes: number) => Math.round(bytes / 1048576);
        if (!bar.getTotal()) bar.start(Math.max(1, mib(archive.progress.bytesTotal)), 0);
        bar.update(mib(archive.progress.bytesDone));
      }
      if (archive.status === 'ready' || archive.status === 'failed') break;
      await sleep(POLL_MS);
    }
  } finally {
    bar?.stop();
  }
  if (archive.status === 'failed' || !archive.downloadUrl || !archive.sha256) {
    throw new Error(`archive ${archiveId} failed: ${archive.failure?.reason ?? 'no download'}`);
  }
  const file = out ?? path.resolve(`${inspectionId}-${archiveId}.zip`);
  await downloadVerified(archive.downloadUrl, file, archive.sha256);
  return { file, archive };
}
