import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { copyDurably, writeDurably } from '../../src/core/fsx/durable';
import { isCancelled } from '../../src/core/cancel';
import { expectDurable, traceFs } from './durable-trace';
import { tempDir, testService } from '../helpers';
import { builtin } from '../unit/scoring/helpers';

/**
 * The one durable-write helper (src/core/fsx/durable.ts): installed packs and the files the pack commands write go
 * through it — fsync of the written file, its rename into place, fsync of the folder — and a failed write leaves no
 * part file behind; its streaming copy (`copyDurably`, Save as… of a file the app made) likewise, and a cancel too. The old path (src/core/evidence/durable.ts) is the same helper.
 */

let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = tempDir('cfc-packs-durable-')));
afterEach(() => {
  vi.restoreAllMocks();
  cleanup();
});

describe('the durable write helper', () => {
  it('writes, replaces, and on failure leaves the target as it was and no part file', () => {
    const f = path.join(dir, 'a.json');
    writeDurably(f, 'một');
    writeDurably(f, Buffer.from('hai'));
    expect(fs.readFileSync(f, 'utf8')).toBe('hai');
    expect(fs.readdirSync(dir)).toEqual(['a.json']);
    // A folder where the file should go: the rename fails, the folder and its content stay, no part file.
    const blocked = path.join(dir, 'b.json');
    fs.mkdirSync(blocked);
    fs.writeFileSync(path.join(blocked, 'x'), 'x');
    expect(() => writeDurably(blocked, 'ba')).toThrow();
    expect(fs.readdirSync(dir).sort()).toEqual(['a.json', 'b.json']);
    expect(fs.readdirSync(blocked)).toEqual(['x']);
  });

  it('copies a file streaming: progress to every byte, fsynced and renamed into place; cancelled or failed, nothing is left', async () => {
    const from = path.join(dir, 'nguồn.bin');
    const bytes = Buffer.alloc(3 * 1024 * 1024 + 17);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 31) % 251;
    fs.writeFileSync(from, bytes);
    const target = path.join(dir, 'đích', 'bản sao.bin');
    fs.mkdirSync(path.dirname(target));
    const seen: number[] = [];
    const log = traceFs();
    expect(await copyDurably(from, target, { onProgress: (b, size) => (expect(size).toBe(bytes.length), seen.push(b)) })).toBe(bytes.length);
    expect(fs.readFileSync(target).equals(bytes)).toBe(true);
    expectDurable(log, target);
    expect(seen.length).toBeGreaterThan(1);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    expect(seen.at(-1)).toBe(bytes.length);

    // Cancelled at its first progress: `cancelled`, the earlier copy untouched, no part file.
    const ac = new AbortController();
    fs.writeFileSync(from, Buffer.alloc(bytes.length, 7));
    const err = await copyDurably(from, target, { signal: ac.signal, onProgress: () => ac.abort() }).catch((e: unknown) => e);
    expect(isCancelled(err)).toBe(true);
    expect(fs.readFileSync(target).equals(bytes)).toBe(true);
    expect(fs.readdirSync(path.dirname(target))).toEqual(['bản sao.bin']);
    // A source that is not there: its error, nothing written.
    await expect(copyDurably(path.join(dir, 'không có.bin'), path.join(dir, 'đích', 'khác.bin'))).rejects.toMatchObject({ code: 'ENOENT' });
    expect(fs.readdirSync(path.dirname(target))).toEqual(['bản sao.bin']);
  });

  it('installing a pack: its JSON and its record are each fsynced, renamed into place, and the folder fsynced', async () => {
    const s = testService(path.join(dir, 'data'));
    try {
      const pack = { ...structuredClone(builtin().pack), version: '1.3.0' };
      const file = path.join(dir, 'v130.json');
      fs.writeFileSync(file, JSON.stringify(pack));
      await s.call('packs.list', {});
      const log = traceFs();
      expect(await s.call('packs.install', { file })).toMatchObject({ installed: true });
      const packsDir = path.join(dir, 'data', 'packs');
      expectDurable(log, path.join(packsDir, 'qd06-2019@1.3.0.json'));
      expectDurable(log, path.join(packsDir, 'qd06-2019@1.3.0.install.json'));
      // The record comes last: a pack without its record is never loaded.
      const renames = log.filter((l) => l.startsWith('rename '));
      expect(renames.at(-1)).toMatch(/qd06-2019@1\.3\.0\.install\.json$/);
      expect(fs.readdirSync(packsDir).sort()).toEqual(['qd06-2019@1.3.0.install.json', 'qd06-2019@1.3.0.json']);
    } finally {
      await s.close();
    }
  });
});
