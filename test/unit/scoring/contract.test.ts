import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createService } from '../../../src/api/service';
import { fixturesDir, resourcesDir } from './helpers';

describe('contract calls packs.list, packs.get, score.compute', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cfc-scoring-'));
  const dataDir = path.join(tmp, 'data');
  const service = createService({ dataDir, resourcesDir, mode: 'test' });
  afterAll(async () => {
    await service.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('lists and gets the built-in pack', async () => {
    const list = await service.call('packs.list', {});
    expect(list.items.map((p) => [p.id, p.version, p.status, p.criteria, p.maxTotal])).toEqual([['qd06-2019', '1.0.0', 'provisional', 13, 1000]]);
    const got = await service.call('packs.get', { id: 'qd06-2019' });
    expect(got.pack.criteria).toHaveLength(13);
    expect(got.summary.sha256).toBe(list.items[0]!.sha256);
  });

  it('scores an input and returns the what-if', async () => {
    const input = JSON.parse(fs.readFileSync(path.join(fixturesDir, 'not-recognised.json'), 'utf8'));
    const r = await service.call('score.compute', { input });
    expect(r.total).toBe(675);
    expect(r.whatIf?.plan.reachable).toBe(true);
  });

  it('rejects bad input with a typed error naming the field', async () => {
    const input = JSON.parse(fs.readFileSync(path.join(fixturesDir, 'recognised-other.json'), 'utf8'));
    input.values['2.1'] = { numerator: 200, denominator: 120 };
    const r = await service.dispatch('score.compute', { input });
    expect(r).toMatchObject({ ok: false, error: { code: 'invalid_input', field: 'values.2.1.numerator' } });
    const u = await service.dispatch('packs.get', { id: 'nope' });
    expect(u).toMatchObject({ ok: false, error: { code: 'unknown_pack', field: 'id' } });
  });

  it('never opens the store', () => {
    expect(fs.existsSync(dataDir)).toBe(false);
  });
});
