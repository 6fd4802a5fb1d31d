import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emulatorClientConfig } from '#local/bootstrap.ts';
import { keys } from '#shared/store/keys.ts';
import { apiClient, users } from '../support/api.ts';
import { eventually } from '../support/eventually.ts';
import { sha256, storeEvidence, uploadThroughForm as upload } from '../support/evidence.ts';
import { queueIsIdle } from '../support/queues.ts';
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
const sqs = new SQSClient(config);
const pdf = Buffer.from('%PDF-1.7\n% 整改报告\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n');

beforeAll(async () => {
  expect((await api.post('/inspections/import', users.admin, { plan })).status).toBe(201);
});
afterAll(() => {
  s3.destroy();
  sqs.destroy();
  documentClient.destroy();
});

async function openUpload(
  itemId: string,
  bytes: Buffer,
  declared: { sha256?: string; contentType?: string; fileName?: string } = {},
) {
  const opened = await api.post(`/items/${itemId}/evidence`, users.admin, {
    fileName: declared.fileName ?? '整改报告.pdf',
    contentType: declared.contentType ?? 'application/pdf',
    size: bytes.length,
    sha256: declared.sha256 ?? sha256(bytes),
  });
  expect(opened.status, opened.text).toBe(201);
  return opened.json as { evidenceId: string; upload: { url: string; fields: Record<string, string> } };
}

const evidenceCountOf = async (itemId: string): Promise<number> =>
  (await api.get(`/items/${itemId}`, users.admin)).json.evidenceCount;
/** Waits until the verifier has stored (or rejected) an evidence file; answers its view. */
const settledEvidence = (evidenceId: string) =>
  eventually(async () => {
    const evidence = (await api.get(`/evidence/${evidenceId}`, users.admin)).json;
    return evidence.state === 'stored' || evidence.state === 'rejected' ? evidence : undefined;
  });

const historyTypes = async (itemId: string) =>
  (await api.get(`/items/${itemId}/history`, users.admin)).json.events.map(
    (e: { type: string }) => e.type,
  ) as string[];

describe('verification on arrival', () => {
  it('stores a file whose bytes match what was declared, counts it, and then allows rectified', async () => {
    const countBefore = await evidenceCountOf(ITEM);
    const { evidenceId, upload: target } = await openUpload(ITEM, pdf);
    await upload(target, pdf, 'application/pdf');
    expect((await settledEvidence(evidenceId)).state).toBe('stored');
    const item = (await api.get(`/items/${ITEM}`, users.admin)).json;
    expect(item.evidenceCount).toBe(countBefore + 1);
    expect((await historyTypes(ITEM)).at(-1)).toBe('EvidenceStored');
    const { Item: record } = await documentClient.send(
      new GetCommand({
        TableName: local().runtime.resources.tables.ledger.name,
        Key: keys.evidence(evidenceId),
      }),
    );
    expect(record).toMatchObject({ state: 'stored', storedAt: expect.any(String) });
    const rectified = await api.post(`/items/${ITEM}/transitions`, users.department, {
      to: 'rectified',
      expectedVersion: item.version,
    });
    expect(rectified.status, rectified.text).toBe(200);
  });

  it('shows, lists and downloads a stored file with the same bytes and its Chinese name', async () => {
    const target = `${plan.inspection.id}.1.1.1`;
    const countBefore = await evidenceCountOf(target);
    const { evidenceId, upload: form } = await openUpload(target, pdf, {
      fileName: '乡镇卫生院招录名单.pdf',
    });
    await upload(form, pdf, 'application/pdf');
    const stored = await eventually(async () => {
      const evidence = (await api.get(`/evidence/${evidenceId}`, users.auditor)).json;
      return evidence.state === 'stored' ? evidence : undefined;
    });
    expect(stored).toMatchObject({
      fileName: '乡镇卫生院招录名单.pdf',
      sha256: sha256(pdf),
      size: pdf.length,
    });
    expect(stored.objectKey).toBeUndefined();
    expect(await evidenceCountOf(target)).toBe(countBefore + 1);
    const listed = (await api.get(`/items/${target}/evidence`, users.leader)).json.evidence;
    expect(listed.map((e: { evidenceId: string }) => e.evidenceId)).toContain(evidenceId);

    const link = (await api.get(`/evidence/${evidenceId}/download`, users.auditor)).json;
    expect(new Date(link.expiresAt).getTime() - Date.now()).toBeLessThanOrEqual(5 * 60 * 1000);
    const file = await fetch(link.url);
    expect(Buffer.from(await file.arrayBuffer()).equals(pdf)).toBe(true);
    expect(file.headers.get('content-disposition')).toContain(
      `filename*=UTF-8''${encodeURIComponent('乡镇卫生院招录名单.pdf')}`,
    );
    expect((await api.get(`/evidence/${evidenceId}`, users.otherDepartment)).status).toBe(404);

    // The item came rectified with the plan: evidence of a rectified item is withdrawn only
    // after an admin reopens it.
    const reopened = await api.post(`/items/${target}/transitions`, users.admin, {
      to: 'in_progress',
      reason: '补充材料',
      expectedVersion: (await api.get(`/items/${target}`, users.admin)).json.version,
    });
    expect(reopened.status, reopened.text).toBe(200);
    /** The item's files in state stored: what evidenceCount counts. */
    const storedIds = async () =>
      (
        (await api.get(`/items/${target}/evidence`, users.admin)).json.evidence as {
          evidenceId: string;
          state: string;
        }[]
      )
        .filter((e) => e.state === 'stored')
        .map((e) => e.evidenceId);
    const countBeforeWithdrawal = await evidenceCountOf(target);
    expect(countBeforeWithdrawal).toBe(countBefore + 1);
    expect(await storedIds()).toHaveLength(countBeforeWithdrawal);
    expect(await storedIds()).toContain(evidenceId);
    const withdrawn = await api.post(`/evidence/${evidenceId}/withdraw`, users.admin, {
      reason: '材料有误，重新上传',
    });
    expect(withdrawn.status, withdrawn.text).toBe(200);
    expect(withdrawn.json.evidence.state).toBe('withdrawn');
    // One fewer, in the answer and in the item as read again; the withdrawn file is no longer counted.
    expect(withdrawn.json.item.evidenceCount).toBe(countBeforeWithdrawal - 1);
    expect(await evidenceCountOf(target)).toBe(countBeforeWithdrawal - 1);
    const storedAfter = await storedIds();
    expect(storedAfter).not.toContain(evidenceId);
    expect(storedAfter).toHaveLength(countBeforeWithdrawal - 1);
    expect((await historyTypes(target)).at(-1)).toBe('EvidenceWithdrawn');
    const again = await api.post(`/evidence/${evidenceId}/withdraw`, users.admin, { reason: '再次撤回' });
    expect(again.status).toBe(422);
    expect(await evidenceCountOf(target)).toBe(countBeforeWithdrawal - 1);
    // Withdrawn files stay downloadable for the record.
    expect((await api.get(`/evidence/${evidenceId}/download`, users.auditor)).status).toBe(200);
  });

  it('rejects bytes other than declared, names the reason in the chain, and moves the file to quarantine', async () => {
    const target = `${plan.inspection.id}.1.2.1`;
    const forged = Buffer.from(pdf.toString().replace('整改报告', '伪造报告'));
    const { evidenceId, upload: form } = await openUpload(target, pdf);
    expect(forged.length).toBe(pdf.length);
    await upload(form, forged, 'application/pdf');
    const history = await eventually(async () => {
      const events = (await api.get(`/items/${target}/history`, users.admin)).json.events;
      return events.at(-1)?.type === 'EvidenceRejected' ? events : undefined;
    });
    expect(history.at(-1).data).toMatchObject({ evidenceId, reason: 'hash-mismatch' });
    expect((await api.get(`/items/${target}`, users.admin)).json.evidenceCount).toBe(0);
    const Bucket = local().runtime.resources.buckets.evidence.name;
    // The verifier commits its verdict first and moves the file after: the chain can show the
    // rejection a moment before the upload is gone. Wait for the move, then check both sides.
    const gone = await eventually(async () =>
      s3.send(new HeadObjectCommand({ Bucket, Key: `uploads/${evidenceId}` })).then(
        () => undefined,
        (error: Error) => error,
      ),
    );
    expect(gone.name).toBe('NotFound');
    expect(
      (await s3.send(new HeadObjectCommand({ Bucket, Key: `quarantine/${evidenceId}` }))).ContentLength,
    ).toBe(forged.length);
  });

  it('rejects a file whose first bytes are not its declared type', async () => {
    const target = `${plan.inspection.id}.2.1.1`;
    const notPng = Buffer.from('this is not a PNG image at all');
    const { upload: form } = await openUpload(target, notPng, {
      contentType: 'image/png',
      fileName: '现场照片.png',
    });
    await upload(form, notPng, 'image/png');
    const last = await eventually(async () => {
      const events = (await api.get(`/items/${target}/history`, users.admin)).json.events;
      return events.at(-1)?.type === 'EvidenceRejected' ? events.at(-1) : undefined;
    });
    expect(last.data.reason).toBe('type-mismatch');
  });

  it('counts a file once however often its notification arrives', async () => {
    const target = `${plan.inspection.id}.1.1.1`;
    const queue = local().runtime.resources.queues.evidenceUploads;
    const countBefore = await evidenceCountOf(target);
    const { evidenceId, upload: form } = await openUpload(target, pdf);
    await upload(form, pdf, 'application/pdf');
    const stored = await settledEvidence(evidenceId);
    expect(stored.state).toBe('stored');
    expect(await evidenceCountOf(target)).toBe(countBefore + 1);
    const duplicate = {
      Records: [{ eventName: 'ObjectCreated:Post', s3: { object: { key: `uploads/${evidenceId}` } } }],
    };
    for (let i = 0; i < 2; i++) {
      await sqs.send(new SendMessageCommand({ QueueUrl: queue.url, MessageBody: JSON.stringify(duplicate) }));
    }
    // Both copies are in the queue once SendMessage has answered, so the queue is idle only after
    // the verifier has taken and deleted them (a failure would leave them in flight, then in the
    // dead-letter queue): the wait cannot pass before the copies were handled.
    await eventually(async () => ((await queueIsIdle(sqs, queue.url)) ? true : undefined));
    expect(await queueIsIdle(sqs, queue.deadLetterUrl)).toBe(true);
    expect(await evidenceCountOf(target)).toBe(countBefore + 1);
    expect((await api.get(`/evidence/${evidenceId}`, users.admin)).json).toEqual(stored);
    const events = (await api.get(`/items/${target}/history`, users.admin)).json.events as {
      type: string;
      data: { evidenceId?: string };
    }[];
    expect(
      events.filter((e) => e.type === 'EvidenceStored' && e.data.evidenceId === evidenceId),
    ).toHaveLength(1);
  });
});

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
    // The verifier takes it from there; no other test should see it land later.
    expect((await settledEvidence(evidenceId)).state).toBe('stored');
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

describe('evidence of a finished item, and rejection reasons in the reader’s language', () => {
  // A fresh copy of the sample plan, so the other tests' items are not touched.
  const inspectionId = 'evidence-rules-2024';
  const item = (ref: string) => `${inspectionId}.${ref}`;
  const en = { 'accept-language': 'en' };

  beforeAll(async () => {
    const copy = { ...plan, inspection: { ...plan.inspection, id: inspectionId } };
    expect((await api.post('/inspections/import', users.admin, { plan: copy })).status).toBe(201);
  });

  const snapshot = async (itemId: string, evidenceId: string) => ({
    item: (await api.get(`/items/${itemId}`, users.admin)).json,
    history: (await api.get(`/items/${itemId}/history`, users.admin)).json.events.length,
    evidence: (await api.get(`/evidence/${evidenceId}`, users.admin)).json,
  });

  it('refuses to withdraw evidence of a rectified or closed item, saying to reopen it, and changes nothing', async () => {
    const target = item('1.1.2');
    const evidenceId = await storeEvidence(api, users.department, target, {
      bytes: pdf,
      fileName: '整改报告.pdf',
      contentType: 'application/pdf',
    });
    const stored = (await api.get(`/items/${target}`, users.department)).json;
    const rectified = await api.post(`/items/${target}/transitions`, users.department, {
      to: 'rectified',
      expectedVersion: stored.version,
    });
    expect(rectified.status, rectified.text).toBe(200);

    for (const status of ['rectified', 'closed'] as const) {
      const before = await snapshot(target, evidenceId);
      expect(before.item.status).toBe(status);
      const zh = await api.post(`/evidence/${evidenceId}/withdraw`, users.department, { reason: '传错了' });
      expect(zh.status, zh.text).toBe(422);
      expect(zh.json.error.details).toEqual({ rule: 'item-rectified', status });
      expect(zh.json.error.message).toContain('请先由管理员重新打开该事项');
      const english = await api.post(
        `/evidence/${evidenceId}/withdraw`,
        users.admin,
        { reason: 'wrong file' },
        en,
      );
      expect(english.status, english.text).toBe(422);
      expect(english.json.error.message).toContain('Ask an admin to reopen the item first');
      expect(await snapshot(target, evidenceId)).toEqual(before);
      expect(before.evidence.state).toBe('stored');

      if (status === 'rectified') {
        const closed = await api.post(`/items/${target}/transitions`, users.admin, {
          to: 'closed',
          expectedVersion: before.item.version,
        });
        expect(closed.status, closed.text).toBe(200);
      }
    }
  });

  it('renders a rejection in zh-CN and en from its stable code, on the file and in its item’s list', async () => {
    const target = item('1.2.1');
    const notPdf = Buffer.from('plain text pretending to be a PDF');
    const opened = await api.post(`/items/${target}/evidence`, users.admin, {
      fileName: '整改报告.pdf',
      contentType: 'application/pdf',
      size: notPdf.length,
      sha256: sha256(notPdf),
    });
    expect(opened.status, opened.text).toBe(201);
    await upload(opened.json.upload, notPdf, 'application/pdf');
    const { evidenceId } = opened.json;
    const zh = await eventually(async () => {
      const evidence = (await api.get(`/evidence/${evidenceId}`, users.admin)).json;
      return evidence.state === 'rejected' ? evidence : undefined;
    });
    expect(zh.rejection).toMatchObject({
      reason: 'type-mismatch',
      message: '文件内容不是申报的类型 application/pdf',
      params: { declared: 'application/pdf' },
    });
    const english = (await api.get(`/evidence/${evidenceId}`, users.admin, en)).json;
    expect(english.rejection).toMatchObject({
      reason: 'type-mismatch',
      message: 'the bytes are not application/pdf',
    });
    const listed = (await api.get(`/items/${target}/evidence`, users.admin, en)).json.evidence;
    expect(listed.find((e: { evidenceId: string }) => e.evidenceId === evidenceId).rejection.message).toBe(
      'the bytes are not application/pdf',
    );
  });
});
