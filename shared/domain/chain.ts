import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';

/**
 * The tamper-evident trail (DESIGN.md §3, principle 3). Every record in an item's history carries
 * `seq`, `prevHash` and `hash = sha256(prevHash + canonicalJSON(record without hash))`, so editing,
 * removing or reordering any record breaks every link after it. Canonical JSON is RFC 8785
 * (JCS), which any language can reproduce, so auditors can verify offline.
 */

/** `prevHash` of the first record in a chain. */
export const GENESIS_HASH = '0'.repeat(64);

export interface Linked {
  readonly seq: number;
  readonly prevHash: string;
  readonly hash: string;
}

export function canonicalJson(value: unknown): string {
  const text = canonicalize(value);
  if (text === undefined) throw new TypeError('value cannot be canonicalised as JSON');
  return text;
}

export function sha256Hex(text: string | Uint8Array): string {
  return createHash('sha256').update(text).digest('hex');
}

/** The hash a record must carry, given everything in it except `hash`. */
export function linkHash(record: Omit<Linked, 'hash'> & object): string {
  const { hash: _ignored, ...body } = record as Record<string, unknown>;
  return sha256Hex(`${record.prevHash}${canonicalJson(body)}`);
}

/** Seals a record as the next link after `previous` (or as the first link). */
export function appendLink<T extends object>(
  previous: Pick<Linked, 'seq' | 'hash'> | undefined,
  record: T,
): T & Linked {
  const unsealed = { ...record, seq: (previous?.seq ?? 0) + 1, prevHash: previous?.hash ?? GENESIS_HASH };
  return { ...unsealed, hash: linkHash(unsealed) };
}

export type ChainCheck =
  | { readonly ok: true; readonly length: number; readonly head: string }
  | {
      readonly ok: false;
      /** The first record that does not verify (its `seq` as stored, or the expected one if missing). */
      readonly brokenAt: number;
      readonly reason: 'hash-mismatch' | 'prev-hash-mismatch' | 'seq-gap';
      readonly detail: string;
    };

/** Walks a chain in order and reports the first broken link. An empty chain verifies. */
export function verifyChain(records: readonly Linked[]): ChainCheck {
  let previous: Linked | undefined;
  for (const record of records) {
    const expectedSeq = (previous?.seq ?? 0) + 1;
    if (record.seq !== expectedSeq) {
      return {
        ok: false,
        brokenAt: expectedSeq,
        reason: 'seq-gap',
        detail: `expected seq ${expectedSeq}, found ${record.seq}`,
      };
    }
    const expectedPrev = previous?.hash ?? GENESIS_HASH;
    if (record.prevHash !== expectedPrev) {
      return {
        ok: false,
        brokenAt: record.seq,
        reason: 'prev-hash-mismatch',
        detail: `prevHash ${record.prevHash} does not match the hash of seq ${expectedSeq - 1} (${expectedPrev})`,
      };
    }
    const recomputed = linkHash(record);
    if (record.hash !== recomputed) {
      return {
        ok: false,
        brokenAt: record.seq,
        reason: 'hash-mismatch',
        detail: `stored hash ${record.hash} but the content hashes to ${recomputed}`,
      };
    }
    previous = record;
  }
  return { ok: true, length: records.length, head: previous?.hash ?? GENESIS_HASH };
}
