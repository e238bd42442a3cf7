import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { writeDurably } from '../../src/core/fsx/durable';
import { expectDurable, traceFs } from './durable-trace';
import { tempDir, testService } from '../helpers';
import { builtin } from '../unit/scoring/helpers';

/**
 * The one durable-write helper (src/core/fsx/durable.ts): installed packs and the files the pack commands write go
 * through it — fsync of the written file, its rename into place, fsync of the folder — and a failed write leaves no
 * part file behind. The old path (src/core/evidence/durable.ts) is the same helper.
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
