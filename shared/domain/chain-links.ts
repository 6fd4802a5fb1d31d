import canonicalize from 'canonicalize';

/**
 * The rule of the hash chain, with the SHA-256 implementation passed in: the server and CLI use
 * node:crypto (chain.ts), the console's "verify chain" a pure-JS one in the browser
 * (web/src/lib/chain.ts) — one rule, so what the browser accepts is what the server sealed.
 * See chain.ts for what the chain guarantees.
 */

/** Hex SHA-256 of a UTF-8 string. */
export type Sha256Hex = (text: string) => string;

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

/** The hash a record must carry, given everything in it except `hash`. */
export function linkHashWith(sha256Hex: Sha256Hex, record: Omit<Linked, 'hash'> & object): string {
  const { hash: _ignored, ...body } = record as Record<string, unknown>;
  return sha256Hex(`${record.prevHash}${canonicalJson(body)}`);
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
export function verifyChainWith(sha256Hex: Sha256Hex, records: readonly Linked[]): ChainCheck {
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
    const recomputed = linkHashWith(sha256Hex, record);
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
