/**
 * One read of a large package (digest.ts `streamDigests`): the SHA-256 and CRC-32 are those of each range's bytes, for
 * ranges across the 4 MiB chunk boundaries, nested, empty, at the very end; the copy written as it streams is the
 * file; a stream stopped half-way throws `cancelled`. The same with the CRC-32s computed on a verifying thread (the
 * lane a package of 128 MiB or more gets), when it is not ready for some chunks, and when it fails half-way.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { isCancelled } from '../../src/core/cancel';
import { digestKey, streamDigests, type CrcLane, type Range } from '../../src/core/packages/digest';
import { crcLane, verifyPool } from '../../src/core/packages/verifyPool';
import { tempDir } from '../helpers';

/** Threads and ports that keep this process alive (an idle verifying thread must not be one). */
const keepingAlive = () => process.getActiveResourcesInfo().filter((r) => r === 'MessagePort' || r === 'Worker').length;
const aliveAtStart = keepingAlive();

const t = tempDir('cfc-digest-');
afterAll(() => t.cleanup());
const MiB = 1024 * 1024;
const file = path.join(t.dir, 'p.bin');
const bytes = crypto.randomBytes(10 * MiB + 12345);
fs.writeFileSync(file, bytes);
const ranges: Range[] = [
  { start: 0, length: 100, name: 'a' },
  { start: 4 * MiB - 10, length: 20, name: 'across the first boundary' },
  { start: MiB, length: 7 * MiB, name: 'over two chunks', inner: true },
  { start: 2 * MiB, length: 3, name: 'nested in it' },
  { start: 5 * MiB, length: 0, name: 'empty' },
  { start: bytes.length - 999, length: 999, name: 'the last bytes' },
];

function expectDigests(digests: Awaited<ReturnType<typeof streamDigests>>['digests']) {
  for (const r of ranges) {
    const data = bytes.subarray(r.start, r.start + r.length);
    expect(digests.get(digestKey(r.start, r.length)), r.name!).toEqual({ sha256: crypto.createHash('sha256').update(data).digest('hex'), crc: zlib.crc32(data), n: r.length });
  }
}

describe('streamDigests', () => {
  it('SHA-256 and CRC-32 of every range, and the copy', async () => {
    const copy = path.join(t.dir, 'copy.bin');
    const fh = await fs.promises.open(copy, 'w');
    const seen: number[] = [];
    const asked: number[] = [];
    const { digests, bytes: n } = await streamDigests(file, ranges, { copyTo: fh, onBytes: (b) => seen.push(b), crcLane: (size) => (asked.push(size), undefined) });
    await fh.close();
    expect(asked).toEqual([bytes.length]);
    expect(n).toBe(bytes.length);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    expect(seen[seen.length - 1]).toBe(bytes.length);
    expectDigests(digests);
    expect(fs.readFileSync(copy).equals(bytes)).toBe(true);
  });

  it('with the CRC-32s on a verifying thread: the same digests and copy, the chunks shared, not copied', async () => {
    const pool = verifyPool();
    if (!pool) throw new Error('no verifying threads on this machine (one core, or no worker script): the lane cannot be tested');
    // A thread answers once it has loaded the verifier (till then the lane says null and the CRC-32s are computed here).
    await pool.loaded;
    expect(pool.crc([])).not.toBeNull();
    let calls = 0;
    let shared = true;
    const lane: CrcLane = (parts) => {
      shared &&= parts.every((p) => p.data.buffer instanceof SharedArrayBuffer);
      const r = pool.crc(parts);
      if (r) calls++;
      return r;
    };
    const copy = path.join(t.dir, 'copy-lane.bin');
    const fh = await fs.promises.open(copy, 'w');
    const { digests } = await streamDigests(file, ranges, { copyTo: fh, crcLane: () => lane });
    await fh.close();
    expectDigests(digests);
    expect(fs.readFileSync(copy).equals(bytes)).toBe(true);
    expect(calls).toBe(Math.ceil(bytes.length / (4 * MiB)));
    expect(shared).toBe(true);    // Only the first thread was asked (the least busy is always the first): once answered, neither keeps the process
    // alive (a `cfc package verify` of one large package once never ended).
    expect(keepingAlive()).toBe(aliveAtStart);
  });

  it('a lane not ready for some chunks (null): those computed here, the digests the same', async () => {
    let calls = 0;
    const lane: CrcLane = (parts) => (++calls % 2 === 1 ? null : Promise.resolve(parts.map((p) => zlib.crc32(p.data, p.prev))));
    const { digests } = await streamDigests(file, ranges, { crcLane: () => lane });
    expectDigests(digests);
    expect(calls).toBe(Math.ceil(bytes.length / (4 * MiB)));
  });

  it('a lane that fails half-way: the CRC-32s are computed here from there on, the digests the same', async () => {
    let calls = 0;
    const lane: CrcLane = async (parts) => {
      if (++calls === 2) throw new Error('a verifying thread stopped');
      return parts.map((p) => zlib.crc32(p.data, p.prev));
    };
    const { digests } = await streamDigests(file, ranges, { crcLane: () => lane });
    expectDigests(digests);
    expect(calls).toBe(2);
  });

  it('the lane is for packages of 128 MiB or more', () => {
    expect(crcLane(128 * MiB - 1)).toBeUndefined();
    expect(typeof crcLane(128 * MiB)).toBe(verifyPool() ? 'function' : 'undefined');
  });

  it('a cancel half-way throws `cancelled`', async () => {
    const ac = new AbortController();
    const err = await streamDigests(file, ranges, { signal: ac.signal, onBytes: (b) => b > 4 * MiB && ac.abort() }).catch((e: unknown) => e);
    expect(isCancelled(err)).toBe(true);
  });
});
