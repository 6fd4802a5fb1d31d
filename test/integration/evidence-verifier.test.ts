import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectVersionsCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { DeleteMessageCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootstrapResources, emulatorClientConfig, type LocalResources } from '#local/bootstrap.ts';
import { configureFunctionEnvironment } from '#local/runtime.ts';
import type { Principal } from '#shared/domain/roles.ts';
import type { UploadedObject } from '#shared/storage/s3-events.ts';
import type { EvidenceStore } from '#shared/store/evidence-store.ts';
import type { LedgerStore } from '#shared/store/ledger-store.ts';
import { sharedEmulator, uniqueStage } from '../support/runtime.ts';

/**
 * The verifier against the emulator's S3, SQS and DynamoDB, driven one notification at a time:
 * resources are created without the runtime, so no poller consumes the S3 notifications and each
 * test hands the verifier the very message S3 (moto) sent, as the SQS event source would, as
 * often as a redelivery would. Failures S3 and DynamoDB cannot produce on demand are injected
 * through the verifier's dependencies (and the tests say so).
 */
const emulator = sharedEmulator();
const config = emulatorClientConfig(emulator);
const s3 = new S3Client({ ...config, forcePathStyle: true });
const sqs = new SQSClient(config);
const plan = JSON.parse(
  readFileSync(path.resolve(import.meta.dirname, '../fixtures/plan.sample.json'), 'utf8'),
);
const admin: Principal = { subject: 'admin-1', name: '整改办', roles: ['admin'] };
const pdf = (text: string) =>
  Buffer.from(`%PDF-1.7\n% ${text}\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n`);
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

let resources: LocalResources;
let verifier: typeof import('#shared/services/evidence-verifier.ts');
let events: typeof import('#shared/storage/s3-events.ts');
let stores: { ledger: LedgerStore; evidence: EvidenceStore };
let requestUpload: typeof import('#shared/services/evidence.ts').requestUpload;

beforeAll(async () => {
  resources = await bootstrapResources(emulator, uniqueStage('verifier'));
  configureFunctionEnvironment(emulator, resources);
  // Loaded once the environment names the resources, as Lambda loads a handler.
  verifier = await import('#shared/services/evidence-verifier.ts');
  events = await import('#shared/storage/s3-events.ts');
  ({ requestUpload } = await import('#shared/services/evidence.ts'));
  const { ledgerStore } = await import('#shared/store/ledger-store.ts');
  const { evidenceStore } = await import('#shared/store/evidence-store.ts');
  const { aggregateStore } = await import('#shared/store/aggregate-store.ts');
  const { importPlan } = await import('#shared/services/imports.ts');
  stores = { ledger: ledgerStore(), evidence: evidenceStore() };
  await importPlan({ ledger: stores.ledger, aggregates: aggregateStore() }, admin, { plan, replace: false });
});
afterAll(() => {
  s3.destroy();
  sqs.destroy();
});

const bucket = () => resources.buckets.evidence.name;
/** The item every upload here is evidence of (1.2.1, not started); tests compare its counts. */
const REF = '1.2.1';

/** Opens an upload declaring `declared` and returns the evidence id. */
async function openUpload(declared: Buffer): Promise<string> {
  const opened = await requestUpload(stores, admin, `${plan.inspection.id}.${REF}`, {
    fileName: '整改报告.pdf',
    contentType: 'application/pdf',
    size: declared.length,
    sha256: sha256(declared),
  });
  return opened.evidenceId;
}

/** Puts bytes under the evidence's upload key (a new version each time) and returns the version. */
async function put(evidenceId: string, bytes: Buffer): Promise<string> {
  const { VersionId } = await s3.send(
    new PutObjectCommand({ Bucket: bucket(), Key: `uploads/${evidenceId}`, Body: bytes }),
  );
  if (!VersionId) throw new Error('the evidence bucket is not versioned');
  return VersionId;
}

/** Notifications received so far, by key: the queue holds every test's. */
const received: UploadedObject[] = [];
/** The S3 notifications of the key's uploads, as S3 put them on the queue (waits for `count`). */
async function notifications(evidenceId: string, count: number): Promise<UploadedObject[]> {
  const key = `uploads/${evidenceId}`;
  const deadline = Date.now() + 20_000;
  while (received.filter((object) => object.key === key).length < count) {
    if (Date.now() > deadline) throw new Error(`no notification of ${key}`);
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: resources.queues.evidenceUploads.url,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 1,
      }),
    );
    for (const message of Messages) {
      received.push(...events.createdObjects(message.Body ?? '{}'));
      await sqs.send(
        new DeleteMessageCommand({
          QueueUrl: resources.queues.evidenceUploads.url,
          ReceiptHandle: message.ReceiptHandle,
        }),
      );
    }
  }
  return received.filter((object) => object.key === key);
}

async function itemOf() {
  const found = await stores.ledger.getItem(plan.inspection.id, REF);
  if (!found) throw new Error(`no item ${REF}`);
  return { ...found, history: await stores.ledger.history(found.inspection, REF) };
}
const verdicts = (history: { type: string; data: unknown }[], evidenceId: string) =>
  history
    .filter((event) => (event.data as { evidenceId?: string }).evidenceId === evidenceId)
    .map((event) => event.type);

async function bytesOf(key: string): Promise<Buffer> {
  const object = await s3.send(new GetObjectCommand({ Bucket: bucket(), Key: key }));
  return Buffer.from(
    await (object.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray(),
  );
}
const hidden = async (key: string) =>
  s3.send(new HeadObjectCommand({ Bucket: bucket(), Key: key })).then(
    () => false,
    (error: { $metadata?: { httpStatusCode?: number } }) => error.$metadata?.httpStatusCode === 404,
  );
async function versionsOf(key: string) {
  const listed = await s3.send(new ListObjectVersionsCommand({ Bucket: bucket(), Prefix: key }));
  return {
    versions: (listed.Versions ?? []).filter((version) => version.Key === key).length,
    deleteMarkers: (listed.DeleteMarkers ?? []).filter((marker) => marker.Key === key).length,
  };
}

/** Fault injection: a ledger store whose first evidence commit fails before reaching DynamoDB. */
function commitFailingOnce(ledger: LedgerStore): LedgerStore {
  let failed = false;
  const faulty = Object.create(ledger) as LedgerStore;
  faulty.commitEvidenceChange = async (...args) => {
    if (!failed) {
      failed = true;
      throw new Error('injected fault: the verdict commit failed');
    }
    return ledger.commitEvidenceChange(...args);
  };
  return faulty;
}

/** Fault injection: an S3 client (on the emulator) whose first call of one command fails. */
function s3FailingOnce(commandName: string): S3Client {
  const client = new S3Client({ ...config, forcePathStyle: true });
  let failed = false;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === commandName && !failed) {
        failed = true;
        throw new Error(`injected fault: ${commandName} failed`);
      }
      return next(args);
    },
    { step: 'initialize', name: 'injectedFault' },
  );
  return client;
}

describe('the version a notification names', () => {
  it('is what S3 (the emulator) notifies: each ObjectCreated record carries its versionId', async () => {
    const bytes = pdf('版本');
    const evidenceId = await openUpload(bytes);
    const version = await put(evidenceId, bytes);
    expect(await notifications(evidenceId, 1)).toEqual([
      { key: `uploads/${evidenceId}`, versionId: version },
    ]);
    expect(
      await verifier.verifyUploadedObject(stores, { key: `uploads/${evidenceId}`, versionId: version }),
    ).toBe('stored');
  });

  it('is verified, not the latest: a good file overwritten with other bytes is still stored, as that version', async () => {
    const good = pdf('整改报告');
    const evidenceId = await openUpload(good);
    const countBefore = (await itemOf()).item.evidenceCount;
    const goodVersion = await put(evidenceId, good);
    await put(evidenceId, pdf('伪造报告'));
    const [first, second] = await notifications(evidenceId, 2);
    expect(first?.versionId).toBe(goodVersion);

    expect(await verifier.verifyUploadedObject(stores, first as UploadedObject)).toBe('stored');
    // The later version's notification finds the verdict made: it changes nothing.
    expect(await verifier.verifyUploadedObject(stores, second as UploadedObject)).toBe('stored');
    expect(await stores.evidence.get(evidenceId)).toMatchObject({
      state: 'stored',
      objectVersionId: goodVersion,
    });
    const { item, history } = await itemOf();
    expect(item.evidenceCount).toBe(countBefore + 1);
    expect(verdicts(history, evidenceId)).toEqual(['EvidenceStored']);
  });

  it('is verified, not the latest: forged bytes later replaced by the declared ones are rejected, and quarantined', async () => {
    const declared = pdf('整改报告');
    const forged = pdf('伪造报告');
    const evidenceId = await openUpload(declared);
    await put(evidenceId, forged);
    await put(evidenceId, declared);
    const [first] = await notifications(evidenceId, 2);

    expect(await verifier.verifyUploadedObject(stores, first as UploadedObject)).toBe('rejected');
    expect(await stores.evidence.get(evidenceId)).toMatchObject({
      state: 'rejected',
      rejection: { reason: 'hash-mismatch' },
      objectVersionId: first?.versionId,
    });
    // Quarantined: the version that was judged, not the latest.
    expect(await bytesOf(`quarantine/${evidenceId}`)).toEqual(forged);
    expect(await hidden(`uploads/${evidenceId}`)).toBe(true);
  });
});

describe('a verifier that fails part-way', () => {
  it('leaves the upload pending and in place when the verdict commit fails (injected fault), and the redelivery rejects and quarantines it', async () => {
    const declared = pdf('整改报告');
    const forged = pdf('伪造报告');
    const evidenceId = await openUpload(declared);
    await put(evidenceId, forged);
    const [notified] = (await notifications(evidenceId, 1)) as [UploadedObject];

    const faulty = { ...stores, ledger: commitFailingOnce(stores.ledger) };
    await expect(verifier.verifyUploadedObject(faulty, notified)).rejects.toThrow(/injected fault/);
    expect((await stores.evidence.get(evidenceId))?.state).toBe('pending');
    // Nothing moved before the verdict was committed.
    expect(await bytesOf(`uploads/${evidenceId}`)).toEqual(forged);
    expect(await hidden(`quarantine/${evidenceId}`)).toBe(true);

    // SQS redelivers the same message.
    expect(await verifier.verifyUploadedObject(faulty, notified)).toBe('rejected');
    expect((await stores.evidence.get(evidenceId))?.state).toBe('rejected');
    expect(verdicts((await itemOf()).history, evidenceId)).toEqual(['EvidenceRejected']);
    expect(await bytesOf(`quarantine/${evidenceId}`)).toEqual(forged);
    expect(await hidden(`uploads/${evidenceId}`)).toBe(true);
  });

  it('stores on the redelivery when the commit of a good file fails (injected fault), counting it once', async () => {
    const bytes = pdf('整改报告');
    const evidenceId = await openUpload(bytes);
    const countBefore = (await itemOf()).item.evidenceCount;
    await put(evidenceId, bytes);
    const [notified] = (await notifications(evidenceId, 1)) as [UploadedObject];
    const faulty = { ...stores, ledger: commitFailingOnce(stores.ledger) };
    await expect(verifier.verifyUploadedObject(faulty, notified)).rejects.toThrow(/injected fault/);
    expect((await stores.evidence.get(evidenceId))?.state).toBe('pending');

    expect(await verifier.verifyUploadedObject(faulty, notified)).toBe('stored');
    expect(await verifier.verifyUploadedObject(faulty, notified)).toBe('stored');
    const { item, history } = await itemOf();
    expect(item.evidenceCount).toBe(countBefore + 1);
    expect(verdicts(history, evidenceId)).toEqual(['EvidenceStored']);
    expect(await bytesOf(`uploads/${evidenceId}`)).toEqual(bytes);
  });

  it('completes the move to quarantine on the redelivery when it failed after the verdict (injected S3 fault), and only once', async () => {
    const forged = pdf('伪造报告');
    const evidenceId = await openUpload(pdf('整改报告'));
    await put(evidenceId, forged);
    const [notified] = (await notifications(evidenceId, 1)) as [UploadedObject];
    const { evidenceObjectsOn } = await import('#shared/storage/evidence-objects.ts');
    const faulty = { ...stores, objects: evidenceObjectsOn(s3FailingOnce('CopyObjectCommand')) };
    await expect(verifier.verifyUploadedObject(faulty, notified)).rejects.toThrow(/injected fault/);
    expect((await stores.evidence.get(evidenceId))?.state).toBe('rejected');
    expect(await hidden(`uploads/${evidenceId}`)).toBe(false);

    for (let delivery = 0; delivery < 2; delivery++) {
      expect(await verifier.verifyUploadedObject(faulty, notified)).toBe('rejected');
    }
    expect(await bytesOf(`quarantine/${evidenceId}`)).toEqual(forged);
    expect(await hidden(`uploads/${evidenceId}`)).toBe(true);
    expect(await versionsOf(`quarantine/${evidenceId}`)).toEqual({ versions: 1, deleteMarkers: 0 });
    expect(await versionsOf(`uploads/${evidenceId}`)).toEqual({ versions: 1, deleteMarkers: 1 });
    expect(verdicts((await itemOf()).history, evidenceId)).toEqual(['EvidenceRejected']);
  });
});
