import { createHash, generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { MANIFEST_CSV_COLUMNS, manifestCsv } from '#shared/domain/archive/manifest.ts';
import {
  type ArchiveContents,
  type ArchiveFinding,
  PublicKeyError,
  publicKeySha256,
  readPublicKey,
  unreadableArchiveReport,
  verifyArchive,
} from '#shared/domain/archive/verify.ts';
import { appendLink, GENESIS_HASH, type Linked } from '#shared/domain/chain.ts';

/**
 * The offline verifier's core (archive/verify.ts) on archives held in memory: every finding is
 * asserted whole — path, code, and what the auditor reads in Chinese and English — one change at
 * a time from an intact archive. (test/unit/archive-verify.test.ts drives the same core through
 * real ZIPs and the CLI.) Each archive is built inside its test.
 */

const sha = (bytes: Uint8Array | string) => createHash('sha256').update(bytes).digest('hex');
const json = (value: unknown) => Buffer.from(JSON.stringify(value, null, 2), 'utf8');
const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const pem = (key: KeyObject) => key.export({ type: 'spki', format: 'pem' }).toString();
const PUBLIC_PEM = pem(publicKey);

const EVIDENCE = Buffer.from('%PDF-1.4 整改方案 the stored bytes');
const EVIDENCE_PATH = 'evidence/1.1.1 事项一/ev-1-方案.pdf';
const SUMMARY = Buffer.from('# 整改情况报告\n');
const SUMMARY_PATH = 'summary/summary.md';
const ITEM_HISTORY = 'history/1.1.1.json';
const INSPECTION_HISTORY = 'history/inspection.json';
const CSV_PATH = 'manifest.csv';

interface Parts {
  /** The manifest as an object, to edit before it is signed. */
  manifest: Record<string, unknown> & {
    evidence: Record<string, unknown>[];
    files: Record<string, unknown>[];
    items: Record<string, unknown>[];
    inspectionChain: Record<string, unknown>;
    summary: Record<string, unknown> | null;
    warnings: string[];
  };
  itemChain: Record<string, unknown>[];
  inspectionChain: Record<string, unknown>[];
  /** Every entry's bytes, by path (manifest.json and manifest.sig added when built). */
  files: Map<string, Buffer>;
}

/** A sealed chain record, as the history files hold them. */
type ChainRecord = Record<string, unknown> & Linked;

function chainOf(records: { type: string; data: Record<string, unknown> }[]): ChainRecord[] {
  const chain: ChainRecord[] = [];
  for (const record of records)
    chain.push(
      appendLink<Record<string, unknown>>(chain.at(-1), { ...record, at: '2024-07-01T00:00:00.000Z' }),
    );
  return chain;
}

/** An intact archive's parts: one evidence file, its item's history, the inspection's, one summary file. */
function intactParts(): Parts {
  const itemChain = chainOf([
    { type: 'Imported', data: { title: '事项一' } },
    { type: 'EvidenceStored', data: { evidenceId: 'ev-1', sha256: sha(EVIDENCE), size: EVIDENCE.length } },
  ]);
  const inspectionChain = chainOf([
    { type: 'PlanImported', data: {} },
    {
      type: 'SummaryGenerated',
      data: {
        summaryId: 's-1',
        asOf: '2024-07-01T00:00:00.000Z',
        files: [
          { name: 'summary.md', sha256: sha(SUMMARY), size: SUMMARY.length },
          { name: 'chart.svg', sha256: 'c'.repeat(64), size: 10 },
        ],
      },
    },
  ]);
  const evidence = {
    path: EVIDENCE_PATH,
    evidenceId: 'ev-1',
    itemRef: '1.1.1',
    sha256: sha(EVIDENCE),
    size: EVIDENCE.length,
    contentType: 'application/pdf',
    fileName: '方案.pdf',
    uploadedBy: '张科员',
    uploadedAt: '2024-06-30T00:00:00.000Z',
    state: 'stored' as const,
  };
  const files = new Map<string, Buffer>([
    [EVIDENCE_PATH, EVIDENCE],
    [SUMMARY_PATH, SUMMARY],
    [ITEM_HISTORY, json(itemChain)],
    [INSPECTION_HISTORY, json(inspectionChain)],
    [CSV_PATH, Buffer.from(manifestCsv([evidence]), 'utf8')],
  ]);
  return {
    manifest: {
      schema: 'rectify.archive-manifest/v1',
      archiveId: 'a-0123456789abcdef0123',
      inspection: { inspectionId: 'insp-2024', importId: 'imp-1', title: '巡察', timezone: 'Asia/Shanghai' },
      filters: {},
      generatedAt: '2024-07-02T00:00:00.000Z',
      requestedBy: '巡察组',
      evidence: [evidence],
      files: [],
      items: [
        {
          ref: '1.1.1',
          title: '事项一',
          historyPath: ITEM_HISTORY,
          chainHead: itemChain.at(-1)?.hash,
          chainLength: itemChain.length,
        },
      ],
      inspectionChain: {
        historyPath: INSPECTION_HISTORY,
        chainHead: inspectionChain.at(-1)?.hash,
        chainLength: inspectionChain.length,
      },
      summary: {
        summaryId: 's-1',
        asOf: '2024-07-01T00:00:00.000Z',
        chainHash: inspectionChain.at(-1)?.hash,
      },
      warnings: [],
    },
    itemChain,
    inspectionChain,
    files,
  };
}

const KINDS: Record<string, string> = {
  [ITEM_HISTORY]: 'history',
  [INSPECTION_HISTORY]: 'history',
  [SUMMARY_PATH]: 'summary',
  [CSV_PATH]: 'manifest-csv',
};

/**
 * The archive's contents as the reader gives them to the core: the manifest's `files` listed
 * from the parts (unless an edit set them), the manifest signed with the key.
 */
function contentsOf(
  parts: Parts,
  options: {
    listFiles?: boolean;
    signature?: Buffer | null;
    manifestBytes?: Buffer | null;
    publicKeyPem?: string | null;
    extra?: Partial<ArchiveContents>;
  } = {},
): ArchiveContents {
  const { manifest, files } = parts;
  if (options.listFiles ?? true)
    manifest.files = [...files]
      .filter(([path]) => KINDS[path])
      .map(([path, bytes]) => ({ path, kind: KINDS[path], sha256: sha(bytes), size: bytes.length }));
  const manifestBytes = options.manifestBytes === undefined ? json(manifest) : options.manifestBytes;
  const all = new Map(files);
  if (manifestBytes !== null) all.set('manifest.json', manifestBytes);
  const signature =
    options.signature === undefined
      ? json({
          algorithm: 'ECDSA_SHA_256',
          keyId: 'dev-key',
          publicKeySha256: publicKeySha256(publicKey),
          signature: sign('sha256', manifestBytes ?? Buffer.alloc(0), {
            key: privateKey,
            dsaEncoding: 'der',
          }).toString('base64'),
        })
      : options.signature;
  if (signature !== null) all.set('manifest.sig', signature);
  const readable = new Set(['manifest.json', 'manifest.sig', CSV_PATH, ITEM_HISTORY, INSPECTION_HISTORY]);
  return {
    entries: new Map([...all].map(([path, bytes]) => [path, { sha256: sha(bytes), size: bytes.length }])),
    bytes: (path) => (readable.has(path) ? all.get(path) : undefined),
    ...(options.publicKeyPem === null ? {} : { publicKeyPem: options.publicKeyPem ?? PUBLIC_PEM }),
    ...options.extra,
  };
}

const finding = (path: string, code: string, zh: string, en: string): ArchiveFinding => ({
  path,
  code,
  zh,
  en,
});
const CHART_ABSENT = finding(
  'summary/chart.svg',
  'summary-file-absent',
  '报告 s-1 的此文件未收入证据包。',
  'this file of summary s-1 is not included in the archive',
);

describe('an intact archive', () => {
  it('verifies, with its signature valid, counting its files', () => {
    const report = verifyArchive(contentsOf(intactParts()));
    expect(report).toEqual({
      ok: true,
      signature: 'valid',
      problems: [],
      warnings: [CHART_ABSENT],
      counts: { evidence: 1, histories: 2, files: 7 },
    });
  });

  it('says the signature was not checked when no key is given', () => {
    const report = verifyArchive(contentsOf(intactParts(), { publicKeyPem: null }));
    expect(report.signature).toBe('not-checked');
    expect(report.warnings).toEqual([
      finding(
        'manifest.sig',
        'signature-not-checked',
        '未提供公钥，未核验签名：无法确认证据包确由系统生成、清单未被改动（其余各项均已核验）。请另行取得公钥后用 --public-key 再核验一次。',
        'no public key was given, so the signature was NOT checked: the archive’s authenticity (that the system made it and the manifest is unaltered) is not established. Everything else was checked. Obtain the public key separately and verify again with --public-key.',
      ),
      CHART_ABSENT,
    ]);
    expect(report.ok).toBe(true);
  });
});

describe('the key given', () => {
  it.each([
    ['an EC key on another curve', pem(generateKeyPairSync('ec', { namedCurve: 'P-384' }).publicKey)],
    ['an Ed25519 key', pem(generateKeyPairSync('ed25519').publicKey)],
  ])('refuses %s', (_case, key) => {
    expect(() => readPublicKey(key)).toThrow(
      new PublicKeyError(
        '公钥不是 ECDSA P-256 公钥，证据包签名使用 P-256。',
        'the public key is not an ECDSA P-256 key; archives are signed with P-256',
      ),
    );
  });

  it('says in both languages why a key cannot be read', () => {
    try {
      readPublicKey('not a key');
      throw new Error('expected a PublicKeyError');
    } catch (error) {
      expect(error).toBeInstanceOf(PublicKeyError);
      expect((error as PublicKeyError).name).toBe('PublicKeyError');
      expect((error as PublicKeyError).zh).toMatch(/^无法读取公钥：.+/);
      expect((error as PublicKeyError).en).toMatch(/^cannot read the public key: .+/);
      expect((error as PublicKeyError).message).toBe((error as PublicKeyError).en);
    }
  });
});

describe('the ZIP itself', () => {
  it('reports unsafe, duplicate and damaged entries as the reader found them', () => {
    const report = verifyArchive(
      contentsOf(intactParts(), {
        extra: {
          unsafeEntries: ['../evil.txt'],
          duplicateEntries: [EVIDENCE_PATH, EVIDENCE_PATH],
          damagedEntries: [
            { path: SUMMARY_PATH, reason: 'crc' },
            { path: 'big.bin', reason: 'too-large', detail: '5 GB' },
            { path: 'odd.bin', reason: 'too-large' },
            { path: 'bad.bin', reason: 'unreadable', detail: 'invalid header' },
            { path: 'worse.bin', reason: 'unreadable' },
          ],
        },
      }),
    );
    expect(report.problems).toEqual([
      finding(
        '../evil.txt',
        'entry-unsafe-name',
        '条目名称不安全（可能指向证据包目录之外，或在 Windows 上无法解压）："../evil.txt"。证据包从不写入这样的名称。',
        'unsafe entry name (it could point outside the archive\'s folder or not extract on Windows): "../evil.txt"; archives never hold such names',
      ),
      finding(
        EVIDENCE_PATH,
        'entry-duplicate',
        '同名条目出现多次：不同的解压工具可能取出不同的内容。',
        'the entry appears more than once: different unzip tools may extract different contents',
      ),
      finding(
        SUMMARY_PATH,
        'entry-damaged',
        '条目内容与 ZIP 记录的 CRC-32 不符：文件已被改动或损坏。',
        'the entry fails the ZIP’s CRC-32 check: its bytes were altered or damaged',
      ),
      finding(
        'big.bin',
        'entry-too-large',
        '条目过大，未读取其内容（5 GB）。',
        'the entry is too large to read (5 GB)',
      ),
      finding('odd.bin', 'entry-too-large', '条目过大，未读取其内容。', 'the entry is too large to read'),
      finding(
        'bad.bin',
        'entry-unreadable',
        '无法读取条目（invalid header）。',
        'the entry cannot be read (invalid header)',
      ),
      finding('worse.bin', 'entry-unreadable', '无法读取条目。', 'the entry cannot be read'),
    ]);
  });

  it('reports a damaged manifest once, as damaged, not also as missing', () => {
    const report = verifyArchive(
      contentsOf(intactParts(), {
        manifestBytes: null,
        extra: { damagedEntries: [{ path: 'manifest.json', reason: 'crc' }] },
      }),
    );
    expect(report.problems.map((problem) => [problem.path, problem.code])).toEqual([
      ['manifest.json', 'entry-damaged'],
    ]);
    expect(report.signature).toBe('invalid');
  });

  it('reports a missing manifest in both languages', () => {
    const report = verifyArchive(contentsOf(intactParts(), { manifestBytes: null }));
    expect(report.problems).toEqual([
      finding(
        'manifest.json',
        'manifest-missing',
        '缺少清单 manifest.json：无法核验任何文件。',
        'manifest.json is missing: nothing can be checked',
      ),
    ]);
    expect(report.counts).toEqual({ evidence: 0, histories: 0, files: 6 });
  });

  it('says what a file that is no ZIP is', () => {
    expect(unreadableArchiveReport('x.zip', 'end of central directory not found')).toEqual({
      ok: false,
      signature: 'not-checked',
      problems: [
        finding(
          'x.zip',
          'archive-unreadable',
          '不是可读取的 ZIP 文件：end of central directory not found',
          'not a readable ZIP file: end of central directory not found',
        ),
      ],
      warnings: [],
      counts: { evidence: 0, histories: 0, files: 0 },
    });
  });
});

describe('manifest.json and manifest.sig', () => {
  it('reports a manifest that is not UTF-8, or not JSON', () => {
    const notUtf8 = verifyArchive(contentsOf(intactParts(), { manifestBytes: Buffer.from([0xff, 0xfe]) }));
    expect(notUtf8.problems).toContainEqual(
      finding(
        'manifest.json',
        'entry-not-utf8',
        '内容不是有效的 UTF-8 文本。',
        'the content is not valid UTF-8 text',
      ),
    );
    const notJson = verifyArchive(contentsOf(intactParts(), { manifestBytes: Buffer.from('{') }));
    const problem = notJson.problems.find((found) => found.code === 'json-unreadable');
    expect(problem?.path).toBe('manifest.json');
    expect(problem?.zh).toMatch(/^不是有效的 JSON：.+/);
    expect(problem?.en).toMatch(/^not valid JSON: .+/);
  });

  it('lists the first five schema issues at their paths, the whole value as (root)', () => {
    const parts = intactParts();
    const broken = {
      ...parts.manifest,
      archiveId: 1,
      generatedAt: 2,
      requestedBy: 3,
      filters: 4,
      warnings: 5,
      inspection: 6,
    };
    const report = verifyArchive(contentsOf(parts, { listFiles: false, manifestBytes: json(broken) }));
    const schema = report.problems.find((problem) => problem.code === 'manifest-schema');
    const issues = [
      'archiveId: Invalid input: expected string, received number',
      'inspection: Invalid input: expected object, received number',
      'filters: Invalid input: expected record, received number',
      'generatedAt: Invalid input: expected string, received number',
      'requestedBy: Invalid input: expected string, received number',
    ].join('; ');
    expect(schema).toEqual(
      finding(
        'manifest.json',
        'manifest-schema',
        `清单不符合 rectify.archive-manifest/v1 格式：${issues}`,
        `the manifest does not follow rectify.archive-manifest/v1: ${issues}`,
      ),
    );
    const root = verifyArchive(contentsOf(parts, { manifestBytes: json([]) }));
    expect(root.problems.find((problem) => problem.code === 'manifest-schema')?.en).toBe(
      'the manifest does not follow rectify.archive-manifest/v1: (root): Invalid input: expected object, received array',
    );
  });

  it('reports a missing signature', () => {
    const report = verifyArchive(contentsOf(intactParts(), { signature: null }));
    expect(report.signature).toBe('missing');
    expect(report.problems).toEqual([
      finding(
        'manifest.sig',
        'signature-missing',
        '缺少签名文件 manifest.sig：无法确认证据包的真实性。',
        'manifest.sig is missing: the archive’s authenticity cannot be established',
      ),
    ]);
  });

  it('reports a signature file that is not one, issue by issue', () => {
    const report = verifyArchive(
      contentsOf(intactParts(), { signature: json({ algorithm: 'RSA', signature: '***' }) }),
    );
    expect(report.signature).toBe('invalid');
    const issues = [
      'algorithm: Invalid input: expected "ECDSA_SHA_256"',
      'keyId: Invalid input: expected string, received undefined',
      'publicKeySha256: Invalid input: expected string, received undefined',
      'signature: expected base64',
    ].join('; ');
    expect(report.problems).toEqual([
      finding(
        'manifest.sig',
        'signature-unreadable',
        `签名文件格式不正确：${issues}`,
        `manifest.sig is not a valid signature file: ${issues}`,
      ),
    ]);
    const root = verifyArchive(contentsOf(intactParts(), { signature: json('x') }));
    expect(root.problems[0]?.en).toBe(
      'manifest.sig is not a valid signature file: (root): Invalid input: expected object, received string',
    );
  });

  it('reports a signature file that is not JSON as invalid', () => {
    const report = verifyArchive(contentsOf(intactParts(), { signature: Buffer.from('not json') }));
    expect(report.signature).toBe('invalid');
    expect(report.problems.map((problem) => [problem.path, problem.code])).toEqual([
      ['manifest.sig', 'json-unreadable'],
    ]);
  });

  it('reports an altered manifest as an invalid signature', () => {
    const parts = intactParts();
    const contents = contentsOf(parts);
    const signature = contents.bytes('manifest.sig') as Buffer;
    parts.manifest.requestedBy = '别人';
    const report = verifyArchive(contentsOf(parts, { signature }));
    expect(report.signature).toBe('invalid');
    expect(report.problems).toContainEqual(
      finding(
        'manifest.json',
        'signature-invalid',
        '签名无效：manifest.json 的内容与签名不符，清单（或签名）已被改动。',
        'the signature is invalid: manifest.json does not match its signature, so the manifest (or manifest.sig) was altered',
      ),
    );
  });

  it('reports a signature of bytes that are no DER signature as invalid', () => {
    const signature = json({
      algorithm: 'ECDSA_SHA_256',
      keyId: 'dev-key',
      publicKeySha256: publicKeySha256(publicKey),
      signature: 'AAAA',
    });
    expect(verifyArchive(contentsOf(intactParts(), { signature })).signature).toBe('invalid');
  });

  it('tells a signature by another key from a mislabelled one', () => {
    const other = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey;
    const given = publicKeySha256(other);
    const named = publicKeySha256(publicKey);
    const byOther = verifyArchive(contentsOf(intactParts(), { publicKeyPem: pem(other) }));
    expect(byOther.signature).toBe('invalid');
    expect(byOther.problems).toEqual([
      finding(
        'manifest.sig',
        'signature-other-key',
        `签名不是用所给公钥对应的密钥生成的：manifest.sig 标注的公钥指纹为 ${named}（密钥 dev-key），所给公钥的指纹为 ${given}，签名无法用所给公钥验证。请确认公钥来源。`,
        `the archive was not signed with the given key: manifest.sig names key fingerprint ${named} (key dev-key), the given key’s is ${given}, and the signature does not verify with it. Check where the key came from.`,
      ),
    ]);
    const parts = intactParts();
    const manifestBytes = json(parts.manifest);
    const mislabelled = json({
      algorithm: 'ECDSA_SHA_256',
      keyId: 'dev-key',
      publicKeySha256: 'e'.repeat(64),
      signature: sign('sha256', manifestBytes, { key: privateKey, dsaEncoding: 'der' }).toString('base64'),
    });
    const labelled = verifyArchive(
      contentsOf(parts, { listFiles: false, manifestBytes, signature: mislabelled }),
    );
    expect(labelled.signature).toBe('valid');
    expect(labelled.warnings[0]).toEqual(
      finding(
        'manifest.sig',
        'signature-key-label',
        `签名可用所给公钥验证通过，但 manifest.sig 标注的公钥指纹 ${'e'.repeat(64)} 与所给公钥（${named}）不同。`,
        `the signature verifies with the given key, but manifest.sig names a different key fingerprint ${'e'.repeat(64)} (the given key’s is ${named})`,
      ),
    );
  });
});

describe('entries against the manifest', () => {
  it('reports a listed file missing, an altered one, an unlisted one, and a path listed twice', () => {
    const parts = intactParts();
    parts.files.delete(SUMMARY_PATH);
    const altered = Buffer.from('%PDF-1.4 altered');
    parts.files.set(EVIDENCE_PATH, altered);
    parts.files.set('extra.txt', Buffer.from('x'));
    const contents = contentsOf(parts);
    parts.manifest.files.push({ ...parts.manifest.files[0] });
    parts.manifest.files.push({
      path: SUMMARY_PATH,
      kind: 'summary',
      sha256: sha(SUMMARY),
      size: SUMMARY.length,
    });
    const report = verifyArchive(contentsOf(parts, { listFiles: false }));
    expect(report.problems.filter((problem) => problem.code !== 'signature-invalid')).toEqual([
      finding(
        ITEM_HISTORY,
        'manifest-duplicate-path',
        '清单中同一路径列出了多次。',
        'the manifest lists this path more than once',
      ),
      finding(
        EVIDENCE_PATH,
        'entry-mismatch',
        `文件内容与清单不符：包内文件 SHA-256 为 ${sha(altered)}（${altered.length} 字节），清单记录为 ${sha(EVIDENCE)}（${EVIDENCE.length} 字节）。文件已被改动。`,
        `the file does not match the manifest: it hashes to ${sha(altered)} (${altered.length} bytes), the manifest says ${sha(EVIDENCE)} (${EVIDENCE.length} bytes). The file was altered.`,
      ),
      finding(
        SUMMARY_PATH,
        'entry-missing',
        '清单列出的文件不在证据包中。',
        'the manifest lists this file but the archive does not hold it',
      ),
      finding(
        'extra.txt',
        'entry-unlisted',
        '证据包中有清单未列出的文件：它未经签名清单担保，不应出现在包中。',
        'the archive holds a file the manifest does not list: nothing signed vouches for it',
      ),
    ]);
    expect(contents.entries.has('extra.txt')).toBe(true);
  });

  it('does not report a damaged listed file as missing too', () => {
    const parts = intactParts();
    parts.files.delete(EVIDENCE_PATH);
    parts.manifest.files = [];
    const contents = contentsOf(parts, {
      extra: { damagedEntries: [{ path: EVIDENCE_PATH, reason: 'crc' }] },
    });
    const report = verifyArchive(contents);
    expect(
      report.problems.filter((problem) => problem.path === EVIDENCE_PATH).map((problem) => problem.code),
    ).toEqual(['entry-damaged']);
  });

  it('reports a file with the listed hash but another size', () => {
    const parts = intactParts();
    const contents = contentsOf(parts);
    const entries = new Map(contents.entries);
    entries.set(EVIDENCE_PATH, { sha256: sha(EVIDENCE), size: EVIDENCE.length + 1 });
    const report = verifyArchive({ ...contents, entries });
    expect(report.problems.map((problem) => [problem.path, problem.code])).toEqual([
      [EVIDENCE_PATH, 'entry-mismatch'],
    ]);
  });

  it('warns of what the manifest warns of, except a mismatch it reports as a problem', () => {
    const parts = intactParts();
    parts.manifest.warnings = [`${EVIDENCE_PATH}: hashed differently`, 'a file could not be read'];
    parts.manifest.evidence[0] = { ...parts.manifest.evidence[0], state: 'mismatch' };
    const report = verifyArchive(contentsOf(parts));
    expect(report.warnings).toContainEqual(
      finding(
        'manifest.json',
        'manifest-warning',
        '清单记录的警告：a file could not be read',
        'the manifest records a warning: a file could not be read',
      ),
    );
    expect(report.warnings.filter((warning) => warning.code === 'manifest-warning')).toHaveLength(1);
    const stored = intactParts();
    stored.manifest.warnings = [`${EVIDENCE_PATH}: hashed differently`];
    expect(verifyArchive(contentsOf(stored)).warnings.map((warning) => warning.code)).toContain(
      'manifest-warning',
    );
  });
});

describe('manifest.csv', () => {
  const withCsv = (csv: string) => {
    const parts = intactParts();
    parts.files.set(CSV_PATH, Buffer.from(csv, 'utf8'));
    return verifyArchive(contentsOf(parts)).problems.filter((problem) => problem.path === CSV_PATH);
  };
  const header = MANIFEST_CSV_COLUMNS.join(',');
  const row = `${EVIDENCE_PATH},ev-1,1.1.1,${sha(EVIDENCE)},${EVIDENCE.length},application/pdf,张科员,2024-06-30T00:00:00.000Z,,stored`;

  it('reports a header that is not the manifest’s', () => {
    expect(withCsv('path,evidenceId\n')).toEqual([
      finding(
        CSV_PATH,
        'csv-header',
        `表头应为 ${header}，实为 path,evidenceId。`,
        `the header should be ${header}, found path,evidenceId`,
      ),
    ]);
  });

  it('reports a row more, a row less, and a row that differs, field by field', () => {
    expect(withCsv(`${header}\n${row}\nextra/file.pdf,ev-9\n`)).toEqual([
      finding(
        CSV_PATH,
        'csv-row-extra',
        '第 2 行（文件第 3 行）在 manifest.json 中没有对应的材料：extra/file.pdf',
        'row 2 (line 3) has no counterpart in manifest.json: extra/file.pdf',
      ),
    ]);
    expect(withCsv(`${header}\n`)).toEqual([
      finding(
        CSV_PATH,
        'csv-row-missing',
        `缺少第 1 行：manifest.json 中的材料 ev-1（${EVIDENCE_PATH}）未列出。`,
        `row 1 is missing: evidence ev-1 (${EVIDENCE_PATH}) of manifest.json is not listed`,
      ),
    ]);
    const changed = row.replace('张科员', '李科员').replace(',stored', ',withdrawn');
    expect(withCsv(`${header}\n${changed}\n`)).toEqual([
      finding(
        CSV_PATH,
        'csv-row-mismatch',
        '第 1 行（文件第 2 行，材料 ev-1）与 manifest.json 不符：uploadedBy 为 “李科员”，应为 “张科员”；state 为 “withdrawn”，应为 “stored”。',
        'row 1 (line 2, evidence ev-1) differs from manifest.json: uploadedBy is "李科员", manifest.json says "张科员"; state is "withdrawn", manifest.json says "stored"',
      ),
    ]);
  });

  it('reports a row that is short of cells as differing, and reads a row in the manifest’s words as the same', () => {
    expect(withCsv(`${header}\n${row}\n`)).toEqual([]);
    const short = row.split(',').slice(0, 9).join(',');
    expect(withCsv(`${header}\n${short}\n`)[0]?.en).toBe(
      'row 1 (line 2, evidence ev-1) differs from manifest.json: state is "", manifest.json says "stored"',
    );
  });

  it('reports a CSV it cannot parse', () => {
    const [problem] = withCsv(`${header}\n"unclosed\n`);
    expect(problem?.code).toBe('csv-unreadable');
    expect(problem?.zh).toMatch(/^无法解析 CSV：.+/);
    expect(problem?.en).toMatch(/^cannot parse the CSV: .+/);
  });
});

describe('histories', () => {
  const problemsAt = (parts: Parts, path: string) =>
    verifyArchive(contentsOf(parts)).problems.filter((problem) => problem.path === path);

  it('reports a history the manifest’s files do not list', () => {
    const parts = intactParts();
    contentsOf(parts);
    parts.manifest.files = parts.manifest.files.filter((file) => file.path !== ITEM_HISTORY);
    const report = verifyArchive(contentsOf(parts, { listFiles: false }));
    expect(report.problems.filter((problem) => problem.code === 'history-not-listed')).toEqual([
      finding(
        ITEM_HISTORY,
        'history-not-listed',
        '清单的 files 中没有列出 1.1.1 的历史文件，其哈希未经清单担保。',
        'the manifest’s files do not list 1.1.1’s history, so nothing vouches for its hash',
      ),
    ]);
  });

  it('reports a history that is no chain', () => {
    const parts = intactParts();
    parts.files.set(ITEM_HISTORY, json([{ seq: 'one' }]));
    expect(problemsAt(parts, ITEM_HISTORY)).toEqual([
      finding(
        ITEM_HISTORY,
        'history-unreadable',
        '历史文件不是哈希链记录数组：[0].seq: Invalid input: expected number, received string',
        'the history file is not an array of chain records: [0].seq: Invalid input: expected number, received string',
      ),
    ]);
    parts.files.set(ITEM_HISTORY, json({}));
    expect(problemsAt(parts, ITEM_HISTORY)[0]?.en).toBe(
      'the history file is not an array of chain records: (root): Invalid input: expected array, received object',
    );
  });

  it('reports a broken chain, saying where and why', () => {
    const parts = intactParts();
    const [first, second] = parts.itemChain as [Record<string, unknown>, Record<string, unknown>];
    parts.files.set(ITEM_HISTORY, json([first, { ...second, seq: 3 }]));
    expect(problemsAt(parts, ITEM_HISTORY)).toEqual([
      finding(
        ITEM_HISTORY,
        'chain-broken',
        '哈希链在第 2 条记录处断裂（序号不连续，有记录缺失或被插入）：expected seq 2, found 3',
        'the hash chain breaks at record 2 (seq-gap): expected seq 2, found 3',
      ),
    ]);
  });

  it('reports an intact chain that is not the one the manifest names', () => {
    const parts = intactParts();
    const [first] = parts.itemChain as [Record<string, unknown>];
    parts.files.set(ITEM_HISTORY, json([first]));
    expect(problemsAt(parts, ITEM_HISTORY)).toEqual([
      finding(
        ITEM_HISTORY,
        'chain-head-mismatch',
        `哈希链本身完整，但与清单不符：链尾哈希 ${first.hash}、共 1 条记录，清单记录为 ${parts.itemChain[1]?.hash}、2 条。记录被替换、截断或增添过。`,
        `the chain is intact but not the one the manifest names: it ends at ${first.hash} after 1 records, the manifest says ${parts.itemChain[1]?.hash} after 2. Records were replaced, cut or added.`,
      ),
    ]);
    expect(first.prevHash).toBe(GENESIS_HASH);
  });
});

describe('evidence against its item’s chain', () => {
  it('reports a file whose item’s chain recorded another hash or size', () => {
    const parts = intactParts();
    const chain = chainOf([
      { type: 'Imported', data: {} },
      { type: 'EvidenceStored', data: { evidenceId: 'ev-1', sha256: 'd'.repeat(64), size: 3 } },
      { type: 'EvidenceStored', data: { evidenceId: 'ev-2', sha256: sha(EVIDENCE), size: EVIDENCE.length } },
    ]);
    parts.itemChain = chain;
    parts.files.set(ITEM_HISTORY, json(chain));
    parts.manifest.items[0] = { ...parts.manifest.items[0], chainHead: chain.at(-1)?.hash, chainLength: 3 };
    expect(verifyArchive(contentsOf(parts)).problems).toEqual([
      finding(
        EVIDENCE_PATH,
        'evidence-not-as-recorded',
        `${ITEM_HISTORY} 第 2 条记录（EvidenceStored）登记该材料的 SHA-256 为 ${'d'.repeat(64)}（3 字节），清单中的文件为 ${sha(EVIDENCE)}（${EVIDENCE.length} 字节）：这不是当初校验存储的那份文件。`,
        `record 2 of ${ITEM_HISTORY} (EvidenceStored) recorded SHA-256 ${'d'.repeat(64)} (3 bytes) for this file, the archive’s file is ${sha(EVIDENCE)} (${EVIDENCE.length} bytes): it is not the file that was verified and stored`,
      ),
    ]);
  });

  it.each([
    ['the size differs', { sha256: sha(EVIDENCE), size: 1 }, true],
    ['no size was recorded', { sha256: sha(EVIDENCE) }, false],
    ['the latest record counts', null, false],
  ])('checks the size too: %s', (_case, data, reported) => {
    const parts = intactParts();
    const stored = (extra: Record<string, unknown>) => ({
      type: 'EvidenceStored',
      data: { evidenceId: 'ev-1', ...extra },
    });
    const records =
      data === null
        ? [
            stored({ sha256: 'f'.repeat(64), size: 1 }),
            stored({ sha256: sha(EVIDENCE), size: EVIDENCE.length }),
          ]
        : [stored(data)];
    const chain = chainOf([{ type: 'Imported', data: {} }, ...records]);
    parts.files.set(ITEM_HISTORY, json(chain));
    parts.manifest.items[0] = {
      ...parts.manifest.items[0],
      chainHead: chain.at(-1)?.hash,
      chainLength: chain.length,
    };
    const codes = verifyArchive(contentsOf(parts)).problems.map((problem) => problem.code);
    expect(codes.includes('evidence-not-as-recorded')).toBe(reported);
  });

  it('warns of a file its item or its chain cannot vouch for', () => {
    const unknownItem = intactParts();
    unknownItem.manifest.evidence[0] = { ...unknownItem.manifest.evidence[0], itemRef: '9.9.9' };
    unknownItem.files.set(CSV_PATH, Buffer.from(manifestCsv(unknownItem.manifest.evidence as never), 'utf8'));
    expect(verifyArchive(contentsOf(unknownItem)).warnings).toContainEqual(
      finding(
        EVIDENCE_PATH,
        'evidence-item-unknown',
        '清单中没有事项 9.9.9，无法将该文件与其历史记录对照。',
        'the manifest has no item 9.9.9, so the file cannot be checked against its history',
      ),
    );
    const notStored = intactParts();
    const chain = chainOf([
      { type: 'Imported', data: {} },
      { type: 'EvidenceRejected', data: { evidenceId: 'ev-1' } },
    ]);
    notStored.files.set(ITEM_HISTORY, json(chain));
    notStored.manifest.items[0] = {
      ...notStored.manifest.items[0],
      chainHead: chain.at(-1)?.hash,
      chainLength: 2,
    };
    expect(verifyArchive(contentsOf(notStored)).warnings).toContainEqual(
      finding(
        EVIDENCE_PATH,
        'evidence-not-in-history',
        `${ITEM_HISTORY} 中没有该材料（ev-1）的 EvidenceStored 记录，无法与哈希链对照。`,
        `${ITEM_HISTORY} has no EvidenceStored record for ev-1, so the file cannot be tied to the chain`,
      ),
    );
  });

  it('reports a file marked mismatch once, against the hash the ledger recorded', () => {
    const parts = intactParts();
    const recorded = sha('the original');
    const chain = chainOf([
      { type: 'Imported', data: {} },
      { type: 'EvidenceStored', data: { evidenceId: 'ev-1', sha256: recorded, size: EVIDENCE.length } },
    ]);
    parts.files.set(ITEM_HISTORY, json(chain));
    parts.manifest.items[0] = { ...parts.manifest.items[0], chainHead: chain.at(-1)?.hash, chainLength: 2 };
    parts.manifest.evidence[0] = {
      ...parts.manifest.evidence[0],
      state: 'mismatch',
      recordedSha256: recorded,
    };
    parts.files.set(CSV_PATH, Buffer.from(manifestCsv(parts.manifest.evidence as never), 'utf8'));
    expect(verifyArchive(contentsOf(parts)).problems).toEqual([
      finding(
        EVIDENCE_PATH,
        'evidence-mismatch',
        `生成证据包时，该文件的内容与台账记录不一致（台账记录 SHA-256 ${recorded}，包内文件为 ${sha(EVIDENCE)}）：它不是当初校验存储的那份材料，不能作为有效佐证。`,
        `when the archive was made this file did not match the ledger (recorded SHA-256 ${recorded}, the file in the archive hashes to ${sha(EVIDENCE)}): it is not the file that was verified and stored, and cannot count as evidence`,
      ),
    ]);
  });

  it('says so when a mismatch has no recorded hash, and checks it against the chain', () => {
    const parts = intactParts();
    parts.manifest.evidence[0] = { ...parts.manifest.evidence[0], state: 'mismatch' };
    parts.files.set(CSV_PATH, Buffer.from(manifestCsv(parts.manifest.evidence as never), 'utf8'));
    const problems = verifyArchive(contentsOf(parts)).problems;
    expect(problems.map((problem) => problem.code)).toEqual(['evidence-mismatch']);
    expect(problems[0]?.zh).toContain('台账记录 SHA-256 （未记录）');
    expect(problems[0]?.en).toContain('recorded SHA-256 (none)');
  });
});

describe('the summary', () => {
  const withInspectionChain = (parts: Parts, records: { type: string; data: Record<string, unknown> }[]) => {
    const chain = chainOf(records);
    parts.files.set(INSPECTION_HISTORY, json(chain));
    parts.manifest.inspectionChain = {
      ...parts.manifest.inspectionChain,
      chainHead: chain.at(-1)?.hash,
      chainLength: chain.length,
    };
    return chain;
  };
  const sealedFiles = [
    { name: 'summary.md', sha256: sha(SUMMARY), size: SUMMARY.length },
    { name: '../outside.md', sha256: 'a'.repeat(64), size: 1 },
    { name: 7 },
    null,
  ];

  it('reports summary files when the manifest names no summary', () => {
    const parts = intactParts();
    parts.manifest.summary = null;
    expect(verifyArchive(contentsOf(parts)).problems).toEqual([
      finding(
        SUMMARY_PATH,
        'summary-file-not-sealed',
        '清单未指明报告，此报告文件没有巡察哈希链中的记录为其担保。',
        'the manifest names no summary, so nothing in the inspection’s chain vouches for this summary file',
      ),
    ]);
  });

  it('reports a summary the inspection’s chain never recorded', () => {
    const parts = intactParts();
    const chain = withInspectionChain(parts, [{ type: 'PlanImported', data: {} }]);
    parts.manifest.summary = { summaryId: 's-1', asOf: 'x', chainHash: chain[0]?.hash };
    expect(verifyArchive(contentsOf(parts)).problems).toEqual([
      finding(
        INSPECTION_HISTORY,
        'summary-not-in-chain',
        `巡察哈希链中没有哈希为 ${chain[0]?.hash} 的 SummaryGenerated 记录：清单中的报告 s-1 未被记录。`,
        `the inspection’s chain has no SummaryGenerated record with hash ${chain[0]?.hash}: summary s-1 named by the manifest was never recorded`,
      ),
    ]);
  });

  it('reports a summary record of another summary, and files it does not seal', () => {
    const parts = intactParts();
    const chain = withInspectionChain(parts, [
      { type: 'PlanImported', data: {} },
      { type: 'SummaryGenerated', data: { summaryId: 's-0', asOf: 'earlier', files: sealedFiles.slice(1) } },
    ]);
    parts.manifest.summary = { summaryId: 's-1', asOf: 'now', chainHash: chain[1]?.hash };
    expect(verifyArchive(contentsOf(parts)).problems).toEqual([
      finding(
        INSPECTION_HISTORY,
        'summary-record-mismatch',
        '第 2 条记录（SummaryGenerated）是报告 s-0（截至 earlier），清单称为 s-1（截至 now）。',
        'record 2 (SummaryGenerated) is summary s-0 as of earlier, the manifest says s-1 as of now',
      ),
      finding(
        SUMMARY_PATH,
        'summary-file-not-sealed',
        `${INSPECTION_HISTORY} 第 2 条记录（SummaryGenerated）未记录此报告文件。`,
        `record 2 of ${INSPECTION_HISTORY} (SummaryGenerated) does not record this summary file`,
      ),
    ]);
  });

  it.each([
    ['another hash', { sha256: 'b'.repeat(64), size: SUMMARY.length }],
    ['another size', { sha256: sha(SUMMARY), size: 1 }],
  ])('reports a summary file the record sealed with %s', (_case, seal) => {
    const parts = intactParts();
    const chain = withInspectionChain(parts, [
      { type: 'PlanImported', data: {} },
      {
        type: 'SummaryGenerated',
        data: { summaryId: 's-1', asOf: 'now', files: [{ name: 'summary.md', ...seal }] },
      },
    ]);
    parts.manifest.summary = { summaryId: 's-1', asOf: 'now', chainHash: chain[1]?.hash };
    expect(verifyArchive(contentsOf(parts)).problems).toEqual([
      finding(
        SUMMARY_PATH,
        'summary-file-mismatch',
        `报告文件与 ${INSPECTION_HISTORY} 第 2 条记录（SummaryGenerated）不符：记录为 SHA-256 ${seal.sha256}（${seal.size} 字节），包内为 ${sha(SUMMARY)}（${SUMMARY.length} 字节）。`,
        `the summary file does not match record 2 of ${INSPECTION_HISTORY} (SummaryGenerated): recorded SHA-256 ${seal.sha256} (${seal.size} bytes), the archive holds ${sha(SUMMARY)} (${SUMMARY.length} bytes)`,
      ),
    ]);
  });

  it('reads sealed names as entry names, skips what is no name, and warns only of sealed files it lacks', () => {
    const parts = intactParts();
    const chain = withInspectionChain(parts, [
      { type: 'PlanImported', data: {} },
      { type: 'SummaryGenerated', data: { summaryId: 's-1', asOf: 'now', files: sealedFiles } },
    ]);
    parts.manifest.summary = { summaryId: 's-1', asOf: 'now', chainHash: chain[1]?.hash };
    const report = verifyArchive(contentsOf(parts));
    expect(report.problems).toEqual([]);
    expect(report.warnings).toEqual([
      finding(
        'summary/_outside.md',
        'summary-file-absent',
        '报告 s-1 的此文件未收入证据包。',
        'this file of summary s-1 is not included in the archive',
      ),
    ]);
  });

  it('does not warn of a sealed file the archive holds unlisted', () => {
    const parts = intactParts();
    parts.files.set('summary/chart.svg', Buffer.from('<svg/>'));
    const contents = contentsOf(parts);
    const report = verifyArchive(contents);
    expect(report.warnings.filter((warning) => warning.code === 'summary-file-absent')).toEqual([]);
  });

  it('reads a summary record without files as sealing none', () => {
    const parts = intactParts();
    const chain = withInspectionChain(parts, [
      { type: 'PlanImported', data: {} },
      { type: 'SummaryGenerated', data: { summaryId: 's-1', asOf: 'now' } },
    ]);
    parts.manifest.summary = { summaryId: 's-1', asOf: 'now', chainHash: chain[1]?.hash };
    expect(verifyArchive(contentsOf(parts)).problems.map((problem) => problem.code)).toEqual([
      'summary-file-not-sealed',
    ]);
  });
});
