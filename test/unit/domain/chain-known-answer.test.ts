import { describe, expect, it } from 'vitest';
import {
  appendLink,
  canonicalJson,
  GENESIS_HASH,
  linkHash,
  sha256Hex,
  verifyChain,
} from '#shared/domain/chain.ts';
import { sha256Hex as browserSha256Hex, verifyChain as browserVerify } from '../../../web/src/lib/chain.ts';

/**
 * Known-answer vectors for the hash chain (DESIGN.md §3: `hash = sha256(prevHash + canonical JSON
 * of the record without hash)`, canonical JSON = RFC 8785). The expected values are NOT computed
 * with the module under test: they were computed once, independently, with python3's hashlib and
 * json over the canonical text written out below (keys sorted by UTF-16 code units, no
 * whitespace, non-ASCII kept as UTF-8), and cross-checked with `printf '%s%s' "$PREV" "$JSON" |
 * sha256sum`. A change of the formula (another separator, field order, encoding, hash) fails here
 * even though every other chain test would still agree with itself.
 */

const FIRST = {
  eventId: '0b9f4c1e-2d3a-4b5c-8d6e-7f8091a2b3c4',
  itemId: 'insp-2024.1.1.1',
  inspectionId: 'insp-2024',
  type: 'StatusChanged',
  at: '2024-06-20T08:00:00.000Z',
  actor: { subject: 'dept-1', name: '张科员', roles: ['department'] },
  data: { from: 'not_started', to: 'in_progress', rule: 'start' },
};
const FIRST_CANONICAL =
  '{"actor":{"name":"张科员","roles":["department"],"subject":"dept-1"},"at":"2024-06-20T08:00:00.000Z",' +
  '"data":{"from":"not_started","rule":"start","to":"in_progress"},"eventId":"0b9f4c1e-2d3a-4b5c-8d6e-7f8091a2b3c4",' +
  '"inspectionId":"insp-2024","itemId":"insp-2024.1.1.1",' +
  '"prevHash":"0000000000000000000000000000000000000000000000000000000000000000","seq":1,"type":"StatusChanged"}';
const FIRST_HASH = '4a5a5caee7eafe20abce488ecb13d1489c4774cc7609026d4b35999e18f44453';

const SECOND = {
  eventId: '5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f70819',
  itemId: 'insp-2024.1.1.1',
  inspectionId: 'insp-2024',
  type: 'ProgressReported',
  at: '2024-06-21T09:30:00.000Z',
  actor: { subject: 'dept-1', name: '张科员', roles: ['department'] },
  data: { text: '已招录全科医生 2 名', measuresDone: [0], newlyDone: [0] },
};
const SECOND_HASH = '8ad156e081c8d570c5100745c8df2639c023de0060ac4115f777f716dcf6c248';

describe('hash chain known-answer vectors', () => {
  it('seals a genesis link: seq 1, prevHash 64 zeros, hash of zeros + canonical JSON', () => {
    expect(GENESIS_HASH).toBe('0'.repeat(64));
    const first = appendLink(undefined, FIRST);
    expect(canonicalJson({ ...FIRST, seq: 1, prevHash: GENESIS_HASH })).toBe(FIRST_CANONICAL);
    expect(first).toEqual({ ...FIRST, seq: 1, prevHash: GENESIS_HASH, hash: FIRST_HASH });
  });

  it('seals a second link on the first one’s hash', () => {
    const first = appendLink(undefined, FIRST);
    const second = appendLink(first, SECOND);
    expect(second).toEqual({ ...SECOND, seq: 2, prevHash: FIRST_HASH, hash: SECOND_HASH });
    expect(verifyChain([first, second])).toEqual({ ok: true, length: 2, head: SECOND_HASH });
  });

  it('ignores a stale `hash` field when recomputing a link', () => {
    const sealed = { ...FIRST, seq: 1, prevHash: GENESIS_HASH, hash: 'f'.repeat(64) };
    expect(linkHash(sealed)).toBe(FIRST_HASH);
  });

  it('is the same in the console’s pure-JS SHA-256', () => {
    const first = { ...FIRST, seq: 1, prevHash: GENESIS_HASH, hash: FIRST_HASH };
    const second = { ...SECOND, seq: 2, prevHash: FIRST_HASH, hash: SECOND_HASH };
    expect(browserSha256Hex(`${GENESIS_HASH}${FIRST_CANONICAL}`)).toBe(FIRST_HASH);
    expect(browserVerify([first, second])).toMatchObject({ ok: true, length: 2, head: SECOND_HASH });
  });
});

describe('canonicalJson known answer (RFC 8785)', () => {
  const nested = {
    整改: { z: [3, { b: '乙', a: '甲' }], a: true },
    b: null,
    A: '引号"与\\反斜杠\n换行',
    '😀': 1,
    '！': 2,
    é: 0,
  };

  it('orders keys by UTF-16 code units at every depth, keeps non-ASCII as is, escapes only what JSON must', () => {
    // '😀' (U+1F600) is the surrogate pair D83D DE00, which sorts before '！' (U+FF01) in UTF-16
    // although its code point is larger; arrays keep their order.
    expect(canonicalJson(nested)).toBe(
      '{"A":"引号\\"与\\\\反斜杠\\n换行","b":null,"é":0,"整改":{"a":true,"z":[3,{"a":"甲","b":"乙"}]},"😀":1,"！":2}',
    );
  });

  it('hashes as UTF-8 bytes', () => {
    expect(sha256Hex(canonicalJson(nested))).toBe(
      '205d2ebbb81043fc91c9b61721bd0f48ffa5d891f9e953e5de90a3ccc9f22ee4',
    );
  });

  it('refuses a value JSON cannot hold', () => {
    expect(() => canonicalJson(undefined)).toThrow(new TypeError('value cannot be canonicalised as JSON'));
  });
});
