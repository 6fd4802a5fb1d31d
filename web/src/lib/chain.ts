import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import canonicalize from 'canonicalize';

/**
 * The history's hash chain, checked in the browser: the same rule as shared/domain/chain.ts
 * (hash = sha256hex(prevHash + RFC 8785 canonical JSON of the record without `hash`), the first
 * prevHash 64 zeros, seq 1, 2, 3 …), with no node:crypto, so the user need not trust the
 * server's own verification of what it sent.
 */
export const GENESIS_HASH = '0'.repeat(64);

export interface Linked {
  readonly seq: number;
  readonly prevHash: string;
  readonly hash: string;
}

export type ChainCheck =
  | { readonly ok: true; readonly length: number; readonly head: string }
  | {
      readonly ok: false;
      /** The first record that does not verify (its `seq` as stored, or the expected one if missing). */
      readonly brokenAt: number;
      /** Its position in the list given (the record that is out of place when seq jumps). */
      readonly index: number;
      readonly reason: 'hash-mismatch' | 'prev-hash-mismatch' | 'seq-gap';
      readonly detail: string;
    };

export function canonicalJson(value: unknown): string {
  const text = canonicalize(value);
  if (text === undefined) throw new TypeError('value cannot be canonicalised as JSON');
  return text;
}

export function sha256Hex(text: string): string {
  return bytesToHex(sha256(utf8ToBytes(text)));
}

/** The hash a record must carry, given everything in it except `hash`. */
export function linkHash(record: Omit<Linked, 'hash'> & object): string {
  const { hash: _ignored, ...body } = record as Record<string, unknown>;
  return sha256Hex(`${record.prevHash}${canonicalJson(body)}`);
}

/** Walks a chain in order and reports the first broken link. An empty chain verifies. */
export function verifyChain(records: readonly Linked[]): ChainCheck {
  let previous: Linked | undefined;
  for (const [index, record] of records.entries()) {
    const expectedSeq = (previous?.seq ?? 0) + 1;
    if (record.seq !== expectedSeq) {
      return {
        ok: false,
        brokenAt: expectedSeq,
        index,
        reason: 'seq-gap',
        detail: `expected seq ${expectedSeq}, found ${record.seq}`,
      };
    }
    const expectedPrev = previous?.hash ?? GENESIS_HASH;
    if (record.prevHash !== expectedPrev) {
      return {
        ok: false,
        brokenAt: record.seq,
        index,
        reason: 'prev-hash-mismatch',
        detail: `prevHash ${record.prevHash} does not match the hash of seq ${expectedSeq - 1} (${expectedPrev})`,
      };
    }
    const recomputed = linkHash(record);
    if (record.hash !== recomputed) {
      return {
        ok: false,
        brokenAt: record.seq,
        index,
        reason: 'hash-mismatch',
        detail: `stored hash ${record.hash} but the content hashes to ${recomputed}`,
      };
    }
    previous = record;
  }
  return { ok: true, length: records.length, head: previous?.hash ?? GENESIS_HASH };
}
