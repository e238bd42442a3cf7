/**
 * One read of a large package (digest.ts `streamDigests`): the SHA-256 and CRC-32 are those of each range's bytes, for
 * ranges across the 4 MiB chunk boundaries, nested, empty, at the very end; the copy written as it streams is the
 * file; a stream stopped half-way throws `cancelled`.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { isCancelled } from '../../src/core/cancel';
import { digestKey, streamDigests, type Range } from '../../src/core/packages/digest';
import { tempDir } from '../helpers';

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

describe('streamDigests', () => {
  it('SHA-256 and CRC-32 of every range, and the copy', async () => {
    const copy = path.join(t.dir, 'copy.bin');
    const fh = await fs.promises.open(copy, 'w');
    const seen: number[] = [];
    const { digests, bytes: n } = await streamDigests(file, ranges, { copyTo: fh, onBytes: (b) => seen.push(b) });
    await fh.close();
    expect(n).toBe(bytes.length);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    expect(seen[seen.length - 1]).toBe(bytes.length);
    for (const r of ranges) {
      const data = bytes.subarray(r.start, r.start + r.length);
      expect(digests.get(digestKey(r.start, r.length)), r.name!).toEqual({ sha256: crypto.createHash('sha256').update(data).digest('hex'), crc: zlib.crc32(data), n: r.length });
    }
    expect(fs.readFileSync(copy).equals(bytes)).toBe(true);
  });

  it('a cancel half-way throws `cancelled`', async () => {
    const ac = new AbortController();
    const err = await streamDigests(file, ranges, { signal: ac.signal, onBytes: (b) => b > 4 * MiB && ac.abort() }).catch((e: unknown) => e);
    expect(isCancelled(err)).toBe(true);
  });
});
