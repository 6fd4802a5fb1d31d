import { describe, expect, it } from 'vitest';
import { appendLink, type Linked, verifyChain as serverVerify } from '#shared/domain/chain.ts';
import { verifyChain as browserVerify } from '../../web/src/lib/chain.ts';

/**
 * The console's chain check (web/src/lib/chain.ts, noble + canonicalize) must reach the same
 * verdict as the server's (node:crypto) on real chains, intact and tampered with.
 */
type Record = Linked & {
  type: string;
  at: string;
  actor: { name: string };
  data: { [key: string]: unknown };
};

function chain(length: number): Record[] {
  const records: Record[] = [];
  for (let n = 0; n < length; n++) {
    records.push(
      appendLink(records.at(-1), {
        eventId: `e-${n}`,
        itemId: 'sample-health-2024-r1.1.1.2',
        inspectionId: 'sample-health-2024-r1',
        type: n === 0 ? 'Imported' : 'ProgressReported',
        at: new Date(Date.UTC(2024, 6, 1 + n, 2, 30)).toISOString(),
        actor: { subject: 'dev:张三', name: '张三', roles: ['department'] },
        data: {
          text: `第${n}次进展：开展签约服务质量抽查 — “引号” \u{1F600} 1e21`,
          measuresDone: [1, 0].slice(0, n % 3),
          amount: n * 0.1,
          nested: { z: null, a: [true, false], 中文键: n },
        },
      }) as Record,
    );
  }
  return records;
}

const verdict = (records: readonly Linked[]) => {
  const server = serverVerify(records);
  const browser = browserVerify(records);
  const { index: _index, ...comparable } = browser as typeof browser & { index?: number };
  return { server, browser: comparable };
};

describe('web chain verifier', () => {
  it('agrees with verifyChain on an intact chain and an empty one', () => {
    for (const records of [chain(12), chain(1), []]) {
      const { server, browser } = verdict(records);
      expect(server.ok).toBe(true);
      expect(browser).toEqual(server);
    }
  });

  it('agrees on an edited record (data, actor, time)', () => {
    for (const edit of [
      (r: Record) => ({ ...r, data: { ...r.data, text: `${r.data.text}。` } }),
      (r: Record) => ({ ...r, actor: { ...r.actor, name: '李四' } }),
      (r: Record) => ({ ...r, at: '2024-07-05T02:30:00.001Z' }),
    ]) {
      const records = chain(8);
      records[4] = edit(records[4] as Record);
      const { server, browser } = verdict(records);
      expect(server).toMatchObject({ ok: false, brokenAt: 5, reason: 'hash-mismatch' });
      expect(browser).toEqual(server);
    }
  });

  it('agrees on a removed record (middle, first and re-sealed tail)', () => {
    const middle = chain(8);
    middle.splice(3, 1);
    const first = chain(8).slice(1);
    for (const records of [middle, first]) {
      const { server, browser } = verdict(records);
      expect(server.ok).toBe(false);
      expect(browser).toEqual(server);
    }
  });

  it('agrees on reordered records and on a forged prevHash', () => {
    const swapped = chain(6);
    [swapped[2], swapped[3]] = [swapped[3] as Record, swapped[2] as Record];
    const renumbered = chain(6).map((record, index, all) =>
      index === 2
        ? { ...(all[3] as Record), seq: 3 }
        : index === 3
          ? { ...(all[2] as Record), seq: 4 }
          : record,
    );
    const forged = chain(5);
    forged[2] = { ...(forged[2] as Record), prevHash: 'f'.repeat(64) };
    for (const records of [swapped, renumbered, forged]) {
      const { server, browser } = verdict(records);
      expect(server.ok).toBe(false);
      expect(browser).toEqual(server);
    }
  });
});
