import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { RuleViolation } from '#shared/domain/errors.ts';
import {
  decideVerification,
  decideWithdrawal,
  EVIDENCE_TYPES,
  type Evidence,
  evidenceType,
  extensionOf,
  rejectionText,
  safeFileName,
  verifyUpload,
} from '#shared/domain/evidence.ts';
import { actorRef } from '#shared/domain/roles.ts';
import type { ITEM_STATUSES } from '#shared/domain/status.ts';
import { anItem, principals } from '../../support/items.ts';

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

describe('rejection reasons reach users in their language', () => {
  const declared = { size: pdf.length, sha256: sha256(pdf), contentType: 'application/pdf' };
  const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0]);

  it('keeps the code and the values, and renders the text per language', () => {
    const result = verifyUpload(declared, { size: pdf.length, sha256: sha256(pdf), head: png });
    expect(result).toEqual({
      ok: false,
      reason: 'type-mismatch',
      detail: 'the bytes are not application/pdf',
      params: { declared: 'application/pdf' },
    });
    if (result.ok) throw new Error('unreachable');
    expect(rejectionText(result, 'zh-CN')).toBe('文件内容不是申报的类型 application/pdf');
    expect(rejectionText(result, 'en')).toBe('the bytes are not application/pdf');
  });

  it('renders size and hash mismatches with what was declared and what arrived', () => {
    expect(rejectionText({ reason: 'size-mismatch', params: { declared: 10, received: 12 } }, 'zh-CN')).toBe(
      '文件大小与申报不符：申报 10 字节，实际收到 12 字节',
    );
    expect(rejectionText({ reason: 'size-mismatch', params: { declared: 10, received: 12 } }, 'en')).toBe(
      'the size differs from the declared size: declared 10 bytes, received 12',
    );
    expect(
      rejectionText({ reason: 'hash-mismatch', params: { declared: 'aa', received: 'bb' } }, 'zh-CN'),
    ).toBe('文件内容与申报的 SHA-256 不符：申报 aa，实际 bb');
  });

  it('gives records without values the general text of their code, and unknown codes their detail', () => {
    const old = { reason: 'type-mismatch', detail: 'the bytes are not application/pdf' };
    expect(rejectionText(old, 'zh-CN')).toBe('文件内容与申报的类型不符');
    expect(rejectionText(old, 'en')).toBe('the content is not of the declared type');
    expect(rejectionText({ reason: 'virus-found', detail: 'EICAR' }, 'zh-CN')).toBe('EICAR');
    expect(rejectionText({ reason: 'constructor', detail: 'x' }, 'en')).toBe('x');
  });

  it('stores the values on the evidence, but keeps the chain record to code and English detail', () => {
    const result = verifyUpload(declared, { size: pdf.length, sha256: sha256(pdf), head: png });
    const decided = decideVerification(anItem(), pendingEvidence(), result, { eventId: 'e', at: NOW });
    expect(decided.evidence.rejection).toEqual({
      reason: 'type-mismatch',
      detail: 'the bytes are not application/pdf',
      params: { declared: 'application/pdf' },
    });
    // The EvidenceRejected event's contract is strict: no new fields in the record it is made from.
    expect(Object.keys(decided.event.data).sort()).toEqual(
      ['detail', 'evidenceId', 'fileName', 'reason', 'sha256', 'size'].sort(),
    );
  });
});

const NOW = '2024-08-01T02:00:00.000Z';

function pendingEvidence(overrides: Partial<Evidence> = {}): Evidence {
  return {
    evidenceId: 'ev-1',
    itemId: 'insp-2024.1.1.1',
    inspectionId: 'insp-2024',
    ref: '1.1.1',
    fileName: '整改报告.pdf',
    contentType: 'application/pdf',
    size: pdf.length,
    sha256: sha256(pdf),
    state: 'pending',
    objectKey: 'uploads/ev-1',
    requestedBy: actorRef(principals.department),
    requestedAt: NOW,
    ...overrides,
  };
}

describe('decideWithdrawal', () => {
  const stored = pendingEvidence({ state: 'stored', storedAt: NOW });
  const withdraw = (status: (typeof ITEM_STATUSES)[number]) => () =>
    decideWithdrawal(
      anItem({ status, evidenceCount: 1 }),
      stored,
      actorRef(principals.department),
      '传错了文件',
      { eventId: 'e', at: NOW },
    );

  // The whole table: an item that rests on its evidence (rectified, closed) keeps it.
  it.each([
    ['not_started', true],
    ['in_progress', true],
    ['rectified', false],
    ['closed', false],
  ] as const)('from an item that is %s: allowed %s', (status, allowed) => {
    if (allowed) {
      const { item, evidence, event } = withdraw(status)();
      expect(item).toMatchObject({ status, evidenceCount: 0 });
      expect(evidence.state).toBe('withdrawn');
      expect(event.type).toBe('EvidenceWithdrawn');
      return;
    }
    expect(withdraw(status)).toThrow(RuleViolation);
    try {
      withdraw(status)();
    } catch (error) {
      expect((error as RuleViolation).details).toEqual({ rule: 'item-rectified', status });
      expect((error as RuleViolation).params.reason).toMatch(/reopen the item first/);
      expect((error as RuleViolation).params.reasonZh).toMatch(/请先由管理员重新打开该事项/);
    }
  });

  it('still refuses a file that is not stored, whatever the item', () => {
    expect(() =>
      decideWithdrawal(
        anItem({ status: 'in_progress' }),
        pendingEvidence(),
        actorRef(principals.admin),
        'x',
        {
          eventId: 'e',
          at: NOW,
        },
      ),
    ).toThrow(RuleViolation);
  });
});
