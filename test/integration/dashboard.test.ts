import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Service } from '../../src/api/service';
import { cfcInProcess } from './cli-io';
import { repoRoot, snapshotDir, tempDir, testService } from '../helpers';
import { editions, packs } from '../unit/packages/helpers';
import { editionOfYear, generate, type Expected, type Generated, type Status } from './dashboard-data';

/**
 * The province dashboard over a generated province across the reform, signed packages imported through the CLI: 2024
 * for every commune of the old Trà Vinh (84 in the 2025-03-01 catalogue, with its districts), 2025–2026 for every
 * commune of the new Tỉnh Vĩnh Long (86 in the 2025-07-01 catalogue, communes directly under it), which took Trà Vinh
 * in. Each year is shown in the edition in force for it, with that edition's scope. Every figure is worked out here
 * from the generated inputs and compared with the calls.
 */

const YEARS = [2024, 2025, 2026];
const SCOPES: Record<string, string> = { '2025-03-01': '84', '2025-07-01': '86' };
/** The province of a year (its edition's), its catalogue. */
const provinceOf = (year: number) => SCOPES[editionOfYear(year)]!;
const catOf = (year: number) => editions.get(editionOfYear(year));
/** The new province (current edition), for the calls without a year (trend, targets, drill-down). */
const PROVINCE = '86';
const bin = path.join(repoRoot, 'src/cli/bin.cjs');
let dir: string;
let cleanup: () => void;
let gen: Generated;
let dataDir: string;
let service: Service;

/** `cfc ARGS` in this process, through the bin's own `run(argv, io)`. */
async function cfc(args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  const r = await cfcInProcess(['--data-dir', dataDir, ...args], { cwd: dir });
  return { status: r.code, stdout: r.stdout, stderr: r.stderr };
}

/** `cfc ARGS` as a child process: used once, for the import of the whole generated folder. */
function cli(args: string[]) {
  return spawnSync(process.execPath, [bin, '--data-dir', dataDir, ...args], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', CFC_KEY_PASSPHRASE: 'mật khẩu thử nghiệm dài' },
    maxBuffer: 64 * 1024 * 1024,
  });
}

beforeAll(async () => {
  ({ dir, cleanup } = tempDir('cfc-dash-'));
  dataDir = path.join(dir, 'data');
  gen = await generate({ scope: SCOPES, years: YEARS, dir: path.join(dir, 'gen'), seed: 2024 });
  const setup = testService(dataDir);
  await setup.call('profile.set', { role: 'province', unitCode: PROVINCE, organisation: 'Sở Y tế tỉnh Vĩnh Long', userName: 'Phạm Thu', userTitle: 'Chuyên viên' });
  await setup.close();
  // The signing keys are trusted with `cfc trust add` (in process: the CLI's own entry point, one call per key).
  for (const f of gen.keyFiles) {
    const r = await cfc(['trust', 'add', f]);
    expect(r.status, r.stderr).toBe(0);
  }
  // The packages are imported by the `cfc` command itself, in a child process.
  const r = cli(['--json', 'package', 'import', gen.dir]);
  expect(r.status, r.stderr).toBe(0);
  const summary = (JSON.parse(r.stdout) as { summary: { total: number; rejected: number } }).summary;
  expect(summary.total).toBe(gen.packages);
  expect(summary.rejected).toBe(0);
  service = testService(dataDir);
}, 600_000);

afterAll(async () => {
  await service?.close();
  cleanup?.();
});

// ---------------------------------------------------------------------------------------------------------------
// Independent expectations
// ---------------------------------------------------------------------------------------------------------------

// Recognised = the team's decision; a self-assessed pass is counted apart (recognisedSelf).
const recognised = (s: Status) => s === 'recognised';
const districts = (year: number) => catOf(year).children(provinceOf(year)).filter((d) => d.level === 'district');
/** The overview's groups of a year: the districts, or the province itself where it has none (2025-07-01). */
const groupsOf = (year: number) => (districts(year).length ? districts(year) : [catOf(year).record(provinceOf(year))!]);
const communesOf = (year: number, code = provinceOf(year)) => catOf(year).communesUnder(code);
const rowsOf = (year: number, codes?: Set<string>) => [...gen.expected.values()].filter((e) => e.year === year && (!codes || codes.has(e.code)));

function countsOf(rows: Expected[]) {
  const assessed = rows.filter((e) => e.status !== 'not_assessed');
  const recognisedN = rows.filter((e) => recognised(e.status)).length;
  return {
    communes: rows.length,
    assessed: assessed.length,
    reviewed: assessed.filter((e) => e.reviewed).length,
    selfOnly: assessed.filter((e) => !e.reviewed).length,
    recognised: recognisedN,
    recognisedReviewed: rows.filter((e) => e.status === 'recognised').length,
    recognisedSelf: rows.filter((e) => e.status === 'self_recognised').length,
    returned: rows.filter((e) => e.status === 'returned').length,
    resubmitted: rows.filter((e) => e.resubmitted).length,
    conflicts: rows.filter((e) => e.status === 'conflict').length,
    provisional: assessed.filter((e) => e.provisional).length,
    ratePercent: (recognisedN * 100) / rows.length,
  };
}

/**
 * The seed plan's targets (65% by 2025, 75% by 2030) are the former Trà Vinh's (84 of 2025-03-01, migration 0010): the
 * old Trà Vinh seen in 2024 is measured against 65% by 2025; the new Tỉnh Vĩnh Long has none until it sets its own.
 */
const targetFor = (year: number, scope = provinceOf(year)) => (scope === '84' && editionOfYear(year) === '2025-03-01' ? { year: 2025, ratePercent: 65, scopeCode: '84', unitEdition: '2025-03-01' } : null);
const expectTarget = (got: unknown, exp: ReturnType<typeof targetFor>) => (exp === null ? expect(got).toBeNull() : expect(got).toMatchObject(exp));

describe('the generated province is realistic', () => {
  it('has every commune of the old Trà Vinh (2024) and of the new Vĩnh Long (2025, 2026), every kind of case', () => {
    expect(communesOf(2024).length).toBeGreaterThan(100);
    expect(communesOf(2025).length).toBeGreaterThan(communesOf(2024).length);
    expect(gen.expected.size).toBe(communesOf(2024).length + 2 * communesOf(2025).length);
    for (const e of gen.expected.values()) expect(e.edition, e.code).toBe(e.year < 2025 ? '2025-03-01' : '2025-07-01');
    const all = [...gen.expected.values()];
    const by = (s: Status) => all.filter((e) => e.status === s).length;
    for (const s of ['recognised', 'not_recognised', 'returned', 'self_recognised', 'self_not_recognised', 'conflict', 'not_assessed'] as const) expect(by(s), s).toBeGreaterThan(0);
    expect(all.filter((e) => e.resubmitted).length).toBeGreaterThan(0);
    expect(all.filter((e) => e.criteria && Object.values(e.criteria).includes(0)).length).toBeGreaterThan(5);
    // A review whose team verdict differs from the commune's own.
    expect(all.filter((e) => e.reviewed && e.teamTotal !== e.selfTotal).length).toBeGreaterThan(5);
  });
});

describe('dashboard figures equal the independent computation', () => {
  it('overview: province totals and every district, each year, against the targets', async () => {
    for (const year of YEARS) {
      const ov = await service.call('dashboard.overview', { year, scope: provinceOf(year) });
      const exp = countsOf(rowsOf(year));
      const { target, gapPoints, ...total } = ov.total;
      expect(total).toEqual(exp);
      expectTarget(target, targetFor(year));
      if (targetFor(year)) expect(gapPoints).toBeCloseTo(exp.ratePercent - targetFor(year)!.ratePercent, 10);
      else expect(gapPoints).toBeNull();
      expect(ov.rows.map((r) => r.code)).toEqual(groupsOf(year).map((d) => d.code));
      for (const d of groupsOf(year)) {
        const row = ov.rows.find((r) => r.code === d.code)!;
        const { code: _c, name, level: _l, gapPoints: _g, ...counts } = row;
        expect(name).toBe(d.name);
        expect(counts, `${d.name} ${year}`).toEqual(countsOf(rowsOf(year, new Set(communesOf(year, d.code).map((u) => u.code)))));
      }
      // A district scope (where the edition has districts): its one row equals the district's counts.
      const d0 = districts(year)[0];
      if (!d0) continue;
      const dv = await service.call('dashboard.overview', { year, scope: d0.code });
      expect(dv.rows).toHaveLength(1);
      expect(dv.total.communes).toBe(communesOf(year, d0.code).length);
    }
  });

  it('failing criteria: zeros and average share of the maximum per criterion, with the provisional flag', async () => {
    const pack = packs.require('qd06-2019').pack;
    for (const year of YEARS) {
      const fc = await service.call('dashboard.failingCriteria', { year, scope: provinceOf(year) });
      const counted = rowsOf(year).filter((e) => e.criteria);
      expect(fc.items).toHaveLength(13);
      for (const c of pack.criteria) {
        const item = fc.items.find((i) => i.id === c.id)!;
        const pts = counted.map((e) => e.criteria![c.id]!);
        expect(item.assessed).toBe(counted.length);
        expect(item.zeros, `criterion ${c.id}`).toBe(pts.filter((p) => p === 0).length);
        expect(item.averageSharePercent!).toBeCloseTo((pts.reduce((a, b) => a + b, 0) * 100) / (pts.length * c.max), 9);
        expect(item.max).toBe(c.max);
      }
      // Most zeros first.
      const zeros = fc.items.map((i) => i.zeros);
      expect(zeros).toEqual([...zeros].sort((a, b) => b - a));
      expect(fc.items.find((i) => i.id === '1')!.provisional).toBe(false);
      expect(fc.items.find((i) => i.id === '2')!.provisional).toBe(true);
      expect(fc.items.find((i) => i.id === '7')!.provisional).toBe(true); // lower brackets are placeholders
      expect(fc.pack?.provisionalNotice).not.toBeNull();
    }
  });

  it('rate indicators: Σ numerators / Σ denominators of the counted packages, with the plan targets', async () => {
    for (const year of YEARS) {
      const ri = await service.call('dashboard.rateIndicators', { year, scope: provinceOf(year) });
      const counted = rowsOf(year).filter((e) => e.values);
      for (const id of ['2.1', '5.2', '6.1', '6.2', '7.1', '8.1', '8.2', '9.1', '10.1']) {
        const item = ri.items.find((i) => i.id === id)!;
        const vs = counted.map((e) => e.values![id] as { numerator: number; denominator: number });
        const num = vs.reduce((a, v) => a + v.numerator, 0);
        const den = vs.reduce((a, v) => a + v.denominator, 0);
        expect([item.numerator, item.denominator, item.reporting], id).toEqual([num, den, counted.length]);
        expect(item.ratePercent!).toBeCloseTo((num * 100) / den, 9);
      }
      const malnutrition = ri.items.find((i) => i.id === '8.1')!;
      expect(malnutrition.plan).toMatchObject({ kind: 'max', percent: 5, met: malnutrition.numerator * 100 < 5 * malnutrition.denominator });
      const preschool = ri.items.find((i) => i.id === '10.1')!;
      expect(preschool.plan).toMatchObject({ kind: 'min', percent: 86, met: preschool.numerator * 100 >= 86 * preschool.denominator });
      expect(ri.items.find((i) => i.id === '7.1')!.plan).toBeNull();
    }
  });

  it('trend: the province totals per year, each in its edition (2024: the former provinces), the reform marked', async () => {
    const tr = await service.call('dashboard.trend', { scope: PROVINCE });
    expect(tr.points.map((p) => [p.year, p.edition, p.reform])).toEqual([[2024, '2025-03-01', false], [2025, '2025-07-01', true], [2026, '2025-07-01', false]]);
    // 2024 for the new province: its former provinces' communes are the denominator (only Trà Vinh's have packages).
    const formerCommunes = catOf(2025).formerProvincesOf(PROVINCE).reduce((n, p) => n + catOf(2024).communesUnder(p).length, 0);
    for (const p of tr.points) {
      const { year, target, edition: _e, reform: _r, ...counts } = p;
      const exp = countsOf(rowsOf(year));
      if (year < 2025) Object.assign(exp, { communes: formerCommunes, ratePercent: (exp.recognised * 100) / formerCommunes });
      expect(counts).toEqual(exp);
      // The new province (86 of 2025-07-01) has no target of its own here, in any year.
      expectTarget(target, targetFor(year, PROVINCE));
    }
  });

  it('communes: every commune with its counted figure, in catalogue order', async () => {
    for (const year of YEARS) {
      const cs = await service.call('dashboard.communes', { year, scope: provinceOf(year) });
      expect(cs.rows.map((r) => r.code)).toEqual(communesOf(year).map((u) => u.code));
      for (const r of cs.rows) {
        const e = gen.expected.get(`${r.code}:${year}`)!;
        expect(
          { status: r.status, reviewed: r.reviewed, selfTotal: r.selfTotal, teamTotal: r.teamTotal, provisional: r.provisional, resubmitted: r.resubmitted, sha: r.manifestSha256 },
          `${r.name} ${year}`,
        ).toEqual({ status: e.status, reviewed: e.reviewed, selfTotal: e.selfTotal, teamTotal: e.teamTotal, provisional: e.provisional, resubmitted: e.resubmitted, sha: e.countedSha });
      }
    }
  });

  it('drill-down: every package of a commune, its states and its chain of custody', async () => {
    // The drill-down names a commune of the current edition.
    const current = [...gen.expected.values()].filter((x) => x.edition === editions.currentEdition);
    const e = current.find((x) => x.packages.length >= 3 && x.packages.some((p) => p.kind === 'review'))!;
    const d = await service.call('dashboard.commune', { unitCode: e.code });
    const y = d.years.find((x) => x.year === e.year)!;
    expect(y.status).toBe(e.status);
    expect(y.countedSha256).toBe(e.countedSha);
    expect(new Set(y.packages.map((p) => p.manifestSha256))).toEqual(new Set(e.packages.map((p) => p.sha)));
    for (const p of e.packages) {
      const got = y.packages.find((x) => x.manifestSha256 === p.sha)!;
      expect(got.kind).toBe(p.kind);
      expect(got.revision).toBe(p.revision);
      expect(got.signer).toMatchObject({ name: p.signer, keyId: p.keyId, trust: 'trusted' });
      expect(got.signer.fingerprint.replace(/\s/g, '').toLowerCase()).toBe(p.keyId);
      expect(got.trustDecision).toBe('verified');
      expect(got.importedBy).toBe('Phạm Thu (Chuyên viên)');
    }
    const states = y.packages.filter((p) => p.kind === 'self-assessment').map((p) => p.state);
    expect(states.filter((s) => s === 'current')).toHaveLength(1);
    const review = y.packages.find((p) => p.kind === 'review')!;
    expect(review.innerManifestSha256).not.toBeNull();
    expect(y.packages.find((p) => p.manifestSha256 === review.innerManifestSha256)!.reviewedBy).toEqual([review.manifestSha256]);
    // A conflict is flagged on both packages and counted once.
    const c = current.find((x) => x.status === 'conflict')!;
    const cd = (await service.call('dashboard.commune', { unitCode: c.code })).years.find((x) => x.year === c.year)!;
    expect(cd.status).toBe('conflict');
    expect(cd.packages.filter((p) => p.state === 'conflict')).toHaveLength(2);
  });
});

describe('targets', () => {
  it('the plan\'s 65% by 2025 and 75% by 2030 are built in for the former Trà Vinh, editable, with who and when', async () => {
    const t = await service.call('targets.list', {});
    expect(t.items.map((x) => [x.scopeCode, x.unitEdition, x.year, x.ratePercent])).toEqual([
      ['84', '2025-03-01', 2025, 65],
      ['84', '2025-03-01', 2030, 75],
    ]);
    expect(t.items[0]!.source).toMatch(/Trà Vinh.*23\/8\/2024/);
    const own = await service.call('targets.save', { scopeCode: PROVINCE, year: 2025, ratePercent: 70, source: 'Thử: chỉ tiêu riêng của tỉnh' });
    expect(own.updatedBy).toBe('Phạm Thu (Chuyên viên)');
    expect((await service.call('dashboard.overview', { year: 2025, scope: PROVINCE })).total.target).toMatchObject({ year: 2025, ratePercent: 70, scopeCode: PROVINCE, unitEdition: '2025-07-01' });
    await service.call('targets.delete', { id: own.id });
    const after = await service.call('targets.list', {});
    expect(after.items).toHaveLength(2);
    expect(after.history.slice(-2).map((h) => h.action)).toEqual(['created', 'deleted']);
    await expect(service.call('targets.save', { scopeCode: '29269', year: 2025, ratePercent: 70, source: 'x' })).rejects.toMatchObject({ error: { field: 'scopeCode' } });
    await expect(service.call('targets.save', { scopeCode: null, year: 2025, ratePercent: 170, source: 'x' })).rejects.toMatchObject({ error: { code: 'invalid_input' } });
    // 84 is no province of the current edition (Trà Vinh went into Vĩnh Long): named, with the edition.
    await expect(service.call('targets.save', { scopeCode: '84', year: 2031, ratePercent: 70, source: 'x' })).rejects.toMatchObject({ error: { field: 'scopeCode', message: { en: /84 is not a province of the 2025-07-01 catalogue/ } } });
    expect((await service.call('targets.list', {})).items).toHaveLength(2);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Exports
// ---------------------------------------------------------------------------------------------------------------

const VERDICT_VI: Record<Status, string> = {
  recognised: 'Đạt (đã thẩm định)',
  not_recognised: 'Không đạt (đã thẩm định)',
  returned: 'Trả lại hồ sơ',
  self_recognised: 'Tự đánh giá đạt (chưa thẩm định)',
  self_not_recognised: 'Tự đánh giá không đạt (chưa thẩm định)',
  self_incomplete: 'Tự đánh giá chưa đủ số liệu (chưa thẩm định)',
  conflict: 'Xung đột hồ sơ (không tính là đạt)',
  not_assessed: 'Chưa có hồ sơ',
};

/** The first n cells of a row (exceljs leaves trailing empty cells out of `values`). */
function cellsOf(row: ExcelJS.Row, n: number): unknown[] {
  return Array.from({ length: n }, (_, k) => row.getCell(k + 1).value ?? undefined);
}

describe('exports', () => {
  it('cfc report summary writes an XLSX that reads back cell by cell as the packages say', async () => {
    // 2024, the old Trà Vinh with its districts (the 2025-03-01 catalogue, in force that year).
    const out = path.join(dir, 'TongHop-2024.xlsx');
    const r = await cfc(['report', 'summary', '--year', '2024', '--province', '84', '--out', out]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Tỉnh Trà Vinh, 2024/);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(out);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['Xã', 'Huyện', 'Chỉ tiêu kế hoạch', 'Tiêu chí', 'Ghi chú']);
    const xa = wb.getWorksheet('Xã')!;
    const head = (xa.getRow(1).values as unknown[]).slice(1);
    expect(head.slice(0, 13)).toEqual(['Tỉnh', 'Huyện', 'Mã xã', 'Xã, phường, thị trấn', 'Phân loại', 'Năm', 'Tổng điểm tự đánh giá', 'Tổng điểm thẩm định', 'Kết quả', 'Mã kết quả', 'Đã thẩm định', 'Tạm tính', 'Ghi chú']);
    expect(head.slice(13)).toEqual(Array.from({ length: 13 }, (_, i) => `TC${i + 1}`));
    expect(xa.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    const communes = communesOf(2024);
    expect(xa.rowCount).toBe(communes.length + 1);
    for (const [i, u] of communes.entries()) {
      const e = gen.expected.get(`${u.code}:2024`)!;
      const v = cellsOf(xa.getRow(i + 2), 26);
      const district = catOf(2024).ancestors(u.code).find((a) => a.level === 'district')!;
      const assessed = e.status !== 'not_assessed';
      const cells = [
        'Tỉnh Trà Vinh',
        district.name,
        u.code,
        u.name,
        assessed ? 'Xã, phường, thị trấn khác (ngưỡng 850)' : undefined,
        2024,
        e.selfTotal ?? undefined,
        e.teamTotal ?? undefined,
        VERDICT_VI[e.status],
        e.status,
        assessed ? (e.reviewed ? 'Có' : 'Chưa') : undefined,
        assessed ? (e.provisional ? 'Có' : 'Không') : undefined,
      ];
      expect(v.slice(0, 12), u.name).toEqual(cells);
      for (let k = 1; k <= 13; k++) expect(v[12 + k], `${u.name} TC${k}`).toBe(e.criteria ? e.criteria[String(k)] : undefined);
    }
    const hu = wb.getWorksheet('Huyện')!;
    for (const [i, d] of districts(2024).entries()) {
      const v = (hu.getRow(i + 2).values as unknown[]).slice(1);
      const exp = countsOf(rowsOf(2024, new Set(communesOf(2024, d.code).map((u) => u.code))));
      expect(v.slice(0, 12), d.name).toEqual([d.code, d.name, exp.communes, exp.assessed, exp.reviewed, exp.selfOnly, exp.recognised, exp.recognisedReviewed, exp.recognisedSelf, exp.returned, exp.conflicts, exp.provisional]);
      expect(v[12]).toBeCloseTo(exp.ratePercent, 1);
      expect(v[13]).toBeCloseTo(exp.ratePercent - 65, 1);
    }
    const total = (hu.getRow(districts(2024).length + 2).values as unknown[]).slice(1);
    expect(total.slice(2, 7)).toEqual([communes.length, countsOf(rowsOf(2024)).assessed, countsOf(rowsOf(2024)).reviewed, countsOf(rowsOf(2024)).selfOnly, countsOf(rowsOf(2024)).recognised]);
    const ct = wb.getWorksheet('Chỉ tiêu kế hoạch')!;
    const exp = countsOf(rowsOf(2024));
    expect((ct.getRow(2).values as unknown[]).slice(1, 6)).toEqual([2025, 65, Math.round(exp.ratePercent * 10) / 10, Math.round(Math.max(0, 65 - exp.ratePercent) * 10) / 10, Math.max(0, Math.ceil(0.65 * communes.length - 1e-9) - exp.recognised)]);
    expect((ct.getRow(3).values as unknown[]).slice(1, 3)).toEqual([2030, 75]);
  });

  it('CSV (UTF-8 with BOM) and JSON through the contract: row counts and spot checks', async () => {
    const csv = await service.call('dashboard.export', { year: 2026, scope: PROVINCE, format: 'csv' });
    expect(csv.fileName).toBe('TongHop_86_2026.csv');
    const text = fs.readFileSync(csv.path, 'utf8');
    expect(text.charCodeAt(0)).toBe(0xfeff);
    const lines = text.slice(1).trim().split('\r\n');
    expect(lines).toHaveLength(communesOf(2026).length + 1);
    const e = [...gen.expected.values()].find((x) => x.year === 2026 && x.status === 'recognised')!;
    const line = lines.find((l) => l.includes(`,${e.code},`))!;
    expect(line).toContain(`,2026,${e.selfTotal},${e.teamTotal},${VERDICT_VI.recognised},recognised,Có,`);

    const json = await service.call('dashboard.export', { year: 2026, scope: PROVINCE, format: 'json' });
    const doc = JSON.parse(fs.readFileSync(json.path, 'utf8')) as { communes: { code: string; status: string; points: Record<string, number> | null }[]; overview: { total: { recognised: number } } };
    expect(doc.communes).toHaveLength(communesOf(2026).length);
    expect(doc.overview.total.recognised).toBe(countsOf(rowsOf(2026)).recognised);
    expect(doc.communes.find((c) => c.code === e.code)!.points).toEqual(e.criteria);
    expect(fs.readdirSync(path.join(dataDir, 'reports')).sort()).toEqual(['TongHop_86_2026.csv', 'TongHop_86_2026.json']);
  });

  it('bad input: a typed error naming the field, nothing written', async () => {
    const before = snapshotDir(dataDir);
    const bad = [
      { args: ['report', 'summary', '--year', '20x5', '--out', path.join(dir, 'a.xlsx')], field: 'year' },
      { args: ['report', 'summary', '--year', '2025', '--out', path.join(dir, 'a.pdf')], field: 'out' },
      { args: ['report', 'summary', '--year', '2031', '--out', path.join(dir, 'a.xlsx')], field: 'year' },
      { args: ['report', 'summary', '--year', '2025', '--province', '99999', '--out', path.join(dir, 'a.csv')], field: 'scope' },
    ];
    for (const b of bad) {
      const r = await cfc(['--json', ...b.args]);
      expect(r.status, b.args.join(' ')).toBe(1);
      const err = JSON.parse(r.stderr) as { error: { field: string; message: { vi: string; en: string } } };
      expect(err.error.field).toBe(b.field);
      expect(err.error.message.vi.length).toBeGreaterThan(0);
      expect(err.error.message.en.length).toBeGreaterThan(0);
    }
    expect(fs.readdirSync(dir).filter((f) => f.startsWith('a.'))).toEqual([]);
    await expect(service.call('dashboard.overview', { year: 1999, scope: PROVINCE })).rejects.toMatchObject({ error: { field: 'year' } });
    await expect(service.call('dashboard.overview', { year: 2025, scope: '99999' })).rejects.toMatchObject({ error: { field: 'scope' } });
    await expect(service.call('dashboard.communes', { year: 2025, scope: '29269' })).rejects.toMatchObject({ error: { field: 'scope' } });
    await expect(service.call('dashboard.export', { year: 2025, scope: PROVINCE, format: 'pdf' as never })).rejects.toMatchObject({ error: { field: 'format' } });
    await expect(service.call('dashboard.export', { year: 2031, scope: PROVINCE, format: 'xlsx' })).rejects.toMatchObject({ error: { code: 'no_data', field: 'year' } });
    await expect(service.call('dashboard.commune', { unitCode: '84' })).rejects.toMatchObject({ error: { field: 'unitCode' } });
    expect(snapshotDir(dataDir)).toEqual(before);
  }, 180_000); // four `cfc` child processes, one after the other, on a loaded machine
});
