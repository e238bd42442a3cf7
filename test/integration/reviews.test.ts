import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import yauzl from 'yauzl';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Service } from '../../src/api/service';
import { ApiCallError } from '../../src/api/errors';
import { collectOrphans } from '../../src/core/evidence/hygiene';
import { servedEvidence, snapshotDir, tempDir, testService } from '../helpers';
import { packageEvidenceId } from '../../src/core/reviews/model';
import { fixture, makeKey, makePackage, publicKeyText, type TestKey } from '../unit/packages/helpers';

/**
 * The assessor's side at the service level: a commune package imported into an assessor's data folder, reviewed side
 * by side, decided, returned, continued from the commune's revision 2, the minutes read back, the review package signed,
 * verified and imported at the province.
 */

let dir: string;
let cleanup: () => void;
const services: Service[] = [];
const PASS = 'đoàn thẩm định Càng Long';

beforeEach(() => {
  ({ dir, cleanup } = tempDir('cfc-reviews-'));
});
afterEach(async () => {
  for (const s of services.splice(0)) await s.close();
  cleanup();
});

async function service(name: string, profile: { role: 'assessor' | 'province'; unitCode: string; organisation: string; userName: string; userTitle: string }, trusted: string[]) {
  const s = testService(path.join(dir, name));
  services.push(s);
  await s.call('profile.set', profile);
  for (const k of trusted) await s.call('trust.add', { publicKey: k });
  return s;
}

async function rejection(p: Promise<unknown>): Promise<{ code: string; field?: string | undefined }> {
  try {
    await p;
  } catch (e) {
    if (e instanceof ApiCallError) return e.error;
    throw e;
  }
  throw new Error('expected a rejection');
}

function zipEntry(buf: Buffer, name: string): Promise<string> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(buf, { lazyEntries: true }, (err, zip) => {
      if (err || !zip) return reject(err);
      zip.on('entry', (e: yauzl.Entry) => {
        if (e.fileName !== name) return zip.readEntry();
        zip.openReadStream(e, (e2, s) => {
          if (e2 || !s) return reject(e2);
          const chunks: Buffer[] = [];
          s.on('data', (c: Buffer) => chunks.push(c));
          s.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
        });
      });
      zip.on('end', () => reject(new Error(`no ${name}`)));
      zip.readEntry();
    });
  });
}

const flat = (s: string) => s.replace(/\s+/g, ' ');
const sha = (b: Buffer) => crypto.createHash('sha256').update(b).digest('hex');

async function stage(s: Service, bytes: Buffer, name: string): Promise<string> {
  const r = await s.files.stage(Readable.from([bytes]), name, bytes.length);
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  return r.value.stagedId;
}

describe('reviews', () => {
  let commune: TestKey;
  let assessor: Service;
  let p1: { file: string; manifestSha256: string };

  beforeEach(async () => {
    commune = makeKey('commune', '29266', 'Nguyễn Thị Hồng');
    p1 = await makePackage(path.join(dir, 'in'), commune, { evidence: { 'so-khai-sinh.pdf': Buffer.from('%PDF-1.4 sổ hộ tịch') }, notes: { '2.1': 'Theo sổ hộ tịch' } });
    assessor = await service(
      'assessor',
      { role: 'assessor', unitCode: '86', organisation: 'Ủy ban nhân dân Tỉnh Vĩnh Long', userName: 'Trần Văn Bình', userTitle: 'Trưởng phòng LĐ-TB&XH' },
      [publicKeyText(commune)],
    );
    expect((await assessor.call('packages.import', { paths: [p1.file] })).items[0]!.result).toBe('imported');
  });

  it('inbox → open → two changes with reasons → findings → decide (rules) → minutes → export → returned → revision 2 continues → recognised → province', async () => {
    const inbox0 = await assessor.call('reviews.inbox', {});
    expect(inbox0.items).toHaveLength(1);
    expect(inbox0.items[0]).toMatchObject({ state: 'received', reviewId: null, year: 2026, unit: { code: '29266', path: 'Tỉnh Vĩnh Long' }, self: { total: 875 } });
    expect(inbox0.items[0]!.latest).toMatchObject({ revision: 1, outcome: 'valid', trustDecision: 'verified' });

    const opened = await assessor.call('reviews.open', { manifestSha256: p1.manifestSha256 });
    expect(opened).toMatchObject({ started: true, continued: false });
    expect(await assessor.call('reviews.open', { manifestSha256: p1.manifestSha256 })).toMatchObject({ id: opened.id, started: false });
    const id = opened.id;
    let r = await assessor.call('reviews.get', { id });
    expect(r).toMatchObject({ state: 'in_review', differences: 0, result: { total: 875 }, selfResult: { total: 875 } });
    expect(r.indicators['2.1']).toMatchObject({ commune: { value: { numerator: 118, denominator: 120 }, note: 'Theo sổ hộ tịch', points: 40 }, team: { points: 40, reason: null }, changed: false });
    expect(r.evidence).toHaveLength(1);
    expect(r.evidence[0]!.stored).toBe(true);
    // The evidence preview serves the bytes from inside the stored package (the import extracted nothing).
    expect((await servedEvidence(assessor.files, r.evidence[0]!.previewId)).toString()).toBe('%PDF-1.4 sổ hộ tịch');

    // A different value without a reason: refused, naming the field, nothing written.
    const before = snapshotDir(path.join(dir, 'assessor'));
    expect(await rejection(assessor.call('reviews.setValue', { id, indicatorId: '2.1', value: { numerator: 114, denominator: 120 } }))).toMatchObject({ code: 'reason_required', field: 'reason' });
    expect(await rejection(assessor.call('reviews.setValue', { id, indicatorId: '2.1', value: { numerator: 114, denominator: 120 }, reason: ' x ' }))).toMatchObject({ field: 'reason' });
    expect(await rejection(assessor.call('reviews.setValue', { id, indicatorId: '9.9', value: 1, reason: 'không có' }))).toMatchObject({ field: 'indicatorId' });
    expect((await rejection(assessor.call('reviews.setValue', { id, indicatorId: '2.1', value: { numerator: 130, denominator: 120 }, reason: 'sai số' }))).field).toMatch(/^values\.2\.1/);
    expect(await rejection(assessor.call('reviews.setFinding', { id, criterionId: '99', text: 'x' }))).toMatchObject({ field: 'criterionId' });
    expect(await rejection(assessor.call('reviews.decide', { id, decision: 'maybe' as never }))).toMatchObject({ field: 'decision' });
    expect(await rejection(assessor.call('reviews.export', { id, passphrase: PASS }))).toMatchObject({ code: 'not_decided' });
    expect(snapshotDir(path.join(dir, 'assessor'))).toEqual(before);

    r = await assessor.call('reviews.setValue', { id, indicatorId: '2.1', value: { denominator: 120, numerator: 114 }, reason: 'Sổ hộ tịch: 6 trẻ đăng ký quá hạn' });
    expect(r.indicators['2.1']).toMatchObject({ team: { points: 25, reason: 'Sổ hộ tịch: 6 trẻ đăng ký quá hạn' }, changed: true, delta: -15 });
    r = await assessor.call('reviews.setValue', { id, indicatorId: '3.2', value: 3, reason: 'Công an xã ghi nhận 3 vụ' });
    expect(r).toMatchObject({ differences: 2, result: { total: 835, verdict: 'not_recognised' } });
    expect(r.result.whatIf).not.toBeNull();
    // Back to the commune's value (key order aside): no difference, no reason kept.
    r = await assessor.call('reviews.setValue', { id, indicatorId: '3.2', value: 1 });
    expect(r.indicators['3.2']).toMatchObject({ changed: false, team: { reason: null } });
    await assessor.call('reviews.setValue', { id, indicatorId: '3.2', value: 3, reason: 'Công an xã ghi nhận 3 vụ' });
    await assessor.call('reviews.setFinding', { id, criterionId: '3', text: 'Biên bản của công an xã ghi 3 vụ bạo lực gia đình có trẻ em.' });
    r = await assessor.call('reviews.setNote', { id, indicatorId: '2.1', note: 'Đối chiếu sổ đăng ký khai sinh' });
    expect(r.findings['3']).toContain('3 vụ');

    // Decisions: team first; recognise only when the team's result is recognised; other decisions need reasons.
    expect(await rejection(assessor.call('reviews.decide', { id, decision: 'returned', reasons: ['Bổ sung'] }))).toMatchObject({ code: 'team_required', field: 'team' });
    await assessor.call('reviews.setTeam', { id, members: [{ name: 'Trần Văn Bình', title: 'Trưởng phòng LĐ-TB&XH' }, { name: 'Lê Thị Mai', title: 'Chuyên viên' }] });
    expect(await rejection(assessor.call('reviews.decide', { id, decision: 'recognised' }))).toMatchObject({ code: 'decision_not_allowed', field: 'decision' });
    expect(await rejection(assessor.call('reviews.decide', { id, decision: 'returned', reasons: ['  '] }))).toMatchObject({ field: 'reasons' });
    r = await assessor.call('reviews.decide', { id, decision: 'returned', reasons: ['Đề nghị xã rà soát lại số liệu chỉ tiêu 3.2 với công an xã'] });
    expect(r).toMatchObject({ state: 'returned', readOnly: true, reasons: ['Đề nghị xã rà soát lại số liệu chỉ tiêu 3.2 với công an xã'] });
    expect(await rejection(assessor.call('reviews.setValue', { id, indicatorId: '1.1', value: false, reason: 'không có' }))).toMatchObject({ code: 'review_decided' });

    // Minutes, both formats, read back.
    const pdf = await assessor.call('reviews.minutes', { id, format: 'pdf' });
    expect(pdf.fileName).toBe('BienBan-ThamDinh_29266_Xa-Cang-Long_2026_lan1.pdf');
    await expect(assessor.files.report(pdf.fileName)).resolves.toMatchObject({ ok: true });
    const text = flat(spawnSync('pdftotext', ['-enc', 'UTF-8', pdf.path, '-'], { encoding: 'utf8' }).stdout);
    for (const s of ['BIÊN BẢN THẨM ĐỊNH', 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM', 'Trần Văn Bình', 'Lê Thị Mai', 'TRƯỞNG ĐOÀN', 'THƯ KÝ', 'Sổ hộ tịch: 6 trẻ đăng ký quá hạn', '3 vụ bạo lực', 'trả lại hồ sơ', 'rà soát lại số liệu', '875', '835']) {
      expect(text, s).toContain(s);
    }
    const docx = await assessor.call('reviews.minutes', { id, format: 'docx' });
    const xml = flat((await zipEntry(fs.readFileSync(docx.path), 'word/document.xml')).replace(/<[^>]+>/g, ' '));
    for (const s of ['BIÊN BẢN THẨM ĐỊNH', 'Xã tự chấm', 'Đoàn thẩm định', '40 → 25', 'Lê Thị Mai']) expect(xml, s).toContain(s);

    // The returned review's package: signed by the team's key, the commune's package inside; exporting again: same file.
    await assessor.call('keys.create', { name: 'Trần Văn Bình', title: 'Trưởng phòng', organisation: 'UBND Tỉnh Vĩnh Long', role: 'assessor', unitCode: '86', passphrase: PASS });
    const x1 = await assessor.call('reviews.export', { id, passphrase: PASS });
    expect(x1).toMatchObject({ revision: 1, reused: false, fileName: 'ThamDinh_29266_Xa-Cang-Long_2026_lan1.cfcpkg' });
    expect(await assessor.call('reviews.export', { id, passphrase: PASS })).toMatchObject({ revision: 1, reused: true, manifestSha256: x1.manifestSha256 });
    await expect(assessor.files.exported(x1.fileName)).resolves.toMatchObject({ ok: true });
    // (verify skips files inside the data folder: check a copy, as if on a USB stick)
    const usb = path.join(dir, 'usb');
    fs.mkdirSync(usb);
    fs.copyFileSync(x1.file, path.join(usb, x1.fileName));
    const v1 = await assessor.call('packages.verify', { paths: [path.join(usb, x1.fileName)] });
    expect(v1.items[0]).toMatchObject({ outcome: 'valid', kind: 'review', inner: { outcome: 'valid', manifestSha256: p1.manifestSha256 } });

    // The commune answers with revision 2: 3.2 corrected to 0, the rest as before.
    const p2 = await makePackage(path.join(dir, 'in'), commune, { revision: 2, supersedes: p1.manifestSha256, values: { ...fixture.values, '3.2': 0 } });
    await assessor.call('packages.import', { paths: [p2.file] });
    const inbox1 = await assessor.call('reviews.inbox', {});
    expect(inbox1.items[0]).toMatchObject({ state: 'returned', reviewedRevision: 1, newerRevision: true, latest: { revision: 2 } });
    expect(inbox1.items[0]!.history.map((h) => [h.revision, h.state])).toEqual([
      [2, 'current'],
      [1, 'superseded'],
    ]);
    expect(await assessor.call('reviews.open', { manifestSha256: p1.manifestSha256 })).toMatchObject({ id, continued: true });
    r = await assessor.call('reviews.get', { id });
    expect(r).toMatchObject({ state: 'in_review', subject: { revision: 2, manifestSha256: p2.manifestSha256 }, reasons: [], newerRevision: null });
    // 2.1 unchanged by the commune: the team's value and reason carried over; 3.2 corrected: starts from the new value.
    expect(r.indicators['2.1']).toMatchObject({ team: { value: { numerator: 114, denominator: 120 }, reason: 'Sổ hộ tịch: 6 trẻ đăng ký quá hạn', note: 'Đối chiếu sổ đăng ký khai sinh' }, changed: true });
    expect(r.indicators['3.2']).toMatchObject({ commune: { value: 0 }, team: { value: 0, reason: null }, changed: false });
    expect(r).toMatchObject({ differences: 1, selfResult: { total: 900 }, result: { total: 885, verdict: 'recognised' } });
    expect(r.findings['3']).toContain('3 vụ');
    r = await assessor.call('reviews.decide', { id, decision: 'recognised' });
    expect(r.state).toBe('recognised');
    // A decided review does not follow a newer revision until reopened.
    const x2 = await assessor.call('reviews.export', { id, passphrase: PASS });
    expect(x2).toMatchObject({ revision: 2, reused: false, fileName: 'ThamDinh_29266_Xa-Cang-Long_2026_lan2.cfcpkg' });

    const trail = (await assessor.call('reviews.audit', { id })).items;
    expect(trail.map((a) => a.action)).toEqual(['open', 'value', 'value', 'value', 'value', 'finding', 'note', 'team', 'decide', 'export', 'continue', 'decide', 'export']);
    expect(trail[1]).toMatchObject({ target: '2.1', reason: 'Sổ hộ tịch: 6 trẻ đăng ký quá hạn', new: { numerator: 114, denominator: 120 } });

    // The province: trusts both keys, imports both review packages in any order; the newest review is current.
    const keyText = (await assessor.call('keys.exportPublic', {})).content;
    const province = await service(
      'province',
      { role: 'province', unitCode: '86', organisation: 'Sở Y tế Vĩnh Long', userName: 'Phạm Thu', userTitle: 'Chuyên viên' },
      [publicKeyText(commune), keyText],
    );
    const v2 = await province.call('packages.verify', { paths: [x2.file] });
    expect(v2.items[0]).toMatchObject({ outcome: 'valid', kind: 'review', inner: { outcome: 'valid', manifestSha256: p2.manifestSha256 } });
    const imp = await province.call('packages.import', { paths: [x2.file, x1.file] });
    expect(imp.items.map((i) => i.result)).toEqual(['imported', 'stale']);
    const reviews = (await province.call('packages.list', { kind: 'review' })).items;
    expect(reviews.map((p) => [p.revision, p.state, p.total, p.verdict])).toEqual([
      [2, 'current', 885, 'recognised'],
      [1, 'superseded', 835, 'not_recognised'],
    ]);
    const got = await province.call('packages.get', { manifestSha256: x2.manifestSha256 });
    expect(got.review).toMatchObject({ decision: 'recognised', subject: { manifestSha256: p2.manifestSha256, revision: 2 }, team: [{ name: 'Trần Văn Bình' }, { name: 'Lê Thị Mai' }] });
    expect(got.review!.findings).toContain('Tiêu chí 3: Biên bản của công an xã');
    expect(got.entries['2.1']).toMatchObject({ value: { numerator: 114, denominator: 120 }, points: 25 });
    expect(got.entries['2.1']!.note).toContain('Sổ hộ tịch: 6 trẻ đăng ký quá hạn');
    expect(got.audit.some((a) => a.action === 'continue')).toBe(true);
  });

  it("the team's own evidence: attach, stored once, removal keeps shared files, read-only once decided, carried in the signed package, shown at the province", async () => {
    const { id } = await assessor.call('reviews.open', { manifestSha256: p1.manifestSha256 });
    const register = Buffer.from('%PDF-1.4 sổ đăng ký khai sinh năm 2026 của xã');
    const photo = Buffer.from('\x89PNG\r\n\x1a\n ảnh sân chơi nhà văn hóa ấp');
    const communePdf = Buffer.from('%PDF-1.4 sổ hộ tịch'); // the very bytes the commune's package carries
    const stored = (h: string) => path.join(dir, 'assessor', 'evidence', h.slice(0, 2), h);
    const attach = async (indicatorId: string, files: { bytes: Buffer; name: string }[]) => {
      const staged = [];
      for (const f of files) staged.push({ stagedId: await stage(assessor, f.bytes, f.name), name: f.name });
      return assessor.call('reviews.attachEvidence', { id, indicatorId, files: staged });
    };

    // Every rejection: typed, bilingual, naming the field; nothing written.
    const good = await stage(assessor, register, 'so.pdf');
    const before = snapshotDir(path.join(dir, 'assessor'));
    const refused = async (p: Promise<unknown>, code: string, field: string) => {
      const e = await rejection(p);
      expect(e).toMatchObject({ code, field });
      expect((e as unknown as { message: { vi: string; en: string } }).message.vi.length).toBeGreaterThan(0);
      expect((e as unknown as { message: { vi: string; en: string } }).message.en.length).toBeGreaterThan(0);
    };
    await refused(assessor.call('reviews.attachEvidence', { id, indicatorId: '9.9', files: [{ stagedId: good, name: 'so.pdf' }] }), 'invalid_input', 'indicatorId');
    await refused(assessor.call('reviews.attachEvidence', { id, indicatorId: '2.1', files: [{ stagedId: crypto.randomUUID(), name: 'so.pdf' }] }), 'staged_not_found', 'files.0.stagedId');
    await refused(assessor.call('reviews.attachEvidence', { id, indicatorId: '2.1', files: [{ stagedId: good, name: 'so.pdf' }, { stagedId: good, name: 'chay.exe' }] }), 'unsupported_file_type', 'files.1.name');
    await refused(assessor.call('reviews.attachEvidence', { id, indicatorId: '2.1', files: [] }), 'invalid_input', 'files');
    await refused(assessor.call('reviews.attachEvidence', { id: crypto.randomUUID(), indicatorId: '2.1', files: [{ stagedId: good, name: 'so.pdf' }] }), 'not_found', 'id');
    await refused(assessor.call('reviews.removeEvidence', { id, evidenceId: crypto.randomUUID() }), 'not_found', 'evidenceId');
    await refused(assessor.call('reviews.removeEvidence', { id, evidenceId: 'nope' }), 'invalid_input', 'evidenceId');
    expect(snapshotDir(path.join(dir, 'assessor'))).toEqual(before);

    // Attach: stored by content, who and when recorded, the staging area emptied.
    const a = await attach('2.1', [
      { bytes: register, name: 'Sổ đăng ký khai sinh.pdf' },
      { bytes: photo, name: 'sân chơi.png' },
    ]);
    expect(a.items.map((e) => [e.name, e.mediaType, e.size, e.sha256, e.indicatorId])).toEqual([
      ['Sổ đăng ký khai sinh.pdf', 'application/pdf', register.length, sha(register), '2.1'],
      ['sân chơi.png', 'image/png', photo.length, sha(photo), '2.1'],
    ]);
    expect(a.items[0]!.addedBy).toContain('Trần Văn Bình');
    expect(a.storedOnce).toEqual([]);
    expect(fs.readFileSync(stored(sha(register)))).toEqual(register);
    expect(a.review.teamEvidence).toHaveLength(2);
    // The same content again (on another indicator): stored once. The commune's own file, which its package keeps
    // inside (nothing extracted at import), is stored now as the team's.
    const b = await attach('12.1', [{ bytes: register, name: 'ban-sao.pdf' }]);
    expect(b.storedOnce).toEqual(['ban-sao.pdf']);
    const c = await attach('1.1', [{ bytes: communePdf, name: 'so-ho-tich.pdf' }]);
    expect(c.storedOnce).toEqual([]);
    // (only the upload the refused calls used is left, swept after a day like any upload never attached)
    expect(fs.readdirSync(path.join(dir, 'assessor', 'evidence', 'staging')).sort()).toEqual([good, `${good}.json`]);
    let r = await assessor.call('reviews.get', { id });
    expect(r.teamEvidence.map((e) => [e.indicatorId, e.name, e.stored])).toEqual([
      ['2.1', 'Sổ đăng ký khai sinh.pdf', true],
      ['2.1', 'sân chơi.png', true],
      ['12.1', 'ban-sao.pdf', true],
      ['1.1', 'so-ho-tich.pdf', true],
    ]);
    expect(r.evidence).toHaveLength(1); // the commune's side is untouched
    // Previews: /evidence/<id> resolves the team's evidence ids.
    const pv = await assessor.files.evidence(a.items[1]!.id);
    expect(pv.ok && [fs.readFileSync(pv.value.path).equals(photo), pv.value.mediaType, pv.value.name]).toEqual([true, 'image/png', 'sân chơi.png']);

    // Removal: recorded; the file is released only when nothing refers to it any more (collected a day later).
    const rm1 = await assessor.call('reviews.removeEvidence', { id, evidenceId: b.items[0]!.id, reason: 'Trùng với chỉ tiêu 2.1' });
    expect(rm1).toMatchObject({ fileReleased: false, removed: { name: 'ban-sao.pdf' } });
    expect(fs.existsSync(stored(sha(register)))).toBe(true);
    // The commune's package carries the same bytes: kept.
    expect(await assessor.call('reviews.removeEvidence', { id, evidenceId: c.items[0]!.id })).toMatchObject({ fileReleased: false });
    expect(fs.existsSync(stored(sha(communePdf)))).toBe(true);
    const rm3 = await assessor.call('reviews.removeEvidence', { id, evidenceId: a.items[1]!.id, reason: 'Ảnh chụp nhầm' });
    expect(rm3.fileReleased).toBe(true);
    expect(fs.existsSync(stored(sha(photo)))).toBe(true);
    const { db } = await assessor.context.store();
    const later = { now: Date.now() + 25 * 3600 * 1000 };
    expect(await collectOrphans({ db, dataDir: path.join(dir, 'assessor') }, later)).toMatchObject({ evidence: 1, packages: 0 });
    expect(fs.existsSync(stored(sha(photo)))).toBe(false);
    expect([sha(register), sha(communePdf)].map((h) => fs.existsSync(stored(h)))).toEqual([true, true]);
    expect(rm3.review.teamEvidence.map((e) => e.name)).toEqual(['Sổ đăng ký khai sinh.pdf']);
    expect(await rejection(assessor.call('reviews.removeEvidence', { id, evidenceId: a.items[1]!.id }))).toMatchObject({ code: 'not_found', field: 'evidenceId' });
    expect((await assessor.files.evidence(a.items[1]!.id)).ok).toBe(false);
    // A workspace on this machine holding the same file as the team: removing the workspace's link keeps it.
    const ws = await assessor.call('assessments.create', { unitCode: '29266', year: 2026 });
    const wsStaged = await stage(assessor, register, 'so-dang-ky.pdf');
    const wsEv = await assessor.call('evidence.attach', { id: ws.id, indicatorId: '2.1', files: [{ stagedId: wsStaged, name: 'so-dang-ky.pdf' }] });
    expect((await assessor.call('evidence.remove', { evidenceId: wsEv.items[0]!.id })).fileReleased).toBe(false);
    expect(fs.existsSync(stored(sha(register)))).toBe(true);

    const trail = (await assessor.call('reviews.audit', { id })).items.filter((x) => x.action.startsWith('evidence_'));
    expect(trail.map((x) => [x.action, x.target])).toEqual([
      ['evidence_add', '2.1'],
      ['evidence_add', '2.1'],
      ['evidence_add', '12.1'],
      ['evidence_add', '1.1'],
      ['evidence_remove', '12.1'],
      ['evidence_remove', '1.1'],
      ['evidence_remove', '2.1'],
    ]);
    expect(trail[4]).toMatchObject({ reason: 'Trùng với chỉ tiêu 2.1', old: { name: 'ban-sao.pdf', sha256: sha(register) } });

    // Decided: read-only (attach and remove refused, nothing written).
    await assessor.call('reviews.setTeam', { id, members: [{ name: 'Trần Văn Bình', title: 'Trưởng đoàn' }] });
    r = await assessor.call('reviews.decide', { id, decision: 'recognised' });
    expect(r.readOnly).toBe(true);
    const late = await stage(assessor, photo, 'muon.png');
    const decided = snapshotDir(path.join(dir, 'assessor'));
    await refused(assessor.call('reviews.attachEvidence', { id, indicatorId: '2.1', files: [{ stagedId: late, name: 'muon.png' }] }), 'review_decided', 'id');
    await refused(assessor.call('reviews.removeEvidence', { id, evidenceId: a.items[0]!.id }), 'review_decided', 'id');
    expect(snapshotDir(path.join(dir, 'assessor'))).toEqual(decided);

    // The signed review package carries the team's file and verifies valid.
    await assessor.call('keys.create', { name: 'Trần Văn Bình', title: 'Trưởng phòng', organisation: 'UBND Tỉnh Vĩnh Long', role: 'assessor', unitCode: '86', passphrase: PASS });
    const x = await assessor.call('reviews.export', { id, passphrase: PASS });
    const buf = fs.readFileSync(x.file);
    expect(await zipEntry(buf, `evidence/${sha(register)}`)).toBe(register.toString('utf8'));
    const doc = JSON.parse(await zipEntry(buf, 'assessment.json')) as { evidence: { name: string; indicatorId: string; sha256: string }[] };
    expect(doc.evidence.map((e) => [e.name, e.indicatorId, e.sha256])).toEqual([['Sổ đăng ký khai sinh.pdf', '2.1', sha(register)]]);
    const usb = path.join(dir, 'usb');
    fs.mkdirSync(usb);
    fs.copyFileSync(x.file, path.join(usb, x.fileName));
    const v = await assessor.call('packages.verify', { paths: [path.join(usb, x.fileName)] });
    expect(v.items[0]).toMatchObject({ outcome: 'valid', kind: 'review' });

    // Another data folder (the province): imported, the team's evidence listed and served.
    const keyText = (await assessor.call('keys.exportPublic', {})).content;
    const province = await service(
      'province',
      { role: 'province', unitCode: '86', organisation: 'Sở Y tế Vĩnh Long', userName: 'Phạm Thu', userTitle: 'Chuyên viên' },
      [publicKeyText(commune), keyText],
    );
    expect((await province.call('packages.import', { paths: [path.join(usb, x.fileName)] })).items[0]).toMatchObject({ result: 'imported', outcome: 'valid' });
    const got = await province.call('packages.get', { manifestSha256: x.manifestSha256 });
    expect(got.evidence).toEqual([expect.objectContaining({ name: 'Sổ đăng ký khai sinh.pdf', indicatorId: '2.1', sha256: sha(register), size: register.length, stored: true })]);
    // Served from inside the stored review package.
    expect(await servedEvidence(province.files, packageEvidenceId(sha(register)))).toEqual(register);
  });

  it('decided reviews stay put until reopened; not recognised needs a reason; overrides are team changes', async () => {
    const { id } = await assessor.call('reviews.open', { manifestSha256: p1.manifestSha256 });
    await assessor.call('reviews.setTeam', { id, members: [{ name: 'Trần Văn Bình', title: 'Trưởng đoàn' }] });
    expect(await rejection(assessor.call('reviews.setOverride', { id, indicatorId: '9.1', override: { points: 51, reason: 'quá mức' } }))).toMatchObject({ field: 'override.points' });
    let r = await assessor.call('reviews.setOverride', { id, indicatorId: '9.1', override: { points: 30, reason: 'Sổ khám sức khỏe thiếu 2 thôn' } });
    expect(r.indicators['9.1']).toMatchObject({ changed: true, delta: -20, team: { override: { points: 30 } } });
    expect(await rejection(assessor.call('reviews.decide', { id, decision: 'not_recognised' }))).toMatchObject({ code: 'reasons_required', field: 'reasons' });
    r = await assessor.call('reviews.decide', { id, decision: 'not_recognised', reasons: ['Tổng điểm của đoàn dưới 850'] });
    expect(r.state).toBe('not_recognised');
    const p2 = await makePackage(path.join(dir, 'in'), commune, { revision: 2, supersedes: p1.manifestSha256 });
    await assessor.call('packages.import', { paths: [p2.file] });
    expect(await rejection(assessor.call('reviews.open', { manifestSha256: p2.manifestSha256 }))).toMatchObject({ code: 'review_decided' });
    expect((await assessor.call('reviews.inbox', { state: 'not_recognised' })).items).toHaveLength(1);
    expect((await assessor.call('reviews.inbox', { state: 'received' })).items).toHaveLength(0);
    r = await assessor.call('reviews.reopen', { id, reason: 'Xã gửi lại hồ sơ bổ sung' });
    expect(r.state).toBe('in_review');
    expect(await assessor.call('reviews.open', { manifestSha256: p2.manifestSha256 })).toMatchObject({ continued: true });
    r = await assessor.call('reviews.get', { id });
    // Nothing the commune changed: the team's override is carried over.
    expect(r.indicators['9.1']).toMatchObject({ changed: true, team: { override: { points: 30 } } });
  });
});
