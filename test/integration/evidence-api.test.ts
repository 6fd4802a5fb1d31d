import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emulatorClientConfig } from '#local/bootstrap.ts';
import { keys } from '#shared/store/keys.ts';
import { apiClient, users } from '../support/api.ts';
import { sharedEmulator, useLocalRuntime } from '../support/runtime.ts';

const local = useLocalRuntime('evidence');
const api = apiClient(local);
const plan = JSON.parse(
  readFileSync(path.resolve(import.meta.dirname, '../fixtures/plan.sample.json'), 'utf8'),
);
const ITEM = `${plan.inspection.id}.1.1.2`;
const config = emulatorClientConfig(sharedEmulator());
const s3 = new S3Client({ ...config, forcePathStyle: true });
const documentClient = DynamoDBDocumentClient.from(new DynamoDBClient(config));
const pdf = Buffer.from('%PDF-1.7\n% 整改报告\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n');
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

beforeAll(async () => {
  expect((await api.post('/inspections/import', users.admin, { plan })).status).toBe(201);
});
afterAll(() => {
  s3.destroy();
  documentClient.destroy();
});

/** Sends a file the way a browser would: a multipart form to the presigned POST. */
async function upload(
  target: { url: string; fields: Record<string, string> },
  bytes: Buffer,
  contentType: string,
) {
  const form = new FormData();
  for (const [field, value] of Object.entries(target.fields)) form.append(field, value);
  form.append('file', new Blob([bytes], { type: contentType }), 'upload');
  return fetch(target.url, { method: 'POST', body: form });
}

describe('POST /items/{itemId}/evidence', () => {
  it('records a pending evidence file and returns a presigned POST that puts it in S3 under its id', async () => {
    const opened = await api.post(`/items/${ITEM}/evidence`, users.department, {
      fileName: '家庭医生签约抽查报告（终稿）.pdf',
      contentType: 'application/pdf',
      size: pdf.length,
      sha256: sha256(pdf),
      effectiveDate: '2024-10-15',
      measureIndex: 1,
    });
    expect(opened.status, opened.text).toBe(201);
    const { evidenceId, upload: target, expiresAt } = opened.json;
    expect(evidenceId).toMatch(/^ev-[0-9a-f-]{36}$/);
    expect(target.fields.key).toBe(`uploads/${evidenceId}`);
    expect(new Date(expiresAt).getTime() - Date.now()).toBeGreaterThan(14 * 60 * 1000);

    const sent = await upload(target, pdf, 'application/pdf');
    expect(sent.status).toBeLessThan(300);
    const head = await s3.send(
      new HeadObjectCommand({
        Bucket: local().runtime.resources.buckets.evidence.name,
        Key: `uploads/${evidenceId}`,
      }),
    );
    expect(head.ContentLength).toBe(pdf.length);
    expect(head.ContentDisposition).toContain(
      `filename*=UTF-8''${encodeURIComponent('家庭医生签约抽查报告（终稿）.pdf')}`,
    );

    const { Item: record } = await documentClient.send(
      new GetCommand({
        TableName: local().runtime.resources.tables.ledger.name,
        Key: keys.evidence(evidenceId),
      }),
    );
    expect(record).toMatchObject({
      state: 'pending',
      itemId: ITEM,
      fileName: '家庭医生签约抽查报告（终稿）.pdf',
      sha256: sha256(pdf),
      effectiveDate: '2024-10-15',
      measureIndex: 1,
      requestedBy: { subject: users.department.subject },
    });
  });

  it.each([
    ['a file over the maximum size', { size: 100 * 1024 * 1024 + 1 }, 'size'],
    ['an empty file', { size: 0 }, 'size'],
    [
      'a type that is not allowed',
      { fileName: 'setup.exe', contentType: 'application/x-msdownload' },
      'contentType',
    ],
    ['a name that does not fit the type', { fileName: '报告.docx' }, 'fileName'],
    ['a malformed hash', { sha256: 'abc' }, 'sha256'],
    ['a measure the item does not have', { measureIndex: 9 }, 'measureIndex'],
  ])('refuses %s with 400 naming the field', async (_case, change, field) => {
    const response = await api.post(`/items/${ITEM}/evidence`, users.department, {
      fileName: '报告.pdf',
      contentType: 'application/pdf',
      size: 1024,
      sha256: 'b'.repeat(64),
      ...change,
    });
    expect(response.status).toBe(400);
    expect(response.json.error.details.issues.map((issue: { path: string }) => issue.path)).toContain(field);
  });
});
