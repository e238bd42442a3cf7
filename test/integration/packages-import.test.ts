import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import SQLite from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Service } from '../../src/api/service';
import { createReview } from '../../src/core/packages/review';
import { sha256Hex } from '../../src/core/packages/keys';
import { servedEvidence, snapshotDir, tempDir, testService } from '../helpers';
import { packageEvidenceId } from '../../src/core/reviews/model';
import { editions, APP, NOW, fixture, makeKey, makePackage, packs, publicKeyText, trustOf, units, type TestKey } from '../unit/packages/helpers';

let dir: string;
let cleanup: () => void;
const services: Service[] = [];
beforeEach(() => {
  ({ dir, cleanup } = tempDir('cfc-import-'));
});
afterEach(async () => {
  for (const s of services.splice(0)) await s.close();
  cleanup();
});

async function assessorService(name: string, trusted: TestKey[]): Promise<Service> {
  const s = testService(path.join(dir, name));
  services.push(s);
  await s.call('profile.set', { role: 'province', unitCode: '86', organisation: 'Sở Y tế Vĩnh Long', userName: 'Phạm Thu', userTitle: 'Chuyên viên' });
  for (const k of trusted) await s.call('trust.add', { publicKey: publicKeyText(k) });
  return s;
}

/** The package tables and the files, for comparing two stores. */
function dump(dataDir: string) {
  const db = new SQLite(path.join(dataDir, 'cfc.sqlite'), { readonly: true });
  try {
    const out: Record<string, unknown[]> = {};
    for (const t of ['package', 'package_value', 'package_evidence', 'package_audit', 'trusted_key']) {
      out[t] = db.prepare(`select * from ${t} order by 1, 2`).all();
    }
    return { tables: out, evidence: snapshotDir(path.join(dataDir, 'evidence')), packages: snapshotDir(path.join(dataDir, 'packages')) };
  } finally {
    db.close();
  }
}

function shuffle<T>(xs: T[], seed: number): T[] {
  const a = [...xs];
  let x = seed;
  for (let i = a.length - 1; i > 0; i--) {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    const j = x % (i + 1);
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

describe('import: idempotent, with history', () => {
  it('importing the same 50 packages three times in shuffled order gives the same store as importing them once', async () => {
    const key = makeKey('assessor', '84', 'Đoàn thẩm định tỉnh');
    const communes = units.communesUnder('84').slice(0, 40).map((u) => u.code);
    const files: string[] = [];
    const pkgDir = path.join(dir, 'in');
    const shared = Buffer.from('%PDF-1.4 shared evidence');
    // 30 single packages, 8 assessments with revisions 1 and 2, 2 assessments with two different revision 1s.
    for (let i = 0; i < 30; i++) {
      files.push((await makePackage(pkgDir, key, { unitCode: communes[i]!, evidence: { 'chung.pdf': shared, [`rieng-${i}.pdf`]: Buffer.from(`own ${i}`) } })).file);
    }
    for (let i = 30; i < 38; i++) {
      const assessmentId = crypto.randomUUID();
      const r1 = await makePackage(pkgDir, key, { unitCode: communes[i]!, assessmentId, revision: 1, values: { ...fixture.values, '1.4': false } });
      const r2 = await makePackage(pkgDir, key, { unitCode: communes[i]!, assessmentId, revision: 2, values: { ...fixture.values, '1.4': true }, supersedes: r1.manifestSha256 });
      files.push(r1.file, r2.file);
    }
    for (let i = 38; i < 40; i++) {
      const assessmentId = crypto.randomUUID();
      files.push((await makePackage(pkgDir, key, { unitCode: communes[i]!, assessmentId, notes: { '1.1': 'bản A' } })).file);
      files.push((await makePackage(pkgDir, key, { unitCode: communes[i]!, assessmentId, notes: { '1.1': 'bản B' } })).file);
    }
    expect(files).toHaveLength(50);

    const once = await assessorService('once', [key]);
    const r = await once.call('packages.import', { paths: files });
    expect(r.summary.rejected).toBe(0);
    expect(r.summary.total).toBe(50);

    const thrice = await assessorService('thrice', [key]);
    const runs = [];
    for (const seed of [7, 42, 1234]) runs.push(await thrice.call('packages.import', { paths: shuffle(files, seed) }));
    expect(runs[1]!.summary).toMatchObject({ alreadyPresent: 50, imported: 0, rejected: 0 });
    expect(runs[2]!.summary).toMatchObject({ alreadyPresent: 50, imported: 0, rejected: 0 });

    const a = dump(path.join(dir, 'once'));
    const b = dump(path.join(dir, 'thrice'));
    expect(b).toEqual(a);
    const states = (a.tables['package'] as { state: string; conflict: number }[]).map((p) => p.state);
    expect(states.filter((x) => x === 'current')).toHaveLength(38);
    expect(states.filter((x) => x === 'superseded')).toHaveLength(8);
    expect(states.filter((x) => x === 'conflict')).toHaveLength(4);
    // Evidence stays inside the packages: nothing extracted, and the shared file is served from one that carries it.
    expect(a.evidence).toEqual({});
    expect((await servedEvidence(once.files, packageEvidenceId(sha256Hex(shared)))).equals(shared)).toBe(true);
  });

  it('revisions: a higher one supersedes, a lower one is stale history, the same one with other content is a conflict', async () => {
    const key = makeKey('commune', '29269');
    const s = await assessorService('p', [key]);
    const assessmentId = crypto.randomUUID();
    const mk = (revision: number, note = '') => makePackage(path.join(dir, 'in'), key, { assessmentId, revision, notes: { '1.1': `lần ${revision} ${note}` } });
    const [r1, r2, r3, r2b] = [await mk(1), await mk(2), await mk(3), await mk(2, 'khác')];
    const state = async () =>
      Object.fromEntries((await s.call('packages.list', { assessmentId })).items.map((i) => [i.manifestSha256, `${i.state}${i.conflict ? '+conflict' : ''}`]));

    expect((await s.call('packages.import', { paths: [r1.file] })).items[0]!.result).toBe('imported');
    expect(await state()).toEqual({ [r1.manifestSha256]: 'current' });
    expect((await s.call('packages.import', { paths: [r1.file] })).items[0]!.result).toBe('already_present');
    expect((await s.call('packages.import', { paths: [r3.file] })).items[0]!.result).toBe('superseded');
    expect(await state()).toEqual({ [r1.manifestSha256]: 'superseded', [r3.manifestSha256]: 'current' });
    expect((await s.call('packages.import', { paths: [r2.file] })).items[0]!.result).toBe('stale');
    expect(await state()).toEqual({ [r1.manifestSha256]: 'superseded', [r2.manifestSha256]: 'superseded', [r3.manifestSha256]: 'current' });
    const c = await s.call('packages.import', { paths: [r2b.file] });
    expect(c.items[0]!.result).toBe('conflict');
    expect(c.summary).toMatchObject({ conflicts: 1 });
    expect(await state()).toEqual({
      [r1.manifestSha256]: 'superseded',
      [r2.manifestSha256]: 'superseded+conflict',
      [r2b.manifestSha256]: 'superseded+conflict',
      [r3.manifestSha256]: 'current',
    });
    // A conflict at the top revision: both kept, both flagged.
    const r3b = await makePackage(path.join(dir, 'in'), key, { assessmentId, revision: 3, notes: { '1.1': 'khác nữa' } });
    expect((await s.call('packages.import', { paths: [r3b.file] })).items[0]!.result).toBe('conflict');
    const top = (await s.call('packages.list', { assessmentId, state: 'conflict' })).items.map((i) => i.manifestSha256).sort();
    expect(top).toEqual([r3.manifestSha256, r3b.manifestSha256].sort());
  });

  it('a batch goes on past a bad package, and reports each one; a failed package writes nothing', async () => {
    const key = makeKey('commune', '29269');
    const s = await assessorService('p', [key]);
    const good = await makePackage(path.join(dir, 'in'), key, { evidence: { 'a.pdf': Buffer.from('%PDF a') } });
    const bad = path.join(dir, 'in', 'hong.cfcpkg');
    fs.writeFileSync(bad, fs.readFileSync(good.file).subarray(0, 500));
    const r = await s.call('packages.import', { paths: [bad, path.join(dir, 'nowhere.cfcpkg'), good.file] });
    expect(r.items.map((i) => i.result)).toEqual(['rejected', 'rejected', 'imported']);
    expect(r.items[0]!.reasons[0]!.code).toBe('truncated');
    expect(r.items[1]!.error?.code).toBe('unreadable_file');
    // Named by its name (the item carries the path); the same message can be shown on the page, which sees no paths.
    expect(r.items[1]!.error?.message).toEqual({ vi: 'Không đọc được tệp nowhere.cfcpkg.', en: 'Cannot read the file nowhere.cfcpkg.' });
    expect(r.summary).toMatchObject({ total: 3, imported: 1, rejected: 2 });
    // A folder is the packages under it.
    const again = await s.call('packages.import', { paths: [path.join(dir, 'in')] });
    expect(again.summary).toMatchObject({ alreadyPresent: 1, rejected: 1 });
  });

  it('a package whose copy cannot be written is rejected alone, naming why; the rest of its group is stored, no part file stays', async () => {
    const key = makeKey('commune', '29269');
    const s = await assessorService('w', [key]);
    const made: { file: string; manifestSha256: string }[] = [];
    for (const n of [1000, 2000, 3000]) made.push(await makePackage(path.join(dir, 'in'), key, { assessmentId: crypto.randomUUID(), evidence: { 'a.pdf': Buffer.alloc(n, n % 251) } }));
    // The disk fills up while the second package's copy is written (its bytes are the only write of that size).
    const failing = fs.statSync(made[1]!.file).size;
    const probe = await fs.promises.open(path.join(dir, 'probe'), 'w');
    const proto = Object.getPrototypeOf(probe) as { write: (...args: unknown[]) => Promise<unknown> };
    await probe.close();
    const write = proto.write;
    proto.write = function (this: unknown, ...args: unknown[]) {
      if (Buffer.isBuffer(args[0]) && args[0].length === failing) return Promise.reject(Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' }));
      return write.apply(this, args);
    };
    let r;
    try {
      r = await s.call('packages.import', { paths: made.map((m) => m.file) });
    } finally {
      proto.write = write;
    }
    expect(r.items.map((i) => i.result)).toEqual(['imported', 'rejected', 'imported']);
    expect(r.items[1]!.error?.code).toBe('import_failed');
    expect(r.items[1]!.error?.message.en).toContain('no space left on device');
    expect(r.items[1]!.error?.message.vi).toContain('Không có gì được ghi');
    const stored = fs.readdirSync(path.join(dir, 'w', 'packages')).filter((f) => f.endsWith('.cfcpkg')).sort();
    expect(stored).toEqual([made[0]!.manifestSha256, made[2]!.manifestSha256].map((h) => `${h}.cfcpkg`).sort());
    expect(fs.readdirSync(path.join(dir, 'w', 'packages', 'staging'))).toEqual([]);
    const db = new SQLite(path.join(dir, 'w', 'cfc.sqlite'), { readonly: true });
    expect((db.prepare('select manifest_sha256 from package order by 1').all() as { manifest_sha256: string }[]).map((x) => x.manifest_sha256)).toEqual([made[0]!.manifestSha256, made[2]!.manifestSha256].sort());
    db.close();
    // Once there is room again, the same file imports.
    expect((await s.call('packages.import', { paths: [made[1]!.file] })).summary).toMatchObject({ imported: 1 });
  });

  it('untrusted packages need an explicit decision with a reason, which is recorded', async () => {
    const known = makeKey('commune', '29269');
    const stranger = makeKey('commune', '29272', 'Người lạ');
    const outside = makeKey('commune', '29311', 'Xã khác');
    const s = await assessorService('p', [known, outside]);
    const p = await makePackage(path.join(dir, 'in'), stranger);
    const before = snapshotDir(path.join(dir, 'p'));
    const v = await s.call('packages.verify', { paths: [p.file] });
    expect(v.items[0]).toMatchObject({ outcome: 'untrusted', signer: { trust: 'unknown' } });
    expect(v.items[0]!.reasons.map((r) => r.code)).toEqual(['key_unknown']);
    const no = await s.call('packages.import', { paths: [p.file] });
    expect(no.items[0]).toMatchObject({ result: 'rejected', outcome: 'untrusted', error: { code: 'untrusted_not_accepted' } });
    expect(snapshotDir(path.join(dir, 'p'))).toEqual(before);
    expect(await s.dispatch('packages.import', { paths: [p.file], acceptUntrusted: true })).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    const yes = await s.call('packages.import', { paths: [p.file], acceptUntrusted: true, reason: 'Xã gửi khóa mới qua công văn 12/UBND' });
    expect(yes.items[0]).toMatchObject({ result: 'imported', trustDecision: 'accepted_untrusted' });
    const d = await s.call('packages.get', { manifestSha256: p.manifestSha256 });
    expect(d).toMatchObject({ outcome: 'untrusted', trustDecision: 'accepted_untrusted', decisionReason: 'Xã gửi khóa mới qua công văn 12/UBND', decidedBy: 'Phạm Thu (Chuyên viên)', decidedAt: NOW });
    expect(d.untrustedReasons.map((r) => r.code)).toEqual(['key_unknown']);
    // A commune key signing for another commune: outside its jurisdiction.
    const wrong = await makePackage(path.join(dir, 'in'), outside, { unitCode: '29311' });
    expect((await s.call('packages.verify', { paths: [wrong.file] })).items[0]!.outcome).toBe('valid');
    const forged = await makePackage(path.join(dir, 'in'), { ...outside, row: { ...outside.row, unit_code: '29269' } }, { unitCode: '29269' });
    const f = await s.call('packages.verify', { paths: [forged.file] });
    expect(f.items[0]!.outcome).toBe('untrusted');
    expect(f.items[0]!.reasons.map((r) => r.code)).toEqual(['outside_jurisdiction']);
  });
});

describe('round trip through a second data folder', () => {
  it('export from a submitted assessment, import elsewhere: same values, scores, notes, evidence and audit trail', async () => {
    const commune = testService(path.join(dir, 'commune'));
    services.push(commune);
    // A 2026 assessment is of a unit as it is since 01/07/2025: Xã Càng Long (29266), Tỉnh Vĩnh Long.
    await commune.call('profile.set', { role: 'commune', unitCode: '29266', organisation: 'UBND Xã Càng Long', userName: 'Nguyễn Thị Hồng', userTitle: 'Chủ tịch' });
    const key = await commune.call('keys.create', { name: 'Nguyễn Thị Hồng', title: 'Chủ tịch UBND xã', role: 'commune', unitCode: '29266', passphrase: 'mật khẩu dài đủ' });
    const a = await commune.call('assessments.create', { unitCode: '29266', year: 2026 });
    for (const [indicatorId, value] of Object.entries(fixture.values)) await commune.call('assessments.setValue', { id: a.id, indicatorId, value });
    await commune.call('assessments.setNote', { id: a.id, indicatorId: '2.1', note: 'Số liệu của trạm y tế xã, tháng 12/2025' });
    await commune.call('assessments.setOverride', { id: a.id, indicatorId: '9.1', override: { points: 30, reason: 'Theo biên bản kiểm tra của huyện' } });
    const files = [Buffer.from('%PDF-1.4 biên bản'), Buffer.from('\x89PNG ảnh hiện trường')];
    const staged = [];
    for (const [i, b] of files.entries()) {
      const r = await commune.files.stage(Readable.from([b]), i === 0 ? 'Biên bản.pdf' : 'Ảnh.png');
      if (!r.ok) throw new Error(r.error.message.en);
      staged.push(r.value.stagedId);
    }
    await commune.call('evidence.attach', { id: a.id, indicatorId: '1.1', files: [{ stagedId: staged[0]!, name: 'Biên bản.pdf' }, { stagedId: staged[1]!, name: 'Ảnh.png' }] });
    const submitted = await commune.call('assessments.submit', { id: a.id });
    expect(await commune.dispatch('packages.export', { id: a.id })).toMatchObject({ ok: false, error: { code: 'passphrase_required' } });
    expect(await commune.dispatch('packages.export', { id: a.id, passphrase: 'sai mật khẩu' })).toMatchObject({ ok: false, error: { code: 'wrong_passphrase' } });
    const out = await commune.call('packages.export', { id: a.id, passphrase: 'mật khẩu dài đủ' });
    expect(out.fileName).toBe('TuDanhGia_29266_Xa-Cang-Long_2026_lan1.cfcpkg');
    // Exporting again is the same package, byte for byte.
    const bytes = fs.readFileSync(out.file);
    const again = await commune.call('packages.export', { id: a.id, passphrase: 'mật khẩu dài đủ', outPath: path.join(dir, 'again.cfcpkg') });
    expect(again.manifestSha256).toBe(out.manifestSha256);
    expect(fs.readFileSync(again.file).equals(bytes)).toBe(true);

    const pub = await commune.call('keys.exportPublic', {});
    const assessor = testService(path.join(dir, 'assessor'));
    services.push(assessor);
    await assessor.call('profile.set', { role: 'assessor', unitCode: '86', organisation: 'Đoàn thẩm định tỉnh Vĩnh Long', userName: 'Trần Văn Bình', userTitle: 'Trưởng đoàn' });
    const added = await assessor.call('trust.add', { publicKey: pub.content });
    expect(added.key.fingerprint).toBe(key.fingerprint);
    const imp = await assessor.call('packages.import', { paths: [out.file] });
    expect(imp.items[0]).toMatchObject({ result: 'imported', outcome: 'valid', trustDecision: 'verified' });
    const d = await assessor.call('packages.get', { manifestSha256: out.manifestSha256 });

    const src = await commune.call('assessments.get', { id: a.id });
    for (const [id, e] of Object.entries(src.entries)) {
      expect(d.entries[id], id).toMatchObject({ value: e.value, note: e.note, override: e.override });
    }
    for (const c of submitted.result.criteria) {
      for (const i of c.indicators) expect(d.entries[i.id], i.id).toMatchObject({ computed: i.computed, points: i.points });
    }
    expect(d.total).toBe(submitted.result.total);
    expect(d.verdict).toBe(submitted.result.verdict);
    expect(d.criteria).toEqual(submitted.result.criteria.map((c) => ({ id: c.id, points: c.points })));
    expect(d.evidence.map((e) => [e.sha256, e.name, e.indicatorId, e.stored])).toEqual(src.evidence.map((e) => [e.sha256, e.name, e.indicatorId, true]));
    // Each served from inside the stored package (the import wrote the package once, nothing extracted).
    expect(snapshotDir(path.join(dir, 'assessor', 'evidence'))).toEqual({});
    for (const e of d.evidence) expect(sha256Hex(await servedEvidence(assessor.files, packageEvidenceId(e.sha256)))).toBe(e.sha256);
    const audit = await commune.call('audit.list', { id: a.id });
    expect(d.audit.map((x) => [x.seq, x.at, x.actor, x.action, x.indicatorId, x.old, x.new, x.reason])).toEqual(
      audit.items.map((x) => [x.seq, x.at, x.actor, x.action, x.indicatorId, x.old, x.new, x.reason]),
    );
    expect(d.people.submittedBy).toBe('Nguyễn Thị Hồng (Chủ tịch)');
    // The original bytes are kept.
    expect(fs.readFileSync(path.join(dir, 'assessor', 'packages', `${out.manifestSha256}.cfcpkg`)).equals(bytes)).toBe(true);

    // Revision 2 supersedes revision 1, and says so.
    const r2 = await commune.call('assessments.newRevision', { id: a.id });
    await commune.call('assessments.setValue', { id: r2.id, indicatorId: '1.4', value: true });
    await commune.call('assessments.submit', { id: r2.id });
    const out2 = await commune.call('packages.export', { id: r2.id, passphrase: 'mật khẩu dài đủ' });
    expect(out2.fileName).toBe('TuDanhGia_29266_Xa-Cang-Long_2026_lan2.cfcpkg');
    const imp2 = await assessor.call('packages.import', { paths: [out2.file] });
    expect(imp2.items[0]!.result).toBe('superseded');
    const d2 = await assessor.call('packages.get', { manifestSha256: out2.manifestSha256 });
    expect(d2.supersedes).toBe(out.manifestSha256);
    expect((await assessor.call('packages.get', { manifestSha256: out.manifestSha256 })).state).toBe('superseded');
  });
});

describe('review packages', () => {
  it('carry the commune package byte for byte; verifying one verifies both; importing one imports both', async () => {
    const commune = makeKey('commune', '29269', 'Nguyễn Thị Hồng');
    const assessor = makeKey('assessor', '844', 'Trần Văn Bình');
    const p = await makePackage(path.join(dir, 'in'), commune, { evidence: { 'bb.pdf': Buffer.from('%PDF bb') } });
    const review = await createReview(
      { packs, editions, app: APP, trust: trustOf([commune]) },
      p.file,
      {
        values: { ...fixture.values, '2.1': { numerator: 110, denominator: 120 } },
        decision: 'recognised',
        reasons: [],
        findings: 'Hồ sơ đầy đủ; chỉ tiêu 2.1 chấm lại theo sổ tiêm chủng.',
        team: [{ name: 'Trần Văn Bình', title: 'Trưởng đoàn' }],
      },
      assessor,
      path.join(dir, 'in'),
      { name: 'Trần Văn Bình', now: NOW },
    );
    expect(review.fileName).toBe('ThamDinh_29269_Xa-My-Cam_2024_lan1.cfcpkg');

    const province = await assessorService('province', [commune, assessor]);
    const v = await province.call('packages.verify', { paths: [review.file] });
    expect(v.items[0]).toMatchObject({ outcome: 'valid', kind: 'review', inner: { outcome: 'valid', manifestSha256: p.manifestSha256 } });
    const imp = await province.call('packages.import', { paths: [review.file] });
    expect(imp.items[0]).toMatchObject({ result: 'imported', kind: 'review' });
    const list = await province.call('packages.list', {});
    expect(list.items.map((i) => i.kind).sort()).toEqual(['review', 'self-assessment']);
    const d = await province.call('packages.get', { manifestSha256: review.manifestSha256 });
    expect(d.innerManifestSha256).toBe(p.manifestSha256);
    expect(d.review).toMatchObject({ decision: 'recognised', subject: { manifestSha256: p.manifestSha256, packageSha256: sha256Hex(fs.readFileSync(p.file)) } });
    expect(d.entries['2.1']!.points).toBeLessThan((await province.call('packages.get', { manifestSha256: p.manifestSha256 })).entries['2.1']!.points);
    expect(fs.readFileSync(path.join(dir, 'province', 'packages', `${p.manifestSha256}.cfcpkg`)).equals(fs.readFileSync(p.file))).toBe(true);
    // The commune package alone afterwards: already there.
    expect((await province.call('packages.import', { paths: [p.file] })).items[0]!.result).toBe('already_present');

    // With the commune key unknown, the review is untrusted because of its inner package.
    const other = await assessorService('other', [assessor]);
    const u = await other.call('packages.verify', { paths: [review.file] });
    expect(u.items[0]!.outcome).toBe('untrusted');
    expect(u.items[0]!.reasons.map((r) => r.code)).toEqual(['inner_untrusted']);
    // A commune key cannot sign a review.
    await expect(
      createReview({ packs, editions, app: APP, trust: trustOf([commune]) }, p.file, { values: fixture.values, decision: 'returned', reasons: ['thiếu'], findings: '', team: [] }, commune, path.join(dir, 'x.cfcpkg'), { name: 'x', now: NOW }),
    ).rejects.toMatchObject({ code: 'key_outside_jurisdiction' });
  });
});
