/**
 * Jobs (src/api/jobs.ts): long calls given a job id report progress tagged with it and stop on cancel, leaving the data
 * folder as it was. Through the worker host (src/api/host) and through browser mode's HTTP (SSE + POST /jobs/cancel).
 * Each cancel is sent from the first progress event of its job: no timing, the order of events decides.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServiceHost, type ServiceHost } from '../../src/api/host/host';
import type { JobEvent } from '../../src/api/jobs';
import { startServer, type RunningServer } from '../../src/server/server';
import { checkoutResourcesDir } from '../../src/server/resources';
import { repoRoot, snapshotDir, tempDir } from '../helpers';
import { fixture } from '../unit/packages/helpers';
import { bytesOf } from './backup-data';
import { cancelJob, httpAuth, httpCall, jobEvents } from './http-jobs';

const PASS = 'mật khẩu đủ dài cho khóa ký';
/** Evidence big enough that the export streams it in many chunks (the cancel arrives long before the end). */
const EVIDENCE_MB = 96;

const t = tempDir('cfc-jobs-');
const dataDir = path.join(t.dir, 'data');
let host: ServiceHost;
let revisionId = '';

/** A submitted assessment with one large evidence file, made through the same calls the app makes. */
async function populate(h: ServiceHost): Promise<string> {
  await h.call('profile.set', { role: 'commune', unitCode: '29266', organisation: 'UBND Xã Càng Long', userName: 'Nguyễn Thị Hồng', userTitle: 'Chủ tịch' });
  await h.call('settings.set', { evidenceMaxMb: 1024 });
  await h.call('keys.create', { name: 'Nguyễn Thị Hồng', title: 'Chủ tịch UBND xã', role: 'commune', unitCode: '29266', passphrase: PASS });
  const a = await h.call('assessments.create', { unitCode: '29266', year: 2026 });
  for (const [indicatorId, value] of Object.entries(fixture.values)) await h.call('assessments.setValue', { id: a.id, indicatorId, value });
  const block = bytesOf('video', 1024 * 1024);
  const source = Readable.from(
    (function* () {
      for (let i = 0; i < EVIDENCE_MB; i++) yield Buffer.concat([block, Buffer.from([i])]).subarray(1);
    })(),
  );
  const staged = await h.files.stage(source, 'Phim hiện trường.pdf', EVIDENCE_MB * 1024 * 1024);
  if (!staged.ok) throw new Error(staged.error.message.en);
  await h.call('evidence.attach', { id: a.id, indicatorId: '1.1', files: [{ stagedId: staged.value.stagedId, name: 'Phim hiện trường.pdf' }] });
  await h.call('assessments.submit', { id: a.id });
  return a.id;
}

/** `mb` MiB to upload, made as they are read. */
function megabytes(mb: number): Readable {
  return Readable.from(
    (function* () {
      for (let i = 0; i < mb; i++) yield Buffer.alloc(1024 * 1024, i);
    })(),
  );
}

/**
 * An upload through `h` cancelled from its first progress event (as the page's Cancel can be): what the host answers.
 */
async function uploadCancelledAtOnce(h: ServiceHost, job: string, name: string, mb: number) {
  const stop = h.jobs.subscribe((e) => e.job === job && h.jobs.cancel(job));
  const r = await h.files.stage(megabytes(mb), name, mb * 1024 * 1024, job);
  stop();
  return r;
}

/** Progress is monotonic: by item, then by bytes within an item. */
function expectMonotonic(events: JobEvent[]) {
  for (let i = 1; i < events.length; i++) {
    const a = events[i - 1]!.progress;
    const b = events[i]!.progress;
    expect(b.index > a.index || (b.index === a.index && b.bytes >= a.bytes)).toBe(true);
  }
}

beforeAll(async () => {
  host = startServiceHost({ dataDir, resourcesDir: checkoutResourcesDir, mode: 'test', now: new Date('2026-03-15T08:00:00Z') });
  await host.open();
  revisionId = await populate(host);
}, 120_000);
afterAll(async () => {
  await host?.close();
  t.cleanup();
});

describe('jobs through the worker host', () => {
  it('a package export cancelled from its first progress event answers `cancelled` and leaves the data folder byte-identical', async () => {
    const before = snapshotDir(dataDir);
    const events: JobEvent[] = [];
    const others: JobEvent[] = [];
    const stop = host.jobs.subscribe((e) => {
      if (e.job !== 'export-job-1') return others.push(e);
      events.push(e);
      if (events.length === 1) host.jobs.cancel('export-job-1');
    });
    const r = await host.dispatch('packages.export', { id: revisionId, passphrase: PASS }, 'ui', 'export-job-1');
    stop();
    expect(r).toMatchObject({ ok: false, error: { code: 'cancelled', message: { vi: expect.stringContaining('Đã hủy'), en: expect.stringContaining('Cancelled') } } });
    expect(events.length).toBeGreaterThan(0);
    expect(events.every((e) => e.call === 'packages.export')).toBe(true);
    // It stopped well before the end: the last event reported is not the whole evidence.
    const last = events.at(-1)!.progress;
    expect(last.size).toBeGreaterThanOrEqual(EVIDENCE_MB * 1024 * 1024);
    expect(last.bytes).toBeLessThan(last.size);
    expect(others).toEqual([]);
    expect(snapshotDir(dataDir)).toEqual(before);
    expect(fs.existsSync(path.join(dataDir, 'exports')) ? fs.readdirSync(path.join(dataDir, 'exports')) : []).toEqual([]);
  });

  it('the same export run to the end: progress tagged with its id, monotonic, up to every byte; a late cancel is harmless', async () => {
    const events: JobEvent[] = [];
    const stop = host.jobs.subscribe((e) => e.job === 'export-job-2' && events.push(e));
    // A cancel for a job nobody runs changes nothing for the others.
    expect(() => host.jobs.cancel('no-such-job-here')).not.toThrow();
    const r = await host.dispatch('packages.export', { id: revisionId, passphrase: PASS }, 'ui', 'export-job-2');
    stop();
    expect(r.ok).toBe(true);
    expectMonotonic(events);
    const last = events.at(-1)!.progress;
    expect(last.bytes).toBe(last.size);
    expect(events.length).toBeGreaterThan(2);
    // Throttled: far fewer events than chunks, never more than ~200 per item.
    expect(events.length).toBeLessThanOrEqual(205);
    // Finished: cancelling it now does nothing, and the service goes on answering.
    host.jobs.cancel('export-job-2');
    expect(fs.readdirSync(path.join(dataDir, 'exports'))).toHaveLength(1);
    expect((await host.call('packages.list', {})).items).toEqual([]);
  });

  it('a backup cancelled mid-way leaves no file behind and the last-backup record as it was', async () => {
    const out = path.join(t.dir, 'out');
    fs.mkdirSync(out);
    const status = await host.call('backup.status', {});
    let sent = false;
    const stop = host.jobs.subscribe((e) => {
      if (e.job === 'backup-job-1' && !sent) {
        sent = true;
        host.jobs.cancel('backup-job-1');
      }
    });
    const r = await host.dispatch('backup.create', { path: path.join(out, 'b.cfcbak') }, 'local', 'backup-job-1');
    stop();
    expect(r).toMatchObject({ ok: false, error: { code: 'cancelled' } });
    expect(fs.readdirSync(out)).toEqual([]);
    expect(await host.call('backup.status', {})).toEqual(status);
  });

  it('an upload cancelled from its first progress event answers `cancelled` and keeps nothing in staging', async () => {
    const staging = path.join(dataDir, 'evidence', 'staging');
    const before = fs.existsSync(staging) ? fs.readdirSync(staging) : [];
    const r = await uploadCancelledAtOnce(host, 'upload-job-1', 'lớn.pdf', 64);
    expect(r).toMatchObject({ ok: false, error: { code: 'cancelled' } });
    expect(fs.readdirSync(staging)).toEqual(before);
  });
});

describe('an upload cancelled before the core reads it', () => {
  it('does not stop the core: the worker, its upload code not loaded yet, answers `cancelled` and then the next call', async () => {
    // A fresh host: the evidence code loads on the upload's first use, so the cancel (sent from the first progress
    // event, as the page's Cancel can be) reaches the worker before anything there reads the upload.
    const fresh = tempDir('cfc-jobs-fresh-');
    const h = startServiceHost({ dataDir: path.join(fresh.dir, 'data'), resourcesDir: checkoutResourcesDir, mode: 'test', now: new Date('2026-03-15T08:00:00Z') });
    try {
      await h.open();
      const r = await uploadCancelledAtOnce(h, 'upload-early', 'sớm.pdf', 8);
      expect(r).toMatchObject({ ok: false, error: { code: 'cancelled' } });
      expect(await h.dispatch('app.info', {}, 'ui')).toMatchObject({ ok: true });
      const staging = path.join(fresh.dir, 'data', 'evidence', 'staging');
      expect(fs.existsSync(staging) ? fs.readdirSync(staging) : []).toEqual([]);
    } finally {
      await h.close();
      fresh.cleanup();
    }
  });
});

describe('jobs through browser mode (HTTP)', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer({ service: host, staticDir: path.join(repoRoot, 'out/renderer') });
  });
  afterAll(async () => server?.close());
  const auth = () => httpAuth(server);
  const events = (onEvent: (e: JobEvent) => void) => jobEvents(server, onEvent);

  it('an export cancelled over HTTP from its first SSE event answers `cancelled`; the data folder is byte-identical', async () => {
    const before = snapshotDir(dataDir);
    const seen: JobEvent[] = [];
    let cancel: Promise<Response> | null = null;
    const close = await events((e) => {
      if (e.job !== 'http-export-1') return;
      seen.push(e);
      cancel ??= cancelJob(server, 'http-export-1');
    });
    const body = await httpCall(server, 'packages.export', { id: revisionId, passphrase: PASS }, 'http-export-1');
    close();
    expect(body).toMatchObject({ ok: false, error: { code: 'cancelled' } });
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.every((e) => e.call === 'packages.export')).toBe(true);
    expectMonotonic(seen);
    expect((await (await cancel!).json()) as unknown).toEqual({ ok: true, value: null });
    expect(snapshotDir(dataDir)).toEqual(before);
  });

  it('cancel of an unknown job is harmless; a malformed job id or a cancel without the session is refused', async () => {
    const unknown = await fetch(`${server.origin}/jobs/cancel`, { method: 'POST', headers: auth(), body: JSON.stringify({ job: 'nobody-runs-this' }) });
    expect(unknown.status).toBe(200);
    expect(await unknown.json()).toEqual({ ok: true, value: null });
    const bad = await fetch(`${server.origin}/jobs/cancel`, { method: 'POST', headers: auth(), body: JSON.stringify({ job: '../x' }) });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ ok: false, error: { field: 'job', message: { vi: expect.stringContaining('không hợp lệ'), en: expect.stringContaining('malformed') } } });
    const badHeader = await fetch(`${server.origin}/api/app.info`, { method: 'POST', headers: { ...auth(), 'x-cfc-job': 'x y' }, body: '{}' });
    expect(badHeader.status).toBe(400);
    const anonymous = await fetch(`${server.origin}/jobs/cancel`, { method: 'POST', headers: { 'x-cfc-call': '1' }, body: JSON.stringify({ job: 'nobody-runs-this' }) });
    expect(anonymous.status).toBe(401);
    const anonymousEvents = await fetch(`${server.origin}/jobs/events`);
    expect(anonymousEvents.status).toBe(401);
    // The service still answers.
    expect((await fetch(`${server.origin}/api/app.info`, { method: 'POST', headers: auth(), body: '{}' })).status).toBe(200);
  });
});
