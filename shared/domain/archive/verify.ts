import { createHash, createPublicKey, type KeyObject, verify } from 'node:crypto';
import { parse as parseCsv } from 'csv-parse/sync';
import * as z from 'zod';
import { verifyChain } from '../chain.ts';
import { formatPath } from '../validation.ts';
import { summaryEntry } from './entry-names.ts';
import {
  MANIFEST_CSV_COLUMNS,
  MANIFEST_ENTRY,
  MANIFEST_SCHEMA,
  type ManifestEvidence,
  manifestCsvCell,
  SIGNATURE_ENTRY,
} from './manifest.ts';

/**
 * Checking an evidence archive (证据包) offline, trusting nothing the server says: the core that
 * `rectify verify` runs once a reader has hashed every entry of the ZIP. Pure apart from hashing
 * and signature checks (node:crypto): no AWS, no file system.
 *
 * What holds when the report is ok (and the signature valid): manifest.json is exactly what the
 * key's holder signed; every entry of the ZIP is one the manifest lists, with the SHA-256 and size
 * it says, and nothing else is there; manifest.csv says what manifest.json says; every history
 * file is an intact hash chain ending where the manifest says; every evidence file is the one its
 * item's chain recorded as stored; and the summary files are those the inspection's chain sealed.
 */

/** One finding, naming the entry it is about, in both languages. */
export interface ArchiveFinding {
  readonly path: string;
  readonly code: string;
  readonly zh: string;
  readonly en: string;
}

export type SignatureStatus = 'valid' | 'invalid' | 'not-checked' | 'missing';

export interface ArchiveReport {
  /** No problems. The signature may still be unchecked: see `signature`. */
  readonly ok: boolean;
  readonly signature: SignatureStatus;
  readonly problems: readonly ArchiveFinding[];
  readonly warnings: readonly ArchiveFinding[];
  readonly counts: {
    /** Evidence files the manifest lists. */
    readonly evidence: number;
    /** History files checked as chains (the items' and the inspection's). */
    readonly histories: number;
    /** Entries in the ZIP. */
    readonly files: number;
  };
}

/** An entry as the reader found it: the SHA-256 and size of its bytes. */
export interface EntryDigest {
  readonly sha256: string;
  readonly size: number;
}

/** An entry the reader could not read whole, or whose bytes fail the ZIP's own CRC-32. */
export interface DamagedEntry {
  readonly path: string;
  readonly reason: 'crc' | 'unreadable' | 'too-large';
  readonly detail?: string;
}

export interface ArchiveContents {
  /** Every entry of the ZIP (the first, for a name found twice). */
  readonly entries: ReadonlyMap<string, EntryDigest>;
  /**
   * The exact bytes of the small entries the checks read: manifest.json, manifest.sig,
   * manifest.csv and history/*.json; undefined for any other or absent entry.
   */
  readonly bytes: (path: string) => Uint8Array | undefined;
  /** Entry names that fail `isSafeEntryPath`, as read. */
  readonly unsafeEntries?: readonly string[];
  /** Entry names found more than once. */
  readonly duplicateEntries?: readonly string[];
  readonly damagedEntries?: readonly DamagedEntry[];
  /** The signer's public key (PEM), obtained apart from the archive; without it the signature is not checked. */
  readonly publicKeyPem?: string;
}

/** The public key given is not an ECDSA P-256 public key (a mistake of the caller, not of the archive). */
export class PublicKeyError extends Error {
  readonly zh: string;
  readonly en: string;
  constructor(zh: string, en: string) {
    super(en);
    this.name = 'PublicKeyError';
    this.zh = zh;
    this.en = en;
  }
}

/** Reads a PEM key as a P-256 public key; throws PublicKeyError for anything else. */
export function readPublicKey(pem: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPublicKey(pem);
  } catch (error) {
    throw new PublicKeyError(
      `无法读取公钥：${(error as Error).message}`,
      `cannot read the public key: ${(error as Error).message}`,
    );
  }
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw new PublicKeyError(
      '公钥不是 ECDSA P-256 公钥，证据包签名使用 P-256。',
      'the public key is not an ECDSA P-256 key; archives are signed with P-256',
    );
  }
  return key;
}

/** SHA-256 of a public key's SubjectPublicKeyInfo DER: what manifest.sig's publicKeySha256 holds. */
export function publicKeySha256(key: KeyObject): string {
  return createHash('sha256')
    .update(key.export({ type: 'spki', format: 'der' }))
    .digest('hex');
}

const hex64 = z.string().regex(/^[0-9a-f]{64}$/, 'expected a lowercase hex SHA-256');
const byteCount = z.number().int().nonnegative();
const text = z.string();

const manifestSchema = z.object({
  schema: z.literal(MANIFEST_SCHEMA),
  archiveId: text,
  inspection: z.object({ inspectionId: text, importId: text, title: text, timezone: text }),
  filters: z.record(z.string(), z.unknown()),
  generatedAt: text,
  requestedBy: text,
  evidence: z.array(
    z.object({
      path: text,
      evidenceId: text,
      itemRef: text,
      sha256: hex64,
      recordedSha256: text.optional(),
      size: byteCount,
      contentType: text,
      fileName: text,
      uploadedBy: text,
      uploadedAt: text,
      effectiveDate: text.optional(),
      state: z.enum(['stored', 'withdrawn', 'mismatch']),
    }),
  ),
  files: z.array(
    z.object({
      path: text,
      kind: z.enum(['history', 'summary', 'readme', 'manifest-csv']),
      sha256: hex64,
      size: byteCount,
    }),
  ),
  items: z.array(
    z.object({ ref: text, title: text, historyPath: text, chainHead: hex64, chainLength: byteCount }),
  ),
  inspectionChain: z.object({ historyPath: text, chainHead: hex64, chainLength: byteCount }),
  summary: z.object({ summaryId: text, asOf: text, chainHash: hex64 }).nullable(),
  warnings: z.array(text),
});
type Manifest = z.infer<typeof manifestSchema>;

const signatureSchema = z.object({
  algorithm: z.literal('ECDSA_SHA_256'),
  keyId: text,
  publicKeySha256: hex64,
  signature: z.string().regex(/^[A-Za-z0-9+/]+={0,2}$/, 'expected base64'),
});

/** Chain records are hashed whole: every field is kept (loose), only the links are required. */
const chainSchema = z.array(
  z.looseObject({
    seq: z.number(),
    prevHash: z.string(),
    hash: z.string(),
    type: z.string().optional(),
    data: z.record(z.string(), z.unknown()).optional(),
  }),
);
type ChainRecords = z.infer<typeof chainSchema>;

const CHAIN_REASON_ZH = {
  'hash-mismatch': '记录内容被改动，哈希不符',
  'prev-hash-mismatch': '与前一条记录的哈希不衔接',
  'seq-gap': '序号不连续，有记录缺失或被插入',
} as const;

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Checks an archive's entries against its manifest, signature, histories and summary. */
export function verifyArchive(contents: ArchiveContents): ArchiveReport {
  const problems: ArchiveFinding[] = [];
  const warnings: ArchiveFinding[] = [];
  const problem = (path: string, code: string, zh: string, en: string) =>
    problems.push({ path, code, zh, en });
  const warning = (path: string, code: string, zh: string, en: string) =>
    warnings.push({ path, code, zh, en });
  const key = contents.publicKeyPem === undefined ? undefined : readPublicKey(contents.publicKeyPem);
  const { entries } = contents;
  const unsafe = new Set(contents.unsafeEntries ?? []);
  const damaged = new Set((contents.damagedEntries ?? []).map((entry) => entry.path));

  // What the reader found wrong with the ZIP itself.
  for (const name of unsafe) {
    problem(
      name,
      'entry-unsafe-name',
      `条目名称不安全（可能指向证据包目录之外，或在 Windows 上无法解压）：${JSON.stringify(name)}。证据包从不写入这样的名称。`,
      `unsafe entry name (it could point outside the archive's folder or not extract on Windows): ${JSON.stringify(name)}; archives never hold such names`,
    );
  }
  for (const name of new Set(contents.duplicateEntries ?? [])) {
    problem(
      name,
      'entry-duplicate',
      '同名条目出现多次：不同的解压工具可能取出不同的内容。',
      'the entry appears more than once: different unzip tools may extract different contents',
    );
  }
  for (const entry of contents.damagedEntries ?? []) {
    const detail = entry.detail ? `（${entry.detail}）` : '';
    const detailEn = entry.detail ? ` (${entry.detail})` : '';
    if (entry.reason === 'crc')
      problem(
        entry.path,
        'entry-damaged',
        '条目内容与 ZIP 记录的 CRC-32 不符：文件已被改动或损坏。',
        'the entry fails the ZIP’s CRC-32 check: its bytes were altered or damaged',
      );
    else if (entry.reason === 'too-large')
      problem(
        entry.path,
        'entry-too-large',
        `条目过大，未读取其内容${detail}。`,
        `the entry is too large to read${detailEn}`,
      );
    else
      problem(
        entry.path,
        'entry-unreadable',
        `无法读取条目${detail}。`,
        `the entry cannot be read${detailEn}`,
      );
  }

  const decode = (path: string): string | undefined => {
    const bytes = contents.bytes(path);
    if (bytes === undefined) return undefined;
    try {
      return utf8.decode(bytes);
    } catch {
      problem(path, 'entry-not-utf8', '内容不是有效的 UTF-8 文本。', 'the content is not valid UTF-8 text');
      return undefined;
    }
  };
  const parseJson = (path: string, content: string): { ok: true; value: unknown } | { ok: false } => {
    try {
      return { ok: true, value: JSON.parse(content) };
    } catch (error) {
      problem(
        path,
        'json-unreadable',
        `不是有效的 JSON：${(error as Error).message}`,
        `not valid JSON: ${(error as Error).message}`,
      );
      return { ok: false };
    }
  };

  // manifest.sig over manifest.json's exact bytes.
  const manifestBytes = contents.bytes(MANIFEST_ENTRY);
  const signature = checkSignature(contents, manifestBytes, key, { problem, warning, decode, parseJson });

  // manifest.json.
  let manifest: Manifest | undefined;
  if (manifestBytes === undefined) {
    if (!damaged.has(MANIFEST_ENTRY))
      problem(
        MANIFEST_ENTRY,
        'manifest-missing',
        '缺少清单 manifest.json：无法核验任何文件。',
        'manifest.json is missing: nothing can be checked',
      );
  } else {
    const content = decode(MANIFEST_ENTRY);
    const parsed = content === undefined ? undefined : parseJson(MANIFEST_ENTRY, content);
    if (parsed?.ok) {
      const result = manifestSchema.safeParse(parsed.value);
      if (result.success) manifest = result.data;
      else {
        const issues = result.error.issues
          .slice(0, 5)
          .map((issue) => `${formatPath(issue.path) || '(root)'}: ${issue.message}`)
          .join('; ');
        problem(
          MANIFEST_ENTRY,
          'manifest-schema',
          `清单不符合 ${MANIFEST_SCHEMA} 格式：${issues}`,
          `the manifest does not follow ${MANIFEST_SCHEMA}: ${issues}`,
        );
      }
    }
  }

  let histories = 0;
  if (manifest) {
    histories = checkAgainstManifest(manifest, contents, unsafe, damaged, {
      problem,
      warning,
      decode,
      parseJson,
    });
  }

  return {
    ok: problems.length === 0,
    signature,
    problems,
    warnings,
    counts: { evidence: manifest?.evidence.length ?? 0, histories, files: entries.size },
  };
}

/** The report for a file that is not a readable ZIP at all. */
export function unreadableArchiveReport(path: string, detail: string): ArchiveReport {
  return {
    ok: false,
    signature: 'not-checked',
    problems: [
      {
        path,
        code: 'archive-unreadable',
        zh: `不是可读取的 ZIP 文件：${detail}`,
        en: `not a readable ZIP file: ${detail}`,
      },
    ],
    warnings: [],
    counts: { evidence: 0, histories: 0, files: 0 },
  };
}

interface Reporters {
  readonly problem: (path: string, code: string, zh: string, en: string) => void;
  readonly warning: (path: string, code: string, zh: string, en: string) => void;
  readonly decode: (path: string) => string | undefined;
  readonly parseJson: (path: string, content: string) => { ok: true; value: unknown } | { ok: false };
}

function checkSignature(
  contents: ArchiveContents,
  manifestBytes: Uint8Array | undefined,
  key: KeyObject | undefined,
  { problem, warning, decode, parseJson }: Reporters,
): SignatureStatus {
  if (contents.bytes(SIGNATURE_ENTRY) === undefined) {
    problem(
      SIGNATURE_ENTRY,
      'signature-missing',
      '缺少签名文件 manifest.sig：无法确认证据包的真实性。',
      'manifest.sig is missing: the archive’s authenticity cannot be established',
    );
    return 'missing';
  }
  const content = decode(SIGNATURE_ENTRY);
  const parsed = content === undefined ? undefined : parseJson(SIGNATURE_ENTRY, content);
  if (!parsed?.ok) return 'invalid';
  const result = signatureSchema.safeParse(parsed.value);
  if (!result.success) {
    const issues = result.error.issues
      .map((issue) => `${formatPath(issue.path) || '(root)'}: ${issue.message}`)
      .join('; ');
    problem(
      SIGNATURE_ENTRY,
      'signature-unreadable',
      `签名文件格式不正确：${issues}`,
      `manifest.sig is not a valid signature file: ${issues}`,
    );
    return 'invalid';
  }
  const sig = result.data;
  if (!key) {
    warning(
      SIGNATURE_ENTRY,
      'signature-not-checked',
      '未提供公钥，未核验签名：无法确认证据包确由系统生成、清单未被改动（其余各项均已核验）。请另行取得公钥后用 --public-key 再核验一次。',
      'no public key was given, so the signature was NOT checked: the archive’s authenticity (that the system made it and the manifest is unaltered) is not established. Everything else was checked. Obtain the public key separately and verify again with --public-key.',
    );
    return 'not-checked';
  }
  if (manifestBytes === undefined) return 'invalid';
  let valid = false;
  try {
    valid = verify(
      'sha256',
      manifestBytes,
      { key, dsaEncoding: 'der' },
      Buffer.from(sig.signature, 'base64'),
    );
  } catch {
    valid = false;
  }
  const given = publicKeySha256(key);
  if (sig.publicKeySha256 !== given) {
    if (valid) {
      warning(
        SIGNATURE_ENTRY,
        'signature-key-label',
        `签名可用所给公钥验证通过，但 manifest.sig 标注的公钥指纹 ${sig.publicKeySha256} 与所给公钥（${given}）不同。`,
        `the signature verifies with the given key, but manifest.sig names a different key fingerprint ${sig.publicKeySha256} (the given key’s is ${given})`,
      );
      return 'valid';
    }
    problem(
      SIGNATURE_ENTRY,
      'signature-other-key',
      `签名不是用所给公钥对应的密钥生成的：manifest.sig 标注的公钥指纹为 ${sig.publicKeySha256}（密钥 ${sig.keyId}），所给公钥的指纹为 ${given}，签名无法用所给公钥验证。请确认公钥来源。`,
      `the archive was not signed with the given key: manifest.sig names key fingerprint ${sig.publicKeySha256} (key ${sig.keyId}), the given key’s is ${given}, and the signature does not verify with it. Check where the key came from.`,
    );
    return 'invalid';
  }
  if (!valid) {
    problem(
      MANIFEST_ENTRY,
      'signature-invalid',
      '签名无效：manifest.json 的内容与签名不符，清单（或签名）已被改动。',
      'the signature is invalid: manifest.json does not match its signature, so the manifest (or manifest.sig) was altered',
    );
    return 'invalid';
  }
  return 'valid';
}

function checkAgainstManifest(
  manifest: Manifest,
  contents: ArchiveContents,
  unsafe: ReadonlySet<string>,
  damaged: ReadonlySet<string>,
  reporters: Reporters,
): number {
  const { problem, warning } = reporters;
  const { entries } = contents;

  // A mismatch the manifest warns of is reported below as a problem of its file.
  const mismatched = manifest.evidence
    .filter((file) => file.state === 'mismatch')
    .map((file) => `${file.path}: `);
  for (const text of manifest.warnings) {
    if (mismatched.some((prefix) => text.startsWith(prefix))) continue;
    warning(
      MANIFEST_ENTRY,
      'manifest-warning',
      `清单记录的警告：${text}`,
      `the manifest records a warning: ${text}`,
    );
  }

  // Every listed file is in the ZIP, with the listed hash and size; nothing else is.
  const listed = new Map<string, EntryDigest>();
  for (const file of [...manifest.evidence, ...manifest.files]) {
    if (listed.has(file.path)) {
      problem(
        file.path,
        'manifest-duplicate-path',
        '清单中同一路径列出了多次。',
        'the manifest lists this path more than once',
      );
      continue;
    }
    listed.set(file.path, file);
  }
  const histories = [
    ...manifest.items.map((item) => ({ ...item, label: item.ref })),
    { ...manifest.inspectionChain, ref: undefined, label: 'inspection' },
  ];
  const expected = new Set([...listed.keys(), ...histories.map((history) => history.historyPath)]);
  for (const path of expected) {
    const found = entries.get(path);
    if (!found) {
      if (!damaged.has(path))
        problem(
          path,
          'entry-missing',
          '清单列出的文件不在证据包中。',
          'the manifest lists this file but the archive does not hold it',
        );
      continue;
    }
    const want = listed.get(path);
    if (want && (want.sha256 !== found.sha256 || want.size !== found.size)) {
      problem(
        path,
        'entry-mismatch',
        `文件内容与清单不符：包内文件 SHA-256 为 ${found.sha256}（${found.size} 字节），清单记录为 ${want.sha256}（${want.size} 字节）。文件已被改动。`,
        `the file does not match the manifest: it hashes to ${found.sha256} (${found.size} bytes), the manifest says ${want.sha256} (${want.size} bytes). The file was altered.`,
      );
    }
  }
  for (const path of entries.keys()) {
    if (expected.has(path) || path === MANIFEST_ENTRY || path === SIGNATURE_ENTRY || unsafe.has(path))
      continue;
    problem(
      path,
      'entry-unlisted',
      '证据包中有清单未列出的文件：它未经签名清单担保，不应出现在包中。',
      'the archive holds a file the manifest does not list: nothing signed vouches for it',
    );
  }

  checkCsv(manifest, reporters);

  // Histories: intact chains, ending where the manifest says.
  const listedFiles = new Set(manifest.files.map((file) => file.path));
  const chains = new Map<string, ChainRecords>();
  let inspectionChain: ChainRecords | undefined;
  let checked = 0;
  for (const history of histories) {
    const path = history.historyPath;
    if (!listedFiles.has(path)) {
      problem(
        path,
        'history-not-listed',
        `清单的 files 中没有列出 ${history.label} 的历史文件，其哈希未经清单担保。`,
        `the manifest’s files do not list ${history.label}’s history, so nothing vouches for its hash`,
      );
    }
    const records = readChain(path, reporters);
    if (!records) continue;
    checked += 1;
    if (history.ref === undefined) inspectionChain = records;
    else chains.set(history.ref, records);
    const check = verifyChain(records);
    if (!check.ok) {
      problem(
        path,
        'chain-broken',
        `哈希链在第 ${check.brokenAt} 条记录处断裂（${CHAIN_REASON_ZH[check.reason]}）：${check.detail}`,
        `the hash chain breaks at record ${check.brokenAt} (${check.reason}): ${check.detail}`,
      );
      continue;
    }
    if (check.head !== history.chainHead || check.length !== history.chainLength) {
      problem(
        path,
        'chain-head-mismatch',
        `哈希链本身完整，但与清单不符：链尾哈希 ${check.head}、共 ${check.length} 条记录，清单记录为 ${history.chainHead}、${history.chainLength} 条。记录被替换、截断或增添过。`,
        `the chain is intact but not the one the manifest names: it ends at ${check.head} after ${check.length} records, the manifest says ${history.chainHead} after ${history.chainLength}. Records were replaced, cut or added.`,
      );
    }
  }

  checkEvidenceAgainstChains(manifest, chains, reporters);
  checkSummary(manifest, entries, inspectionChain, reporters);
  return checked;
}

function readChain(path: string, reporters: Reporters): ChainRecords | undefined {
  const content = reporters.decode(path);
  if (content === undefined) return undefined;
  const parsed = reporters.parseJson(path, content);
  if (!parsed.ok) return undefined;
  const result = chainSchema.safeParse(parsed.value);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue ? `${formatPath(issue.path) || '(root)'}: ${issue.message}` : '';
    reporters.problem(
      path,
      'history-unreadable',
      `历史文件不是哈希链记录数组：${where}`,
      `the history file is not an array of chain records: ${where}`,
    );
    return undefined;
  }
  return result.data;
}

/** manifest.csv must say, row by row, what manifest.json says. */
function checkCsv(manifest: Manifest, { problem, decode }: Reporters) {
  for (const file of manifest.files.filter((listed) => listed.kind === 'manifest-csv')) {
    const content = decode(file.path);
    if (content === undefined) continue;
    let rows: string[][];
    try {
      rows = parseCsv(content, { bom: true, relax_column_count: true }) as string[][];
    } catch (error) {
      problem(
        file.path,
        'csv-unreadable',
        `无法解析 CSV：${(error as Error).message}`,
        `cannot parse the CSV: ${(error as Error).message}`,
      );
      continue;
    }
    const [header = [], ...body] = rows;
    if (header.join(',') !== MANIFEST_CSV_COLUMNS.join(',')) {
      problem(
        file.path,
        'csv-header',
        `表头应为 ${MANIFEST_CSV_COLUMNS.join(',')}，实为 ${header.join(',')}。`,
        `the header should be ${MANIFEST_CSV_COLUMNS.join(',')}, found ${header.join(',')}`,
      );
      continue;
    }
    const count = Math.max(body.length, manifest.evidence.length);
    for (let index = 0; index < count; index++) {
      const row = body[index];
      const evidence = manifest.evidence[index];
      const rowNo = index + 1;
      if (!evidence) {
        problem(
          file.path,
          'csv-row-extra',
          `第 ${rowNo} 行（文件第 ${rowNo + 1} 行）在 manifest.json 中没有对应的材料：${row?.[0] ?? ''}`,
          `row ${rowNo} (line ${rowNo + 1}) has no counterpart in manifest.json: ${row?.[0] ?? ''}`,
        );
        continue;
      }
      if (!row) {
        problem(
          file.path,
          'csv-row-missing',
          `缺少第 ${rowNo} 行：manifest.json 中的材料 ${evidence.evidenceId}（${evidence.path}）未列出。`,
          `row ${rowNo} is missing: evidence ${evidence.evidenceId} (${evidence.path}) of manifest.json is not listed`,
        );
        continue;
      }
      const differences = MANIFEST_CSV_COLUMNS.flatMap((column, at) => {
        const want = String(evidence[column as keyof ManifestEvidence] ?? '');
        const found = row[at] ?? '';
        // A formula-like value is written escaped (`'=…`, see manifestCsv); archives made before
        // that wrote it bare, and say the same.
        return want === found || manifestCsvCell(want) === found ? [] : [{ column, want, found }];
      });
      if (differences.length === 0) continue;
      const listZh = differences.map((d) => `${d.column} 为 “${d.found}”，应为 “${d.want}”`).join('；');
      const listEn = differences
        .map((d) => `${d.column} is "${d.found}", manifest.json says "${d.want}"`)
        .join('; ');
      problem(
        file.path,
        'csv-row-mismatch',
        `第 ${rowNo} 行（文件第 ${rowNo + 1} 行，材料 ${evidence.evidenceId}）与 manifest.json 不符：${listZh}。`,
        `row ${rowNo} (line ${rowNo + 1}, evidence ${evidence.evidenceId}) differs from manifest.json: ${listEn}`,
      );
    }
  }
}

/** Ties each evidence file to its item's chain: the EvidenceStored record must name its hash. */
function checkEvidenceAgainstChains(
  manifest: Manifest,
  chains: ReadonlyMap<string, ChainRecords>,
  { problem, warning }: Reporters,
) {
  const items = new Map(manifest.items.map((item) => [item.ref, item]));
  for (const evidence of manifest.evidence) {
    if (evidence.state === 'mismatch') {
      problem(
        evidence.path,
        'evidence-mismatch',
        `生成证据包时，该文件的内容与台账记录不一致（台账记录 SHA-256 ${evidence.recordedSha256 ?? '（未记录）'}，包内文件为 ${evidence.sha256}）：它不是当初校验存储的那份材料，不能作为有效佐证。`,
        `when the archive was made this file did not match the ledger (recorded SHA-256 ${evidence.recordedSha256 ?? '(none)'}, the file in the archive hashes to ${evidence.sha256}): it is not the file that was verified and stored, and cannot count as evidence`,
      );
    }
    const item = items.get(evidence.itemRef);
    const chain = chains.get(evidence.itemRef);
    if (!item) {
      warning(
        evidence.path,
        'evidence-item-unknown',
        `清单中没有事项 ${evidence.itemRef}，无法将该文件与其历史记录对照。`,
        `the manifest has no item ${evidence.itemRef}, so the file cannot be checked against its history`,
      );
      continue;
    }
    if (!chain) continue;
    const stored = chain.findLast(
      (record) => record.type === 'EvidenceStored' && record.data?.evidenceId === evidence.evidenceId,
    );
    if (!stored) {
      warning(
        evidence.path,
        'evidence-not-in-history',
        `${item.historyPath} 中没有该材料（${evidence.evidenceId}）的 EvidenceStored 记录，无法与哈希链对照。`,
        `${item.historyPath} has no EvidenceStored record for ${evidence.evidenceId}, so the file cannot be tied to the chain`,
      );
      continue;
    }
    const recordedSha = stored.data?.sha256;
    const recordedSize = stored.data?.size;
    // A 'mismatch' file was already reported against the same recorded hash.
    if (evidence.state === 'mismatch' && recordedSha === evidence.recordedSha256) continue;
    if (recordedSha !== evidence.sha256 || (recordedSize !== undefined && recordedSize !== evidence.size)) {
      problem(
        evidence.path,
        'evidence-not-as-recorded',
        `${item.historyPath} 第 ${stored.seq} 条记录（EvidenceStored）登记该材料的 SHA-256 为 ${String(recordedSha)}（${String(recordedSize)} 字节），清单中的文件为 ${evidence.sha256}（${evidence.size} 字节）：这不是当初校验存储的那份文件。`,
        `record ${stored.seq} of ${item.historyPath} (EvidenceStored) recorded SHA-256 ${String(recordedSha)} (${String(recordedSize)} bytes) for this file, the archive’s file is ${evidence.sha256} (${evidence.size} bytes): it is not the file that was verified and stored`,
      );
    }
  }
}

/** The summary files must be those the inspection chain's SummaryGenerated record sealed. */
function checkSummary(
  manifest: Manifest,
  entries: ReadonlyMap<string, EntryDigest>,
  chain: ChainRecords | undefined,
  { problem, warning }: Reporters,
) {
  const summaryFiles = manifest.files.filter((file) => file.kind === 'summary');
  const { summary } = manifest;
  const inspectionPath = manifest.inspectionChain.historyPath;
  if (!summary) {
    for (const file of summaryFiles) {
      problem(
        file.path,
        'summary-file-not-sealed',
        '清单未指明报告，此报告文件没有巡察哈希链中的记录为其担保。',
        'the manifest names no summary, so nothing in the inspection’s chain vouches for this summary file',
      );
    }
    return;
  }
  if (!chain) return; // its history was already reported missing or unreadable
  const record = chain.find((candidate) => candidate.hash === summary.chainHash);
  if (record?.type !== 'SummaryGenerated') {
    problem(
      inspectionPath,
      'summary-not-in-chain',
      `巡察哈希链中没有哈希为 ${summary.chainHash} 的 SummaryGenerated 记录：清单中的报告 ${summary.summaryId} 未被记录。`,
      `the inspection’s chain has no SummaryGenerated record with hash ${summary.chainHash}: summary ${summary.summaryId} named by the manifest was never recorded`,
    );
    return;
  }
  const data = record.data ?? {};
  if (data.summaryId !== summary.summaryId || data.asOf !== summary.asOf) {
    problem(
      inspectionPath,
      'summary-record-mismatch',
      `第 ${record.seq} 条记录（SummaryGenerated）是报告 ${String(data.summaryId)}（截至 ${String(data.asOf)}），清单称为 ${summary.summaryId}（截至 ${summary.asOf}）。`,
      `record ${record.seq} (SummaryGenerated) is summary ${String(data.summaryId)} as of ${String(data.asOf)}, the manifest says ${summary.summaryId} as of ${summary.asOf}`,
    );
  }
  const sealed = new Map<string, { sha256: unknown; size: unknown }>();
  for (const file of Array.isArray(data.files) ? (data.files as unknown[]) : []) {
    const { name, sha256, size } = (file ?? {}) as { name?: unknown; sha256?: unknown; size?: unknown };
    if (typeof name !== 'string') continue;
    try {
      sealed.set(summaryEntry(name), { sha256, size });
    } catch {
      // a name no archive could hold: it matches no entry
    }
  }
  for (const file of summaryFiles) {
    const seal = sealed.get(file.path);
    if (!seal) {
      problem(
        file.path,
        'summary-file-not-sealed',
        `${inspectionPath} 第 ${record.seq} 条记录（SummaryGenerated）未记录此报告文件。`,
        `record ${record.seq} of ${inspectionPath} (SummaryGenerated) does not record this summary file`,
      );
      continue;
    }
    if (seal.sha256 !== file.sha256 || seal.size !== file.size) {
      problem(
        file.path,
        'summary-file-mismatch',
        `报告文件与 ${inspectionPath} 第 ${record.seq} 条记录（SummaryGenerated）不符：记录为 SHA-256 ${String(seal.sha256)}（${String(seal.size)} 字节），包内为 ${file.sha256}（${file.size} 字节）。`,
        `the summary file does not match record ${record.seq} of ${inspectionPath} (SummaryGenerated): recorded SHA-256 ${String(seal.sha256)} (${String(seal.size)} bytes), the archive holds ${file.sha256} (${file.size} bytes)`,
      );
    }
  }
  const present = new Set(summaryFiles.map((file) => file.path));
  for (const path of sealed.keys()) {
    if (present.has(path) || entries.has(path)) continue;
    warning(
      path,
      'summary-file-absent',
      `报告 ${summary.summaryId} 的此文件未收入证据包。`,
      `this file of summary ${summary.summaryId} is not included in the archive`,
    );
  }
}
