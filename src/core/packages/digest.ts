import crypto from 'node:crypto';
import fs from 'node:fs';
import { throwIfCancelled } from '../cancel';
import { INNER_PATH } from './format';
import { crc32, localHeader, openZip, type ZipSource } from './zipread';

/**
 * One sequential read of a large package: every stored entry's SHA-256 and CRC-32 computed as its bytes stream past
 * (and, on import, the same bytes written to the package's copy in the store), so the verifier never reads an entry
 * twice and the importer never copies the file twice. A review's inner package is itself a stored entry: its own
 * entries are planned too (they are byte ranges of the same file), and its bytes can be written to a second file as
 * they pass (`tee`).
 */

/** A stored entry's data: `length` bytes at `start` (absolute, in the file). */
export interface Range {
  start: number;
  length: number;
  /** The entry's name (as the central directory has it, when it is UTF-8). */
  name: string | null;
  /** A review's inner package (an entry `inner/<sha256>.cfcpkg`). */
  inner?: boolean;
}

export interface Digest {
  sha256: string;
  crc: number;
  n: number;
}

/** Digests by range (`digestKey`). */
export type EntryDigests = Map<string, Digest>;

export const digestKey = (start: number, length: number) => `${start}:${length}`;

/**
 * The stored entries of a package (and of a review's inner package), read from its central directory and local
 * headers. Nothing is judged here: null when the file cannot even be opened as a ZIP (the verifier says why, without
 * reading it all); a range missing from the plan is only streamed from the file again when the verifier checks it.
 */
export async function planStored(source: ZipSource, start: number, length: number, maxEntries: number, nested = false): Promise<Range[] | null> {
  let z;
  try {
    z = await openZip(source, { start, length, maxEntries });
  } catch {
    return null;
  }
  const out: Range[] = [];
  try {
    for (const e of z.entries) {
      if (e.method !== 0 || e.encrypted) continue;
      const h = await localHeader(z.zip, e.raw);
      const at = start + h.fileDataStart;
      const inner = !nested && e.name !== null && INNER_PATH.test(e.name);
      out.push({ start: at, length: e.compressedSize, name: e.name, ...(inner ? { inner } : {}) });
      if (inner) out.push(...((await planStored(source, at, e.compressedSize, maxEntries, true)) ?? []));
    }
  } catch {
    /* the verifier reports it */
  } finally {
    z.close();
  }
  return out;
}

/**
 * Computes the CRC-32s of `parts` elsewhere (another thread; see verifyPool.ts), each continued from `prev`, or
 * answers null at once when it cannot yet (then the caller computes them). The parts are views of shared memory:
 * nothing is copied, and the caller does not touch those bytes until the answer.
 */
export type CrcLane = (parts: { data: Uint8Array; prev: number }[]) => Promise<number[]> | null;

export interface StreamOptions {
  /** Written with every byte read, in order (the package's copy in the store). */
  copyTo?: fs.promises.FileHandle;
  /** Ranges whose bytes are also written to a file of their own as they pass (evidence, a review's inner package). */
  tee?: readonly { range: Range; to: fs.promises.FileHandle }[];
  signal?: AbortSignal;
  /** Bytes read so far, after every chunk. */
  onBytes?: (bytes: number) => void;
  /** The CRC-32 lane for a file of this size, if any (none: the CRC-32s are computed here, after the SHA-256s). */
  crcLane?: (fileSize: number) => CrcLane | undefined;
}

const CHUNK = 4 * 1024 * 1024;
const FLUSH_EVERY = 64 * 1024 * 1024;

/**
 * Reads `file` from its first byte to its last once, in 4 MiB chunks, computing the digest of every planned range.
 * Reading the next chunk and writing the previous one overlap with hashing (both run on libuv's pool); with a CRC-32
 * lane, a chunk's CRC-32s are computed on the lane's thread while this one computes its SHA-256s (the two chunk buffers
 * are then shared memory; the lane answers before the next chunk is hashed; should it fail, the CRC-32s are computed
 * here from then on). The signal is checked between chunks. Returns the digests and the number of bytes read.
 */
export async function streamDigests(file: string, plan: readonly Range[], opts: StreamOptions = {}): Promise<{ digests: EntryDigests; bytes: number }> {
  const fh = await fs.promises.open(file, 'r');
  const digests: EntryDigests = new Map();
  type Open = { range: Range; hash: crypto.Hash; crc: number; n: number };
  const ranges = [...plan].sort((a, b) => a.start - b.start);
  let next = 0;
  let open: Open[] = [];
  let pos = 0;
  let pendingWrite: Promise<unknown> = Promise.resolve();
  let flushing: Promise<unknown> = Promise.resolve();
  let read: Promise<{ bytesRead: number }> | null = null;
  let crcs: Promise<unknown> = Promise.resolve();
  try {
    let lane = opts.crcLane?.((await fh.stat()).size);
    const bufs = [0, 1].map(() => (lane ? Buffer.from(new SharedArrayBuffer(CHUNK)) : Buffer.allocUnsafe(CHUNK)));
    read = fh.read(bufs[0]!, 0, CHUNK, 0);
    for (let k = 0; ; k++) {
      const { bytesRead } = await read;
      if (bytesRead === 0) break;
      const buf = bufs[k % 2]!;
      const chunk = buf.subarray(0, bytesRead);
      const chunkStart = pos;
      pos += bytesRead;
      // The write of the previous chunk must be done before its buffer is read into again (next line).
      await pendingWrite;
      read = fh.read(bufs[(k + 1) % 2]!, 0, CHUNK, pos);
      if (opts.copyTo) {
        const to = opts.copyTo;
        pendingWrite = writeAll(to, chunk, chunkStart);
        // Every 64 MiB written, the copy is flushed to the disk in the background (never awaited here): the disk writes
        // while the rest is read and hashed, so the final flush of an import has little left to do.
        if (pos % FLUSH_EVERY < bytesRead) {
          const w = pendingWrite;
          flushing = Promise.all([flushing, w]).then(() => to.datasync());
          flushing.catch(() => {});
        }
      }
      for (const tee of opts.tee ?? []) {
        const a = Math.max(chunkStart, tee.range.start);
        const b = Math.min(pos, tee.range.start + tee.range.length);
        if (b > a) {
          const w = writeAll(tee.to, chunk.subarray(a - chunkStart, b - chunkStart), a - tee.range.start);
          pendingWrite = Promise.all([pendingWrite, w]);
        }
      }
      while (next < ranges.length && ranges[next]!.start < pos) {
        open.push({ range: ranges[next]!, hash: crypto.createHash('sha256'), crc: 0, n: 0 });
        next++;
      }
      const parts: { o: Open; data: Buffer }[] = [];
      for (const o of open) {
        const a = Math.max(chunkStart, o.range.start);
        const b = Math.min(pos, o.range.start + o.range.length);
        if (b > a) parts.push({ o, data: chunk.subarray(a - chunkStart, b - chunkStart) });
      }
      // Asked for before the SHA-256s are computed, so that both run at once; answered before the next chunk.
      const asked = lane?.(parts.map((p) => ({ data: p.data, prev: p.o.crc }))) ?? null;
      const viaLane = asked !== null;
      if (asked) {
        crcs = asked.then(
          (r) => r.forEach((crc, i) => (parts[i]!.o.crc = crc)),
          () => {
            lane = undefined;
            for (const p of parts) p.o.crc = crc32(p.data, p.o.crc);
          },
        );
      }
      for (const p of parts) {
        p.o.hash.update(p.data);
        if (!viaLane) p.o.crc = crc32(p.data, p.o.crc);
        p.o.n += p.data.length;
      }
      await crcs;
      open = open.filter((o) => {
        if (o.range.start + o.range.length > pos) return true;
        digests.set(digestKey(o.range.start, o.range.length), { sha256: o.hash.digest('hex'), crc: o.crc, n: o.n });
        return false;
      });
      opts.onBytes?.(pos);
      throwIfCancelled(opts.signal);
    }
    await Promise.all([pendingWrite, flushing]);
  } finally {
    await Promise.allSettled([read, pendingWrite, flushing, crcs]);
    await fh.close();
  }
  return { digests, bytes: pos };
}

async function writeAll(fh: fs.promises.FileHandle, data: Buffer, position: number): Promise<void> {
  let done = 0;
  while (done < data.length) {
    const { bytesWritten } = await fh.write(data, done, data.length - done, position + done);
    done += bytesWritten;
  }
}
