import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { ZipFile } from 'yazl';
import { digestingStream } from '#shared/digest-stream.ts';
import { evidenceEntry, historyEntry, summaryEntry } from '#shared/domain/archive/entry-names.ts';
import {
  type ArchiveFilters,
  type ArchiveManifest,
  archiveReadme,
  MANIFEST_CSV_ENTRY,
  MANIFEST_ENTRY,
  MANIFEST_SCHEMA,
  type ManifestEvidence,
  type ManifestItem,
  type ManifestOtherFile,
  type ManifestSignature,
  manifestCsv,
  README_ENTRY,
  SIGNATURE_ENTRY,
} from '#shared/domain/archive/manifest.ts';
import type { InspectionEvent } from '#shared/domain/inspection-events.ts';
import type { ItemEvent } from '#shared/domain/item.ts';

/**
 * Writes an evidence archive as a stream: every evidence file is read from its source only when
 * the ZIP reaches it (one open at a time, with backpressure from whoever consumes the ZIP), hashed
 * on the way through, and described in the manifest, which is written last and signed. Memory
 * does not grow with the archive (yazl: streaming, ZIP64 when sizes or counts need it).
 */

export interface EvidenceSource {
  readonly evidenceId: string;
  readonly itemRef: string;
  readonly itemTitle: string;
  readonly fileName: string;
  readonly contentType: string;
  /** What the ledger recorded. */
  readonly size: number;
  readonly sha256: string;
  readonly uploadedBy: string;
  readonly uploadedAt: string;
  readonly effectiveDate?: string;
  readonly state: 'stored' | 'withdrawn';
  /** Opens the stored bytes; called when the ZIP gets to this file. */
  open(): Promise<Readable>;
}

export interface ArchiveContent {
  readonly archiveId: string;
  readonly inspection: ArchiveManifest['inspection'];
  readonly filters: ArchiveFilters;
  readonly generatedAt: string;
  readonly requestedBy: string;
  readonly evidence: readonly EvidenceSource[];
  readonly items: readonly {
    readonly ref: string;
    readonly title: string;
    readonly status?: string;
    readonly importedStatus?: string;
    readonly importNote?: string;
    readonly chain: readonly ItemEvent[];
  }[];
  readonly inspectionChain: readonly InspectionEvent[];
  readonly summary?: {
    readonly summaryId: string;
    readonly asOf: string;
    readonly chainHash: string;
    readonly files: readonly { readonly name: string; readonly bytes: Uint8Array }[];
  };
}

/** Signs manifest.json's bytes: KMS in the cloud and locally (the emulator's KMS). */
export type ManifestSigner = (manifest: Uint8Array) => Promise<ManifestSignature>;

export interface ArchiveProgress {
  readonly filesDone: number;
  readonly filesTotal: number;
  readonly bytesDone: number;
  readonly bytesTotal: number;
}

/** Types already compressed (or binary) are stored; text is deflated. */
export function compressible(contentType: string): boolean {
  return /^text\/|[/+](json|xml|csv)\b|^image\/svg\+xml/.test(contentType);
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const json = (value: unknown) => Buffer.from(`${JSON.stringify(value, null, 2)}\n`);

export interface WrittenArchive {
  /** The ZIP's bytes; consume it (e.g. into a multipart upload) for the archive to be written. */
  readonly stream: Readable;
  /** Resolves with the manifest once the last entry is in; rejects if any source fails. */
  readonly done: Promise<ArchiveManifest>;
}

export function writeArchive(
  content: ArchiveContent,
  sign: ManifestSigner,
  onProgress: (progress: ArchiveProgress) => void = () => {},
): WrittenArchive {
  const zip = new ZipFile();
  const mtime = new Date(content.generatedAt);
  const evidence: ManifestEvidence[] = [];
  const files: ManifestOtherFile[] = [];
  const warnings: string[] = [];
  const bytesTotal = content.evidence.reduce((sum, source) => sum + source.size, 0);
  let bytesDone = 0;
  let filesDone = 0;
  let failed: ((error: Error) => void) | undefined;
  const failure = new Promise<never>((_, reject) => {
    failed = reject;
  });
  failure.catch(() => {});
  const fail = (error: Error) => {
    failed?.(error);
    // The consumer sees the error on the stream, and must abandon what it wrote.
    (zip.outputStream as Readable).destroy(error);
  };
  zip.on('error', fail);

  const addBytes = (path: string, kind: ManifestOtherFile['kind'], bytes: Uint8Array, compress: boolean) => {
    zip.addBuffer(Buffer.from(bytes), path, { mtime, compress });
    files.push({ path, kind, sha256: sha256(bytes), size: bytes.byteLength });
  };

  const evidenceDone = content.evidence.map(
    (source) =>
      new Promise<void>((resolve) => {
        const path = evidenceEntry(source.itemRef, source.itemTitle, source.evidenceId, source.fileName);
        zip.addReadStreamLazy(
          path,
          { mtime: new Date(source.uploadedAt), compress: compressible(source.contentType) },
          (cb) => {
            const hashing = digestingStream({
              onChunk: (bytes) => {
                bytesDone += bytes;
              },
              onEnd: ({ sha256: actual, size }) => {
                const matches = actual === source.sha256 && size === source.size;
                if (!matches) {
                  warnings.push(
                    `${path}: read ${size} bytes hashing to ${actual}, but the ledger recorded ${source.size} bytes hashing to ${source.sha256}`,
                  );
                }
                evidence.push({
                  path,
                  evidenceId: source.evidenceId,
                  itemRef: source.itemRef,
                  sha256: actual,
                  ...(matches ? {} : { recordedSha256: source.sha256 }),
                  size,
                  contentType: source.contentType,
                  fileName: source.fileName,
                  uploadedBy: source.uploadedBy,
                  uploadedAt: source.uploadedAt,
                  ...(source.effectiveDate ? { effectiveDate: source.effectiveDate } : {}),
                  state: matches ? source.state : 'mismatch',
                });
                filesDone += 1;
                onProgress({ filesDone, filesTotal: content.evidence.length, bytesDone, bytesTotal });
                resolve();
              },
            });
            hashing.on('error', fail);
            source.open().then(
              (readable) => {
                readable.on('error', (error) =>
                  fail(new Error(`${path}: ${error.message}`, { cause: error })),
                );
                cb(null, readable.pipe(hashing));
              },
              (error: Error) => fail(new Error(`${path}: ${error.message}`, { cause: error })),
            );
          },
        );
      }),
  );

  const items: ManifestItem[] = content.items.map((item) => {
    const path = historyEntry(item.ref);
    addBytes(path, 'history', json(item.chain), true);
    const head = item.chain.at(-1);
    return {
      ref: item.ref,
      title: item.title,
      ...(item.status ? { status: item.status } : {}),
      ...(item.importedStatus ? { importedStatus: item.importedStatus } : {}),
      ...(item.importNote ? { importNote: item.importNote } : {}),
      historyPath: path,
      chainHead: head?.hash ?? '0'.repeat(64),
      chainLength: item.chain.length,
    };
  });
  const inspectionPath = historyEntry('inspection');
  addBytes(inspectionPath, 'history', json(content.inspectionChain), true);
  for (const file of content.summary?.files ?? []) {
    addBytes(summaryEntry(file.name), 'summary', file.bytes, !file.name.endsWith('.xlsx'));
  }
  addBytes(README_ENTRY, 'readme', Buffer.from(archiveReadme(content), 'utf8'), true);

  const done = (async () => {
    await Promise.race([Promise.all(evidenceDone), failure]);
    // In the order the ZIP holds them, not the order their reads finished.
    const order = new Map(content.evidence.map((source, index) => [source.evidenceId, index]));
    evidence.sort((a, b) => (order.get(a.evidenceId) ?? 0) - (order.get(b.evidenceId) ?? 0));
    addBytes(MANIFEST_CSV_ENTRY, 'manifest-csv', Buffer.from(manifestCsv(evidence), 'utf8'), true);
    const head = content.inspectionChain.at(-1);
    const manifest: ArchiveManifest = {
      schema: MANIFEST_SCHEMA,
      archiveId: content.archiveId,
      inspection: content.inspection,
      filters: content.filters,
      generatedAt: content.generatedAt,
      requestedBy: content.requestedBy,
      evidence,
      files,
      items,
      inspectionChain: {
        historyPath: inspectionPath,
        chainHead: head?.hash ?? '0'.repeat(64),
        chainLength: content.inspectionChain.length,
      },
      summary: content.summary
        ? {
            summaryId: content.summary.summaryId,
            asOf: content.summary.asOf,
            chainHash: content.summary.chainHash,
          }
        : null,
      warnings,
    };
    const manifestBytes = json(manifest);
    const signature = await Promise.race([sign(manifestBytes), failure]);
    zip.addBuffer(manifestBytes, MANIFEST_ENTRY, { mtime, compress: true });
    zip.addBuffer(json(signature), SIGNATURE_ENTRY, { mtime, compress: false });
    zip.end();
    return manifest;
  })();
  done.catch((error: Error) => fail(error));
  return { stream: zip.outputStream as Readable, done };
}
