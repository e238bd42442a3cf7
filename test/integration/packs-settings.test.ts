import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Service } from '../../src/api/service';
import { packToXlsx } from '../../src/core/criteria/xlsx';
import { repoRoot, snapshotDir, tempDir, testService } from '../helpers';
import { builtin } from '../unit/scoring/helpers';

/**
 * What Settings and the workspace do with packs, through the UI contract only (staged uploads, never a path):
 * `packs.preview` then `packs.installStaged` for a workbook, a JSON pack and a signed pack; every bad file named by
 * its problem (a workbook's by sheet!cell) with the packs folder unchanged; `packs.newerVersions` offering a newer
 * version to a draft and nothing to a submitted revision; the move audited.
 */

let dir: string;
let cleanup: () => void;
let dataDir: string;
let s: Service;
beforeEach(async () => {
  ({ dir, cleanup } = tempDir('cfc-packs-settings-'));
  dataDir = path.join(dir, 'data');
  s = testService(dataDir);
  await s.call('profile.set', { role: 'commune', unitCode: '29266', organisation: 'UBND Xã Càng Long', userName: 'Nguyễn Thị Hồng', userTitle: 'Chủ tịch' });
});
afterEach(async () => {
  await s.close();
  cleanup();
});

async function stage(svc: Service, bytes: Buffer, name: string): Promise<{ stagedId: string; name: string }> {
  const r = await svc.files.stage(Readable.from([bytes]), name, bytes.length);
  if (!r.ok) throw new Error(r.error.message.en);
  return { stagedId: r.value.stagedId, name };
}

/** The built-in pack's workbook as version 1.1.0 with 7.1's brackets at 95/90/85% (an official's edit), and a further edit. */
async function workbook(edit?: (wb: ExcelJS.Workbook) => void): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load((await packToXlsx(builtin().pack)) as unknown as ArrayBuffer);
  const pack = wb.getWorksheet('pack')!;
  for (let r = 2; r <= pack.rowCount; r++) if (pack.getCell(r, 1).value === 'version') pack.getCell(r, 3).value = '1.1.0';
  const br = wb.getWorksheet('brackets')!;
  for (let r = 2; r <= br.rowCount; r++) {
    if (String(br.getCell(r, 1).value) === '7.1') {
      [95, 90, 85].forEach((x, n) => (br.getCell(r + n, 2).value = x));
      break;
    }
  }
  edit?.(wb);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

const packsDir = () => path.join(dataDir, 'packs');

/** A refused preview and a refused install of the same staged file: the code, the message, and nothing written. */
async function refused(staged: { stagedId: string; name: string }, code: string) {
  const before = snapshotDir(dataDir);
  const p = await s.dispatch('packs.preview', staged);
  const i = await s.dispatch('packs.installStaged', staged);
  expect(p).toMatchObject({ ok: false, error: { code } });
  expect(i).toMatchObject({ ok: false, error: { code } });
  expect(snapshotDir(dataDir)).toEqual(before);
  expect(fs.existsSync(packsDir())).toBe(false);
  expect((await s.call('packs.list', {})).items.map((x) => x.version)).toEqual(['1.0.0']);
  if (p.ok) throw new Error('accepted');
  return p.error;
}

describe('Settings: import by upload, preview, install', () => {
  it('a workbook: the preview names id, version, status, criteria and writes nothing; Install installs it once', async () => {
    const id = await stage(s, await workbook(), 'qd06-1.1.0.xlsx');
    await s.call('packs.list', {});
    const before = snapshotDir(dataDir);
    const p = await s.call('packs.preview', id);
    expect(p).toMatchObject({ format: 'xlsx', existing: 'new', summary: { id: 'qd06-2019', version: '1.1.0', status: 'provisional', origin: 'installed', issuer: null, allConfirmed: false } });
    expect(p.pack.criteria.map((c) => c.max).reduce((a, x) => a + x, 0)).toBe(p.pack.maxTotal);
    const i7 = p.pack.criteria.find((c) => c.id === '7')!.indicators[0]!;
    expect('brackets' in i7 && i7.brackets[0]!.threshold).toBe(95);
    expect(snapshotDir(dataDir)).toEqual(before);
    expect(fs.existsSync(packsDir())).toBe(false);

    const r = await s.call('packs.installStaged', id);
    expect(r).toMatchObject({ installed: true, summary: { version: '1.1.0', sha256: p.summary.sha256 } });
    expect(fs.readdirSync(packsDir()).sort()).toEqual(['qd06-2019@1.1.0.install.json', 'qd06-2019@1.1.0.json']);
    expect((await s.call('packs.list', {})).items.map((x) => x.version)).toEqual(['1.1.0', '1.0.0']);
    // The same file again: the preview says it is there; installing changes nothing.
    const again = await stage(s, await workbook(), 'qd06-1.1.0.xlsx');
    expect(await s.call('packs.preview', again)).toMatchObject({ existing: 'same' });
    const snap = snapshotDir(packsDir());
    expect(await s.call('packs.installStaged', again)).toMatchObject({ installed: false });
    expect(snapshotDir(packsDir())).toEqual(snap);
    // The same version with other content: pack_mismatch at the preview already, nothing written.
    const other = await stage(s, await workbook((wb) => (wb.getWorksheet('criteria')!.getCell(2, 2).value = 'Tên khác')), 'khac.xlsx');
    const b2 = snapshotDir(dataDir);
    expect(await s.dispatch('packs.preview', other)).toMatchObject({ ok: false, error: { code: 'pack_mismatch', field: 'version' } });
    expect(await s.dispatch('packs.installStaged', other)).toMatchObject({ ok: false, error: { code: 'pack_mismatch' } });
    expect(snapshotDir(dataDir)).toEqual(b2);
  });

  it('a bad workbook: every problem named by sheet!cell in both languages, nothing installed', async () => {
    const id = await stage(
      s,
      await workbook((wb) => {
        const br = wb.getWorksheet('brackets')!;
        for (let r = 2; r <= br.rowCount; r++) if (String(br.getCell(r, 1).value) === '2.1') return void (br.getCell(r, 3).value = 60);
      }),
      'sai.xlsx',
    );
    const e = await refused(id, 'invalid_pack');
    const issue = e.issues?.find((x) => /^brackets!C\d+$/.test(x.field));
    expect(issue, JSON.stringify(e.issues)).toBeDefined();
    expect(issue!.message.vi).toMatch(new RegExp(`^${issue!.field}: .*60 điểm, vượt tối đa 50`));
    expect(issue!.message.en.startsWith(`${issue!.field}: `)).toBe(true);
    expect(e.message.vi).toContain(issue!.field);
  });

  it('a file that is no pack, a broken JSON, and a JSON pack with a bad field: each named, nothing installed', async () => {
    let e = await refused(await stage(s, Buffer.from('{ "format": "cfc-criteria-pack", '), 'hong.json'), 'invalid_json');
    expect(e.message.vi).toContain('hong.json');
    expect(e.message.vi).not.toContain('staging');
    const bad = structuredClone(builtin().pack) as unknown as { version: string; criteria: { max: number }[] };
    bad.version = '1.2.0';
    bad.criteria[1]!.max = 60;
    e = await refused(await stage(s, Buffer.from(JSON.stringify(bad)), 'sai.json'), 'invalid_pack');
    expect(e.issues?.some((x) => x.field === 'criteria.1.max'), JSON.stringify(e.issues)).toBe(true);
    // A zip that is no workbook.
    e = await refused(await stage(s, Buffer.from('PK\x03\x04 not really a workbook'), 'gia.xlsx'), 'invalid_pack');
    expect(e.message.vi).toContain('gia.xlsx');
    expect(e.issues?.[0]?.message.vi).toMatch(/không đọc được bảng tính XLSX/);
  });

  it('a signed pack: refused while its signer is not trusted (fingerprint named) or when altered; previewed with its signer, then installed', async () => {
    // The province: its own data folder and key; it signs version 1.2.0 (the local call, as `cfc pack sign`).
    const prov = testService(path.join(dir, 'province'));
    let signed: Buffer;
    let pub: string;
    let fp: string;
    try {
      await prov.call('profile.set', { role: 'province', unitCode: '86', organisation: 'Sở Y tế Tỉnh Vĩnh Long', userName: 'Phạm Thu', userTitle: 'Phó Giám đốc' });
      await prov.call('keys.create', { name: 'Phạm Thu', role: 'province', unitCode: '86', passphrase: 'mật khẩu thử nghiệm dài' });
      const pack = structuredClone(builtin().pack);
      pack.version = '1.2.0';
      const f = path.join(dir, 'v120.json');
      fs.writeFileSync(f, JSON.stringify(pack));
      const out = path.join(dir, 'v120.cfcpack');
      const r = await prov.call('packs.sign', { file: f, outPath: out, passphrase: 'mật khẩu thử nghiệm dài' });
      fp = r.fingerprint;
      signed = fs.readFileSync(out);
      pub = (await prov.call('keys.exportPublic', {})).content;
    } finally {
      await prov.close();
    }
    let e = await refused(await stage(s, signed, 'v120.cfcpack'), 'untrusted_key');
    expect(e.message.vi).toContain(fp);
    await s.call('trust.add', { publicKey: pub });
    const env = JSON.parse(signed.toString('utf8')) as { pack: string };
    const tampered = Buffer.from(JSON.stringify({ ...env, pack: Buffer.from(Buffer.from(env.pack, 'base64').toString('utf8').replace('"version":"1.2.0"', '"version":"1.2.1"')).toString('base64') }));
    e = await refused(await stage(s, tampered, 'sua.cfcpack'), 'bad_signature');
    expect(e.message.en).toMatch(/sua\.cfcpack/);

    const id = await stage(s, signed, 'v120.cfcpack');
    const p = await s.call('packs.preview', id);
    expect(p).toMatchObject({ format: 'signed', summary: { version: '1.2.0', origin: 'signed', issuer: { name: 'Phạm Thu', role: 'province', unitCode: '86', fingerprint: fp } } });
    expect(await s.call('packs.installStaged', id)).toMatchObject({ installed: true, summary: { origin: 'signed', issuer: { name: 'Phạm Thu' } } });
    expect(fs.readdirSync(packsDir()).sort()).toEqual(['qd06-2019@1.2.0.cfcpack', 'qd06-2019@1.2.0.install.json', 'qd06-2019@1.2.0.json']);
  });
});

describe('the workspace: a newer version offered to a draft, never to a submitted revision', () => {
  const fixture = JSON.parse(fs.readFileSync(path.join(repoRoot, 'test/fixtures/scoring/recognised-other.json'), 'utf8')) as { values: Record<string, unknown> };

  it('offers 1.1.0 once installed, moves (audited, totals before and after), then offers nothing', async () => {
    const a = await s.call('assessments.create', { unitCode: '29266', year: 2026 });
    for (const [indicatorId, value] of Object.entries(fixture.values)) await s.call('assessments.setValue', { id: a.id, indicatorId, value });
    expect(await s.call('packs.newerVersions', { id: a.id })).toEqual({ current: { id: 'qd06-2019', version: '1.0.0' }, draft: true, items: [] });
    await s.call('packs.installStaged', await stage(s, await workbook(), 'qd06-1.1.0.xlsx'));
    const offer = await s.call('packs.newerVersions', { id: a.id });
    expect(offer.items.map((p) => p.version)).toEqual(['1.1.0']);

    const plan = await s.call('packs.repackDraft', { id: a.id, version: '1.1.0', apply: false });
    expect(plan.flagged).toEqual([]);
    expect(plan.added).toEqual([]);
    expect(plan.kept.length).toBe(Object.keys(fixture.values).length);
    const moved = await s.call('packs.repackDraft', { id: a.id, version: '1.1.0', apply: true });
    expect(moved.after.total).toBe(plan.after.total);
    const audit = await s.call('audit.list', { id: a.id });
    expect(audit.items.at(-1)).toMatchObject({ action: 'repack', old: { version: '1.0.0' }, new: { version: '1.1.0', totalBefore: plan.before.total, totalAfter: plan.after.total, flagged: [] } });
    expect(await s.call('packs.newerVersions', { id: a.id })).toMatchObject({ current: { version: '1.1.0' }, draft: true, items: [] });
  });

  it('a submitted revision: nothing offered, and the move (or its preview) is refused read_only, nothing written', async () => {
    const a = await s.call('assessments.create', { unitCode: '29266', year: 2026 });
    for (const [indicatorId, value] of Object.entries(fixture.values)) await s.call('assessments.setValue', { id: a.id, indicatorId, value });
    await s.call('assessments.submit', { id: a.id });
    await s.call('packs.installStaged', await stage(s, await workbook(), 'qd06-1.1.0.xlsx'));
    expect(await s.call('packs.newerVersions', { id: a.id })).toEqual({ current: { id: 'qd06-2019', version: '1.0.0' }, draft: false, items: [] });
    const { db } = await s.context.store();
    const rows = async () => [await db.selectFrom('assessment').selectAll().execute(), await db.selectFrom('audit').selectAll().execute()];
    const before = await rows();
    for (const apply of [false, true]) {
      expect(await s.dispatch('packs.repackDraft', { id: a.id, version: '1.1.0', apply })).toMatchObject({ ok: false, error: { code: 'read_only', field: 'id' } });
    }
    expect(await rows()).toEqual(before);
  });
});
