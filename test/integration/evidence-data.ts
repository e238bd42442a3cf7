import crypto from 'node:crypto';

/** `mb` megabytes of deterministic pseudo-random bytes, in 1 MiB chunks (the same bytes every time). */
export function* generatedChunks(mb: number): Generator<Buffer> {
  let seed = crypto.createHash('sha256').update('cfc evidence').digest();
  for (let i = 0; i < mb; i++) {
    const chunk = Buffer.alloc(1024 * 1024);
    for (let off = 0; off < chunk.length; off += 32) {
      seed = crypto.createHash('sha256').update(seed).digest();
      seed.copy(chunk, off);
    }
    yield chunk;
  }
}
