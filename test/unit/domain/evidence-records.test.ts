import { describe, expect, it } from 'vitest';
import { RuleViolation } from '#shared/domain/errors.ts';
import {
  decideVerification,
  decideWithdrawal,
  type Evidence,
  evidenceType,
  extensionOf,
  safeFileName,
  VERIFIER,
  verifyUpload,
} from '#shared/domain/evidence.ts';
import { anItem, principals } from '../../support/items.ts';

/**
 * Evidence rules in detail: what the text sniffer accepts at the end of the sniffed bytes, how
 * content types, extensions and file names are read, and what verification and withdrawal write.
 */

const text = evidenceType('text/plain');
const bytes = (...values: (string | number[])[]) =>
  Buffer.concat(values.map((value) => (typeof value === 'string' ? Buffer.from(value) : Buffer.from(value))));

describe('the text sniffer', () => {
  it.each([
    ['plain ASCII', bytes('Progress report'), true],
    ['empty', bytes(), true],
    ['a complete Chinese text', bytes('整改'), true],
    ['cut after the 1st byte of 中 (E4)', bytes('A', [0xe4]), true],
    ['cut after the 2nd byte of 中 (E4 B8)', bytes('A', [0xe4, 0xb8]), true],
    ['cut after 3 of the 4 bytes of 😀 (F0 9F 98)', bytes('A', [0xf0, 0x9f, 0x98]), true],
    ['only 3 of the 4 bytes of 😀', bytes([0xf0, 0x9f, 0x98]), true],
    ['a lead byte C0, the lowest counted', bytes('A', [0xc0]), true],
    ['a lead byte F7, the highest counted', bytes('A', [0xf7]), true],
    ['a byte F8 at the end', bytes('A', [0xf8]), false],
    ['a continuation byte without its lead', bytes('A', [0xbf]), false],
    ['a lead then the lowest continuation (E4 80)', bytes('A', [0xe4, 0x80]), true],
    ['a lead then the highest continuation (E4 BF)', bytes('A', [0xe4, 0xbf]), true],
    ['a lead then a byte that is no continuation (E4 7F)', bytes('A', [0xe4, 0x7f]), false],
    ['a lead then a byte above the continuations (E4 C0)', bytes('A', [0xe4, 0xc0]), false],
    ['invalid bytes four from the end (C2 80 80 80)', bytes('A', [0xc2, 0x80, 0x80, 0x80]), false],
    ['a NUL byte', bytes('A', [0x00], 'B'), false],
  ])('%s: text %s', (_case, head, isText) => {
    expect(text?.matches(head)).toBe(isText);
  });
});

describe('content types, extensions and names', () => {
  it.each([
    ['application/pdf', 'application/pdf'],
    [' Application/PDF ; charset=binary', 'application/pdf'],
    ['image/PNG', 'image/png'],
    ['application/x-msdownload', undefined],
    ['', undefined],
  ])('content type %j is %s', (contentType, known) => {
    expect(evidenceType(contentType)?.contentType).toBe(known);
  });

  it.each([
    ['整改报告.PDF', 'pdf'],
    ['archive.tar.gz', 'gz'],
    ['report.pdf.exe', 'exe'],
    ['README', ''],
    ['name.', ''],
    ['a.abcdefghij', 'abcdefghij'],
    ['a.abcdefghijk', ''],
    ['a.p-f', ''],
  ])('the extension of %j is %j', (fileName, extension) => {
    expect(extensionOf(fileName)).toBe(extension);
  });

  it.each([
    ['keeps spaces', '整改 报告.pdf', '整改 报告.pdf'],
    ['drops DEL and C0 controls', 'a\u007fb\u0001c.pdf', 'abc.pdf'],
    ['drops leading dots', '..hidden.txt', 'hidden.txt'],
    ['trims', '  报告.pdf  ', '报告.pdf'],
    ['names an empty name', '', 'evidence'],
  ])('a file name: %s', (_case, fileName, safe) => {
    expect(safeFileName(fileName)).toBe(safe);
  });

  it('keeps at most 200 characters', () => {
    expect(safeFileName(`${'报'.repeat(250)}.pdf`)).toBe('报'.repeat(200));
  });
});

describe('verifyUpload', () => {
  const declared = { size: 4, sha256: 'AB'.repeat(32), contentType: 'text/plain' };

  it('says what was declared and what arrived', () => {
    expect(verifyUpload(declared, { size: 5, sha256: 'ab'.repeat(32), head: bytes('text!') })).toEqual({
      ok: false,
      reason: 'size-mismatch',
      detail: 'declared 4 bytes, received 5',
      params: { declared: 4, received: 5 },
    });
    expect(verifyUpload(declared, { size: 4, sha256: 'cd'.repeat(32), head: bytes('text') })).toEqual({
      ok: false,
      reason: 'hash-mismatch',
      detail: `declared SHA-256 ${'AB'.repeat(32)}, received ${'cd'.repeat(32)}`,
      params: { declared: 'AB'.repeat(32), received: 'cd'.repeat(32) },
    });
  });

  it('compares the hash without regard to the declared case', () => {
    expect(verifyUpload(declared, { size: 4, sha256: 'ab'.repeat(32), head: bytes('text') })).toEqual({
      ok: true,
    });
  });

  it('rejects a declared type it does not know as a type mismatch', () => {
    const unknown = { ...declared, contentType: 'application/x-unknown' };
    expect(verifyUpload(unknown, { size: 4, sha256: 'ab'.repeat(32), head: bytes('text') })).toEqual({
      ok: false,
      reason: 'type-mismatch',
      detail: 'the bytes are not application/x-unknown',
      params: { declared: 'application/x-unknown' },
    });
  });
});

const AT = '2024-08-01T02:00:00.000Z';
const evidence = (overrides: Partial<Evidence> = {}): Evidence => ({
  evidenceId: 'ev-1',
  itemId: 'insp-2024.1.1.1',
  inspectionId: 'insp-2024',
  ref: '1.1.1',
  fileName: '整改报告.pdf',
  contentType: 'application/pdf',
  size: 10,
  sha256: 'a'.repeat(64),
  state: 'pending',
  objectKey: 'uploads/ev-1',
  requestedBy: { subject: 'dept-1', name: '张科员', roles: ['department'] },
  requestedAt: AT,
  ...overrides,
});
const FILE = { evidenceId: 'ev-1', fileName: '整改报告.pdf', sha256: 'a'.repeat(64), size: 10 };

describe('decideVerification', () => {
  it('stores a verified file: counts it, records EvidenceStored by the verifier, keeps the object version', () => {
    const item = anItem({ evidenceCount: 2 });
    const decided = decideVerification(
      item,
      evidence(),
      { ok: true },
      { eventId: 'e', at: AT, objectVersionId: 'v-1' },
    );
    expect(decided.item).toMatchObject({ evidenceCount: 3, version: 2 });
    expect(decided.event).toMatchObject({ type: 'EvidenceStored', actor: VERIFIER, data: FILE });
    expect(decided.evidence).toEqual({
      ...evidence(),
      state: 'stored',
      storedAt: AT,
      objectVersionId: 'v-1',
    });
  });

  it('stores a file of an unversioned bucket without a version', () => {
    const decided = decideVerification(anItem(), evidence(), { ok: true }, { eventId: 'e', at: AT });
    expect(decided.evidence).toEqual({ ...evidence(), state: 'stored', storedAt: AT });
  });

  it('rejects a file: the count stays, the record and the evidence say why', () => {
    const item = anItem({ evidenceCount: 2 });
    const result = { ok: false, reason: 'size-mismatch', detail: 'declared 10 bytes, received 9' } as const;
    const decided = decideVerification(item, evidence(), result, {
      eventId: 'e',
      at: AT,
      objectVersionId: 'v-1',
    });
    expect(decided.item).toMatchObject({ evidenceCount: 2, version: 2 });
    expect(decided.event).toMatchObject({
      type: 'EvidenceRejected',
      actor: VERIFIER,
      data: { ...FILE, reason: 'size-mismatch', detail: 'declared 10 bytes, received 9' },
    });
    expect(decided.evidence).toEqual({
      ...evidence(),
      state: 'rejected',
      rejection: { reason: 'size-mismatch', detail: 'declared 10 bytes, received 9' },
    });
  });

  it('is recorded by the evidence verifier, a system actor', () => {
    expect(VERIFIER).toEqual({ subject: 'system:evidence-verifier', name: '佐证材料校验', roles: [] });
  });
});

describe('decideWithdrawal', () => {
  const actor = { subject: 'dept-1', name: '张科员', roles: ['department'] };

  it('uncounts the file, records who withdrew what and why', () => {
    const decided = decideWithdrawal(
      anItem({ status: 'in_progress', evidenceCount: 2 }),
      evidence({ state: 'stored' }),
      actor,
      '传错了文件',
      { eventId: 'e', at: AT },
    );
    expect(decided.item.evidenceCount).toBe(1);
    expect(decided.event).toMatchObject({
      type: 'EvidenceWithdrawn',
      actor,
      data: { evidenceId: 'ev-1', fileName: '整改报告.pdf', sha256: 'a'.repeat(64), reason: '传错了文件' },
    });
    expect(decided.evidence).toEqual({
      ...evidence({ state: 'stored' }),
      state: 'withdrawn',
      withdrawal: { by: actor, at: AT, reason: '传错了文件' },
    });
  });

  it('never counts below zero', () => {
    const decided = decideWithdrawal(
      anItem({ evidenceCount: 0 }),
      evidence({ state: 'stored' }),
      actor,
      'x',
      {
        eventId: 'e',
        at: AT,
      },
    );
    expect(decided.item.evidenceCount).toBe(0);
  });

  function refusal(fn: () => unknown) {
    try {
      fn();
    } catch (error) {
      if (error instanceof RuleViolation) return { params: error.params, details: error.details };
      throw error;
    }
    throw new Error('expected a refusal');
  }

  it.each(['pending', 'rejected', 'withdrawn'] as const)('refuses a file that is %s', (state) => {
    expect(
      refusal(() => decideWithdrawal(anItem(), evidence({ state }), actor, 'x', { eventId: 'e', at: AT })),
    ).toEqual({
      params: {
        reason: `Only stored evidence can be withdrawn; this file is ${state}.`,
        reasonZh: '只能撤回已校验存储的佐证材料。',
      },
      details: { rule: 'evidence-not-stored', state },
    });
  });

  it.each([
    ['rectified', 'rectified', '已整改'],
    ['closed', 'closed', '已销号'],
  ] as const)('refuses while the item is %s, saying what to do', (status, en, zh) => {
    expect(
      refusal(() =>
        decideWithdrawal(anItem({ status }), evidence({ state: 'stored' }), actor, 'x', {
          eventId: 'e',
          at: AT,
        }),
      ),
    ).toEqual({
      params: {
        reason: `Item insp-2024.1.1.1 is ${en}; its evidence cannot be withdrawn. Ask an admin to reopen the item first, then withdraw the file.`,
        reasonZh: `事项 1.1.1 ${zh}，不能撤回其佐证材料；请先由管理员重新打开该事项，再撤回。`,
      },
      details: { rule: 'item-rectified', status },
    });
  });

  it('lets anyone allowed to write withdraw, recording them as the actor', () => {
    const decided = decideWithdrawal(anItem(), evidence({ state: 'stored' }), principals.admin, 'x', {
      eventId: 'e',
      at: AT,
    });
    expect(decided.event.actor).toEqual(principals.admin);
  });
});
