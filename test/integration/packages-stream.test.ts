/**
 * Large packages in one pass (issue 11 item 3, issue 13 item 2, the importer's side): a package of a few hundred MB is
 * imported as a stream with awaits — the service host answers other calls while it runs (an ordering test: the order of
 * events is recorded, not times), progress reports bytes as they stream, and a cancel a third of the way through leaves
 * the data folder byte-identical and the tables unchanged. And the streamed verifier agrees with the in-memory one.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import SQLite from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServiceHost } from '../../src/api/host/host';
import type { Progress } from '../../src/api/context';
import { isCancelled } from '../../src/core/cancel';
import { importPackages, storedPackagePath } from '../../src/core/packages/importer';
import { sha256Hex } from '../../src/core/packages/keys';
import { createReview } from '../../src/core/packages/review';
import { verifyPackage, type TrustEntry, type Verification } from '../../src/core/packages/verify';
import { THREADS_FROM, verifyPackages, verifyPool } from '../../src/core/packages/verifyPool';
import { checkoutResourcesDir } from '../../src/server/resources';
import { startServer, type RunningServer } from '../../src/server/server';
import { repoRoot, servedEvidence, snapshotDir, tempDir, testService } from '../helpers';
import { cancelJob, httpAuth, httpCall, jobEvents } from './http-jobs';
import { packageEvidenceId } from '../../src/core/reviews/model';
import { APP, NOW, editions, fixture, makeKey, makePackage, packs, publicKeyText, trustOf, type TestKey } from '../unit/packages/helpers';

const t = tempDir('cfc-stream-');
const MB = 1024 * 1024;
let key: TestKey;
let big: { file: string; manifestSha256: string };
let evidence: Buffer[];

/** Three evidence files of 100 MB, distinct (nothing dedupes), cheap to make. */
function bigEvidence(): Buffer[] {
  const block = crypto.randomBytes(MB);
  return [0, 1, 2].map((i) => {
    const b = Buffer.allocUnsafe(100 * MB);
    for (let k = 0; k < 100; k++) {
      block.writeUInt32LE(i, 0);
      block.writeUInt32LE(k, 4);
      block.copy(b, k * MB);
    }
    b.write('%PDF-1.4\n', 0, 'latin1');
    return b;
  });
}

beforeAll(async () => {
  key = makeKey('commune', '29266');
  evidence = bigEvidence();
  big = await makePackage(path.join(t.dir, 'in'), key, { evidence: { 'a.pdf': evidence[0]!, 'b.pdf': evidence[1]!, 'c.pdf': evidence[2]! } });
}, 300_000);
afterAll(() => t.cleanup());

/** Every file (path → SHA-256) and every folder under `dir`: byte-identical means both lists are. */
function tree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      const rel = path.relative(dir, p);
      if (e.isDirectory()) {
        out[rel + '/'] = 'folder';
        walk(p);
      } else if (!e.name.endsWith('-shm')) out[rel] = sha256Hex(fs.readFileSync(p));
    }
  };
  walk(dir);
  return out;
}

function tables(dataDir: string): Record<string, unknown[]> {
  const db = new SQLite(path.join(dataDir, 'cfc.sqlite'), { readonly: true });
  try {
    const out: Record<string, unknown[]> = {};
    for (const tb of ['package', 'package_value', 'package_evidence', 'package_audit', 'counted', 'counted_criterion', 'counted_rate']) {
      out[tb] = db.prepare(`select * from ${tb} order by 1, 2`).all();
    }
    return out;
  } finally {
    db.close();
  }
}

/** A provincial reviewer's service trusting the commune's key, and the importer's dependencies over its store. */
async function reviewer(dataDir: string) {
  const s = testService(dataDir);
  await s.call('profile.set', { role: 'province', unitCode: '86', organisation: 'Sở Y tế Vĩnh Long', userName: 'Phạm Thu', userTitle: 'Chuyên viên' });
  await s.call('trust.add', { publicKey: publicKeyText(key) });
  const { db } = await s.context.store();
  return { s, deps: { db, packs, editions, dataDir } };
}

describe('a large package streams', () => {
  it('through the service host: cancelled mid-way, nothing left; then units.search and dashboard.overview are answered while the import runs; progress reports bytes', async () => {
    const dataDir = path.join(t.dir, 'host');
    const progress: Progress[] = [];
    let streaming: () => void = () => undefined;
    const started = new Promise<void>((r) => (streaming = r));
    let watching = false; // the import that is not cancelled
    const host = startServiceHost({
      dataDir,
      resourcesDir: checkoutResourcesDir,
      mode: 'test',
      now: new Date(NOW),
      onProgress: ({ call, progress: p }) => {
        if (call !== 'packages.import' || !watching) return;
        progress.push(p);
        if ((p.bytes ?? 0) > 0) streaming();
      },
    });
    try {
      await host.open();
      await host.call('profile.set', { role: 'province', unitCode: '86', organisation: 'Sở Y tế Vĩnh Long', userName: 'Phạm Thu', userTitle: 'Chuyên viên' });
      await host.call('trust.add', { publicKey: publicKeyText(key) });
      // First a cancel through the host, a third of the way through: as a rejected import, nothing is left.
      const beforeTree = tree(dataDir);
      const beforeTables = tables(dataDir);
      const stop = host.jobs.subscribe((e) => {
        if (e.job === 'host-import-1' && (e.progress.bytes ?? 0) > (e.progress.size ?? Infinity) / 3) host.jobs.cancel('host-import-1');
      });
      const cancelled = await host.dispatch('packages.import', { paths: [big.file] }, 'local', 'host-import-1');
      stop();
      expect(cancelled).toMatchObject({ ok: false, error: { code: 'cancelled' } });
      expect(tree(dataDir)).toEqual(beforeTree);
      expect(tables(dataDir)).toEqual(beforeTables);
      watching = true;

      const events: string[] = [];
      const imported = host.call('packages.import', { paths: [big.file] }).then((r) => (events.push('packages.import'), r));
      // Sent once the first bytes have streamed: the import has a few hundred MB still to go.
      await started;
      events.push('calls sent');
      const search = host.call('units.search', { query: 'cang long', limit: 5 }).then((r) => (events.push('units.search'), r));
      const overview = host.call('dashboard.overview', { year: 2026, scope: null }).then((r) => (events.push('dashboard.overview'), r));
      const [r, found] = await Promise.all([imported, search, overview]);
      expect(r.summary).toMatchObject({ imported: 1, rejected: 0 });
      expect(found.items.length).toBeGreaterThan(0);
      expect(events[0]).toBe('calls sent');
      expect(events.indexOf('units.search')).toBeLessThan(events.indexOf('packages.import'));
      expect(events.indexOf('dashboard.overview')).toBeLessThan(events.indexOf('packages.import'));
      // Bytes as they streamed: rising, some strictly between nothing and all, the last one all.
      const size = fs.statSync(big.file).size;
      const bytes = progress.map((p) => p.bytes ?? 0);
      expect(bytes).toEqual([...bytes].sort((a, b) => a - b));
      expect(bytes.filter((b) => b > 0 && b < size).length).toBeGreaterThan(2);
      expect(bytes[bytes.length - 1]).toBe(size);
      // Written once, as the package; nothing extracted: each evidence file is served from inside it, what its name says.
      expect(fs.readFileSync(storedPackagePath(dataDir, big.manifestSha256)).equals(fs.readFileSync(big.file))).toBe(true);
      expect(fs.existsSync(path.join(dataDir, 'evidence')) ? snapshotDir(path.join(dataDir, 'evidence')) : {}).toEqual({});
      for (const e of evidence) {
        const sha = sha256Hex(e);
        expect((await servedEvidence(host.files, packageEvidenceId(sha))).equals(e)).toBe(true);
      }
    } finally {
      await host.close();
    }
  }, 300_000);

  it('through browser mode (HTTP): uploaded, imported as a job; units.search and dashboard.overview answer while it runs; cancelled mid-way from the SSE events, the data folder byte-identical; Import again stores it', async () => {
    const dataDir = path.join(t.dir, 'http');
    const host = startServiceHost({ dataDir, resourcesDir: checkoutResourcesDir, mode: 'test', now: new Date(NOW) });
    let server: RunningServer | null = null;
    try {
      await host.open();
      await host.call('profile.set', { role: 'province', unitCode: '86', organisation: 'Sở Y tế Vĩnh Long', userName: 'Phạm Thu', userTitle: 'Chuyên viên' });
      await host.call('trust.add', { publicKey: publicKeyText(key) });
      server = await startServer({ service: host, staticDir: path.join(repoRoot, 'out/renderer') });
      const srv = server;
      const api = (call: string, input: unknown, job?: string) => httpCall(srv, call, input, job);
      // The page's upload: the file streamed as the request body.
      const size = fs.statSync(big.file).size;
      const up = await fetch(`${srv.origin}/upload`, {
        method: 'PUT',
        headers: { ...httpAuth(srv), 'content-type': 'application/octet-stream', 'content-length': String(size), 'x-file-name': encodeURIComponent('Càng Long 2026.cfcpkg') },
        body: Readable.toWeb(fs.createReadStream(big.file)) as ReadableStream,
        duplex: 'half',
      } as RequestInit);
      const staged = (await up.json()) as { ok: boolean; value: { stagedId: string } };
      expect(staged.ok).toBe(true);
      const beforeTree = tree(dataDir);
      const beforeTables = tables(dataDir);

      // Once bytes stream, the two calls are sent; once both have answered (and only then) the Cancel is sent.
      const events: string[] = [];
      const bytes: number[] = [];
      let others: Promise<unknown> | null = null;
      let cancelled: Promise<Response> | null = null;
      const close = await jobEvents(srv, (e) => {
        if (e.job !== 'http-import-1') return;
        bytes.push(e.progress.bytes ?? 0);
        if ((e.progress.bytes ?? 0) === 0 || others) return;
        events.push('calls sent');
        const search = api('units.search', { query: 'cang long', limit: 5 }).then((r) => (events.push('units.search'), r));
        const overview = api('dashboard.overview', { year: 2026, scope: null }).then((r) => (events.push('dashboard.overview'), r));
        others = Promise.all([search, overview]).then((rs) => {
          events.push('cancel sent');
          cancelled = cancelJob(srv, 'http-import-1');
          return rs;
        });
      });
      const imported = await api('packages.import', { stagedIds: [staged.value.stagedId] }, 'http-import-1');
      events.push('packages.import');
      close();
      expect(imported).toMatchObject({ ok: false, error: { code: 'cancelled' } });
      const [found, overview] = (await others!) as [{ ok: boolean; value: { items: unknown[] } }, { ok: boolean }];
      expect(found.ok && found.value.items.length > 0).toBe(true);
      expect(overview.ok).toBe(true);
      expect((await (await cancelled!).json()) as unknown).toEqual({ ok: true, value: null });
      expect(events).toEqual(['calls sent', expect.stringMatching(/^(units\.search|dashboard\.overview)$/), expect.stringMatching(/^(units\.search|dashboard\.overview)$/), 'cancel sent', 'packages.import']);
      expect(bytes).toEqual([...bytes].sort((a, b) => a - b));
      expect(Math.max(...bytes)).toBeLessThan(size);
      // As a rejected import leaves it: nothing stored, the upload still staged for the next press of Import.
      expect(tree(dataDir)).toEqual(beforeTree);
      expect(tables(dataDir)).toEqual(beforeTables);

      const again = await api('packages.import', { stagedIds: [staged.value.stagedId] });
      expect(again).toMatchObject({ ok: true, value: { summary: { imported: 1, rejected: 0 } } });
      expect(fs.readFileSync(storedPackagePath(dataDir, big.manifestSha256)).equals(fs.readFileSync(big.file))).toBe(true);
    } finally {
      await server?.close();
      await host.close();
    }
  }, 300_000);

  it('cancelled a third of the way through: `cancelled` thrown, the data folder byte-identical, the tables unchanged; then imported whole', async () => {
    const dataDir = path.join(t.dir, 'cancel');
    const { s, deps } = await reviewer(dataDir);
    try {
      const who = { name: 'Phạm Thu', now: NOW };
      const beforeTree = tree(dataDir);
      const beforeTables = tables(dataDir);
      const ac = new AbortController();
      let abortedAt = 0;
      const size = fs.statSync(big.file).size;
      const err = await importPackages(deps, [big.file], {
        who,
        signal: ac.signal,
        onProgress: (p) => {
          if (!ac.signal.aborted && p.bytes > p.size / 3) {
            abortedAt = p.bytes;
            ac.abort();
          }
        },
      }).catch((e: unknown) => e);
      expect(isCancelled(err)).toBe(true);
      expect(abortedAt).toBeGreaterThan(size / 3);
      expect(abortedAt).toBeLessThan(size);
      expect(tree(dataDir)).toEqual(beforeTree);
      expect(tables(dataDir)).toEqual(beforeTables);
      // Nothing was left half-done: the same import, not cancelled, stores it whole.
      const r = await importPackages(deps, [big.file], { who });
      expect(r.summary).toMatchObject({ imported: 1, rejected: 0 });
      expect(fs.readFileSync(storedPackagePath(dataDir, big.manifestSha256)).equals(fs.readFileSync(big.file))).toBe(true);
    } finally {
      await s.close();
    }
  }, 300_000);

  it('a batch of small packages cancelled between packages: nothing of the group in flight stays', async () => {
    const { s, deps } = await reviewer(path.join(t.dir, 'cancel-batch'));
    const dataDir = deps.dataDir;
    try {
      const small: string[] = [];
      for (let i = 0; i < 10; i++) small.push((await makePackage(path.join(t.dir, 'small'), key, { notes: { '1.1': `bản ${i}` } })).file);
      const beforeTree = tree(dataDir);
      const beforeTables = tables(dataDir);
      const ac = new AbortController();
      const seen: number[] = [];
      const err = await importPackages(deps, small, {
        who: { name: 'Phạm Thu', now: NOW },
        signal: ac.signal,
        onProgress: (p) => {
          seen.push(p.index);
          if (p.index === 5) ac.abort();
        },
      }).catch((e: unknown) => e);
      expect(isCancelled(err)).toBe(true);
      expect(Math.max(...seen)).toBe(5);
      expect(tree(dataDir)).toEqual(beforeTree);
      expect(tables(dataDir)).toEqual(beforeTables);
    } finally {
      await s.close();
    }
  });

  it('more than a group (64): a cancel in the second group keeps the first one committed whole and nothing of the second', async () => {
    const { s, deps } = await reviewer(path.join(t.dir, 'two-groups'));
    const dataDir = deps.dataDir;
    try {
      const files: string[] = [];
      for (let i = 0; i < 70; i++) files.push((await makePackage(path.join(t.dir, 'seventy'), key, { notes: { '1.1': `lần ${i}` } })).file);
      const count = (table: string) => (tables(dataDir)[table] ?? []).length;
      const ac = new AbortController();
      const err = await importPackages(deps, files, {
        who: { name: 'Phạm Thu', now: NOW },
        signal: ac.signal,
        // The first group (0–63) is committed when package 63 is written; the cancel comes at package 66.
        onProgress: (p) => {
          if (p.index === 66 && p.bytes === p.size) ac.abort();
        },
      }).catch((e: unknown) => e);
      expect(isCancelled(err)).toBe(true);
      expect(count('package')).toBe(64);
      const stored = fs.readdirSync(path.join(dataDir, 'packages')).filter((f) => f.endsWith('.cfcpkg'));
      expect(stored.length).toBe(64);
      const staging = path.join(dataDir, 'packages', 'staging');
      expect(fs.existsSync(staging) ? fs.readdirSync(staging) : []).toEqual([]);
      // Imported again: the 64 are there already, the other 6 are stored; every package once.
      const r = await importPackages(deps, files, { who: { name: 'Phạm Thu', now: NOW } });
      expect(r.items.filter((i) => i.result === 'already_present').length).toBe(64);
      expect(count('package')).toBe(70);
      expect(fs.readdirSync(path.join(dataDir, 'packages')).filter((f) => f.endsWith('.cfcpkg')).length).toBe(70);
    } finally {
      await s.close();
    }
  }, 120_000);

  it('an already aborted signal imports nothing and says cancelled', async () => {
    const dataDir = path.join(t.dir, 'aborted');
    const s = testService(dataDir);
    try {
      const { db } = await s.context.store();
      const before = tree(dataDir);
      const ac = new AbortController();
      ac.abort();
      const err = await importPackages({ db, packs, editions, dataDir }, [big.file], { who: { name: 'x', now: NOW }, signal: ac.signal }).catch((e: unknown) => e);
      expect(isCancelled(err)).toBe(true);
      expect(tree(dataDir)).toEqual(before);
    } finally {
      await s.close();
    }
  });
});

describe('the streamed verifier and the in-memory one agree', () => {
  /** Damaged copies of a package (a flipped byte in evidence, cut short, bytes appended, a changed CRC field, a renamed local header). */
  function variants(file: string): Record<string, Buffer> {
    const b = fs.readFileSync(file);
    const flip = (at: number) => {
      const c = Buffer.from(b);
      c[at] = c[at]! ^ 0x01;
      return c;
    };
    const evidenceAt = b.indexOf(Buffer.from('%PDF-1.4 own'));
    const cdAt = b.lastIndexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    return {
      intact: b,
      'evidence byte flipped': flip(evidenceAt + 5),
      'cut short': b.subarray(0, b.length - 40),
      'bytes appended': Buffer.concat([b, Buffer.alloc(100, 1)]),
      'central directory CRC changed': flip(cdAt + 16),
      'local header name changed': flip(b.indexOf(Buffer.from('manifest.json')) + 2),
    };
  }

  it('same outcome and reasons for intact, damaged, untrusted and review packages', async () => {
    const dir = path.join(t.dir, 'agree');
    const assessor = makeKey('assessor', '86', 'Đoàn thẩm định', '2025-07-01');
    const self = await makePackage(dir, key, { evidence: { 'own.pdf': Buffer.from('%PDF-1.4 own evidence bytes, a few of them') } });
    const review = await createReview(
      { packs, editions, app: APP, trust: trustOf([key]) },
      self.file,
      { values: fixture.values, decision: 'recognised', reasons: [], findings: 'Đủ.', team: [{ name: 'Trần Văn Bình', title: 'Trưởng đoàn' }] },
      assessor,
      path.join(dir, 'review'),
      { name: 'Trần Văn Bình', now: NOW },
    );
    const files: string[] = [];
    for (const [name, bytes] of Object.entries(variants(self.file))) {
      const f = path.join(dir, `${name.replace(/ /g, '-')}.cfcpkg`);
      fs.writeFileSync(f, bytes);
      files.push(f);
    }
    files.push(review.file);
    const codes: Record<string, string> = {};
    const view = (v: Verification) => ({ outcome: v.outcome, reasons: v.reasons.map((r) => [r.code, r.path ?? null]), manifest: v.manifestSha256, inner: v.inner?.outcome ?? null });
    for (const trusted of [[key, assessor], []]) {
      const deps = { packs, editions, trust: trustOf(trusted) };
      const one: Verification[] = [];
      for (const f of files) {
        const inMemory = await verifyPackage(f, deps);
        const streamed = await verifyPackage(f, deps, { bufferBelow: 0 });
        expect(view(streamed), path.basename(f)).toEqual(view(inMemory));
        one.push(inMemory);
        codes[`${trusted.length ? 'trusted' : 'untrusted'} ${path.basename(f)}`] = `${inMemory.outcome} ${inMemory.reasons.map((r) => r.code).join(',')}`;
      }
      // A batch goes through the verifying threads (steps 1-7 there, 8-11 here): the same verdicts, in order.
      expect(verifyPool(), 'the verifying threads start from the TypeScript sources').not.toBeNull();
      const entries: TrustEntry[] = trusted.map((k) => deps.trust(k.pair.keyId)!);
      const many = [...files, ...files, ...files];
      expect(many.length).toBeGreaterThanOrEqual(THREADS_FROM);
      const batch = await verifyPackages(many, { ...deps, trustEntries: entries });
      expect(batch.map(view)).toEqual([...one, ...one, ...one].map(view));
    }
    // The cases are what they claim to be (so the agreement above covers each kind of verdict).
    expect(codes['trusted intact.cfcpkg']).toBe('valid ');
    expect(codes['untrusted intact.cfcpkg']).toBe('untrusted key_unknown');
    expect(codes['trusted evidence-byte-flipped.cfcpkg']).toBe('invalid corrupt_entry');
    expect(codes['trusted central-directory-CRC-changed.cfcpkg']).toMatch(/^invalid /);
    expect(codes['trusted cut-short.cfcpkg']).toMatch(/^invalid /);
    expect(codes['trusted bytes-appended.cfcpkg']).toBe('invalid hidden_data');
    expect(codes['trusted local-header-name-changed.cfcpkg']).toMatch(/^invalid /);
    expect(codes[`trusted ${path.basename(review.file)}`]).toBe('valid ');
  });
});
