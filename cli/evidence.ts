import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, openAsBlob } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { SingleBar } from 'cli-progress';
import { digestingStream } from '#shared/digest-stream.ts';
import { EVIDENCE_TYPES, extensionOf } from '#shared/domain/evidence.ts';
import type { ApiClient } from './client.ts';
import { terminalText } from './format.ts';

/** SHA-256 and size of a file, read as a stream (a progress bar on a terminal). */
async function hashFile(file: string): Promise<{ sha256: string; size: number }> {
  const { size } = await stat(file);
  const bar = process.stderr.isTTY
    ? new SingleBar({
        format: ` ${terminalText(path.basename(file))} {bar} {percentage}% | {step}`,
        hideCursor: true,
        clearOnComplete: true,
      })
    : undefined;
  bar?.start(size, 0, { step: 'hashing' });
  const hash = createHash('sha256');
  let read = 0;
  for await (const chunk of createReadStream(file)) {
    hash.update(chunk as Buffer);
    read += (chunk as Buffer).length;
    bar?.update(read);
  }
  bar?.stop();
  return { sha256: hash.digest('hex'), size };
}

function contentTypeOf(file: string): string {
  const extension = extensionOf(file);
  const type = EVIDENCE_TYPES.find((candidate) => candidate.extensions.includes(extension));
  if (!type)
    throw new Error(
      `${file}: .${extension} is not an accepted evidence type (${EVIDENCE_TYPES.flatMap((t) => t.extensions).join(', ')})`,
    );
  return type.contentType;
}

interface Opened {
  evidenceId: string;
  upload: { url: string; fields: Record<string, string> };
}

/**
 * Uploads one file as evidence: hash it while streaming, open the upload, send the bytes
 * straight to storage, then wait for the verifier's verdict.
 */
export async function uploadEvidence(
  api: ApiClient,
  itemId: string,
  file: string,
  options: { description?: string; effectiveDate?: string; measure?: number; wait: boolean },
): Promise<{ evidenceId: string; state: string; reason?: string }> {
  const contentType = contentTypeOf(file);
  const { sha256, size } = await hashFile(file);
  const opened = await api.post<Opened>(`/items/${encodeURIComponent(itemId)}/evidence`, {
    fileName: path.basename(file),
    contentType,
    size,
    sha256,
    ...(options.description ? { description: options.description } : {}),
    ...(options.effectiveDate ? { effectiveDate: options.effectiveDate } : {}),
    ...(options.measure !== undefined ? { measureIndex: options.measure } : {}),
  });
  const form = new FormData();
  for (const [field, value] of Object.entries(opened.upload.fields)) form.append(field, value);
  // openAsBlob reads the file as the request is sent, not into memory first.
  form.append('file', await openAsBlob(file, { type: contentType }), path.basename(file));
  const sent = await fetch(opened.upload.url, { method: 'POST', body: form });
  if (!sent.ok)
    throw new Error(`${file}: storage refused the upload (HTTP ${sent.status}) ${await sent.text()}`);
  if (!options.wait) return { evidenceId: opened.evidenceId, state: 'pending' };
  const deadline = Date.now() + 120_000;
  for (;;) {
    const evidence = await api.get<{
      state: string;
      rejection?: { reason: string; detail: string; message?: string };
    }>(`/evidence/${opened.evidenceId}`);
    if (evidence.state !== 'pending') {
      const { rejection } = evidence;
      return {
        evidenceId: opened.evidenceId,
        state: evidence.state,
        // The text in the language asked for (the API renders it per Accept-Language), then the
        // stable code for scripts; `detail` is English and only a fallback for older servers.
        ...(rejection ? { reason: `${rejection.message ?? rejection.detail} [${rejection.reason}]` } : {}),
      };
    }
    if (Date.now() > deadline) return { evidenceId: opened.evidenceId, state: 'pending' };
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/** Downloads a stored file into `directory` under its original name, verifying its SHA-256. */
export async function downloadEvidence(api: ApiClient, evidenceId: string, directory: string) {
  const link = await api.get<{ url: string; fileName: string; sha256: string; size: number }>(
    `/evidence/${encodeURIComponent(evidenceId)}/download`,
  );
  const target = path.join(directory, path.basename(link.fileName));
  await downloadVerified(link.url, target, link.sha256);
  return { file: target, sha256: link.sha256, size: link.size };
}

/**
 * Streams a presigned GET into `target`, hashing on the way; a file whose SHA-256 is not the
 * recorded one is removed, never kept.
 */
export async function downloadVerified(url: string, target: string, expectedSha256: string): Promise<void> {
  const response = await fetch(url);
  if (!response.ok || !response.body) throw new Error(`download failed: HTTP ${response.status}`);
  const hashing = digestingStream();
  await pipeline(Readable.fromWeb(response.body as never), hashing, createWriteStream(target));
  const { sha256 } = hashing.digest();
  if (sha256 !== expectedSha256) {
    await rm(target, { force: true });
    throw new Error(
      `${path.basename(target)}: the downloaded bytes hash to ${sha256}, not the recorded ${expectedSha256}; nothing was kept`,
    );
  }
}
