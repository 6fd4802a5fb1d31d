import { createHash } from 'node:crypto';
import type { DevTokenRequest } from '#local/dev-auth.ts';
import type { apiClient } from './api.ts';
import { eventually } from './eventually.ts';

export const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** Sends a file the way a browser would: a multipart form to the presigned POST. */
export async function uploadThroughForm(
  target: { url: string; fields: Record<string, string> },
  bytes: Buffer,
  contentType: string,
) {
  const form = new FormData();
  for (const [field, value] of Object.entries(target.fields)) form.append(field, value);
  form.append('file', new Blob([bytes], { type: contentType }), 'upload');
  return fetch(target.url, { method: 'POST', body: form });
}

/** Uploads a file as evidence of an item through the API and waits until the verifier stored it. */
export async function storeEvidence(
  api: ReturnType<typeof apiClient>,
  as: DevTokenRequest,
  itemId: string,
  file: { bytes: Buffer; fileName: string; contentType: string },
): Promise<string> {
  const opened = await api.post(`/items/${itemId}/evidence`, as, {
    fileName: file.fileName,
    contentType: file.contentType,
    size: file.bytes.length,
    sha256: sha256(file.bytes),
  });
  if (opened.status !== 201) throw new Error(`evidence request refused: ${opened.status} ${opened.text}`);
  const sent = await uploadThroughForm(opened.json.upload, file.bytes, file.contentType);
  if (!sent.ok) throw new Error(`upload refused: ${sent.status} ${await sent.text()}`);
  const evidenceId = opened.json.evidenceId as string;
  await eventually(async () => {
    const state = (await api.get(`/evidence/${evidenceId}`, as)).json?.state;
    if (state === 'rejected') throw new Error(`evidence ${evidenceId} was rejected`);
    return state === 'stored' ? true : undefined;
  });
  return evidenceId;
}
