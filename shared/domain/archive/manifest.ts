import { parse as parseCsv } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';

/**
 * The manifest of an evidence archive (证据包): what an auditor checks the archive against,
 * without trusting the server. `manifest.json` lists every other entry with its SHA-256 and size
 * (evidence, histories, summary files, README, manifest.csv), each item's chain head, and the
 * summary's hash; `manifest.sig` holds an ECDSA P-256 / SHA-256 signature of the exact bytes of
 * manifest.json, made with a key whose public half reaches auditors out of band.
 */
export const MANIFEST_SCHEMA = 'rectify.archive-manifest/v1';
export const MANIFEST_ENTRY = 'manifest.json';
export const MANIFEST_CSV_ENTRY = 'manifest.csv';
export const SIGNATURE_ENTRY = 'manifest.sig';
export const README_ENTRY = 'README.txt';

/**
 * An evidence file's state in the archive: as the ledger has it (`stored`, `withdrawn`, kept but
 * no longer counted), or `mismatch` when the bytes read while archiving did not hash to the
 * recorded SHA-256 (they are included, marked, and listed in the warnings: never passed as good).
 */
export type ArchivedEvidenceState = 'stored' | 'withdrawn' | 'mismatch';

export interface ManifestEvidence {
  readonly path: string;
  readonly evidenceId: string;
  readonly itemRef: string;
  /** SHA-256 of the bytes in the archive. */
  readonly sha256: string;
  /** The SHA-256 the ledger recorded, when it differs (state `mismatch`). */
  readonly recordedSha256?: string;
  readonly size: number;
  readonly contentType: string;
  readonly fileName: string;
  readonly uploadedBy: string;
  readonly uploadedAt: string;
  readonly effectiveDate?: string;
  readonly state: ArchivedEvidenceState;
}

/** Any other entry the manifest vouches for. */
export interface ManifestOtherFile {
  readonly path: string;
  readonly kind: 'history' | 'summary' | 'readme' | 'manifest-csv';
  readonly sha256: string;
  readonly size: number;
}

export interface ManifestItem {
  readonly ref: string;
  readonly title: string;
  /** The item's status when archived (absent in archives made before it was recorded). */
  readonly status?: string;
  /** The status its 台账 gave it at the first import, when not not_started. */
  readonly importedStatus?: string;
  /**
   * Set while the item is still in the state its 台账 brought in: `closed-before-import`
   * (导入前已销号) means its history holds no sign-off record, by design — the sign-off is on paper.
   */
  readonly importNote?: string;
  readonly historyPath: string;
  /** `hash` of the last record of the item's chain, and its length, when archived. */
  readonly chainHead: string;
  readonly chainLength: number;
}

export interface ArchiveFilters {
  readonly refs?: readonly string[];
  readonly aspect?: number;
  readonly department?: string;
  /** Evidence effective (or uploaded, without an effective date) from / to these dates, inclusive. */
  readonly from?: string;
  readonly to?: string;
}

export interface ArchiveManifest {
  readonly schema: typeof MANIFEST_SCHEMA;
  readonly archiveId: string;
  readonly inspection: {
    readonly inspectionId: string;
    readonly importId: string;
    readonly title: string;
    readonly timezone: string;
  };
  readonly filters: ArchiveFilters;
  readonly generatedAt: string;
  readonly requestedBy: string;
  readonly evidence: readonly ManifestEvidence[];
  readonly files: readonly ManifestOtherFile[];
  readonly items: readonly ManifestItem[];
  /** The inspection's own chain (outcomes, summaries): `history/inspection.json`. */
  readonly inspectionChain: {
    readonly historyPath: string;
    readonly chainHead: string;
    readonly chainLength: number;
  };
  /** The latest summary included under summary/, and the hash the inspection chain sealed. */
  readonly summary: { readonly summaryId: string; readonly asOf: string; readonly chainHash: string } | null;
  readonly warnings: readonly string[];
}

/** manifest.sig: the signature of manifest.json's exact bytes and how to check it. */
export interface ManifestSignature {
  readonly algorithm: 'ECDSA_SHA_256';
  /** The KMS key (or local development key) that signed. */
  readonly keyId: string;
  /** SHA-256 of the public key (SubjectPublicKeyInfo DER), to tell keys apart. */
  readonly publicKeySha256: string;
  /** DER-encoded ECDSA signature, base64. */
  readonly signature: string;
}

export const MANIFEST_CSV_COLUMNS = [
  'path',
  'evidenceId',
  'itemRef',
  'sha256',
  'size',
  'contentType',
  'uploadedBy',
  'uploadedAt',
  'effectiveDate',
  'state',
] as const;

/**
 * manifest.csv: one row per evidence file, for spreadsheets; manifest.json vouches for it. A cell
 * that a spreadsheet would run as a formula (an uploader named `=HYPERLINK(…)` or `@SUM(…)`) is
 * written with a leading `'` (csv-stringify's escape_formulas, OWASP's advice); the verifier
 * compares each cell with manifestCsvCell of manifest.json's value.
 */
export function manifestCsv(evidence: readonly ManifestEvidence[]): string {
  return `\uFEFF${stringify(
    evidence.map((file) => MANIFEST_CSV_COLUMNS.map((column) => String(file[column] ?? ''))),
    { header: true, columns: [...MANIFEST_CSV_COLUMNS], escape_formulas: true },
  )}`;
}

/** A value as manifestCsv writes it in a cell (after parsing): escaped if it looks like a formula. */
export function manifestCsvCell(value: string): string {
  // Asks csv-stringify itself, so the rule cannot drift from the writer's.
  const [[cell = ''] = []] = parseCsv(stringify([[value]], { escape_formulas: true })) as string[][];
  return cell;
}

/** README.txt, in Chinese and English: what is inside and how to check it. */
export function archiveReadme(
  manifest: Pick<ArchiveManifest, 'archiveId' | 'inspection' | 'generatedAt'>,
): string {
  const { inspection } = manifest;
  return [
    `证据包 ${manifest.archiveId}`,
    `巡察：${inspection.title}（${inspection.inspectionId}）`,
    `生成时间：${manifest.generatedAt}`,
    '',
    '内容',
    '  evidence/<编号> <事项>/<材料编号>-<文件名>  佐证材料原件',
    '  history/<编号>.json                        事项的全部状态变更记录（哈希链）',
    '  history/inspection.json                    巡察本身的记录（整改成效、报告）',
    '  summary/                                   最近一期整改情况报告',
    '  manifest.json / manifest.csv               清单：每个文件的 SHA-256、大小、上传人、时间、状态',
    '  manifest.sig                               清单签名（ECDSA P-256，SHA-256）',
    '',
    '如何核验',
    '  1. 运行 rectify verify <本文件.zip> --public-key <公钥.pem>；公钥须另行取得（GET /archives/public-key），不要使用包内任何文件作为公钥。',
    '  2. 或手工核验：用公钥验证 manifest.sig 对 manifest.json 原始字节的签名；逐个计算文件的 SHA-256 与清单比对；',
    '     对每条历史记录计算 sha256(prevHash + RFC 8785 规范化 JSON（去掉 hash 字段）)，应等于其 hash，且链首 prevHash 为 64 个 0，',
    '     链尾 hash 应等于清单中的 chainHead。',
    '  状态为 mismatch 的材料：归档时读取的内容与台账记录的哈希不一致，已原样收录并在 warnings 中列出。',
    '  清单 items 中 importNote 为 closed-before-import（导入前已销号）的事项：导入时台账已记载其销号，',
    '  历史记录中没有本系统的销号记录，销号依据见纸质台账。',
    '',
    `Evidence archive ${manifest.archiveId}`,
    `Inspection: ${inspection.title} (${inspection.inspectionId})`,
    `Generated at: ${manifest.generatedAt}`,
    '',
    'Contents',
    '  evidence/<ref> <item>/<evidenceId>-<file name>   the evidence files as uploaded',
    '  history/<ref>.json                              each item’s status records (a hash chain)',
    '  history/inspection.json                         the inspection’s own records (outcomes, summaries)',
    '  summary/                                        the latest progress summary',
    '  manifest.json / manifest.csv                    every file’s SHA-256, size, uploader, time and state',
    '  manifest.sig                                    the manifest’s signature (ECDSA P-256, SHA-256)',
    '',
    'How to verify',
    '  1. Run: rectify verify <this.zip> --public-key <key.pem>. Obtain the public key separately',
    '     (GET /archives/public-key); never use a file from inside the archive as the key.',
    '  2. Or by hand: check manifest.sig over the exact bytes of manifest.json with the public key;',
    '     hash every file with SHA-256 and compare with the manifest; for each history record,',
    '     sha256(prevHash + RFC 8785 canonical JSON of the record without `hash`) must equal its',
    '     hash, the first prevHash is 64 zeros, and the last hash equals the manifest’s chainHead.',
    '  Evidence in state `mismatch` did not hash to its recorded SHA-256 when archived; it is',
    '  included as read and listed under warnings.',
    '  Items whose importNote is closed-before-import were already closed in the ledger (台账) they',
    '  were imported from: their history holds no sign-off record of this system; the sign-off is on paper.',
    '',
  ].join('\r\n');
}
