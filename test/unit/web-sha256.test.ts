import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sha256File, sha256Stream } from '../../web/src/lib/sha256-stream.ts';

/** The browser's streaming SHA-256 equals node:crypto's over the same bytes, however they are cut. */
describe('sha256Stream', () => {
  it('hashes a multi-chunk stream like node:crypto, reporting progress per chunk', async () => {
    const bytes = randomBytes(3 * 1024 * 1024 + 17);
    const cuts = [0, 1, 65_536, 65_600, 1_000_003, 2_500_000, bytes.length];
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let n = 1; n < cuts.length; n++) controller.enqueue(bytes.subarray(cuts[n - 1], cuts[n]));
        controller.close();
      },
    });
    const seen: number[] = [];
    const digest = await sha256Stream(stream, (read) => seen.push(read));
    expect(digest).toBe(createHash('sha256').update(bytes).digest('hex'));
    expect(seen).toEqual(cuts.slice(1));
  });

  it('hashes a Blob (as file.stream() gives it) and an empty one', async () => {
    const bytes = randomBytes(200_000);
    expect(await sha256File(new Blob([bytes]))).toBe(createHash('sha256').update(bytes).digest('hex'));
    expect(await sha256File(new Blob([]))).toBe(createHash('sha256').digest('hex'));
  });

  it('stops when aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(sha256File(new Blob([randomBytes(10)]), undefined, controller.signal)).rejects.toThrow();
  });
});
