/**
 * The service host (src/api/host): the service runs in a worker thread; the calling thread only routes. While a long
 * upload streams into the worker's staging area (a few hundred MB), units.search and a dashboard call are answered
 * before it ends — an ordering test: the order of events is recorded, not times.
 */
import { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { startServiceHost } from '../../src/api/host/host';
import { checkoutResourcesDir } from '../../src/server/resources';
import { snapshotDir, tempDir } from '../helpers';

const t = tempDir('cfc-host-');
const host = startServiceHost({ dataDir: t.dir, resourcesDir: checkoutResourcesDir, mode: 'test', now: new Date('2026-03-15T08:00:00Z') });
afterAll(async () => {
  await host.close();
  t.cleanup();
});

describe('service host (worker thread)', () => {
  it('answers calls through the worker, typed errors included; refuses a path field on the UI surface', async () => {
    await host.open();
    const info = await host.call('app.info', {});
    expect(info.dataDir).toBe(t.dir);
    const bad = await host.dispatch('units.search', { query: 'x', limit: 0 }, 'ui');
    expect(bad).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    const before = snapshotDir(t.dir);
    const path = await host.dispatch('packages.import', { paths: ['/'] }, 'ui');
    expect(path).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(JSON.stringify(path)).toContain('paths');
    expect(snapshotDir(t.dir)).toEqual(before);
    expect(await host.dispatch('no.such', {})).toMatchObject({ ok: false, error: { code: 'unknown_call' } });
  });

  it('a 300 MB upload streams into the worker while units.search and dashboard.years are answered before it ends', async () => {
    await host.call('settings.set', { evidenceMaxMb: 1024 });
    const events: string[] = [];
    const MB = 300;
    let sent = 0;
    let resolveHalf: () => void = () => undefined;
    const half = new Promise<void>((r) => (resolveHalf = r));
    // Bytes produced lazily; halfway through, the other calls are sent.
    const source = Readable.from(
      (function* () {
        const chunk = Buffer.alloc(1024 * 1024, 7);
        for (let i = 0; i < MB; i++) {
          sent++;
          if (sent === MB / 2) resolveHalf();
          yield Buffer.from(chunk);
        }
      })(),
    );
    const upload = host.files.stage(source, 'video.pdf', MB * 1024 * 1024).then((r) => {
      events.push('upload done');
      return r;
    });
    await half;
    events.push('calls sent');
    const search = host.call('units.search', { query: 'my cam', limit: 5 }).then((r) => {
      events.push('units.search');
      return r;
    });
    const years = host.call('dashboard.years', {}).then((r) => {
      events.push('dashboard.years');
      return r;
    });
    const [staged, found] = await Promise.all([upload, search, years]);
    expect(staged.ok).toBe(true);
    expect(staged.ok && staged.value.size).toBe(MB * 1024 * 1024);
    expect(found.items.length).toBeGreaterThan(0);
    expect(events[0]).toBe('calls sent');
    expect(events.indexOf('units.search')).toBeLessThan(events.indexOf('upload done'));
    expect(events.indexOf('dashboard.years')).toBeLessThan(events.indexOf('upload done'));
  });
});
