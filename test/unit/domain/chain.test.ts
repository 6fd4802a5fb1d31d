import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { appendLink, canonicalJson, GENESIS_HASH, linkHash, verifyChain } from '#shared/domain/chain.ts';

function chainOf(bodies: Record<string, unknown>[]) {
  const records: ReturnType<typeof appendLink>[] = [];
  for (const body of bodies) records.push(appendLink(records.at(-1), body));
  return records;
}

describe('canonicalJson', () => {
  it('sorts keys and drops whitespace (RFC 8785), so equal data hashes equally', () => {
    expect(canonicalJson({ b: 1, a: [true, { d: '整改', c: null }] })).toBe(
      '{"a":[true,{"c":null,"d":"整改"}],"b":1}',
    );
    expect(canonicalJson({ x: 1, y: 2 })).toBe(canonicalJson({ y: 2, x: 1 }));
  });
});

describe('hash chain', () => {
  it('links the first record to the genesis hash and each next one to its predecessor', () => {
    const [first, second] = chainOf([{ type: 'Imported' }, { type: 'StatusChanged' }]);
    expect(first).toMatchObject({ seq: 1, prevHash: GENESIS_HASH });
    expect(second).toMatchObject({ seq: 2, prevHash: first?.hash });
    const unsealed = { type: 'Imported', seq: 1, prevHash: GENESIS_HASH };
    expect(first?.hash).toBe(linkHash(unsealed));
  });

  it('verifies an intact chain and reports its head', () => {
    const records = chainOf([{ n: 1 }, { n: 2 }, { n: 3 }]);
    expect(verifyChain(records)).toEqual({ ok: true, length: 3, head: records[2]?.hash });
    expect(verifyChain([])).toEqual({ ok: true, length: 0, head: GENESIS_HASH });
  });

  it('names the edited record when content changes', () => {
    const records = chainOf([{ n: 1 }, { n: 2 }, { n: 3 }]);
    const tampered = records.map((r) => (r.seq === 2 ? { ...r, n: 20 } : r));
    expect(verifyChain(tampered)).toMatchObject({ ok: false, brokenAt: 2, reason: 'hash-mismatch' });
  });

  it('names the next record when a record is edited and re-hashed', () => {
    const records = chainOf([{ n: 1 }, { n: 2 }, { n: 3 }]);
    const edited = { ...records[1], n: 20 } as (typeof records)[number];
    const rehashed = { ...edited, hash: linkHash(edited) };
    expect(verifyChain([records[0], rehashed, records[2]] as typeof records)).toMatchObject({
      ok: false,
      brokenAt: 3,
      reason: 'prev-hash-mismatch',
    });
  });

  it('detects a removed record as a gap', () => {
    const records = chainOf([{ n: 1 }, { n: 2 }, { n: 3 }]);
    expect(verifyChain([records[0], records[2]] as typeof records)).toMatchObject({
      ok: false,
      brokenAt: 2,
      reason: 'seq-gap',
    });
  });

  it('detects any single changed field anywhere in any chain (property)', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), fc.oneof(fc.string(), fc.integer())),
          {
            minLength: 1,
            maxLength: 8,
          },
        ),
        fc.nat(),
        fc.string(),
        (bodies, pick, replacement) => {
          const records = chainOf(bodies);
          const index = pick % records.length;
          const target = records[index] as Record<string, unknown>;
          const key =
            Object.keys(target).filter((k) => k !== 'hash')[pick % (Object.keys(target).length - 1)] ?? 'seq';
          fc.pre(JSON.stringify(target[key]) !== JSON.stringify(replacement));
          const tampered = records.map((r, i) => (i === index ? { ...r, [key]: replacement } : r));
          const result = verifyChain(tampered as typeof records);
          expect(result.ok).toBe(false);
        },
      ),
    );
  });
});
