import { describe, expect, it } from 'vitest';
import { appendLink, GENESIS_HASH, linkHash, verifyChain } from '#shared/domain/chain.ts';

/** The whole report of a broken chain: which record, why, and the detail an auditor reads. */
function chainOf(length: number) {
  const records: ReturnType<typeof appendLink<{ n: number }>>[] = [];
  for (let n = 1; n <= length; n++) records.push(appendLink(records.at(-1), { n }));
  return records;
}

describe('verifyChain reports', () => {
  // Made inside each test, so that the test (not the file's loading) runs the code that seals.
  const three = () =>
    chainOf(3) as [
      ReturnType<typeof chainOf>[number],
      ReturnType<typeof chainOf>[number],
      ReturnType<typeof chainOf>[number],
    ];

  it('a gap: the seq expected and the one found', () => {
    const [first, , third] = three();
    expect(verifyChain([first, third])).toEqual({
      ok: false,
      brokenAt: 2,
      reason: 'seq-gap',
      detail: 'expected seq 2, found 3',
    });
  });

  it('a chain that does not start at 1', () => {
    const [, second, third] = three();
    expect(verifyChain([second, third])).toEqual({
      ok: false,
      brokenAt: 1,
      reason: 'seq-gap',
      detail: 'expected seq 1, found 2',
    });
  });

  it('a first record that does not start from the genesis hash', () => {
    const forged = { n: 1, seq: 1, prevHash: 'f'.repeat(64) };
    const sealed = { ...forged, hash: linkHash(forged) };
    expect(verifyChain([sealed])).toEqual({
      ok: false,
      brokenAt: 1,
      reason: 'prev-hash-mismatch',
      detail: `prevHash ${'f'.repeat(64)} does not match the hash of seq 0 (${GENESIS_HASH})`,
    });
  });

  it('a link to the wrong predecessor: the prevHash found and the hash of the record before', () => {
    const [first, second, third] = three();
    const relinked = { ...third, seq: 2 };
    expect(verifyChain([first, relinked])).toEqual({
      ok: false,
      brokenAt: 2,
      reason: 'prev-hash-mismatch',
      detail: `prevHash ${second.hash} does not match the hash of seq 1 (${first.hash})`,
    });
  });

  it('edited content: the hash stored and the hash of the content', () => {
    const [first, second, third] = three();
    const edited = { ...second, n: 20 };
    expect(verifyChain([first, edited, third])).toEqual({
      ok: false,
      brokenAt: 2,
      reason: 'hash-mismatch',
      detail: `stored hash ${second.hash} but the content hashes to ${linkHash(edited)}`,
    });
  });
});
