import { createHash } from 'node:crypto';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { crc32 } from 'node:zlib';
import yauzl from 'yauzl';
import { isSafeEntryPath } from '#shared/domain/archive/entry-names.ts';
import { MANIFEST_CSV_ENTRY, MANIFEST_ENTRY, SIGNATURE_ENTRY } from '#shared/domain/archive/manifest.ts';
import {
  type ArchiveReport,
  type DamagedEntry,
  type EntryDigest,
  readPublicKey,
  unreadableArchiveReport,
  verifyArchive,
} from '#shared/domain/archive/verify.ts';
import type { Lang } from './format.ts';

export { type ArchiveReport, PublicKeyError } from '#shared/domain/archive/verify.ts';

/**
 * `rectify verify`: reads an evidence archive with yauzl, one entry at a time, hashing each as
 * it streams (and checking the ZIP's own CRC-32, which yauzl does not), keeps the bytes only of
 * the small entries the checks read, and hands the rest to the pure core. Nothing is extracted
 * to disk, so hostile entry names are only reported, never followed.
 */

/** The bytes kept of one small entry at most; a larger one is reported, not read. */
export const MAX_KEPT_BYTES = 64 * 1024 * 1024;

const kept = (name: string) =>
  name === MANIFEST_ENTRY ||
  name === SIGNATURE_ENTRY ||
  name === MANIFEST_CSV_ENTRY ||
  /^history\/[^/]+\.json$/.test(name);

interface ReadEntry {
  readonly digest: EntryDigest;
  readonly bytes?: Buffer;
  readonly damage?: DamagedEntry;
}

async function readEntry(zip: yauzl.ZipFile, entry: yauzl.Entry, name: string): Promise<ReadEntry> {
  let stream: Readable;
  try {
    stream = await zip.openReadStreamPromise(entry);
  } catch (error) {
    return {
      digest: { sha256: '', size: 0 },
      damage: { path: name, reason: 'unreadable', detail: (error as Error).message },
    };
  }
  const hash = createHash('sha256');
  const chunks: Buffer[] | undefined = kept(name) ? [] : undefined;
  let size = 0;
  let crc = 0;
  let tooLarge = false;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      hash.update(chunk);
      crc = crc32(chunk, crc);
      size += chunk.length;
      if (chunks && !tooLarge) {
        if (size > MAX_KEPT_BYTES) tooLarge = true;
        else chunks.push(chunk);
      }
    }
  } catch (error) {
    return {
      digest: { sha256: '', size },
      damage: { path: name, reason: 'unreadable', detail: (error as Error).message },
    };
  }
  const digest = { sha256: hash.digest('hex'), size };
  if (tooLarge)
    return { digest, damage: { path: name, reason: 'too-large', detail: `> ${MAX_KEPT_BYTES} bytes` } };
  // Bytes failing the CRC are still what the entry holds: the checks go on with them.
  return {
    digest,
    ...(chunks ? { bytes: Buffer.concat(chunks) } : {}),
    ...(crc >>> 0 !== entry.crc32 >>> 0 ? { damage: { path: name, reason: 'crc' as const } } : {}),
  };
}

/** Reads and checks an archive. Throws when the file cannot be opened or the key is unusable. */
export async function verifyArchiveFile(
  file: string,
  options: { publicKeyPem?: string } = {},
): Promise<ArchiveReport> {
  // The caller's mistakes (no such file, not a key) are errors, not findings about the archive.
  if (options.publicKeyPem !== undefined) readPublicKey(options.publicKeyPem);
  await stat(file);
  const label = path.basename(file);
  let zip: yauzl.ZipFile;
  try {
    zip = await yauzl.openPromise(file, {
      lazyEntries: true,
      autoClose: true,
      // Names are decoded here, so a hostile one is reported instead of aborting the read.
      decodeStrings: false,
      validateEntrySizes: true,
    });
  } catch (error) {
    return unreadableArchiveReport(label, (error as Error).message);
  }

  const entries = new Map<string, EntryDigest>();
  const bytes = new Map<string, Buffer>();
  const unsafeEntries: string[] = [];
  const duplicateEntries = new Set<string>();
  const damagedEntries: DamagedEntry[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      zip.on('error', reject);
      zip.on('end', () => resolve());
      zip.on('entry', (entry: yauzl.Entry) => {
        const name = yauzl.getFileNameLowLevel(
          entry.generalPurposeBitFlag,
          entry.fileNameRaw,
          entry.extraFields,
          true,
        );
        if (entries.has(name) || damagedEntries.some((damaged) => damaged.path === name)) {
          duplicateEntries.add(name);
          zip.readEntry();
          return;
        }
        if (!isSafeEntryPath(name)) unsafeEntries.push(name);
        readEntry(zip, entry, name).then((read) => {
          if (read.damage) damagedEntries.push(read.damage);
          if (read.damage?.reason !== 'unreadable') entries.set(name, read.digest);
          if (read.bytes) bytes.set(name, read.bytes);
          zip.readEntry();
        }, reject);
      });
      zip.readEntry();
    });
  } catch (error) {
    if (zip.isOpen) zip.close();
    return unreadableArchiveReport(label, (error as Error).message);
  }

  return verifyArchive({
    entries,
    bytes: (name) => bytes.get(name),
    unsafeEntries,
    duplicateEntries: [...duplicateEntries],
    damagedEntries,
    ...(options.publicKeyPem === undefined ? {} : { publicKeyPem: options.publicKeyPem }),
  });
}

/** Control and bidirectional-override characters shown escaped, so a hostile name cannot drive the terminal. */
function printable(text: string): string {
  return text.replace(
    /[\p{Cc}\u200e\u200f\u202a-\u202e\u2066-\u2069]/gu,
    (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** The report for people: one line per problem and warning, naming its entry, then the verdict. */
export function formatArchiveReport(report: ArchiveReport, lang: Lang): string {
  const en = lang === 'en';
  const lines: string[] = [];
  for (const problem of report.problems)
    lines.push(printable(`✗ ${problem.path}: ${en ? problem.en : problem.zh}`));
  for (const warning of report.warnings)
    lines.push(printable(`! ${warning.path}: ${en ? warning.en : warning.zh}`));
  const { evidence, histories, files } = report.counts;
  const notChecked = en
    ? 'The signature was NOT checked (no --public-key given): the archive’s authenticity is not established.'
    : '未核验签名（未提供 --public-key）：无法确认证据包的真实性。';
  if (!report.ok) {
    lines.push(
      en
        ? `Verification FAILED: ${report.problems.length} problem(s). Do not rely on this archive as it is.`
        : `核验未通过：发现 ${report.problems.length} 个问题，不能直接采信此证据包。`,
    );
    if (report.signature === 'not-checked') lines.push(notChecked);
  } else if (report.signature === 'valid') {
    lines.push(
      en
        ? `Verified: the signature is valid, and all ${files} entries (${evidence} evidence files, ${histories} histories) match the signed manifest and the hash chains.`
        : `核验通过：签名有效，全部 ${files} 个条目（${evidence} 份佐证材料、${histories} 个历史记录文件）与已签名的清单及哈希链一致。`,
    );
  } else {
    lines.push(
      en
        ? `No problems found in ${files} entries (${evidence} evidence files, ${histories} histories), but the archive is NOT verified.`
        : `${files} 个条目（${evidence} 份佐证材料、${histories} 个历史记录文件）未发现问题，但证据包未通过完整核验。`,
    );
    lines.push(notChecked);
  }
  return lines.join('\n');
}
