import { createHash } from 'node:crypto';
import { Transform } from 'node:stream';

export interface Digest {
  readonly sha256: string;
  readonly size: number;
}

/**
 * A pass-through that hashes (SHA-256) and counts what flows through it, for verifying or
 * recording bytes while they stream: `onChunk` sees each chunk's length (progress), `onEnd` the
 * digest once the stream ends.
 */
export function digestingStream(
  handlers: { onChunk?: (bytes: number) => void; onEnd?: (digest: Digest) => void } = {},
): Transform & { digest(): Digest } {
  const hash = createHash('sha256');
  let size = 0;
  let result: Digest | undefined;
  const stream = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      size += chunk.length;
      handlers.onChunk?.(chunk.length);
      done(null, chunk);
    },
    flush(done) {
      result = { sha256: hash.digest('hex'), size };
      handlers.onEnd?.(result);
      done();
    },
  });
  return Object.assign(stream, {
    digest(): Digest {
      if (!result) throw new Error('the stream has not ended: no digest yet');
      return result;
    },
  });
}
