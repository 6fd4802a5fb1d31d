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
import type { ArchiveManifest, ManifestSignature } from '#shared/domain/archive/manifest.ts';
import { type ArchiveReport, verifyArchive } from '#shared/domain/archive/verify.ts';
import { appendLink } from '#shared/domain/chain.ts';
import { decideVerification, type Evidence } from '#shared/domain/evidence.ts';
import { type InspectionEvent, nextInspectionEvent } from '#shared/domain/inspection-events.ts';
import type { Item, ItemEvent } from '#shared/domain/item.ts';
import { ledgerFromPlan } from '#shared/domain/ledger.ts';
import type { Plan, PlanItem } from '#shared/domain/plan/model.ts';
import { actorRef } from '#shared/domain/roles.ts';
import { decideTransition } from '#shared/domain/transitions.ts';
import { formatArchiveReport, verifyArchiveFile } from '../../cli/verify.ts';
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
