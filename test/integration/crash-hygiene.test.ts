import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Service } from '../../src/api/service';
import { collectOrphans } from '../../src/core/evidence/hygiene';
import { packageEvidenceId } from '../../src/core/reviews/reviews';
import { storedPackagePath } from '../../src/core/packages/stored';
import { verifyPackage } from '../../src/core/packages/verify';
import { expectDurable, traceFs } from './durable-trace';
import { servedEvidence, tempDir, testService } from '../helpers';
import { editions, fixture, makeKey, makePackage, packs, publicKeyText, type TestKey } from '../unit/packages/helpers';

/**
 * Issue 9 item 4, crash hygiene: the sweep at start-up and after each import batch (old and fresh files, referenced
 * and not), the durable write path (fsync of the file, rename, fsync of the folder), and a stored file whose content
 * is wrong (empty or cut short by a power cut, or a changed byte) detected when read and repaired from a package or
 * an upload that carries it — or refused naming the file when nothing does.
 */

let dir: string;
let cleanup: () => void;
let s: Service;
let commune: TestKey;

const sha = (b: Buffer) => crypto.createHash('sha256').update(b).digest('hex');
const DAY = 24 * 3600 * 1000;
const PDF = Buffer.from('%PDF-1.4\n% biên bản họp hội đồng trẻ em\n' + 'z'.repeat(6000));

function data(...p: string[]) {
  return path.join(dir, 'data', ...p);
}
function evidencePath(h: string) {
  return data('evidence', h.slice(0, 2), h);
}
/** Sets a file's (or folder's) modification time `days` days back. */
function age(p: string, days: number) {
  const t = new Date(Date.now() - days * DAY);
  fs.utimesSync(p, t, t);
}
function plant(p: string, content: Buffer | string, days: number) {
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, content);
  age(p, days);
}

async function stage(svc: Service, bytes: Buffer, name: string) {
  const r = await svc.files.stage(Readable.from([bytes]), name, bytes.length);
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  return r.value;
}

beforeEach(async () => {
  ({ dir, cleanup } = tempDir('cfc-hygiene-'));
  fs.mkdirSync(path.join(dir, 'work'));
  s = testService(data());
  await s.call('profile.set', { role: 'assessor', unitCode: '86', organisation: 'UBND Tỉnh Vĩnh Long', userName: 'Trần Văn Bình', userTitle: 'Trưởng đoàn' });
  commune = makeKey('commune', '29269', 'Nguyễn Thị Hồng');
  await s.call('trust.add', { publicKey: publicKeyText(commune) });
});

afterEach(async () => {
  vi.restoreAllMocks();
  await s.close();
  cleanup();
});

async function importOne(evidence: Record<string, Buffer>, year = 2024) {
  const p = await makePackage(path.join(dir, 'work'), commune, { year, evidence });
  const r = await s.call('packages.import', { paths: [p.file] });
  expect(r.items[0]!.result, JSON.stringify(r.items[0])).toBe('imported');
  return { ...p, bytes: fs.readFileSync(p.file) };
}

describe('the sweep', () => {
  it('at start-up: old leftovers nothing refers to go; fresh files and referenced files stay, however old', async () => {
    const pkg = await importOne({ 'bienban.pdf': PDF });
    const kept = {
      referencedEvidence: evidencePath(sha(PDF)),
      referencedPackage: storedPackagePath(data(), pkg.manifestSha256),
      freshOrphanEvidence: evidencePath(sha(Buffer.from('fresh orphan'))),
      freshOrphanPackage: data('packages', `${'b'.repeat(64)}.cfcpkg`),
      freshImportWork: data('packages', 'staging', crypto.randomUUID(), 'package.cfcpkg'),
      freshUpload: data('evidence', 'staging', crypto.randomUUID()),
    };
    const gone = {
      oldOrphanEvidence: evidencePath(sha(Buffer.from('old orphan'))),
      oldOrphanPackage: data('packages', `${'a'.repeat(64)}.cfcpkg`),
      oldImportWork: data('packages', 'staging', crypto.randomUUID(), 'x', 'evidence.part'),
      oldUpload: data('evidence', 'staging', crypto.randomUUID()),
    };
    // A stored copy of the package's evidence (attached here once, or kept by an older version): referenced, kept.
    plant(kept.referencedEvidence, PDF, 30);
    age(kept.referencedPackage, 30);
    plant(kept.freshOrphanEvidence, 'fresh orphan', 0);
    plant(kept.freshOrphanPackage, 'PK', 0.5);
    plant(kept.freshImportWork, 'PK', 0);
    plant(kept.freshUpload, 'upload', 0);
    plant(gone.oldOrphanEvidence, 'old orphan', 2);
    plant(gone.oldOrphanPackage, 'PK', 2);
    plant(gone.oldImportWork, 'half a file', 3);
    age(path.dirname(gone.oldImportWork), 3);
    age(path.dirname(path.dirname(gone.oldImportWork)), 3);
    plant(gone.oldUpload, 'upload', 2);
    // A crash: the app starts again; the first call opens the store, which sweeps.
    await s.close();
    s = testService(data());
    await s.call('app.info', {});
    for (const [what, p] of Object.entries(kept)) expect(fs.existsSync(p), what).toBe(true);
    for (const [what, p] of Object.entries(gone)) expect(fs.existsSync(p), what).toBe(false);
    expect(fs.existsSync(path.dirname(path.dirname(gone.oldImportWork)))).toBe(false);
    // The imported package is whole and still served.
    const detail = await s.call('packages.get', { manifestSha256: pkg.manifestSha256 });
    expect(detail.evidence.map((e) => e.stored)).toEqual([true]);
  });

  it('after an import batch (the idle moment): an orphan a day old goes, one of an hour stays', async () => {
    plant(evidencePath(sha(Buffer.from('two days'))), 'two days', 2);
    plant(evidencePath(sha(Buffer.from('an hour'))), 'an hour', 1 / 24);
    await importOne({ 'a.pdf': PDF });
    expect(fs.existsSync(evidencePath(sha(Buffer.from('two days'))))).toBe(false);
    expect(fs.existsSync(evidencePath(sha(Buffer.from('an hour'))))).toBe(true);
    // The package's own evidence is not extracted: it is served from inside the stored package.
    expect(fs.existsSync(evidencePath(sha(PDF)))).toBe(false);
    expect((await servedEvidence(s.files, packageEvidenceId(sha(PDF)))).equals(PDF)).toBe(true);
  });

  it('re-using stored content marks it used: a released file attached again within the day is never collected', async () => {
    await s.call('profile.set', { role: 'commune', unitCode: '29266', organisation: 'UBND xã Càng Long', userName: 'Lê Văn Tâm', userTitle: 'Công chức' });
    const a = await s.call('assessments.create', { unitCode: '29266', year: 2026 });
    const first = await s.call('evidence.attach', { id: a.id, indicatorId: '12.1', files: [{ stagedId: (await stage(s, PDF, 'a.pdf')).stagedId, name: 'a.pdf' }] });
    age(evidencePath(sha(PDF)), 10);
    expect((await s.call('evidence.remove', { evidenceId: first.items[0]!.id })).fileReleased).toBe(true);
    // Released: marked used now, so a sweep within the day keeps it; attached again, it is referenced once more.
    const { db } = await s.context.store();
    expect((await collectOrphans({ db, dataDir: data() })).evidence).toBe(0);
    age(evidencePath(sha(PDF)), 10);
    const again = await s.call('evidence.attach', { id: a.id, indicatorId: '12.2', files: [{ stagedId: (await stage(s, PDF, 'b.pdf')).stagedId, name: 'b.pdf' }] });
    expect(again.storedOnce).toEqual(['b.pdf']);
    expect(Date.now() - fs.statSync(evidencePath(sha(PDF))).mtimeMs).toBeLessThan(DAY);
    expect((await collectOrphans({ db, dataDir: data() }, { now: Date.now() + 2 * DAY })).evidence).toBe(0);
    expect(fs.readFileSync(evidencePath(sha(PDF))).equals(PDF)).toBe(true);
  });
});

describe('the durable write path', () => {
  it('an upload attached (workspace evidence; the review team’s goes through the same EvidenceStore.commit)', async () => {
    await s.call('profile.set', { role: 'commune', unitCode: '29266', organisation: 'UBND xã Càng Long', userName: 'Lê Văn Tâm', userTitle: 'Công chức' });
    const a = await s.call('assessments.create', { unitCode: '29266', year: 2026 });
    const staged = await stage(s, PDF, 'a.pdf');
    const log = traceFs();
    await s.call('evidence.attach', { id: a.id, indicatorId: '12.1', files: [{ stagedId: staged.stagedId, name: 'a.pdf' }] });
    expectDurable(log, evidencePath(sha(PDF)));
  });

  it('an import: the package file, written once (its evidence stays inside it)', async () => {
    const photo = Buffer.from('\x89PNG\r\n\x1a\n ảnh sân chơi');
    const p = await makePackage(path.join(dir, 'work'), commune, { evidence: { 'bienban.pdf': PDF, 'anh.png': photo } });
    const log = traceFs();
    expect((await s.call('packages.import', { paths: [p.file] })).summary.imported).toBe(1);
    expectDurable(log, storedPackagePath(data(), p.manifestSha256));
    expect(fs.existsSync(evidencePath(sha(PDF))) || fs.existsSync(evidencePath(sha(photo)))).toBe(false);
  });
});

describe('a stored file whose content is wrong', () => {
  it('empty after a power cut: seen as not stored, and the package that carries it serves it', async () => {
    const pkg = await importOne({ 'bienban.pdf': PDF });
    plant(evidencePath(sha(PDF)), '', 0);
    expect((await s.call('packages.get', { manifestSha256: pkg.manifestSha256 })).evidence.map((e) => e.stored)).toEqual([true]);
    expect((await servedEvidence(s.files, packageEvidenceId(sha(PDF)))).equals(PDF)).toBe(true);
    // The stored package gone too: nothing carries it any more, and the route says so.
    fs.rmSync(storedPackagePath(data(), pkg.manifestSha256));
    expect((await s.call('packages.get', { manifestSha256: pkg.manifestSha256 })).evidence.map((e) => e.stored)).toEqual([false]);
    expect(await s.files.evidence(packageEvidenceId(sha(PDF)))).toMatchObject({ ok: false, error: { code: 'evidence_damaged' } });
  });

  it('cut short, or one byte changed (same size), in the store or in the package: detected on read, never served', async () => {
    const pkg = await importOne({ 'bienban.pdf': PDF });
    plant(evidencePath(sha(PDF)), PDF.subarray(0, 100), 0);
    expect((await servedEvidence(s.files, packageEvidenceId(sha(PDF)))).equals(PDF)).toBe(true);
    const changed = Buffer.from(PDF);
    changed[50] = changed[50]! ^ 0xff;
    fs.writeFileSync(evidencePath(sha(PDF)), changed);
    expect((await servedEvidence(s.files, packageEvidenceId(sha(PDF)))).equals(PDF)).toBe(true);
    // One byte of the evidence changed inside the stored package as well: no intact copy is left, none is served.
    const stored = storedPackagePath(data(), pkg.manifestSha256);
    const bytes = fs.readFileSync(stored);
    const at = bytes.indexOf(PDF.subarray(0, 40)) + 50;
    bytes[at] = bytes[at]! ^ 0xff;
    fs.writeFileSync(stored, bytes);
    expect(await s.files.evidence(packageEvidenceId(sha(PDF)))).toMatchObject({ ok: false, error: { code: 'evidence_damaged' } });
  });

  it('a damaged file the commune exports is repaired from an upload of the same bytes; with none, refused naming it', async () => {
    await s.call('profile.set', { role: 'commune', unitCode: '29266', organisation: 'UBND xã Càng Long', userName: 'Lê Văn Tâm', userTitle: 'Công chức' });
    const a = await s.call('assessments.create', { unitCode: '29266', year: 2026 });
    for (const [indicatorId, value] of Object.entries(fixture.values)) await s.call('assessments.setValue', { id: a.id, indicatorId, value });
    const att = await s.call('evidence.attach', { id: a.id, indicatorId: '12.1', files: [{ stagedId: (await stage(s, PDF, 'Biên bản.pdf')).stagedId, name: 'Biên bản.pdf' }] });
    fs.writeFileSync(evidencePath(sha(PDF)), '');
    // Nothing here carries these bytes: refused, naming the file, in both languages; nothing served.
    const refused = await s.files.evidence(att.items[0]!.id);
    expect(refused).toMatchObject({ ok: false, error: { code: 'evidence_damaged' } });
    if (!refused.ok) {
      expect(refused.error.message.vi).toContain('"Biên bản.pdf"');
      expect(refused.error.message.en).toContain('"Biên bản.pdf"');
    }
    await s.call('assessments.submit', { id: a.id });
    await s.call('keys.create', { name: 'Lê Văn Tâm', role: 'commune', unitCode: '29266', passphrase: 'một mật khẩu dài' });
    const exportsBefore = fs.existsSync(data('exports')) ? fs.readdirSync(data('exports')) : [];
    const r = await s.dispatch('packages.export', { id: a.id, passphrase: 'một mật khẩu dài' });
    expect(r).toMatchObject({ ok: false, error: { code: 'evidence_damaged' } });
    expect(fs.existsSync(data('exports')) ? fs.readdirSync(data('exports')) : []).toEqual(exportsBefore);
    // The user picks the original file again (an upload): the store repairs itself from it, and the export goes through.
    await stage(s, PDF, 'Biên bản (bản gốc).pdf');
    const out = await s.call('packages.export', { id: a.id, passphrase: 'một mật khẩu dài' });
    expect(fs.readFileSync(evidencePath(sha(PDF))).equals(PDF)).toBe(true);
    // The package carries the intact bytes: it verifies (untrusted only because no trust store is given here).
    const v = await verifyPackage(out.file, { packs, editions, trust: () => null });
    expect([v.outcome, v.reasons.map((x) => x.code)]).toEqual(['untrusted', ['key_unknown']]);
  });

  it('a damaged stored package file is replaced when the same package is imported again', async () => {
    const pkg = await importOne({ 'bienban.pdf': PDF });
    const stored = storedPackagePath(data(), pkg.manifestSha256);
    fs.writeFileSync(stored, pkg.bytes.subarray(0, 10));
    const r = await s.call('packages.import', { paths: [pkg.file] });
    expect(r.items[0]!.result).toBe('already_present');
    expect(fs.readFileSync(stored).equals(pkg.bytes)).toBe(true);
  });
});
