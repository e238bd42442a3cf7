import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cfcInProcess } from './cli-io';
import type { Service } from '../../src/api/service';
import { snapshotDir, tempDir, testService } from '../helpers';
import { asVersion1 } from './reform-data';
import { fixture, getJson, makeKey, makePackage, publicKeyText, readEntries, writeRaw } from '../unit/packages/helpers';

let dir: string;
let cleanup: () => void;
const services: Service[] = [];

beforeAll(() => {
  ({ dir, cleanup } = tempDir('cfc-editions-'));
});
afterAll(async () => {
  for (const s of services.splice(0)) await s.close();
  cleanup();
});

function service(name: string): Service {
  const s = testService(path.join(dir, name));
  services.push(s);
  return s;
}

async function cfc(args: string[]) {
  const r = await cfcInProcess(args, { cwd: dir, env: { CFC_KEY_PASSPHRASE: 'một mật khẩu đủ dài' } });
  return { code: r.code, out: r.stdout, err: r.stderr };
}

describe('no new assessment for a unit that no longer exists', () => {
  it('refuses a 2026 assessment of Xã Mỹ Cẩm (29269) naming Xã Càng Long (29266), writing nothing; 2024 is filed in the 2025-03-01 edition', async () => {
    const s = service('commune');
    await s.call('profile.set', { role: 'commune', unitCode: '29266', organisation: 'UBND Xã Càng Long', userName: 'Nguyễn Thị Hồng', userTitle: 'Chủ tịch' });
    const data = path.join(dir, 'commune');
    const before = snapshotDir(data);
    const r = await s.dispatch('assessments.create', { unitCode: '29269', year: 2026 });
    expect(r).toMatchObject({ ok: false, error: { code: 'unit_superseded', field: 'unitCode' } });
    if (r.ok) throw new Error('expected a refusal');
    expect(r.error.message.vi).toContain('Xã Mỹ Cẩm (29269) đã nhập vào Xã Càng Long (29266) từ 01/07/2025');
    expect(r.error.message.en).toContain('Xã Mỹ Cẩm (29269) was merged into Xã Càng Long (29266) on 01/07/2025');
    expect(snapshotDir(data)).toEqual(before);
    expect((await s.call('assessments.list', {})).items).toEqual([]);
    // 2025 too (the reform took effect on 01/07/2025: the year's assessment is of the new unit).
    expect(await s.dispatch('assessments.create', { unitCode: '29269', year: 2025 })).toMatchObject({ ok: false, error: { code: 'unit_superseded' } });
    // Catching up a past dossier: 2024, the old unit in its edition, on purpose.
    const old = await s.call('assessments.create', { unitCode: '29269', year: 2024 });
    expect(old.unit).toMatchObject({ code: '29269', name: 'Xã Mỹ Cẩm', edition: '2025-03-01' });
    expect(old.unit.ancestors.map((a) => a.name)).toEqual(['Tỉnh Trà Vinh', 'Huyện Càng Long']);
    // The same code in two editions is two units: 29266 of 2024 in the old edition (Thị trấn Càng Long) and 29266 of
    // 2024 in the new one (Xã Càng Long) do not collide.
    const a = await s.call('assessments.create', { unitCode: '29266', unitEdition: '2025-03-01', year: 2024 });
    const b = await s.call('assessments.create', { unitCode: '29266', year: 2024 });
    expect([a.unit.name, b.unit.name]).toEqual(['Thị trấn Càng Long', 'Xã Càng Long']);
    const now = await s.call('assessments.create', { unitCode: '29266', year: 2026 });
    expect(now.unit).toMatchObject({ name: 'Xã Càng Long', edition: '2025-07-01', ancestors: [{ code: '86', name: 'Tỉnh Vĩnh Long', level: 'province' }] });
  });

  it('cfc package create refuses 29269 for 2026 with exit 1, naming 29266, and writes no package', async () => {
    const data = path.join(dir, 'cli-create');
    expect((await cfc(['--data-dir', data, 'keys', 'init', '--name', 'Nguyễn Thị Hồng', '--role', 'commune', '--unit', '29266'])).code).toBe(0);
    const input = path.join(dir, 'in-29269.json');
    fs.writeFileSync(input, JSON.stringify({ ...fixture, unitCode: '29269', year: 2026 }));
    const out = path.join(dir, 'out-29269');
    fs.mkdirSync(out);
    const r = await cfc(['--data-dir', data, 'package', 'create', '--input', input, '--out', out]);
    expect(r.code).toBe(1);
    expect(r.err).toContain('Xã Mỹ Cẩm (29269) đã nhập vào Xã Càng Long (29266) từ 01/07/2025');
    expect(fs.readdirSync(out)).toEqual([]);
    // The same input for Xã Càng Long is made, in format 2 with the edition.
    fs.writeFileSync(input, JSON.stringify({ ...fixture, unitCode: '29266', year: 2026 }));
    const ok = await cfc(['--data-dir', data, '--json', 'package', 'create', '--input', input, '--out', out]);
    expect(ok.code, ok.err).toBe(0);
    const entries = await readEntries(JSON.parse(ok.out).file);
    expect(getJson(entries, 'manifest.json')).toMatchObject({ formatVersion: 2, unit: { code: '29266', name: 'Xã Càng Long', catalogue: '2025-07-01', parentCodes: ['86'] } });
    expect(getJson(entries, 'assessment.json')).toMatchObject({ formatVersion: 2, unit: { catalogue: '2025-07-01' } });
  });
});

describe('packages across the reform', () => {
  it('a version 1 package verifies and imports as edition 2025-03-01; reused codes are stored apart; jurisdiction follows the edition', async () => {
    const s = service('province');
    await s.call('profile.set', { role: 'province', unitCode: '86', organisation: 'Sở Y tế Vĩnh Long', userName: 'Phạm Thu', userTitle: 'Chuyên viên' });
    const oldCommune = makeKey('commune', '29269', 'Nguyễn Thị Hồng'); // 2025-03-01
    const truc = makeKey('commune', '00004', 'Người ký Trúc Bạch', '2025-03-01');
    const baDinh = makeKey('commune', '00004', 'Người ký Ba Đình', '2025-07-01');
    const newCommune = makeKey('commune', '29266', 'Lê Văn Tâm'); // 2025-07-01
    const oldDistrict = makeKey('assessor', '844', 'Đoàn huyện Càng Long'); // 2025-03-01
    for (const k of [oldCommune, truc, baDinh, newCommune]) await s.call('trust.add', { publicKey: publicKeyText(k) });
    // A public key file written before editions has no unitEdition: its unit is of 2025-03-01, and it is still trusted.
    const legacy = makeKey('commune', '29272', 'Lê Văn Cũ');
    const legacyFile = JSON.parse(publicKeyText(legacy)) as Record<string, unknown>;
    delete legacyFile['unitEdition'];
    const added = await s.call('trust.add', { publicKey: JSON.stringify(legacyFile) });
    expect(added.key).toMatchObject({ unitCode: '29272', unitEdition: '2025-03-01', superseded: { currentEdition: '2025-07-01' } });
    expect(added.key.superseded!.successors.length).toBeGreaterThan(0);
    const trusted = await s.call('trust.list', {});
    expect(trusted.items.find((k) => k.unitCode === '29269')).toMatchObject({ unitEdition: '2025-03-01', unitName: 'Xã Mỹ Cẩm', superseded: { successors: [{ code: '29266', name: 'Xã Càng Long' }] } });

    const inDir = path.join(dir, 'in');
    const v2old = await makePackage(inDir, oldCommune, { year: 2024 });
    const v1File = writeRaw(inDir, 'v1.cfcpkg', asVersion1(await readEntries(v2old.file), oldCommune));
    expect(getJson(await readEntries(v1File), 'manifest.json')).toMatchObject({ formatVersion: 1, unit: { code: '29269' } });
    const v1 = await s.call('packages.verify', { paths: [v1File] });
    expect(v1.items[0]).toMatchObject({ outcome: 'valid', unit: { code: '29269', name: 'Xã Mỹ Cẩm', edition: '2025-03-01' } });
    const imp = await s.call('packages.import', { paths: [v1File] });
    expect(imp.items[0]).toMatchObject({ result: 'imported', outcome: 'valid' });
    const listed = await s.call('packages.list', {});
    expect(listed.items.find((p) => p.unit.code === '29269')).toMatchObject({ unit: { edition: '2025-03-01', name: 'Xã Mỹ Cẩm' }, year: 2024 });

    // 00004: Phường Trúc Bạch before, Phường Ba Đình after — same code, other unit; both kept, each in its edition.
    const before = await makePackage(inDir, truc, { year: 2024 });
    const after = await makePackage(inDir, baDinh, { year: 2026 });
    const sameYearOtherUnit = await makePackage(inDir, baDinh, { year: 2024 });
    const r = await s.call('packages.import', { paths: [before.file, after.file, sameYearOtherUnit.file] });
    expect(r.items.map((i) => i.result)).toEqual(['imported', 'imported', 'imported']);
    const all = (await s.call('packages.list', {})).items.filter((p) => p.unit.code === '00004');
    expect(all.map((p) => `${p.year} ${p.unit.edition} ${p.unit.name}`).sort()).toEqual([
      '2024 2025-03-01 Phường Trúc Bạch',
      '2024 2025-07-01 Phường Ba Đình',
      '2026 2025-07-01 Phường Ba Đình',
    ]);
    const { db } = await s.context.store();
    const counted = await db.selectFrom('package').select(['unit_edition', 'unit_code']).select((eb) => eb.fn.countAll<number>().as('n')).where('unit_code', '=', '00004').groupBy(['unit_edition', 'unit_code']).orderBy('unit_edition').execute();
    expect(counted).toEqual([
      { unit_edition: '2025-03-01', unit_code: '00004', n: 1 },
      { unit_edition: '2025-07-01', unit_code: '00004', n: 2 },
    ]);
    // A Trúc Bạch key does not cover Ba Đình's packages, although the code is the same.
    const crossed = await makePackage(inDir, { ...truc, row: { ...truc.row, unit_edition: '2025-07-01' } }, { unitEdition: '2025-07-01', year: 2026 });
    const v = await s.call('packages.verify', { paths: [crossed.file] });
    expect(v.items[0]!.reasons.map((x) => x.code)).toEqual(['outside_jurisdiction']);
    // The old district key of Huyện Càng Long keeps verifying what it covers: its old communes of the old edition.
    await s.call('trust.add', { publicKey: publicKeyText(oldDistrict) });
    expect((await s.call('packages.verify', { paths: [v2old.file] })).items[0]).toMatchObject({ outcome: 'valid', unit: { edition: '2025-03-01' } });
    const newPkg = await makePackage(inDir, newCommune, {});
    expect((await s.call('packages.verify', { paths: [newPkg.file] })).items[0]).toMatchObject({ outcome: 'valid', unit: { code: '29266', name: 'Xã Càng Long', edition: '2025-07-01' } });
  });
});

describe('cfc units and cfc info', () => {
  it('info prints the edition in use with its counts', async () => {
    const r = await cfc(['--data-dir', path.join(dir, 'info'), 'info']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/ấn bản \/ edition 2025-07-01 — 34 tỉnh \/ provinces, 0 huyện \/ districts, 3321 xã \/ communes/);
    expect(r.out).toContain('2025-03-01, 2025-07-01');
  });

  it('history: predecessors and successors, in the edition asked for, as text and JSON', async () => {
    const d = path.join(dir, 'history');
    const old = await cfc(['--data-dir', d, 'units', 'history', '29269', '--edition', '2025-03-01']);
    expect(old.code).toBe(0);
    expect(old.out).toContain('29269 Xã Mỹ Cẩm, Huyện Càng Long, Tỉnh Trà Vinh (ấn bản / edition 2025-03-01)');
    expect(old.out).toMatch(/29266\s+Xã Càng Long, Tỉnh Vĩnh Long \(2025-07-01\) — nhập toàn bộ \/ merged whole/);
    const json = await cfc(['--data-dir', d, '--json', 'units', 'history', '29266']);
    const h = JSON.parse(json.out);
    expect(h).toMatchObject({ edition: '2025-07-01', code: '29266', name: 'Xã Càng Long', successors: [] });
    expect(h.predecessors.map((p: { code: string }) => p.code)).toEqual(expect.arrayContaining(['29266', '29269']));
    expect(h.predecessors.find((p: { code: string }) => p.code === '29266')).toMatchObject({ name: 'Thị trấn Càng Long', edition: '2025-03-01' });
    // The same code asked in the old edition is the old unit.
    expect(JSON.parse((await cfc(['--data-dir', d, '--json', 'units', 'history', '29266', '--edition', '2025-03-01'])).out)).toMatchObject({ name: 'Thị trấn Càng Long' });
    const missing = await cfc(['--data-dir', d, 'units', 'history', '29269']);
    expect(missing.code).toBe(1);
    expect(missing.err).toContain('29269');
    const bad = await cfc(['--data-dir', d, 'units', 'history', '29269', '--edition', '2019-01-01']);
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('2025-03-01, 2025-07-01');
  });

  it('load: a bad file is refused with the problem named and nothing written; a good one becomes the edition in use', async () => {
    const d = path.join(dir, 'load');
    await cfc(['--data-dir', d, 'info']);
    const current = JSON.parse(fs.readFileSync(path.join(__dirname, '../../resources/units/vn-admin-units-2025-07.json'), 'utf8'));
    const bad = structuredClone(current);
    bad.dataDate = '2026-01-01';
    bad.provinces[3].communes[2].code = bad.provinces[0].communes[0].code;
    const badFile = path.join(dir, 'bad.json');
    fs.writeFileSync(badFile, JSON.stringify(bad));
    const before = snapshotDir(d);
    const r = await cfc(['--data-dir', d, 'units', 'load', badFile]);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`${bad.provinces[0].communes[0].code} xuất hiện hai lần`);
    expect(r.err).toContain('appears twice');
    expect(snapshotDir(d)).toEqual(before);

    const good = structuredClone(current);
    good.dataDate = '2026-01-01';
    const goodFile = path.join(dir, 'good.json');
    fs.writeFileSync(goodFile, JSON.stringify(good));
    const ok = await cfc(['--data-dir', d, 'units', 'load', goodFile]);
    expect(ok.code, ok.err).toBe(0);
    expect(ok.out).toContain('2026-01-01');
    expect((await cfc(['--data-dir', d, 'info'])).out).toContain('edition 2026-01-01');
  });
});

describe('documents and unit classes in the two-tier form', () => {
  it('the NĐ 30 header of a two-tier commune has no district line: its People’s Committee under its province; a pre-reform one keeps its district', async () => {
    const { selfAssessmentReport } = await import('../../src/api/handlers/reports');
    const { buildReportContent } = await import('../../src/core/reports/content');
    const s = service('documents');
    await s.call('profile.set', { role: 'commune', unitCode: '29266', organisation: 'Ủy ban nhân dân Xã Càng Long', userName: 'Nguyễn Thị Hồng', userTitle: 'Chủ tịch' });
    const a = await s.call('assessments.create', { unitCode: '29266', year: 2026 });
    for (const [indicatorId, value] of Object.entries(fixture.values)) await s.call('assessments.setValue', { id: a.id, indicatorId, value });
    const now = buildReportContent(await selfAssessmentReport(s.context, a.id));
    expect(now.header.superior).toBe('UBND TỈNH VĨNH LONG');
    expect(now.header.organisation).toBe('ỦY BAN NHÂN DÂN\nXÃ CÀNG LONG');
    expect(JSON.stringify(now)).not.toMatch(/HUYỆN|Huyện/);
    expect(JSON.stringify(now)).toContain('Xã Càng Long, Tỉnh Vĩnh Long (mã đơn vị hành chính: 29266)');
    const b = await s.call('assessments.create', { unitCode: '29269', year: 2024 });
    for (const [indicatorId, value] of Object.entries(fixture.values)) await s.call('assessments.setValue', { id: b.id, indicatorId, value });
    const before = buildReportContent(await selfAssessmentReport(s.context, b.id));
    expect(before.header.superior).toBe('UBND HUYỆN CÀNG LONG');
    expect(JSON.stringify(before)).toContain('Xã Mỹ Cẩm, Huyện Càng Long, Tỉnh Trà Vinh');
  });

  it('unit classes from the current edition: a Phường of a Thành phố Trung ương is urban_ward; an Đặc khu has none and needs its legal basis', async () => {
    const s = service('classes');
    await s.call('profile.set', { role: 'province', unitCode: '01', organisation: 'Sở Y tế Hà Nội', userName: 'A', userTitle: 'B' });
    expect((await s.call('units.get', { code: '00004' })).defaultUnitClass).toBe('urban_ward');
    expect((await s.call('units.get', { code: '00004', edition: '2025-03-01' })).defaultUnitClass).toBe('urban_ward');
    expect((await s.call('units.get', { code: '29266' })).defaultUnitClass).toBe('other');
    expect((await s.call('units.get', { code: '11914' })).defaultUnitClass).toBeNull();
    const refused = await s.dispatch('assessments.create', { unitCode: '11914', year: 2026 });
    expect(refused).toMatchObject({ ok: false, error: { field: 'unitClassReason' } });
    const ok = await s.call('assessments.create', { unitCode: '11914', year: 2026, unitClass: 'mountain_island_disadvantaged', unitClassReason: 'Quyết định 861/QĐ-TTg: xã đảo' });
    expect(ok).toMatchObject({ unitClass: 'mountain_island_disadvantaged', unitClassDefault: null, unitClassReason: 'Quyết định 861/QĐ-TTg: xã đảo', unit: { name: 'Đặc khu Cát Hải' } });
  });

  it('a profile left on a unit that no longer exists is shown as such, with its successor proposed; moving is one call', async () => {
    const s = service('old-profile');
    await s.call('profile.set', { role: 'commune', unitCode: '29266', organisation: 'UBND Xã Mỹ Cẩm', userName: 'Nguyễn Thị Hồng', userTitle: 'Chủ tịch' });
    // As migration 0008 leaves a profile made before the reform: Xã Mỹ Cẩm of 2025-03-01.
    const { db } = await s.context.store();
    await db.updateTable('profile').set({ unit_code: '29269', unit_edition: '2025-03-01' }).execute();
    const p = await s.call('profile.get', {});
    expect(p).toMatchObject({ unitCode: '29269', unitEdition: '2025-03-01', unit: { name: 'Xã Mỹ Cẩm' }, superseded: { currentEdition: '2025-07-01', successors: [{ code: '29266', name: 'Xã Càng Long', whole: true }] } });
    // Setting a profile (or making a key) on the old unit is refused with the successor named.
    const byCode = await s.dispatch('profile.set', { role: 'commune', unitCode: '29269', organisation: 'x', userName: 'y', userTitle: 'z' });
    expect(byCode).toMatchObject({ ok: false, error: { code: 'unit_superseded', field: 'unitCode', message: { vi: expect.stringContaining('đã nhập vào Xã Càng Long (29266)') } } });
    expect(await s.dispatch('keys.create', { name: 'Nguyễn Thị Hồng', role: 'commune', unitCode: '29269', passphrase: 'một mật khẩu đủ dài' })).toMatchObject({ ok: false, error: { code: 'unit_superseded' } });
    const again = await s.dispatch('profile.set', { role: 'commune', unitCode: '29269', unitEdition: '2025-03-01', organisation: 'x', userName: 'y', userTitle: 'z' });
    expect(again).toMatchObject({ ok: false, error: { code: 'unit_superseded' } });
    const moved = await s.call('profile.set', { role: 'commune', unitCode: '29266', organisation: 'UBND Xã Càng Long', userName: 'Nguyễn Thị Hồng', userTitle: 'Chủ tịch' });
    expect(moved).toMatchObject({ unitEdition: '2025-07-01', superseded: null, unit: { name: 'Xã Càng Long' } });
  });
});
