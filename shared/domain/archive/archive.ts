import type { ActorRef } from '../item.ts';
import type { ArchiveFilters } from './manifest.ts';

/**
 * An evidence archive request and what became of it: `queued` until the builder takes it,
 * `building` (attempt n) while it streams, then `ready` (one ZIP, its size and SHA-256) or
 * `failed` (with the reason) once the last attempt gave up. Only the attempt that holds the
 * record may move it on, so a stale builder can never overwrite a newer one's result.
 */
export type ArchiveStatus = 'queued' | 'building' | 'ready' | 'failed';

export interface ArchiveRecord {
  readonly archiveId: string;
  readonly inspectionId: string;
  readonly filters: ArchiveFilters;
  readonly requestedBy: ActorRef;
  readonly requestedAt: string;
  readonly status: ArchiveStatus;
  /** Builder attempts so far (each starts clean: a new object key, earlier uploads aborted). */
  readonly attempt: number;
  readonly progress?: {
    readonly filesDone: number;
    readonly filesTotal: number;
    readonly bytesDone: number;
    readonly bytesTotal: number;
  };
  readonly lastError?: string;
  readonly objectKey?: string;
  readonly sizeBytes?: number;
  readonly sha256?: string;
  readonly fileCount?: number;
  readonly warnings?: readonly string[];
  readonly readyAt?: string;
  /** When the archive object is deleted (the archives bucket keeps them 30 days). */
  readonly expiresAt?: string;
  readonly failure?: { readonly reason: string; readonly at: string };
}

export const ARCHIVE_ID_PATTERN = /^a-[0-9a-f]{20}$/;

/** Where an attempt writes its ZIP; earlier attempts' keys are never reused. */
export function archiveObjectKey(
  archive: Pick<ArchiveRecord, 'inspectionId' | 'archiveId'>,
  attempt: number,
): string {
  return `${archivePrefix(archive)}attempt-${attempt}.zip`;
}

export function archivePrefix(archive: Pick<ArchiveRecord, 'inspectionId' | 'archiveId'>): string {
  return `archives/${archive.inspectionId}/${archive.archiveId}/`;
}
