import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import { type ChainCheck, type Linked, verifyChainWith } from '../../../shared/domain/chain-links.ts';

/**
 * The history's hash chain, checked in the browser by the server's own rule
 * (shared/domain/chain-links.ts) with a pure-JS SHA-256 instead of node:crypto, so the user need
 * not trust the server's verification of what it sent.
 */
export type { ChainCheck, Linked } from '../../../shared/domain/chain-links.ts';

export function sha256Hex(text: string): string {
  return bytesToHex(sha256(utf8ToBytes(text)));
}

/** A failed check with the position of the record that breaks the chain in the list given. */
export type BrowserChainCheck =
  | Extract<ChainCheck, { ok: true }>
  | (Extract<ChainCheck, { ok: false }> & { readonly index: number });

/**
 * Walks the chain and reports the first broken link. Records before it verified with seq 1, 2, …,
 * so the breaking record is the (brokenAt)th in the list: its index is brokenAt − 1.
 */
export function verifyChain(records: readonly Linked[]): BrowserChainCheck {
  const check = verifyChainWith(sha256Hex, records);
  return check.ok ? check : { ...check, index: check.brokenAt - 1 };
}
