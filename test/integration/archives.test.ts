import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import {
  CreateMultipartUploadCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emulatorClientConfig } from '#local/bootstrap.ts';
import type { ArchiveIo } from '#shared/services/archive-builder.ts';
import type { ArchiveStores } from '#shared/services/archives.ts';
import { verifyArchiveFile } from '../../cli/verify.ts';
import { apiClient, users } from '../support/api.ts';
import { queuedArchive } from '../support/archives.ts';
import { eventually } from '../support/eventually.ts';
import { storeEvidence } from '../support/evidence.ts';
import { once } from '../support/once.ts';
import { queueIsIdle } from '../support/queues.ts';
import { sharedEmulator, useLocalRuntime } from '../support/runtime.ts';
import { askForSummary } from '../support/summaries.ts';

/**
 * Evidence archives (证据包) through the local runtime: request → queue → builder → signed ZIP in
 * S3 → download → offline verification; and the builder's failure and retry rules, driven
 * directly with storage that fails on purpose (the emulator cannot be told to fail midway).
 */
const local = useLocalRuntime('archives');
const api = apiClient(local);
const plan = JSON.parse(
  readFileSync(path.resolve(import.meta.dirname, '../fixtures/plan.sample.json'), 'utf8'),
);
const INSPECTION = plan.inspection.id as string;
const config = emulatorClientConfig(sharedEmulator());
const s3 = new S3Client({ ...config, forcePathStyle: true });
const sqs = new SQSClient(config);
const work = mkdtempSync(path.join(tmpdir(), 'rectify-archives-'));
afterAll(() => {
  s3.destroy();
  sqs.destroy();
  rmSync(work, { recursive: true, force: true });
});

const pdf = Buffer.from('%PDF-1.7\n% 整改报告\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n');
const text = Buffer.from('会议纪要：已完成整改。\n'.repeat(200));
const archiveBucket = () => local().runtime.resources.buckets.archives.name;
const objectsUnder = async (prefix: string) =>
  (await s3.send(new ListObjectsV2Command({ Bucket: archiveBucket(), Prefix: prefix }))).Contents ?? [];
const uploadsUnder = async (prefix: string) =>
  (await s3.send(new ListMultipartUploadsCommand({ Bucket: archiveBucket(), Prefix: prefix }))).Uploads ?? [];

async function ready(archiveId: string) {
  return eventually(async () => {
    const archive = (await api.get(`/archives/${archiveId}`, users.auditor)).json;
    if (archive.status === 'failed') throw new Error(`archive failed: ${archive.failure?.reason}`);
    return archive.status === 'ready' ? archive : undefined;
  }, 60_000);
}

async function download(url: string, name: string): Promise<string> {
  const response = await fetch(url);
  expect(response.status).toBe(200);
  const file = path.join(work, name);
  writeFileSync(file, Buffer.from(await response.arrayBuffer()));
  return file;
}

let publicKeyPem = '';
beforeAll(async () => {
  expect((await api.post('/inspections/import', users.admin, { plan })).status).toBe(201);
  await storeEvidence(api, users.department, `${INSPECTION}.1.1.2`, {
    bytes: pdf,
    fileName: '签约服务整改报告.pdf',
    contentType: 'application/pdf',
  });
  await storeEvidence(api, users.department, `${INSPECTION}.1.1.2`, {
    bytes: text,
    fileName: '../../会议纪要.txt',
    contentType: 'text/plain',
  });
  await storeEvidence(api, users.admin, `${INSPECTION}.2.1.1`, {
    bytes: pdf,
    fileName: '清退凭证.pdf',
    contentType: 'application/pdf',
  });
  await askForSummary(api, users.admin, INSPECTION, {});
  publicKeyPem = (await api.get('/archives/public-key', users.auditor)).json.publicKeyPem;
  expect(publicKeyPem).toMatch(/^-----BEGIN PUBLIC KEY-----/);
}, 120_000);

describe('an archive on request', () => {
  /** An auditor's archive of the whole inspection, built and downloaded, by whichever test asks first. */
  const requestedArchive = once(async () => {
    const requested = await api.post(`/inspections/${INSPECTION}/archives`, users.auditor, {});
    expect(requested.status, requested.text).toBe(202);
    const archiveId = requested.json.archiveId as string;
    const archive = await ready(archiveId);
    return { archiveId, archive, file: await download(archive.downloadUrl, 'archive.zip') };
  });

  it('is built behind the queue, and verifies offline with the public key', async () => {
    const { archive, file } = await requestedArchive();
    expect(archive).toMatchObject({ fileCount: 3, warnings: [], attempt: 1 });
    expect(archive.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(readFileSync(file).length).toBe(archive.sizeBytes);
    const report = await verifyArchiveFile(file, { publicKeyPem });
    expect(report.problems).toEqual([]);
    expect(report).toMatchObject({ ok: true, signature: 'valid' });
    expect(report.counts.evidence).toBe(3);
  });

  it('keeps hostile names inside the archive and says what it holds', async () => {
    const { archiveId, file } = await requestedArchive();
    const listed = (await api.get(`/inspections/${INSPECTION}/archives`, users.admin)).json.archives;
    expect(listed.map((a: { archiveId: string }) => a.archiveId)).toContain(archiveId);
    const { default: yauzl } = await import('yauzl');
    const names = await new Promise<string[]>((resolve, reject) => {
      yauzl.open(file, { lazyEntries: true }, (error, zip) => {
        if (error || !zip) return reject(error);
        const seen: string[] = [];
        zip.on('entry', (entry: { fileName: string }) => {
          seen.push(entry.fileName);
          zip.readEntry();
        });
        zip.on('end', () => resolve(seen));
        zip.readEntry();
      });
    });
    // Evidence ids are random, so the order of the three is not fixed: match each, in any order.
    const evidence = names.filter((name) => name.startsWith('evidence/'));
    expect(evidence).toHaveLength(3);
    expect(evidence).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^evidence\/1\.1\.2 家庭医生签约服务质量不高\/[^/]+-签约服务整改报告\.pdf$/),
        expect.stringMatching(/^evidence\/1\.1\.2 家庭医生签约服务质量不高\/[^/]+-会议纪要\.txt$/),
        expect.stringMatching(/^evidence\/2\.1\.1 [^/]+\/[^/]+-清退凭证\.pdf$/),
      ]),
    );
    expect(names).toEqual(
      expect.arrayContaining([
        'history/1.1.2.json',
        'history/inspection.json',
        'summary/summary.json',
        'summary/ledger.xlsx',
        'summary/report.docx',
        'README.txt',
        'manifest.csv',
        'manifest.json',
        'manifest.sig',
      ]),
    );
    expect(names.some((name) => name.includes('..') || name.startsWith('/'))).toBe(false);
  });

  it('shows an item the plan brought in closed as closed before import, with no sign-off in its history', async () => {
    const { file } = await requestedArchive();
    const { default: yauzl } = await import('yauzl');
    const read = (entryName: string) =>
      new Promise<string>((resolve, reject) => {
        yauzl.open(file, { lazyEntries: true }, (error, zip) => {
          if (error || !zip) return reject(error);
          zip.on('entry', (entry: { fileName: string }) => {
            if (entry.fileName !== entryName) return zip.readEntry();
            zip.openReadStream(entry as never, async (failed, stream) => {
              if (failed || !stream) return reject(failed);
              const chunks: Buffer[] = [];
              for await (const chunk of stream) chunks.push(chunk as Buffer);
              zip.close();
              resolve(Buffer.concat(chunks).toString('utf8'));
            });
          });
          zip.on('end', () => reject(new Error(`no ${entryName} in the archive`)));
          zip.readEntry();
        });
      });
    const manifest = JSON.parse(await read('manifest.json'));
    const byRef = (ref: string) => manifest.items.find((item: { ref: string }) => item.ref === ref);
    expect(byRef('2.1.1')).toMatchObject({
      status: 'closed',
      importedStatus: 'closed',
      importNote: 'closed-before-import',
    });
    expect(byRef('1.2.1')).toMatchObject({ status: 'not_started' });
    expect(byRef('1.2.1').importNote).toBeUndefined();
    const history = JSON.parse(await read('history/2.1.1.json')) as { type: string; data: object }[];
    expect(history.map((record) => record.type)).not.toContain('StatusChanged');
    expect(history[0]?.data).toMatchObject({ importedStatus: 'closed' });
    expect(await read('README.txt')).toContain('导入前已销号');
  });

  it('makes no second archive when the same job is delivered again', async () => {
    const { archiveId } = await requestedArchive();
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: local().runtime.resources.queues.archiveJobs.url,
        MessageBody: JSON.stringify({ archiveId }),
      }),
    );
    await eventually(
      async () => (await queueIsIdle(sqs, local().runtime.resources.queues.archiveJobs.url)) || undefined,
      30_000,
    );
    const zips = await objectsUnder(`archives/${INSPECTION}/${archiveId}/`);
    expect(zips.map((object) => object.Key)).toEqual([`archives/${INSPECTION}/${archiveId}/attempt-1.zip`]);
    expect((await api.get(`/archives/${archiveId}`, users.auditor)).json.attempt).toBe(1);
  });

  it('narrows to the filters and refuses a filter that names nothing', async () => {
    const requested = await api.post(`/inspections/${INSPECTION}/archives`, users.admin, { refs: ['2.1.1'] });
    const archive = await ready(requested.json.archiveId);
    expect(archive.fileCount).toBe(1);
    const refused = await api.post(`/inspections/${INSPECTION}/archives`, users.auditor, { refs: ['9.9.9'] });
    expect(refused.status).toBe(400);
    expect(refused.json.error.details.issues[0].path).toBe('refs');
    expect((await api.post(`/inspections/${INSPECTION}/archives`, users.department, {})).status).toBe(403);
  });

  it('tells the admins it is ready', async () => {
    await requestedArchive();
    await eventually(async () => {
      const inbox = (await api.get('/me/notifications?limit=100', users.admin)).json.notifications as {
        detailType: string;
      }[];
      return inbox.some((n) => n.detailType === 'ArchiveReady') ? true : undefined;
    });
  });
});

describe('the builder when things fail', () => {
  // The builder's stores and real storage, in this process (after the runtime set the environment).
  async function builder() {
    const services = await import('#shared/services/archive-builder.ts');
    const storage = await import('#shared/storage/archives.ts');
    const { kmsManifestSigner } = await import('#shared/archive/signing.ts');
    const stores: ArchiveStores = {
      ledger: (await import('#shared/store/ledger-store.ts')).ledgerStore(),
      evidence: (await import('#shared/store/evidence-store.ts')).evidenceStore(),
      chains: (await import('#shared/store/inspection-chain-store.ts')).inspectionChainStore(),
      summaries: (await import('#shared/store/summary-store.ts')).summaryStore(),
      archives: (await import('#shared/store/archive-store.ts')).archiveStore(),
    };
    const io: ArchiveIo = {
      sign: kmsManifestSigner,
      openEvidence: (evidence) => storage.openEvidenceObject(evidence.objectKey, evidence.objectVersionId),
      upload: storage.uploadArchive,
      abortUploadsUnder: storage.abortUploadsUnder,
    };
    /** An archive record no queue message points at, so only this test builds it. */
    const queued = () => queuedArchive(stores.archives, INSPECTION);
    return { build: services.buildArchive, stores, io, queued };
  }
  /** Evidence that gives some bytes and then breaks, as a connection dropped midway would. */
  const breaksMidway = (): Readable =>
    Readable.from(
      (async function* () {
        yield Buffer.alloc(64 * 1024, 1);
        throw new Error('connection reset while reading evidence');
      })(),
    );

  it('aborts the upload when a file breaks midway, keeps nothing, and a retry starts clean', async () => {
    const { build, stores, io, queued } = await builder();
    const archiveId = await queued();
    let opened = 0;
    const failing: ArchiveIo = {
      ...io,
      openEvidence: async (evidence) => (++opened === 2 ? breaksMidway() : io.openEvidence(evidence)),
    };
    await expect(build(stores, failing, archiveId, { receiveCount: 1, maxReceives: 3 })).rejects.toThrow(
      /connection reset/,
    );
    const prefix = `archives/${INSPECTION}/${archiveId}/`;
    expect(await uploadsUnder(prefix)).toEqual([]);
    expect(await objectsUnder(prefix)).toEqual([]);
    expect(await stores.archives.get(archiveId)).toMatchObject({ status: 'building', attempt: 1 });
    expect((await stores.archives.get(archiveId))?.lastError).toMatch(/connection reset/);

    expect(await build(stores, io, archiveId, { receiveCount: 2, maxReceives: 3 })).toBe('ready');
    expect((await objectsUnder(prefix)).map((object) => object.Key)).toEqual([`${prefix}attempt-2.zip`]);
    expect(await build(stores, io, archiveId, { receiveCount: 3, maxReceives: 3 })).toBe('skipped');
  });

  it('cleans up after an attempt that died without a word, and finishes', async () => {
    const { build, stores, io, queued } = await builder();
    const archiveId = await queued();
    const prefix = `archives/${INSPECTION}/${archiveId}/`;
    // A builder that claimed the job, started its upload and was killed (timeout, crash).
    await stores.archives.claim(archiveId, new Date().toISOString());
    const { UploadId } = await s3.send(
      new CreateMultipartUploadCommand({ Bucket: archiveBucket(), Key: `${prefix}attempt-1.zip` }),
    );
    await s3.send(
      new UploadPartCommand({
        Bucket: archiveBucket(),
        Key: `${prefix}attempt-1.zip`,
        UploadId,
        PartNumber: 1,
        Body: Buffer.alloc(5 * 1024 * 1024),
      }),
    );
    expect(await uploadsUnder(prefix)).toHaveLength(1);
    expect(await build(stores, io, archiveId, { receiveCount: 2, maxReceives: 3 })).toBe('ready');
    expect(await uploadsUnder(prefix)).toEqual([]);
    expect((await objectsUnder(prefix)).map((object) => object.Key)).toEqual([`${prefix}attempt-2.zip`]);
  });

  it('marks a request failed when its job cannot be queued, rather than leaving it queued', async () => {
    const { stores } = await builder();
    const { requestArchive } = await import('#shared/services/archives.ts');
    const auditor = { subject: 'auditor-1', name: '巡察组', roles: ['auditor'] as const };
    let archiveId = '';
    await expect(
      requestArchive(
        stores,
        async (id) => {
          archiveId = id;
          throw new Error('queue unavailable');
        },
        auditor,
        INSPECTION,
        {},
      ),
    ).rejects.toThrow(/queue unavailable/);
    expect(await stores.archives.get(archiveId)).toMatchObject({
      status: 'failed',
      failure: { reason: 'could not be queued: queue unavailable' },
    });
  });

  it('records the failure with its reason on the last delivery, and says so on the bus', async () => {
    const { build, stores, io, queued } = await builder();
    const archiveId = await queued();
    const failing: ArchiveIo = { ...io, openEvidence: async () => breaksMidway() };
    expect(await build(stores, failing, archiveId, { receiveCount: 3, maxReceives: 3 })).toBe('failed');
    const failed = (await api.get(`/archives/${archiveId}`, users.auditor)).json;
    expect(failed).toMatchObject({
      status: 'failed',
      failure: { reason: expect.stringMatching(/connection reset/) },
    });
    expect(failed.downloadUrl).toBeUndefined();
    expect(await uploadsUnder(`archives/${INSPECTION}/${archiveId}/`)).toEqual([]);
    expect(await build(stores, io, archiveId, { receiveCount: 4, maxReceives: 3 })).toBe('skipped');
    await eventually(async () => {
      const inbox = (await api.get('/me/notifications?limit=100', users.admin)).json.notifications as {
        detailType: string;
      }[];
      return inbox.some((n) => n.detailType === 'ArchiveFailed') ? true : undefined;
    });
  });
});
