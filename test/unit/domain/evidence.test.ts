import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  EVIDENCE_TYPES,
  evidenceType,
  extensionOf,
  safeFileName,
  uploadKey,
  verifyUpload,
} from '#shared/domain/evidence.ts';

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const pdf = Buffer.from('%PDF-1.7\n1 0 obj\n<<>>\nendobj\n');

describe('evidence types', () => {
  it.each([
    ['application/pdf', pdf, true],
    ['application/pdf', Buffer.from('PK\u0003\u0004rest'), false],
    ['image/png', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0]), true],
    ['image/jpeg', Buffer.from([0xff, 0xd8, 0xff, 0xe0]), true],
    ['image/jpeg', pdf, false],
    [
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      Buffer.from('PK\u0003\u0004'),
      true,
    ],
    ['application/msword', Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), true],
    ['text/plain', Buffer.from('整改情况说明：已完成。'), true],
    ['text/plain', Buffer.from([0x41, 0x00, 0x42]), false],
    ['text/plain', Buffer.from([0xc3, 0x28]), false],
  ])('%s recognises its bytes: %#', (contentType, bytes, expected) => {
    expect(evidenceType(contentType)?.matches(bytes)).toBe(expected);
  });

  it('accepts text whose sniffed bytes end inside a Chinese character', () => {
    const text = Buffer.from('整改'.repeat(100));
    expect(evidenceType('text/plain')?.matches(text.subarray(0, 511))).toBe(true);
  });

  it('lists pdf, ofd, doc/docx, xls/xlsx, jpg, png, zip and txt', () => {
    expect(EVIDENCE_TYPES.flatMap((t) => t.extensions).sort()).toEqual(
      ['doc', 'docx', 'jpeg', 'jpg', 'ofd', 'pdf', 'png', 'txt', 'xls', 'xlsx', 'zip'].sort(),
    );
    expect(evidenceType('application/x-msdownload')).toBeUndefined();
  });
});

describe('file names', () => {
  it('keeps Chinese names and strips paths, control characters and reserved characters', () => {
    expect(safeFileName('整改报告（终稿）.pdf')).toBe('整改报告（终稿）.pdf');
    expect(safeFileName('../../etc/passwd')).toBe('passwd');
    expect(safeFileName('C:\\Users\\a\\报告.pdf')).toBe('报告.pdf');
    expect(safeFileName('a\u0000b\u001fc<>:"|?*.txt')).toBe('abc_______.txt');
    expect(safeFileName('...')).toBe('evidence');
    expect(extensionOf('整改报告.PDF')).toBe('pdf');
    expect(uploadKey('ev-1')).toBe('uploads/ev-1');
  });
});

describe('verifyUpload', () => {
  const declared = { size: pdf.length, sha256: sha256(pdf), contentType: 'application/pdf' };
  it('accepts the bytes that were declared', () => {
    expect(verifyUpload(declared, { size: pdf.length, sha256: sha256(pdf), head: pdf })).toEqual({
      ok: true,
    });
  });
  it('rejects another size, another hash, or bytes of another type, saying which', () => {
    const other = Buffer.from('%PDF-1.7 tampered');
    expect(verifyUpload(declared, { size: other.length, sha256: sha256(other), head: other })).toMatchObject({
      ok: false,
      reason: 'size-mismatch',
    });
    const sameSize = Buffer.from(pdf.toString().replace('obj', 'OBJ'));
    expect(
      verifyUpload(declared, { size: sameSize.length, sha256: sha256(sameSize), head: sameSize }),
    ).toMatchObject({ ok: false, reason: 'hash-mismatch' });
    const png = { ...declared, contentType: 'image/png' };
    expect(verifyUpload(png, { size: pdf.length, sha256: sha256(pdf), head: pdf })).toMatchObject({
      ok: false,
      reason: 'type-mismatch',
    });
  });
});
