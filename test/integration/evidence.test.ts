import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Service } from '../../src/api/service';
import { collectOrphans } from '../../src/core/evidence/hygiene';
import { startServer, type RunningServer } from '../../src/server/server';
import { repoRoot, snapshotDir, tempDir, testService } from '../helpers';
import { generatedChunks } from './evidence-data';

let s: Service;
let dir: string;
let cleanup: () => void;
let id: string;
beforeEach(async () => {
  ({ dir, cleanup } = tempDir());
  s = testService(dir);
  await s.call('profile.set', { role: 'commune', unitCode: '29266', organisation: 'UBND Xã Càng Long', userName: 'Lê Văn Tâm', userTitle: 'Công chức' });
  id = (await s.call('assessments.create', { unitCode: '29266', year: 2026 })).id;
});
afterEach(async () => {
  await s.close();
  cleanup();
});

const sha = (b: Buffer) => crypto.createHash('sha256').update(b).digest('hex');

async function stage(bytes: Buffer, name: string) {
  const r = await s.files.stage(Readable.from([bytes]), name, bytes.length);
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  return r.value;
}

async function attach(indicatorId: string, files: { bytes: Buffer; name: string }[]) {
  const staged = [];
  for (const f of files) staged.push({ stagedId: (await stage(f.bytes, f.name)).stagedId, name: f.name });
  return s.call('evidence.attach', { id, indicatorId, files: staged });
}

function storedFiles(): string[] {
  const ev = path.join(dir, 'evidence');
  if (!fs.existsSync(ev)) return [];
  return fs
    .readdirSync(ev)
    .filter((d) => d !== 'staging')
    .flatMap((d) => fs.readdirSync(path.join(ev, d)));
}

describe('evidence', () => {
  const photo = Buffer.from('\x89PNG\r\n\x1a\n fake photo bytes');
  const pdf = Buffer.from('%PDF-1.4\n fake pdf\n%%EOF');

  it('stores a file by its SHA-256 with its metadata, and records who added it', async () => {
    const r = await attach('12.1', [
      { bytes: photo, name: 'sân chơi.png' },
      { bytes: pdf, name: 'Biên bản.pdf' },
    ]);
    expect(r.items.map((e) => [e.name, e.mediaType, e.size, e.sha256])).toEqual([
      ['sân chơi.png', 'image/png', photo.length, sha(photo)],
      ['Biên bản.pdf', 'application/pdf', pdf.length, sha(pdf)],
    ]);
    expect(r.items[0]).toMatchObject({ addedBy: 'Lê Văn Tâm (Công chức)', addedAt: '2026-03-15T08:00:00.000Z', indicatorId: '12.1' });
    expect(fs.readFileSync(path.join(dir, 'evidence', sha(photo).slice(0, 2), sha(photo)))).toEqual(photo);
    const d = await s.call('assessments.get', { id });
    expect(d.evidence.map((e) => e.name)).toEqual(['sân chơi.png', 'Biên bản.pdf']);
    const audit = await s.call('audit.list', { id, indicatorId: '12.1' });
    expect(audit.items.map((e) => e.action)).toEqual(['evidence_add', 'evidence_add']);
    expect(fs.readdirSync(path.join(dir, 'evidence', 'staging'))).toEqual([]);
  });

  it('the same file twice is stored once', async () => {
    await attach('12.1', [{ bytes: photo, name: 'a.png' }]);
    const second = await attach('12.2', [{ bytes: photo, name: 'b.png' }]);
    expect(second.storedOnce).toEqual(['b.png']);
    expect(storedFiles()).toEqual([sha(photo)]);
    expect((await s.call('assessments.get', { id })).evidence).toHaveLength(2);
  });

  it('refuses a file over the size limit with a clear message, keeping nothing', async () => {
    await s.call('settings.set', { evidenceMaxMb: 1 });
    const big = Buffer.alloc(1024 * 1024 + 1, 7);
    const before = snapshotDir(dir);
    // Declared size over the limit: refused before reading.
    const declared = await s.files.stage(Readable.from([big]), 'ảnh lớn.jpg', big.length);
    expect(declared).toMatchObject({ ok: false, error: { code: 'evidence_too_large' } });
    if (!declared.ok) {
      expect(declared.error.message.vi).toContain('ảnh lớn.jpg');
      expect(declared.error.message.vi).toContain('1 MB');
    }
    // No declared size: refused while streaming.
    const streamed = await s.files.stage(Readable.from([big.subarray(0, 600_000), big.subarray(600_000)]), 'ảnh lớn.jpg');
    expect(streamed).toMatchObject({ ok: false, error: { code: 'evidence_too_large' } });
    expect(snapshotDir(dir)).toEqual(before);
    // Exactly at the limit is accepted.
    expect((await s.files.stage(Readable.from([big.subarray(1)]), 'ok.jpg')).ok).toBe(true);
  });

  it('refuses types that are not evidence, and unknown staged ids, writing nothing', async () => {
    expect(await s.files.stage(Readable.from([Buffer.from('x')]), 'script.exe')).toMatchObject({ ok: false, error: { code: 'unsupported_file_type' } });
    const before = snapshotDir(dir);
    const r = await s.dispatch('evidence.attach', { id, indicatorId: '12.1', files: [{ stagedId: crypto.randomUUID(), name: 'x.png' }] });
    expect(r).toMatchObject({ ok: false, error: { code: 'staged_not_found', field: 'stagedId' } });
    const wrongIndicator = await s.dispatch('evidence.attach', { id, indicatorId: '42', files: [{ stagedId: (await stage(photo, 'p.png')).stagedId, name: 'p.png' }] });
    expect(wrongIndicator).toMatchObject({ ok: false, error: { field: 'indicatorId' } });
    expect(storedFiles()).toEqual([]);
    expect((await s.call('audit.list', { id })).items.map((e) => e.action)).toEqual(['create']);
    expect(before['cfc.sqlite']).toBeDefined();
  });

  it('removal is recorded; the file is released when nothing refers to it, and collected once unused for a day', async () => {
    const a = await attach('12.1', [{ bytes: photo, name: 'a.png' }]);
    const b = await attach('12.2', [{ bytes: photo, name: 'b.png' }]);
    const r1 = await s.call('evidence.remove', { evidenceId: a.items[0]!.id, reason: 'Nhầm chỉ tiêu' });
    expect(r1.fileReleased).toBe(false);
    expect(storedFiles()).toEqual([sha(photo)]);
    const r2 = await s.call('evidence.remove', { evidenceId: b.items[0]!.id });
    expect(r2.fileReleased).toBe(true);
    // Never deleted inline (a call in flight may use the same bytes): the collector takes it a day later.
    expect(storedFiles()).toEqual([sha(photo)]);
    const { db } = await s.context.store();
    expect((await collectOrphans({ db, dataDir: dir })).evidence).toBe(0);
    expect((await collectOrphans({ db, dataDir: dir }, { now: Date.now() + 25 * 3600 * 1000 })).evidence).toBe(1);
    expect(storedFiles()).toEqual([]);
    const audit = await s.call('audit.list', { id });
    expect(audit.items.filter((e) => e.action === 'evidence_remove').map((e) => e.reason)).toEqual(['Nhầm chỉ tiêu', null]);
    expect(await s.dispatch('evidence.remove', { evidenceId: a.items[0]!.id })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect((await s.call('assessments.get', { id })).evidence).toEqual([]);
  });

  it('a submitted revision keeps its files: removing them from the next revision does not delete them', async () => {
    const fixture = JSON.parse(fs.readFileSync(path.join(repoRoot, 'test/fixtures/scoring/recognised-other.json'), 'utf8'));
    for (const [indicatorId, value] of Object.entries(fixture.values)) await s.call('assessments.setValue', { id, indicatorId, value });
    await attach('12.1', [{ bytes: photo, name: 'a.png' }]);
    await s.call('assessments.submit', { id });
    expect(await s.dispatch('evidence.remove', { evidenceId: (await s.call('assessments.get', { id })).evidence[0]!.id })).toMatchObject({
      ok: false,
      error: { code: 'read_only' },
    });
    const r2 = await s.call('assessments.newRevision', { id });
    expect(r2.evidence).toHaveLength(1);
    const removed = await s.call('evidence.remove', { evidenceId: r2.evidence[0]!.id });
    expect(removed.fileReleased).toBe(false);
    expect(storedFiles()).toEqual([sha(photo)]);
  });

  it('a file that an imported package also carries stays when its last workspace link is removed', async () => {
    // Another commune's machine: the same photo in a signed package.
    const fixture = JSON.parse(fs.readFileSync(path.join(repoRoot, 'test/fixtures/scoring/recognised-other.json'), 'utf8'));
    const other = tempDir();
    const t = testService(other.dir);
    try {
      await t.call('profile.set', { role: 'commune', unitCode: '29266', organisation: 'UBND', userName: 'Lê Văn Tâm', userTitle: 'Công chức' });
      const a = await t.call('assessments.create', { unitCode: '29266', year: 2025 });
      for (const [indicatorId, value] of Object.entries(fixture.values)) await t.call('assessments.setValue', { id: a.id, indicatorId, value });
      const staged = await t.files.stage(Readable.from([photo]), 'a.png', photo.length);
      if (!staged.ok) throw new Error('stage');
      await t.call('evidence.attach', { id: a.id, indicatorId: '12.1', files: [{ stagedId: staged.value.stagedId, name: 'a.png' }] });
      await t.call('assessments.submit', { id: a.id });
      await t.call('keys.create', { name: 'Lê Văn Tâm', role: 'commune', unitCode: '29266', passphrase: 'một mật khẩu dài' });
      const out = await t.call('packages.export', { id: a.id, passphrase: 'một mật khẩu dài' });
      const imp = await s.call('packages.import', { paths: [out.file], acceptUntrusted: true, reason: 'kiểm thử' });
      expect(imp.items[0]).toMatchObject({ result: 'imported' });
    } finally {
      await t.close();
      other.cleanup();
    }
    // The import kept the photo inside its package (served from there), not in the evidence store.
    expect(storedFiles()).toEqual([]);
    // Here, the same photo attached to the draft and removed again: a package still refers to it, so it stays.
    const here = await attach('12.1', [{ bytes: photo, name: 'ảnh.png' }]);
    expect(here.storedOnce).toEqual([]);
    const removed = await s.call('evidence.remove', { evidenceId: here.items[0]!.id });
    expect(removed.fileReleased).toBe(false);
    expect(storedFiles()).toEqual([sha(photo)]);
  });

  it('a failed attach leaves no row; the file it stored is left unreferenced, for the collector a day later', async () => {
    const staged = await stage(pdf, 'x.pdf');
    const { sqlite } = await s.context.store();
    sqlite.exec("create trigger fail_evidence before insert on evidence begin select raise(abort, 'disk full'); end");
    const r = await s.dispatch('evidence.attach', { id, indicatorId: '12.1', files: [{ stagedId: staged.stagedId, name: 'x.pdf' }] });
    expect(r).toMatchObject({ ok: false, error: { code: 'internal' } });
    sqlite.exec('drop trigger fail_evidence');
    expect((await s.call('assessments.get', { id })).evidence).toEqual([]);
    expect(storedFiles()).toEqual([sha(pdf)]);
    const { db } = await s.context.store();
    expect((await collectOrphans({ db, dataDir: dir }, { now: Date.now() + 25 * 3600 * 1000 })).evidence).toBe(1);
    expect(storedFiles()).toEqual([]);
  });

  it('streams a 200 MB file: memory stays flat as the file grows', () => {
    /** Peak resident growth of a child process that stages and attaches `mb` megabytes. */
    const run = (mb: number) => {
      const expected = crypto.createHash('sha256');
      for (const c of generatedChunks(mb)) expected.update(c);
      const t = tempDir();
      try {
        const r = spawnSync(path.join(repoRoot, 'node_modules/.bin/tsx'), ['test/integration/evidence-stream.child.ts', t.dir, String(mb)], {
          cwd: repoRoot,
          encoding: 'utf8',
          timeout: 120_000,
        });
        expect(r.status, r.stderr).toBe(0);
        const out = JSON.parse(r.stdout.trim().split('\n').at(-1)!);
        expect(out.size).toBe(mb * 1024 * 1024);
        expect(out.sha256).toBe(expected.digest('hex'));
        return out.peak - out.baseline;
      } finally {
        t.cleanup();
      }
    };
    const small = run(20);
    const large = run(200);
    // Held whole, ten times the file would cost 180 MB more; streamed, the difference is the GC's slack. (The growth
    // of one run alone is mostly that slack and the modules loaded on first use, so it is not compared to a bound.)
    expect(large - small).toBeLessThan(64 * 1024 * 1024);
  }, 180_000);
});

describe('evidence over browser mode', () => {
  let server: RunningServer;
  beforeEach(async () => {
    server = await startServer({ service: s, staticDir: path.join(dir, 'no-renderer') });
  });
  afterEach(async () => {
    await server.close();
  });

  const headers = () => ({ authorization: `Bearer ${server.token}`, 'x-cfc-call': '1' });

  it('PUT /upload stages, evidence.attach attaches, GET /evidence/<id> serves it', async () => {
    const body = Buffer.from('%PDF-1.4 test');
    const up = await fetch(`${server.origin}/upload`, {
      method: 'PUT',
      headers: { ...headers(), 'x-file-name': encodeURIComponent('Kế hoạch.pdf'), 'content-type': 'application/octet-stream' },
      body,
    });
    expect(up.status).toBe(200);
    const staged = (await up.json()).value;
    expect(staged.sha256).toBe(sha(body));
    const attached = await s.call('evidence.attach', { id, indicatorId: '11.1', files: [{ stagedId: staged.stagedId, name: 'Kế hoạch.pdf' }] });
    const get = await fetch(`${server.origin}/evidence/${attached.items[0]!.id}`, { headers: headers() });
    expect(get.status).toBe(200);
    expect(get.headers.get('content-type')).toBe('application/pdf');
    expect(get.headers.get('content-disposition')).toContain("inline; filename*=UTF-8''K%E1%BA%BF");
    expect(Buffer.from(await get.arrayBuffer())).toEqual(body);
    expect((await fetch(`${server.origin}/evidence/${attached.items[0]!.id}`)).status).toBe(401);
  });

  it('refuses an upload without the token or over the limit', async () => {
    const noToken = await fetch(`${server.origin}/upload`, { method: 'PUT', headers: { 'x-cfc-call': '1', 'x-file-name': 'a.png' }, body: 'x' });
    expect(noToken.status).toBe(401);
    await s.call('settings.set', { evidenceMaxMb: 1 });
    const big = await fetch(`${server.origin}/upload`, {
      method: 'PUT',
      headers: { ...headers(), 'x-file-name': 'a.png' },
      body: Buffer.alloc(2 * 1024 * 1024),
    });
    expect(big.status).toBe(400);
    expect((await big.json()).error.code).toBe('evidence_too_large');
    const noName = await fetch(`${server.origin}/upload`, { method: 'PUT', headers: headers(), body: 'x' });
    expect((await noName.json()).error.field).toBe('name');
  });
});

describe('staging', () => {
  it('drops uploads older than a day when the store opens, keeps recent ones', async () => {
    const t = tempDir();
    const first = testService(t.dir);
    const old = await first.files.stage(Readable.from([Buffer.from('old')]), 'old.png');
    const fresh = await first.files.stage(Readable.from([Buffer.from('fresh')]), 'fresh.png');
    await first.close();
    if (!old.ok || !fresh.ok) throw new Error('stage');
    const staging = path.join(t.dir, 'evidence', 'staging');
    const twoDaysAgo = new Date(Date.now() - 2 * 24 * 3600 * 1000);
    for (const f of fs.readdirSync(staging).filter((f) => f.startsWith(old.value.stagedId))) fs.utimesSync(path.join(staging, f), twoDaysAgo, twoDaysAgo);
    const second = testService(t.dir);
    try {
      await second.open();
      expect(fs.readdirSync(staging).sort()).toEqual([fresh.value.stagedId, `${fresh.value.stagedId}.json`].sort());
    } finally {
      await second.close();
      t.cleanup();
    }
  });
});
