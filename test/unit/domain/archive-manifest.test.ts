import { parse as parseCsv } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { ARCHIVE_ID_PATTERN, archiveObjectKey, archivePrefix } from '#shared/domain/archive/archive.ts';
import {
  archiveReadme,
  MANIFEST_CSV_COLUMNS,
  type ManifestEvidence,
  manifestCsv,
  manifestCsvCell,
} from '#shared/domain/archive/manifest.ts';

describe('archive objects', () => {
  const archive = { inspectionId: 'insp-2024', archiveId: 'a-0123456789abcdef0123' };

  it('writes each attempt under the archive’s own prefix, never reusing a key', () => {
    expect(archivePrefix(archive)).toBe('archives/insp-2024/a-0123456789abcdef0123/');
    expect(archiveObjectKey(archive, 1)).toBe('archives/insp-2024/a-0123456789abcdef0123/attempt-1.zip');
    expect(archiveObjectKey(archive, 2)).toBe('archives/insp-2024/a-0123456789abcdef0123/attempt-2.zip');
  });

  it.each([
    ['a-0123456789abcdef0123', true],
    ['a-0123456789ABCDEF0123', false],
    ['a-0123456789abcdef012', false],
    ['a-0123456789abcdef01234', false],
    ['x-0123456789abcdef0123', false],
    ['../a-0123456789abcdef0123', false],
  ])('archive id %s matches: %s', (id, matches) => {
    expect(ARCHIVE_ID_PATTERN.test(id)).toBe(matches);
  });
});

const file = (overrides: Partial<ManifestEvidence> = {}): ManifestEvidence => ({
  path: 'evidence/1.1.1 全科医生/ev-1-方案.pdf',
  evidenceId: 'ev-1',
  itemRef: '1.1.1',
  sha256: 'a'.repeat(64),
  size: 1234,
  contentType: 'application/pdf',
  fileName: '方案.pdf',
  uploadedBy: '张科员',
  uploadedAt: '2024-07-01T02:00:00.000Z',
  state: 'stored',
  ...overrides,
});

describe('manifest.csv', () => {
  it('starts with a BOM and a header, one row per file, empty cells for what a file lacks', () => {
    const csv = manifestCsv([
      file({ effectiveDate: '2024-06-30' }),
      file({ evidenceId: 'ev-2', state: 'withdrawn' }),
    ]);
    expect(
      csv.startsWith(
        '\uFEFFpath,evidenceId,itemRef,sha256,size,contentType,uploadedBy,uploadedAt,effectiveDate,state\n',
      ),
    ).toBe(true);
    const rows = parseCsv(csv.slice(1), { columns: true }) as Record<string, string>[];
    expect(Object.keys(rows[0] ?? {})).toEqual([...MANIFEST_CSV_COLUMNS]);
    expect(rows).toEqual([
      {
        path: 'evidence/1.1.1 全科医生/ev-1-方案.pdf',
        evidenceId: 'ev-1',
        itemRef: '1.1.1',
        sha256: 'a'.repeat(64),
        size: '1234',
        contentType: 'application/pdf',
        uploadedBy: '张科员',
        uploadedAt: '2024-07-01T02:00:00.000Z',
        effectiveDate: '2024-06-30',
        state: 'stored',
      },
      expect.objectContaining({ evidenceId: 'ev-2', effectiveDate: '', state: 'withdrawn' }),
    ]);
  });

  it('writes formula-like cells escaped, as manifestCsvCell says', () => {
    const csv = manifestCsv([file({ uploadedBy: '=HYPERLINK("http://x","点击")' })]);
    const [row] = parseCsv(csv.slice(1), { columns: true }) as Record<string, string>[];
    expect(row?.uploadedBy).toBe(`'=HYPERLINK("http://x","点击")`);
    expect(manifestCsvCell('=HYPERLINK("http://x","点击")')).toBe(row?.uploadedBy);
  });

  it.each([
    ['张科员', '张科员'],
    ['=1+1', "'=1+1"],
    ['+86 138', "'+86 138"],
    ['-5', "'-5"],
    ['@SUM(1)', "'@SUM(1)"],
    ['a,b "c"', 'a,b "c"'],
    ['', ''],
  ])('a cell holding %j reads back as %j', (value, cell) => {
    expect(manifestCsvCell(value)).toBe(cell);
  });
});

describe('README.txt', () => {
  it('says what is inside and how to verify it, in Chinese then English, with CRLF line ends', () => {
    const readme = archiveReadme({
      archiveId: 'a-0123456789abcdef0123',
      inspection: {
        inspectionId: 'insp-2024',
        importId: 'i-1',
        title: '2024年巡察',
        timezone: 'Asia/Shanghai',
      },
      generatedAt: '2024-07-01T02:00:00.000Z',
    });
    expect(readme.split('\r\n')).toEqual(README_LINES);
    expect(readme.endsWith('\r\n')).toBe(true);
  });
});

/** The README an auditor reads, line by line: a change to it must be deliberate. */
const README_LINES = [
  '证据包 a-0123456789abcdef0123',
  '巡察：2024年巡察（insp-2024）',
  '生成时间：2024-07-01T02:00:00.000Z',
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
  'Evidence archive a-0123456789abcdef0123',
  'Inspection: 2024年巡察 (insp-2024)',
  'Generated at: 2024-07-01T02:00:00.000Z',
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
];
