/**
 * Names of entries inside an evidence archive. An archive is opened on auditors' machines by
 * tools that trust entry names, so a name can never leave the archive's folder or surprise a
 * file system: no `..` or `.` segment, no absolute path, no drive letter, no backslash, no control
 * character, nothing Windows refuses (reserved device names, trailing dots or spaces), and each
 * segment at most MAX_SEGMENT_BYTES of UTF-8. Chinese is kept.
 */

export const MAX_SEGMENT_BYTES = 150;

const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$/i;

/** Cuts text to at most `maxBytes` of UTF-8 without splitting a character. */
function cutToBytes(text: string, maxBytes: number): string {
  let bytes = 0;
  let cut = '';
  for (const character of text) {
    bytes += Buffer.byteLength(character);
    if (bytes > maxBytes) break;
    cut += character;
  }
  return cut;
}

/**
 * One path segment made safe: control characters (C0, DEL, C1) and bidirectional overrides
 * dropped, separators and characters Windows refuses replaced by `_`, a drive letter prefix and
 * leading dots removed, trailing dots and spaces trimmed, reserved device names prefixed. Never
 * empty: `fallback` stands in for a name with nothing left.
 */
export function safeSegment(text: string, fallback = '_'): string {
  const cleaned = text
    .normalize('NFC')
    .replace(/[\p{Cc}\u200e\u200f\u202a-\u202e\u2066-\u2069]/gu, '')
    .replace(/^[A-Za-z]:/, '')
    .replace(/[\\/:*?"<>|]/g, '_')
    .replace(/^[.\s]+/, '')
    .replace(/[.\s]+$/, '');
  const named = WINDOWS_RESERVED.test(cleaned) ? `_${cleaned}` : cleaned;
  const cut = cutToBytes(named, MAX_SEGMENT_BYTES).replace(/[.\s]+$/, '');
  return cut || fallback;
}

/**
 * Joins safe segments into an entry path, and refuses (throws) anything that could still point
 * outside the archive: a last line of defence, so a bug in a caller fails loudly.
 */
export function entryPath(...segments: readonly string[]): string {
  for (const segment of segments) {
    if (
      segment === '' ||
      segment === '.' ||
      segment === '..' ||
      /[\\/\p{Cc}]/u.test(segment) ||
      /^[A-Za-z]:/.test(segment)
    ) {
      throw new Error(`unsafe archive entry segment: ${JSON.stringify(segment)}`);
    }
  }
  return segments.join('/');
}

/** Whether an entry name read from an archive is one this module could have written. */
export function isSafeEntryPath(path: string): boolean {
  try {
    return entryPath(...path.split('/')) === path;
  } catch {
    return false;
  }
}

/** `evidence/<a.p.i> <item title>/<evidenceId>-<file name>` */
export function evidenceEntry(ref: string, itemTitle: string, evidenceId: string, fileName: string): string {
  return entryPath(
    'evidence',
    safeSegment(`${ref} ${itemTitle}`, ref),
    safeSegment(`${evidenceId}-${fileName}`, evidenceId),
  );
}

/** `history/<a.p.i>.json`, and `history/inspection.json` for the inspection's own chain. */
export function historyEntry(ref: string | 'inspection'): string {
  return entryPath('history', `${safeSegment(ref)}.json`);
}

export function summaryEntry(fileName: string): string {
  return entryPath('summary', safeSegment(fileName));
}
