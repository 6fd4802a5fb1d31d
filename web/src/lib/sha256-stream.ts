import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';

/**
 * SHA-256 of a stream, fed chunk by chunk: a 100 MiB evidence file is hashed while it is read and
 * never held in memory whole (WebCrypto's digest() only takes the complete buffer). The hex
 * digest is what POST /items/{id}/evidence declares and the verifier checks on arrival.
 */
export async function sha256Stream(
  stream: ReadableStream<Uint8Array>,
  onProgress?: (bytesRead: number) => void,
  signal?: AbortSignal,
): Promise<string> {
  const hash = sha256.create();
  const reader = stream.getReader();
  let bytesRead = 0;
  try {
    for (;;) {
      signal?.throwIfAborted();
      const { done, value } = await reader.read();
      if (done) break;
      hash.update(value);
      bytesRead += value.byteLength;
      onProgress?.(bytesRead);
    }
  } finally {
    reader.releaseLock();
  }
  return bytesToHex(hash.digest());
}

/** A file's SHA-256 (hex), read as a stream. */
export function sha256File(
  file: Blob,
  onProgress?: (bytesRead: number) => void,
  signal?: AbortSignal,
): Promise<string> {
  return sha256Stream(file.stream() as ReadableStream<Uint8Array>, onProgress, signal);
}
