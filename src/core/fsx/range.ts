import fs from 'node:fs';
import { Readable } from 'node:stream';

/**
 * The bytes of a file from `start`, `length` of them, as a stream: what the file route serves of an evidence entry
 * inside a stored package, and what is hashed or copied of it. An empty range is an empty stream (a read stream
 * cannot be asked for no bytes).
 */
export function rangeStream(file: string, start: number, length: number, opts: { highWaterMark?: number } = {}): Readable {
  return length === 0 ? Readable.from([]) : fs.createReadStream(file, { start, end: start + length - 1, ...opts });
}
