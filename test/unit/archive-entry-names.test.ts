import { describe, expect, it } from 'vitest';
import {
  entryPath,
  evidenceEntry,
  historyEntry,
  isSafeEntryPath,
  MAX_SEGMENT_BYTES,
  safeSegment,
} from '#shared/domain/archive/entry-names.ts';

/** Names that try to leave the archive or trouble a file system, and where they must land. */
const HOSTILE = [
  '../../etc/passwd',
  '..\\..\\Windows\\System32\\drivers\\etc\\hosts',
  '/etc/shadow',
  'C:\\Users\\auditor\\evil.exe',
  'D:evil.txt',
  '..',
  '.',
  '....',
  ' .. ',
  'a\u0000b.pdf',
  'line\nbreak\r.pdf',
  'bell\u0007.pdf',
  'c1\u0085control.pdf',
  'right\u202eto-left.pdf',
  'CON',
  'con.txt',
  'LPT1.pdf',
  'trailing dot.',
  'trailing space ',
  'star*colon:quote"pipe|lt<gt>?.pdf',
  `${'很长的文件名'.repeat(60)}.pdf`,
  '',
];

describe('archive entry names', () => {
  it.each(HOSTILE)('keeps %j inside the archive, in one safe segment', (name) => {
    const path = evidenceEntry('1.2.3', name, 'ev-1', name);
    expect(isSafeEntryPath(path)).toBe(true);
    const segments = path.split('/');
    expect(segments).toHaveLength(3);
    expect(segments[0]).toBe('evidence');
    for (const segment of segments) {
      expect(segment).not.toMatch(/^\.{1,2}$/);
      expect(segment).not.toMatch(/^[A-Za-z]:/);
      expect(segment).not.toMatch(/[\\/:*?"<>|\p{Cc}\u202e]/u);
      expect(segment).not.toMatch(/[.\s]$/);
      expect(segment).not.toMatch(/^(con|prn|aux|nul|com\d|lpt\d)(\.|$)/i);
      expect(Buffer.byteLength(segment)).toBeLessThanOrEqual(MAX_SEGMENT_BYTES);
    }
  });

  it('keeps Chinese names and the evidence id readable', () => {
    expect(evidenceEntry('1.1.2', '家庭医生签约服务质量不高', 'e-42', '整改报告（定稿）.pdf')).toBe(
      'evidence/1.1.2 家庭医生签约服务质量不高/e-42-整改报告（定稿）.pdf',
    );
    expect(historyEntry('1.1.2')).toBe('history/1.1.2.json');
  });

  it('cuts long names on a character boundary', () => {
    const cut = safeSegment('整'.repeat(200));
    expect(Buffer.byteLength(cut)).toBeLessThanOrEqual(MAX_SEGMENT_BYTES);
    expect(cut).toBe('整'.repeat(Math.floor(MAX_SEGMENT_BYTES / 3)));
  });

  it('refuses, as a last defence, a segment that could escape', () => {
    for (const segment of ['..', '.', '', 'a/b', 'a\\b', 'C:x', 'a\u0000b']) {
      expect(() => entryPath('evidence', segment)).toThrow(/unsafe archive entry segment/);
    }
    expect(isSafeEntryPath('../evil.txt')).toBe(false);
    expect(isSafeEntryPath('/abs/path')).toBe(false);
    expect(isSafeEntryPath('evidence/ok/file.pdf')).toBe(true);
  });
});
