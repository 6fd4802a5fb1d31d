import { execFile } from 'node:child_process';
import { createHash, generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import yauzl from 'yauzl';
import { ZipFile } from 'yazl';
import { type ArchiveContent, type EvidenceSource, writeArchive } from '#shared/archive/writer.ts';
import { evidenceEntry } from '#shared/domain/archive/entry-names.ts';
import {
  type ArchiveManifest,
  MANIFEST_CSV_COLUMNS,
  type ManifestSignature,
} from '#shared/domain/archive/manifest.ts';
import { type ArchiveReport, verifyArchive } from '#shared/domain/archive/verify.ts';
import { appendLink } from '#shared/domain/chain.ts';
import { decideVerification, type Evidence } from '#shared/domain/evidence.ts';
import { type InspectionEvent, nextInspectionEvent } from '#shared/domain/inspection-events.ts';
import type { Item, ItemEvent } from '#shared/domain/item.ts';
import { ledgerFromPlan } from '#shared/domain/ledger.ts';
import type { Plan, PlanItem } from '#shared/domain/plan/model.ts';
import { actorRef } from '#shared/domain/roles.ts';
import { decideTransition } from '#shared/domain/transitions.ts';
import { formatArchiveReport, MAX_KEPT_BYTES, verifyArchiveFile } from '../../cli/verify.ts';
import { principals } from '../support/items.ts';

// Real archives, written by the writer from chains the domain's own deciders made, read back
// through the same reader `rectify verify` uses; each tampering must fail naming its entry.

const sha256 = (bytes: Uint8Array | string) => createHash('sha256').update(bytes).digest('hex');
const keyPair = () => generateKeyPairSync('ec', { namedCurve: 'P-256' });
const { privateKey, publicKey } = keyPair();
const pem = (key: KeyObject) => key.export({ type: 'spki', format: 'pem' }).toString();
const PUBLIC_KEY = pem(publicKey);

const signer =
  (key = privateKey, pub = publicKey) =>
  async (bytes: Uint8Array): Promise<ManifestSignature> => ({
    algorithm: 'ECDSA_SHA_256',
    keyId: 'local-test-key',
    publicKeySha256: sha256(pub.export({ type: 'spki', format: 'der' })),
    signature: sign('sha256', bytes, key).toString('base64'),
  });

const INSPECTION_ID = 'insp-2024';
const planItem = (no: number, title: string): PlanItem => ({
  no,
  ref: `1.1.${no}`,
  title,
  status: 'not_started',
  longTerm: false,
  responsibleLeader: '王强',
  responsibleDept: '基层卫生科',
  deadline: '2024-09-30',
  measures: [{ text: '新招录全科医生', done: false }],
});
const PLAN: Plan = {
  format: 'rectify.plan/v1',
  inspection: {
    id: INSPECTION_ID,
    title: '关于巡察反馈意见整改情况',
    inspectedUnit: '第一中学',
    inspectionGroup: '第二巡察组',
    inspectionStart: '2024-03-01',
    inspectionEnd: '2024-04-30',
    feedbackDate: '2024-06-01',
    timezone: 'Asia/Shanghai',
  },
  aspects: [
    {
      no: 1,
      title: '党的领导',
      problems: [
        { no: 1, title: '问题一', items: [planItem(1, '全科医生配备不足'), planItem(2, '财务制度不健全')] },
      ],
    },
  ],
  outcomes: [],
};

let eventNo = 0;
const context = (at: string) => ({ eventId: `ev-${++eventNo}`, at });
const ledger = ledgerFromPlan(PLAN, {
  inspectionId: INSPECTION_ID,
  importId: 'imp1',
  actor: principals.admin,
  at: '2024-06-02T00:00:00.000Z',
  newId: () => `id-${++eventNo}`,
});

interface FixtureFile {
  readonly evidence: Evidence;
  readonly bytes: Buffer;
  readonly itemTitle: string;
}

/** Each item's chain: imported, started, then one EvidenceStored record per file. */
function itemWithEvidence(index: number, files: { id: string; name: string; type: string; bytes: Buffer }[]) {
  let item = ledger.items[index] as Item;
  const chain: ItemEvent[] = ledger.events.filter((event) => event.itemId === item.itemId);
  const started = decideTransition(
    item,
    { to: 'in_progress', expectedVersion: item.version },
    principals.department,
    context('2024-07-01T00:00:00.000Z'),
  );
  item = started.item;
  chain.push(started.event);
  const stored: FixtureFile[] = [];
  for (const file of files) {
    const pending: Evidence = {
      evidenceId: file.id,
      itemId: item.itemId,
      inspectionId: INSPECTION_ID,
      ref: item.ref,
      fileName: file.name,
      contentType: file.type,
      size: file.bytes.length,
      sha256: sha256(file.bytes),
      state: 'pending',
      objectKey: `uploads/${file.id}`,
      requestedBy: actorRef(principals.department),
      requestedAt: '2024-08-16T02:19:00.000Z',
    };
    const verified = decideVerification(item, pending, { ok: true }, context('2024-08-16T02:20:31.000Z'));
    item = verified.item;
    chain.push(verified.event);
    stored.push({ evidence: verified.evidence, bytes: file.bytes, itemTitle: item.title });
  }
  return { item, chain, stored };
}

const PDF = Buffer.from('%PDF-1.4\n招录公告 MARKER-PDF-CONTENT the stored bytes of a pdf\n%%EOF\n');
const itemA = itemWithEvidence(0, [
  { id: 'ev-a1', name: '全科医生招录公告.pdf', type: 'application/pdf', bytes: PDF },
  { id: 'ev-a2', name: '说明.txt', type: 'text/plain', bytes: Buffer.from('整改说明：已完成招录。\n') },
]);
const itemB = itemWithEvidence(1, [
  {
    id: 'ev-b1',
    name: '财务制度.png',
    type: 'image/png',
    bytes: Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      Buffer.alloc(64, 3),
    ]),
  },
]);
const pathOf = (file: FixtureFile) =>
  evidenceEntry(file.evidence.ref, file.itemTitle, file.evidence.evidenceId, file.evidence.fileName);
const [pdfFile, txtFile] = itemA.stored as [FixtureFile, FixtureFile];
const [pngFile] = itemB.stored as [FixtureFile];
const PDF_PATH = pathOf(pdfFile);
const PNG_PATH = pathOf(pngFile);

const SUMMARY_FILES = [
  { name: 'summary.json', bytes: Buffer.from('{"paragraph":"截至2024年10月1日……"}\n') },
  { name: 'summary.md', bytes: Buffer.from('# 整改情况报告\n\n截至2024年10月1日……\n') },
];
const inspectionChain: InspectionEvent[] = [];
const appendInspection = (type: InspectionEvent['type'], data: Record<string, unknown>, at: string) => {
  const event = nextInspectionEvent(inspectionChain.at(-1), {
    eventId: `ie-${inspectionChain.length + 1}`,
    inspectionId: INSPECTION_ID,
    type,
    at,
    actor: principals.admin,
    data,
  });
  inspectionChain.push(event);
  return event;
};
appendInspection('PlanImported', { importId: 'imp1', outcomes: [] }, '2024-06-02T00:00:00.000Z');
const summaryRecord = appendInspection(
  'SummaryGenerated',
  {
    summaryId: 's-2024-10',
    asOf: '2024-10-01T00:00:00.000Z',
    lang: 'zh-CN',
    files: SUMMARY_FILES.map(({ name, bytes }) => ({ name, sha256: sha256(bytes), size: bytes.length })),
  },
  '2024-10-01T01:00:00.000Z',
);

const source = (file: FixtureFile, bytes = file.bytes): EvidenceSource => ({
  evidenceId: file.evidence.evidenceId,
  itemRef: file.evidence.ref,
  itemTitle: file.itemTitle,
  fileName: file.evidence.fileName,
  contentType: file.evidence.contentType,
  size: file.evidence.size,
  sha256: file.evidence.sha256,
  uploadedBy: file.evidence.requestedBy.name,
  uploadedAt: file.evidence.requestedAt,
  state: 'stored',
  open: async () => Readable.from([bytes]),
});

const CONTENT: ArchiveContent = {
  archiveId: 'arc-0001',
  inspection: {
    inspectionId: INSPECTION_ID,
    importId: 'imp1',
    title: PLAN.inspection.title,
    timezone: 'Asia/Shanghai',
  },
  filters: {},
  generatedAt: '2024-10-02T00:00:00.000Z',
  requestedBy: principals.auditor.subject,
  evidence: [source(pdfFile), source(txtFile), source(pngFile)],
  items: [
    { ref: itemA.item.ref, title: itemA.item.title, chain: itemA.chain },
    { ref: itemB.item.ref, title: itemB.item.title, chain: itemB.chain },
  ],
  inspectionChain,
  summary: {
    summaryId: 's-2024-10',
    asOf: '2024-10-01T00:00:00.000Z',
    chainHash: summaryRecord.hash,
    files: SUMMARY_FILES,
  },
};

async function collect(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function buildArchive(content: ArchiveContent = CONTENT, sign = signer()): Promise<Buffer> {
  const written = writeArchive(content, sign);
  const [zip] = await Promise.all([collect(written.stream), written.done]);
  return zip;
}

interface ZipEntry {
  name: string;
  bytes: Buffer;
  compress: boolean;
}

async function readZip(zip: Buffer): Promise<ZipEntry[]> {
  const file = await yauzl.fromBufferPromise(zip, { lazyEntries: true });
  const entries: ZipEntry[] = [];
  for await (const entry of file.eachEntry()) {
    entries.push({
      name: entry.fileName,
      bytes: await collect(await file.openReadStreamPromise(entry)),
      compress: entry.compressionMethod === 8,
    });
  }
  return entries;
}

async function writeZip(entries: readonly ZipEntry[]): Promise<Buffer> {
  const zip = new ZipFile();
  const mtime = new Date('2024-10-02T00:00:00.000Z');
  for (const entry of entries) zip.addBuffer(entry.bytes, entry.name, { mtime, compress: entry.compress });
  zip.end();
  return collect(zip.outputStream as Readable);
}

/** Re-zips an archive's entries after `change`; manifest.json and manifest.sig stay as they were unless changed. */
async function tamper(zip: Buffer, change: (entries: ZipEntry[]) => ZipEntry[] | undefined): Promise<Buffer> {
  const entries = await readZip(zip);
  return writeZip(change(entries) ?? entries);
}

const entryOf = (entries: ZipEntry[], name: string) => {
  const entry = entries.find((candidate) => candidate.name === name);
  if (!entry) throw new Error(`no entry ${name}`);
  return entry;
};
const json = (value: unknown) => Buffer.from(`${JSON.stringify(value, null, 2)}\n`);
const manifestOf = (entries: ZipEntry[]) =>
  JSON.parse(entryOf(entries, 'manifest.json').bytes.toString('utf8')) as ArchiveManifest;
/** Rewrites manifest.json (unsigned: its signature no longer matches). */
function rewriteManifest(entries: ZipEntry[], change: (manifest: ArchiveManifest) => ArchiveManifest) {
  entryOf(entries, 'manifest.json').bytes = json(change(manifestOf(entries)));
}
/** Lists a changed entry's new hash in manifest.json, as a forger would. */
function relist(entries: ZipEntry[], name: string) {
  const bytes = entryOf(entries, name).bytes;
  rewriteManifest(entries, (manifest) => ({
    ...manifest,
    files: manifest.files.map((file) =>
      file.path === name ? { ...file, sha256: sha256(bytes), size: bytes.length } : file,
    ),
  }));
}

const directory = mkdtempSync(path.join(tmpdir(), 'rectify-verify-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));
let fileNo = 0;
function saved(zip: Buffer): string {
  const file = path.join(directory, `archive-${++fileNo}.zip`);
  writeFileSync(file, zip);
  return file;
}
/** With our public key unless told otherwise; `null`: no key. */
const verifyZip = async (zip: Buffer, publicKeyPem: string | null = PUBLIC_KEY) =>
  verifyArchiveFile(saved(zip), publicKeyPem === null ? {} : { publicKeyPem });
const codesAt = (report: ArchiveReport, entry: string) =>
  report.problems.filter((problem) => problem.path === entry).map((problem) => problem.code);

const intact = await buildArchive();

describe('an intact archive', () => {
  it('verifies with the signer’s public key', async () => {
    const report = await verifyZip(intact);
    expect(report.problems).toEqual([]);
    expect(report).toMatchObject({ ok: true, signature: 'valid', warnings: [] });
    // 3 evidence, 2 item histories + the inspection's, summary ×2, README, manifest.csv, manifest.json/.sig
    expect(report.counts).toEqual({ evidence: 3, histories: 3, files: 12 });
    expect(formatArchiveReport(report, 'zh-CN')).toMatch(/^核验通过：签名有效/);
    expect(formatArchiveReport(report, 'en')).toMatch(/^Verified: the signature is valid/);
  });

  it('is ok without a key, but says plainly that the signature was not checked', async () => {
    const report = await verifyZip(intact, null);
    expect(report).toMatchObject({ ok: true, signature: 'not-checked', problems: [] });
    expect(report.warnings).toEqual([
      expect.objectContaining({ path: 'manifest.sig', code: 'signature-not-checked' }),
    ]);
    expect(formatArchiveReport(report, 'zh-CN')).toContain('未核验签名');
    expect(formatArchiveReport(report, 'en')).toContain('The signature was NOT checked');
    expect(formatArchiveReport(report, 'en')).toContain('authenticity is not established');
  });
});

describe('a tampered archive fails, naming the entry', () => {
  it('a byte flipped in place inside a stored evidence file (the ZIP’s CRC fails too)', async () => {
    const zip = Buffer.from(intact);
    const at = zip.indexOf('MARKER-PDF-CONTENT');
    expect(at).toBeGreaterThan(0);
    zip[at] = (zip[at] ?? 0) ^ 0x01;
    const report = await verifyZip(zip);
    expect(report.ok).toBe(false);
    expect(report.signature).toBe('valid');
    expect(codesAt(report, PDF_PATH).sort()).toEqual(['entry-damaged', 'entry-mismatch']);
    expect(report.problems.every((problem) => problem.path === PDF_PATH)).toBe(true);
    expect(formatArchiveReport(report, 'en')).toContain(
      `✗ ${PDF_PATH}: the file does not match the manifest`,
    );
  });

  it('a deflated entry whose compressed bytes no longer inflate is reported, not a crash', async () => {
    const file = await yauzl.fromBufferPromise(intact, { lazyEntries: true });
    let dataStart = -1;
    for await (const entry of file.eachEntry()) {
      if (entry.fileName !== 'README.txt') continue;
      expect(entry.compressionMethod).toBe(8);
      dataStart = (await file.readLocalFileHeaderPromise(entry, { minimal: true })).fileDataStart;
    }
    file.close();
    const zip = Buffer.from(intact);
    zip[dataStart] = 0xff; // BFINAL=1, BTYPE=11: a reserved block type, which no inflater accepts
    const report = await verifyZip(zip);
    expect(report.problems.map((problem) => [problem.path, problem.code])).toEqual([
      ['README.txt', 'entry-unreadable'],
    ]);
  });

  it('evidence bytes replaced in a re-made ZIP', async () => {
    const zip = await tamper(intact, (entries) => {
      const pdf = entryOf(entries, PDF_PATH);
      pdf.bytes = Buffer.from(pdf.bytes.toString('latin1').replace('MARKER', 'MARKET'), 'latin1');
      return entries;
    });
    const report = await verifyZip(zip);
    expect(report.problems.map((problem) => [problem.path, problem.code])).toEqual([
      [PDF_PATH, 'entry-mismatch'],
    ]);
  });

  it('a manifest.csv row edited', async () => {
    const zip = await tamper(intact, (entries) => {
      const csv = entryOf(entries, 'manifest.csv');
      csv.bytes = Buffer.from(csv.bytes.toString('utf8').replace('张科员', '李科员'));
      return entries;
    });
    const report = await verifyZip(zip);
    expect(codesAt(report, 'manifest.csv').sort()).toEqual(['csv-row-mismatch', 'entry-mismatch']);
    const row = report.problems.find((problem) => problem.code === 'csv-row-mismatch');
    expect(row?.en).toMatch(
      /^row 1 \(line 2, evidence ev-a1\) differs from manifest.json: uploadedBy is "李科员"/,
    );
  });

  it('a manifest.csv edited consistently with its own hash in manifest.json: the rows still disagree', async () => {
    const zip = await tamper(intact, (entries) => {
      const csv = entryOf(entries, 'manifest.csv');
      csv.bytes = Buffer.from(csv.bytes.toString('utf8').replace(pngFile.evidence.sha256, 'f'.repeat(64)));
      relist(entries, 'manifest.csv');
      return entries;
    });
    const unsigned = await verifyZip(zip, null);
    expect(unsigned.problems.map((problem) => [problem.path, problem.code])).toEqual([
      ['manifest.csv', 'csv-row-mismatch'],
    ]);
    expect(unsigned.problems[0]?.zh).toContain('第 3 行');
    const signed = await verifyZip(zip);
    expect(codesAt(signed, 'manifest.json')).toEqual(['signature-invalid']);
    expect(signed.signature).toBe('invalid');
  });

  it('a history record edited', async () => {
    const history = `history/${itemA.item.ref}.json`;
    const zip = await tamper(intact, (entries) => {
      const entry = entryOf(entries, history);
      const records = JSON.parse(entry.bytes.toString('utf8')) as ItemEvent[];
      records[1] = { ...(records[1] as ItemEvent), at: '2024-06-30T00:00:00.000Z' };
      entry.bytes = json(records);
      return entries;
    });
    const report = await verifyZip(zip);
    expect(codesAt(report, history).sort()).toEqual(['chain-broken', 'entry-mismatch']);
    const broken = report.problems.find((problem) => problem.code === 'chain-broken');
    expect(broken?.en).toMatch(/^the hash chain breaks at record 2 \(hash-mismatch\)/);
    expect(broken?.zh).toContain('第 2 条记录');
  });

  it('a history re-sealed after an edit and re-listed: its head no longer matches the manifest', async () => {
    const history = `history/${itemB.item.ref}.json`;
    const zip = await tamper(intact, (entries) => {
      const entry = entryOf(entries, history);
      const records = JSON.parse(entry.bytes.toString('utf8')) as ItemEvent[];
      let previous: ItemEvent | undefined;
      entry.bytes = json(
        records.map((record) => {
          const { seq: _s, prevHash: _p, hash: _h, ...body } = record;
          const edited = record.seq === 2 ? { ...body, at: '2024-06-30T00:00:00.000Z' } : body;
          previous = appendLink(previous, edited) as ItemEvent;
          return previous;
        }),
      );
      relist(entries, history);
      return entries;
    });
    const report = await verifyZip(zip, null);
    expect(report.problems.map((problem) => [problem.path, problem.code])).toEqual([
      [history, 'chain-head-mismatch'],
    ]);
  });

  it('manifest.json edited: the signature is invalid', async () => {
    const zip = await tamper(intact, (entries) => {
      rewriteManifest(entries, (manifest) => ({ ...manifest, requestedBy: 'someone-else' }));
      return entries;
    });
    const report = await verifyZip(zip);
    expect(report.signature).toBe('invalid');
    expect(report.problems.map((problem) => [problem.path, problem.code])).toEqual([
      ['manifest.json', 'signature-invalid'],
    ]);
    // Without a key nothing else is wrong, and the verdict says the signature was not checked.
    const unsigned = await verifyZip(zip, null);
    expect(unsigned).toMatchObject({ ok: true, signature: 'not-checked' });
  });

  it('the wrong public key', async () => {
    const report = await verifyZip(intact, pem(keyPair().publicKey));
    expect(report.signature).toBe('invalid');
    expect(report.problems.map((problem) => [problem.path, problem.code])).toEqual([
      ['manifest.sig', 'signature-other-key'],
    ]);
    expect(report.problems[0]?.en).toContain('was not signed with the given key');
  });

  it('an archive signed by another key, with the fingerprint of ours written into manifest.sig', async () => {
    const other = keyPair();
    const zip = await buildArchive(CONTENT, signer(other.privateKey, publicKey));
    const report = await verifyZip(zip);
    expect(report.problems.map((problem) => [problem.path, problem.code])).toEqual([
      ['manifest.json', 'signature-invalid'],
    ]);
  });

  it('an extra entry the manifest does not list', async () => {
    const zip = await tamper(intact, (entries) => [
      ...entries,
      { name: 'evidence/补充材料.txt', bytes: Buffer.from('added later'), compress: true },
    ]);
    const report = await verifyZip(zip);
    expect(report.problems.map((problem) => [problem.path, problem.code])).toEqual([
      ['evidence/补充材料.txt', 'entry-unlisted'],
    ]);
  });

  it('a hostile entry name and a duplicate entry', async () => {
    // yazl refuses `..`, so the name is written as a same-length placeholder and patched in.
    const placeholder = 'zz/evil.txt';
    const zip = await tamper(intact, (entries) => [
      ...entries,
      { name: placeholder, bytes: Buffer.from('escape'), compress: false },
      { name: 'README.txt', bytes: Buffer.from('a second README'), compress: false },
    ]);
    let patched = zip.toString('latin1');
    expect(patched.split(placeholder)).toHaveLength(3); // local header and central directory
    patched = patched.replaceAll(placeholder, '../evil.txt');
    const report = await verifyZip(Buffer.from(patched, 'latin1'));
    expect(report.problems.map((problem) => [problem.path, problem.code])).toEqual([
      ['../evil.txt', 'entry-unsafe-name'],
      ['README.txt', 'entry-duplicate'],
    ]);
  });

  it('a missing evidence file', async () => {
    const zip = await tamper(intact, (entries) => entries.filter((entry) => entry.name !== PNG_PATH));
    const report = await verifyZip(zip);
    expect(report.problems.map((problem) => [problem.path, problem.code])).toEqual([
      [PNG_PATH, 'entry-missing'],
    ]);
  });

  it('a missing manifest.sig', async () => {
    const zip = await tamper(intact, (entries) => entries.filter((entry) => entry.name !== 'manifest.sig'));
    const report = await verifyZip(zip);
    expect(report.signature).toBe('missing');
    expect(report.problems.map((problem) => [problem.path, problem.code])).toEqual([
      ['manifest.sig', 'signature-missing'],
    ]);
  });

  it('a summary file whose bytes differ from what the inspection chain sealed', async () => {
    const zip = await buildArchive({
      ...CONTENT,
      summary: {
        ...(CONTENT.summary as NonNullable<ArchiveContent['summary']>),
        files: [
          SUMMARY_FILES[0] as (typeof SUMMARY_FILES)[number],
          { name: 'summary.md', bytes: Buffer.from('# 改过的报告\n') },
        ],
      },
    });
    const report = await verifyZip(zip);
    expect(report.signature).toBe('valid');
    expect(report.problems.map((problem) => [problem.path, problem.code])).toEqual([
      ['summary/summary.md', 'summary-file-mismatch'],
    ]);
  });

  it('a summary the inspection chain never recorded', async () => {
    const zip = await buildArchive({
      ...CONTENT,
      summary: { ...(CONTENT.summary as NonNullable<ArchiveContent['summary']>), chainHash: 'a'.repeat(64) },
    });
    const report = await verifyZip(zip);
    expect(report.problems.map((problem) => [problem.path, problem.code])).toEqual([
      ['history/inspection.json', 'summary-not-in-chain'],
    ]);
  });
});

describe('evidence against the ledger and the trail', () => {
  it('a file that did not match the ledger when archived (state mismatch) is a problem, even signed', async () => {
    const other = Buffer.from(PDF.toString('latin1').replace('stored', 'forged'), 'latin1');
    const zip = await buildArchive({
      ...CONTENT,
      evidence: [source(pdfFile, other), source(txtFile), source(pngFile)],
    });
    const report = await verifyZip(zip);
    expect(report.signature).toBe('valid');
    expect(report.problems.map((problem) => [problem.path, problem.code])).toEqual([
      [PDF_PATH, 'evidence-mismatch'],
    ]);
    expect(report.problems[0]?.zh).toContain('与台账记录不一致');
    expect(report.problems[0]?.en).toContain('cannot count as evidence');
  });

  it('a file replaced together with the ledger’s hash is caught by the item’s EvidenceStored record', async () => {
    const forged = Buffer.from(PDF.toString('latin1').replace('stored', 'forged'), 'latin1');
    const replaced = { ...source(pdfFile, forged), sha256: sha256(forged), size: forged.length };
    const zip = await buildArchive({ ...CONTENT, evidence: [replaced, source(txtFile), source(pngFile)] });
    const report = await verifyZip(zip);
    expect(report.signature).toBe('valid');
    expect(report.problems.map((problem) => [problem.path, problem.code])).toEqual([
      [PDF_PATH, 'evidence-not-as-recorded'],
    ]);
    expect(report.problems[0]?.en).toContain(`(EvidenceStored) recorded SHA-256 ${pdfFile.evidence.sha256}`);
  });
});

describe('what the reader cannot read', () => {
  it('a file that is not a ZIP', async () => {
    const report = await verifyZip(Buffer.from('not a zip at all'));
    expect(report).toMatchObject({
      ok: false,
      problems: [expect.objectContaining({ code: 'archive-unreadable' })],
    });
  });

  it('an archive without manifest.json', async () => {
    const zip = await tamper(intact, (entries) => entries.filter((entry) => entry.name !== 'manifest.json'));
    const report = await verifyZip(zip);
    expect(codesAt(report, 'manifest.json')).toEqual(['manifest-missing']);
    expect(report.ok).toBe(false);
  });

  it('a manifest that is not the v1 schema (the core, given a map)', () => {
    const manifest = Buffer.from(JSON.stringify({ schema: 'something/v2' }));
    const report = verifyArchive({
      entries: new Map([['manifest.json', { sha256: sha256(manifest), size: manifest.length }]]),
      bytes: (name) => (name === 'manifest.json' ? manifest : undefined),
    });
    expect(report.signature).toBe('missing');
    expect(report.problems.map((problem) => [problem.path, problem.code])).toEqual([
      ['manifest.sig', 'signature-missing'],
      ['manifest.json', 'manifest-schema'],
    ]);
  });

  it('a key that is not a P-256 public key is the caller’s mistake, not a finding', async () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey;
    await expect(verifyZip(intact, pem(rsa))).rejects.toThrow(/not an ECDSA P-256 key/);
    await expect(verifyZip(intact, 'not a key')).rejects.toThrow(/cannot read the public key/);
  });
});

describe('rectify verify', () => {
  const cli = path.resolve(import.meta.dirname, '../../cli/rectify.ts');
  const run = async (args: string[]) => {
    try {
      const { stdout, stderr } = await promisify(execFile)(process.execPath, [cli, ...args], {
        env: { ...process.env, RECTIFY_API_URL: '', RECTIFY_TOKEN: '' },
      });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const failed = error as { code: number; stdout: string; stderr: string };
      return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
    }
  };
  const keyFile = path.join(directory, 'public.pem');
  writeFileSync(keyFile, PUBLIC_KEY);

  it('exits 0 on an intact archive, needing no API or token', async () => {
    const result = await run(['verify', saved(intact), '--public-key', keyFile]);
    expect(result.stdout, result.stderr).toMatch(/^核验通过：签名有效/);
    expect(result.code).toBe(0);
  });

  it('exits 1 on a tampered one, naming the file, and prints JSON on request', async () => {
    const file = saved(await tamper(intact, (entries) => entries.filter((entry) => entry.name !== PNG_PATH)));
    const text = await run(['--lang', 'en', 'verify', file, '--public-key', keyFile]);
    expect(text.code).toBe(1);
    expect(text.stdout).toContain(
      `✗ ${PNG_PATH}: the manifest lists this file but the archive does not hold it`,
    );
    expect(text.stdout).toMatch(/Verification FAILED: 1 problem\(s\)/);
    const asJson = await run(['verify', file, '--json']);
    expect(asJson.code).toBe(1);
    expect(JSON.parse(asJson.stdout)).toMatchObject({
      ok: false,
      signature: 'not-checked',
      problems: [{ path: PNG_PATH, code: 'entry-missing' }],
    });
  });

  it('says in the chosen language when the key is unusable', async () => {
    const bad = path.join(directory, 'bad.pem');
    writeFileSync(bad, 'not a key');
    const result = await run(['verify', saved(intact), '--public-key', bad]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^无法读取公钥/);
  });
});

describe('formula-like text in manifest.csv', () => {
  it('is written escaped, so a spreadsheet does not run it, and still verifies', async () => {
    const hostile = ['=HYPERLINK("http://evil.example","点击")', '@SUM(1+1)', '+86 138'];
    const zip = await buildArchive({
      ...CONTENT,
      evidence: [
        { ...source(pdfFile), uploadedBy: hostile[0] as string },
        { ...source(txtFile), uploadedBy: hostile[1] as string },
        { ...source(pngFile), uploadedBy: hostile[2] as string },
      ],
    });
    const csv = entryOf(await readZip(zip), 'manifest.csv').bytes.toString('utf8');
    const rows = csv.split('\n').slice(1, 4);
    // The uploadedBy column: each starts with the quote that keeps it text.
    expect(rows[0]).toContain(`"'=HYPERLINK(""http://evil.example"",""点击"")"`);
    expect(rows[1]).toContain(",'@SUM(1+1),");
    expect(rows[2]).toContain(",'+86 138,");
    const report = await verifyZip(zip);
    expect(report.problems).toEqual([]);
    expect(report.ok).toBe(true);
  });
});

describe('every other finding, each from one change to an archive', () => {
  const HISTORY_B = `history/${itemB.item.ref}.json`;
  const CSV_COLUMNS = MANIFEST_CSV_COLUMNS.join(',');
  const SUMMARY = CONTENT.summary as NonNullable<ArchiveContent['summary']>;
  /** Replaces an entry's bytes and lists its new hash in manifest.json; checked without a key. */
  const replaced = (name: string, bytes: Buffer) =>
    tamper(intact, (entries) => {
      entryOf(entries, name).bytes = bytes;
      relist(entries, name);
      return entries;
    });
  const csvOf = async (zip: Buffer) => entryOf(await readZip(zip), 'manifest.csv').bytes.toString('utf8');
  const notChecked = expect.objectContaining({ path: 'manifest.sig', code: 'signature-not-checked' });

  describe('manifest.csv', () => {
    it('a header that is not the columns manifest.json has: csv-header', async () => {
      const csv = await csvOf(intact);
      const header = CSV_COLUMNS.replace('uploadedBy', 'uploader');
      const report = await verifyZip(
        await replaced('manifest.csv', Buffer.from(csv.replace(CSV_COLUMNS, header))),
        null,
      );
      expect(report.problems).toEqual([
        {
          path: 'manifest.csv',
          code: 'csv-header',
          zh: `表头应为 ${CSV_COLUMNS}，实为 ${header}。`,
          en: `the header should be ${CSV_COLUMNS}, found ${header}`,
        },
      ]);
    });

    it('a row manifest.json does not have: csv-row-extra', async () => {
      const csv = await csvOf(intact);
      expect(csv.endsWith('\n')).toBe(true);
      const extra = 'evidence/1.1.9 补充/ev-x-补充.pdf,ev-x,1.1.9';
      const report = await verifyZip(await replaced('manifest.csv', Buffer.from(`${csv}${extra}\n`)), null);
      expect(report.problems).toEqual([
        {
          path: 'manifest.csv',
          code: 'csv-row-extra',
          zh: '第 4 行（文件第 5 行）在 manifest.json 中没有对应的材料：evidence/1.1.9 补充/ev-x-补充.pdf',
          en: 'row 4 (line 5) has no counterpart in manifest.json: evidence/1.1.9 补充/ev-x-补充.pdf',
        },
      ]);
    });

    it('a row of manifest.json left out: csv-row-missing', async () => {
      const lines = (await csvOf(intact)).split('\n');
      expect(lines).toHaveLength(5); // header, three rows, and the empty string after the last newline
      expect(lines[3]).toContain(pngFile.evidence.evidenceId);
      const report = await verifyZip(
        await replaced('manifest.csv', Buffer.from([...lines.slice(0, 3), ''].join('\n'))),
        null,
      );
      expect(report.problems).toEqual([
        {
          path: 'manifest.csv',
          code: 'csv-row-missing',
          zh: `缺少第 3 行：manifest.json 中的材料 ev-b1（${PNG_PATH}）未列出。`,
          en: `row 3 is missing: evidence ev-b1 (${PNG_PATH}) of manifest.json is not listed`,
        },
      ]);
    });

    it('text that is not CSV (a quote never closed): csv-unreadable', async () => {
      const csv = await csvOf(intact);
      const report = await verifyZip(
        await replaced('manifest.csv', Buffer.from(`${csv}"evidence/never closed,ev-x\n`)),
        null,
      );
      expect(report.problems).toEqual([
        {
          path: 'manifest.csv',
          code: 'csv-unreadable',
          zh: expect.stringMatching(/^无法解析 CSV：.*Quote Not Closed/),
          en: expect.stringMatching(/^cannot parse the CSV: .*Quote Not Closed/),
        },
      ]);
    });

    it('an entry too large to keep in memory is reported, not read: entry-too-large', async () => {
      const huge = Buffer.alloc(MAX_KEPT_BYTES + 1, 0x20);
      const zip = await tamper(intact, (entries) => {
        const csv = entryOf(entries, 'manifest.csv');
        csv.bytes = huge;
        csv.compress = true;
        relist(entries, 'manifest.csv');
        return entries;
      });
      const report = await verifyZip(zip, null);
      expect(report.problems).toEqual([
        {
          path: 'manifest.csv',
          code: 'entry-too-large',
          zh: `条目过大，未读取其内容（> ${MAX_KEPT_BYTES} bytes）。`,
          en: `the entry is too large to read (> ${MAX_KEPT_BYTES} bytes)`,
        },
      ]);
    }, 60_000);
  });

  describe('histories', () => {
    it('a history that is not UTF-8: entry-not-utf8, and it is not counted as checked', async () => {
      const report = await verifyZip(await replaced(HISTORY_B, Buffer.from([0x5b, 0xff, 0xfe, 0x5d])), null);
      expect(report.problems).toEqual([
        {
          path: HISTORY_B,
          code: 'entry-not-utf8',
          zh: '内容不是有效的 UTF-8 文本。',
          en: 'the content is not valid UTF-8 text',
        },
      ]);
      expect(report.counts.histories).toBe(2);
    });

    it('a history that is not JSON: json-unreadable', async () => {
      const report = await verifyZip(await replaced(HISTORY_B, Buffer.from('[{"seq": 1,')), null);
      expect(report.problems).toEqual([
        {
          path: HISTORY_B,
          code: 'json-unreadable',
          zh: expect.stringMatching(/^不是有效的 JSON：\S/),
          en: expect.stringMatching(/^not valid JSON: \S/),
        },
      ]);
      expect(report.counts.histories).toBe(2);
    });

    it('a history that is JSON but not an array of chain records: history-unreadable', async () => {
      const report = await verifyZip(await replaced(HISTORY_B, json({ records: itemB.chain })), null);
      expect(report.problems).toEqual([
        {
          path: HISTORY_B,
          code: 'history-unreadable',
          zh: expect.stringMatching(/^历史文件不是哈希链记录数组：\(root\): \S/),
          en: expect.stringMatching(/^the history file is not an array of chain records: \(root\): \S/),
        },
      ]);
      expect(report.counts.histories).toBe(2);
    });

    it('an item’s history left out of the manifest’s files: history-not-listed', async () => {
      const zip = await tamper(intact, (entries) => {
        rewriteManifest(entries, (manifest) => ({
          ...manifest,
          files: manifest.files.filter((file) => file.path !== HISTORY_B),
        }));
        return entries;
      });
      const report = await verifyZip(zip, null);
      expect(report.problems).toEqual([
        {
          path: HISTORY_B,
          code: 'history-not-listed',
          zh: `清单的 files 中没有列出 ${itemB.item.ref} 的历史文件，其哈希未经清单担保。`,
          en: `the manifest’s files do not list ${itemB.item.ref}’s history, so nothing vouches for its hash`,
        },
      ]);
      // Its chain is still checked, and still intact.
      expect(report.counts.histories).toBe(3);
    });
  });

  describe('the manifest and its signature', () => {
    it('a path listed twice: manifest-duplicate-path', async () => {
      const zip = await tamper(intact, (entries) => {
        rewriteManifest(entries, (manifest) => {
          const readme = manifest.files.find((file) => file.path === 'README.txt');
          if (!readme) throw new Error('the manifest lists no README.txt');
          return { ...manifest, files: [...manifest.files, readme] };
        });
        return entries;
      });
      const report = await verifyZip(zip, null);
      expect(report.problems).toEqual([
        {
          path: 'README.txt',
          code: 'manifest-duplicate-path',
          zh: '清单中同一路径列出了多次。',
          en: 'the manifest lists this path more than once',
        },
      ]);
    });

    it('a warning the manifest records is passed on (manifest-warning), but not one a mismatched file already reports', async () => {
      const text = 'evidence/1.1.1/ev-a1: 归档时对象存储返回了重试';
      const zip = await tamper(intact, (entries) => {
        rewriteManifest(entries, (manifest) => ({ ...manifest, warnings: [text] }));
        return entries;
      });
      const report = await verifyZip(zip, null);
      expect(report).toMatchObject({ ok: true, problems: [] });
      expect(report.warnings).toEqual([
        notChecked,
        {
          path: 'manifest.json',
          code: 'manifest-warning',
          zh: `清单记录的警告：${text}`,
          en: `the manifest records a warning: ${text}`,
        },
      ]);

      // The writer's own warning for a mismatched file is reported once, as that file's problem.
      const other = Buffer.from(PDF.toString('latin1').replace('stored', 'forged'), 'latin1');
      const mismatched = await buildArchive({
        ...CONTENT,
        evidence: [source(pdfFile, other), source(txtFile), source(pngFile)],
      });
      const manifest = manifestOf(await readZip(mismatched));
      expect(manifest.warnings).toEqual([expect.stringMatching(new RegExp(`^${PDF_PATH}: `))]);
      const signed = await verifyZip(mismatched);
      expect(signed.warnings).toEqual([]);
      expect(signed.problems.map((problem) => problem.code)).toEqual(['evidence-mismatch']);
    });

    it('a manifest.sig that is JSON but not a signature file: signature-unreadable', async () => {
      const zip = await tamper(intact, (entries) => {
        const sig = entryOf(entries, 'manifest.sig');
        const parsed = JSON.parse(sig.bytes.toString('utf8')) as ManifestSignature;
        sig.bytes = json({ ...parsed, algorithm: 'RSASSA_PSS_SHA_256' });
        return entries;
      });
      const report = await verifyZip(zip);
      expect(report.signature).toBe('invalid');
      expect(report.problems).toEqual([
        {
          path: 'manifest.sig',
          code: 'signature-unreadable',
          zh: expect.stringMatching(/^签名文件格式不正确：algorithm: \S/),
          en: expect.stringMatching(/^manifest\.sig is not a valid signature file: algorithm: \S/),
        },
      ]);
    });

    it('a signature made by the given key but labelled with another key’s fingerprint: valid, with signature-key-label', async () => {
      const other = keyPair().publicKey;
      const labelled = sha256(other.export({ type: 'spki', format: 'der' }));
      const given = sha256(publicKey.export({ type: 'spki', format: 'der' }));
      const report = await verifyZip(await buildArchive(CONTENT, signer(privateKey, other)));
      expect(report).toMatchObject({ ok: true, signature: 'valid', problems: [] });
      expect(report.warnings).toEqual([
        {
          path: 'manifest.sig',
          code: 'signature-key-label',
          zh: `签名可用所给公钥验证通过，但 manifest.sig 标注的公钥指纹 ${labelled} 与所给公钥（${given}）不同。`,
          en: `the signature verifies with the given key, but manifest.sig names a different key fingerprint ${labelled} (the given key’s is ${given})`,
        },
      ]);
    });
  });

  describe('evidence against the items’ histories (signed archives, as the writer makes them)', () => {
    it('a file of an item the manifest does not hold: evidence-item-unknown', async () => {
      const report = await verifyZip(
        await buildArchive({
          ...CONTENT,
          items: CONTENT.items.filter((item) => item.ref !== itemB.item.ref),
        }),
      );
      expect(report).toMatchObject({ ok: true, signature: 'valid', problems: [] });
      expect(report.warnings).toEqual([
        {
          path: PNG_PATH,
          code: 'evidence-item-unknown',
          zh: `清单中没有事项 ${itemB.item.ref}，无法将该文件与其历史记录对照。`,
          en: `the manifest has no item ${itemB.item.ref}, so the file cannot be checked against its history`,
        },
      ]);
      expect(report.counts.histories).toBe(2);
    });

    it('a file whose item’s history has no EvidenceStored record of it: evidence-not-in-history', async () => {
      expect(itemB.chain.at(-1)?.type).toBe('EvidenceStored');
      const report = await verifyZip(
        await buildArchive({
          ...CONTENT,
          items: CONTENT.items.map((item) =>
            item.ref === itemB.item.ref ? { ...item, chain: itemB.chain.slice(0, -1) } : item,
          ),
        }),
      );
      expect(report).toMatchObject({ ok: true, signature: 'valid', problems: [] });
      expect(report.warnings).toEqual([
        {
          path: PNG_PATH,
          code: 'evidence-not-in-history',
          zh: `${HISTORY_B} 中没有该材料（ev-b1）的 EvidenceStored 记录，无法与哈希链对照。`,
          en: `${HISTORY_B} has no EvidenceStored record for ev-b1, so the file cannot be tied to the chain`,
        },
      ]);
    });
  });

  describe('the summary against the inspection’s chain', () => {
    it('a summary id other than the sealed record’s: summary-record-mismatch', async () => {
      const report = await verifyZip(
        await buildArchive({ ...CONTENT, summary: { ...SUMMARY, summaryId: 's-2024-09' } }),
      );
      expect(report.signature).toBe('valid');
      expect(report.problems).toEqual([
        {
          path: 'history/inspection.json',
          code: 'summary-record-mismatch',
          zh: '第 2 条记录（SummaryGenerated）是报告 s-2024-10（截至 2024-10-01T00:00:00.000Z），清单称为 s-2024-09（截至 2024-10-01T00:00:00.000Z）。',
          en: 'record 2 (SummaryGenerated) is summary s-2024-10 as of 2024-10-01T00:00:00.000Z, the manifest says s-2024-09 as of 2024-10-01T00:00:00.000Z',
        },
      ]);
    });

    it('a summary file the sealed record does not name: summary-file-not-sealed', async () => {
      const report = await verifyZip(
        await buildArchive({
          ...CONTENT,
          summary: {
            ...SUMMARY,
            files: [...SUMMARY_FILES, { name: 'summary.csv', bytes: Buffer.from('a,b\n') }],
          },
        }),
      );
      expect(report.signature).toBe('valid');
      expect(report.problems).toEqual([
        {
          path: 'summary/summary.csv',
          code: 'summary-file-not-sealed',
          zh: 'history/inspection.json 第 2 条记录（SummaryGenerated）未记录此报告文件。',
          en: 'record 2 of history/inspection.json (SummaryGenerated) does not record this summary file',
        },
      ]);
    });

    it('summary files in a manifest that names no summary: summary-file-not-sealed', async () => {
      const zip = await tamper(intact, (entries) => {
        rewriteManifest(entries, (manifest) => ({ ...manifest, summary: null }));
        return entries;
      });
      const report = await verifyZip(zip, null);
      const unvouched = (path: string) => ({
        path,
        code: 'summary-file-not-sealed',
        zh: '清单未指明报告，此报告文件没有巡察哈希链中的记录为其担保。',
        en: 'the manifest names no summary, so nothing in the inspection’s chain vouches for this summary file',
      });
      expect(report.problems).toEqual([unvouched('summary/summary.json'), unvouched('summary/summary.md')]);
    });

    it('a sealed summary file left out of the archive: a warning, summary-file-absent', async () => {
      const report = await verifyZip(
        await buildArchive({ ...CONTENT, summary: { ...SUMMARY, files: SUMMARY_FILES.slice(0, 1) } }),
      );
      expect(report).toMatchObject({ ok: true, signature: 'valid', problems: [] });
      expect(report.warnings).toEqual([
        {
          path: 'summary/summary.md',
          code: 'summary-file-absent',
          zh: '报告 s-2024-10 的此文件未收入证据包。',
          en: 'this file of summary s-2024-10 is not included in the archive',
        },
      ]);
    });
  });
});
