import { createHash } from 'node:crypto';
import { type ChainCheck, GENESIS_HASH, type Linked, linkHashWith, verifyChainWith } from './chain-links.ts';

/**
 * The tamper-evident trail (DESIGN.md §3, principle 3). Every record in an item's history carries
 * `seq`, `prevHash` and `hash = sha256(prevHash + canonicalJSON(record without hash))`, so editing,
 * removing or reordering any record breaks every link after it. Canonical JSON is RFC 8785
 * (JCS), which any language can reproduce, so auditors can verify offline. The rule itself is in
 * chain-links.ts (shared with the console); this module binds it to node:crypto.
 */
export { type ChainCheck, canonicalJson, GENESIS_HASH, type Linked } from './chain-links.ts';

export function sha256Hex(text: string | Uint8Array): string {
  return createHash('sha256').update(text).digest('hex');
}

/** The hash a record must carry, given everything in it except `hash`. */
export function linkHash(record: Omit<Linked, 'hash'> & object): string {
  return linkHashWith(sha256Hex, record);
}

/** Seals a record as the next link after `previous` (or as the first link). */
export function appendLink<T extends object>(
  previous: Pick<Linked, 'seq' | 'hash'> | undefined,
  record: T,
): T & Linked {
  const unsealed = { ...record, seq: (previous?.seq ?? 0) + 1, prevHash: previous?.hash ?? GENESIS_HASH };
  return { ...unsealed, hash: linkHash(unsealed) };
}

/** Walks a chain in order and reports the first broken link. An empty chain verifies. */
export function verifyChain(records: readonly Linked[]): ChainCheck {
  return verifyChainWith(sha256Hex, records);
}
