/**
 * National-scale run of the province dashboard: 10,047 communes × 3 years.
 *
 *   npm run bench:dashboard                  (time budget for generation + import: BENCH_BUDGET_MIN, default 12)
 *
 * Generates signed packages province by province (self-assessments signed by a province key, reviews by district
 * keys: far fewer keys to trust than one per commune) and imports them through the service (the code `cfc package
 * import` runs). When the time budget runs out, the rate is printed and the full import extrapolated, and the rest of
 * the country is filled by copying imported rows in SQL (new hashes, other communes), so the dashboard queries and the
 * XLSX export still run over 10,047 × 3 commune-years; the output says how many rows were imported and how many copied.
 * Times are printed, never asserted.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { packRegistry } from '../../src/core/criteria/registry';
import { communePoints, communes, failingCriteria, overview, rateIndicators, trend, commune } from '../../src/core/dashboard';
import { buildSummary, writeSummary } from '../../src/core/reports/summary';
import { checkoutResourcesDir } from '../../src/server/resources';
import { testService } from '../helpers';
import { generate } from '../integration/dashboard-data';
import { units } from '../unit/packages/helpers';

const YEARS = [2024, 2025, 2026];
const budgetMs = Number(process.env['BENCH_BUDGET_MIN'] ?? 12) * 60_000;
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'cfc-bench-dash-'));
const dataDir = path.join(root, 'data');
const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

async function main() {
  const service = testService(dataDir);
  await service.call('profile.set', { role: 'province', unitCode: '84', organisation: 'Bench', userName: 'Bench', userTitle: 'Bench' });
  const provinces = units.children(null);
  const totalCommunes = units.communesUnder(null).length;
  console.log(`National run: ${provinces.length} provinces, ${totalCommunes} communes × ${YEARS.length} years; budget ${budgetMs / 60000} min for generation + import; data in ${root}`);
  const started = Date.now();
  let genMs = 0;
  let importMs = 0;
  let packages = 0;
  let doneCommunes = 0;
  const done = new Set<string>();
  for (const [i, p] of provinces.entries()) {
    if (Date.now() - started > budgetMs) break;
    const dir = path.join(root, 'gen', p.code);
    const t0 = Date.now();
    const g = await generate({ scope: p.code, years: YEARS, dir, seed: 1000 + i, communeKeys: false });
    genMs += Date.now() - t0;
    for (const f of g.keyFiles) await service.call('trust.add', { publicKey: fs.readFileSync(f, 'utf8') });
    const t1 = Date.now();
    const r = await service.call('packages.import', { paths: [g.dir] });
    importMs += Date.now() - t1;
    if (r.summary.rejected) console.log(`  ${p.name}: ${r.summary.rejected} rejected`);
    packages += g.packages;
    doneCommunes += units.communesUnder(p.code).length;
    done.add(p.code);
    fs.rmSync(dir, { recursive: true, force: true });
    console.log(
      `  ${String(i + 1).padStart(2)}/${provinces.length} ${p.name}: ${g.packages} packages; generation ${(g.packages / (g.ms / 1000)).toFixed(0)}/s, ` +
        `import ${(g.packages / ((Date.now() - t1) / 1000)).toFixed(0)}/s; total ${packages} packages, ${s(Date.now() - started)}`,
    );
  }
  const genRate = packages / (genMs / 1000);
  const importRate = packages / (importMs / 1000);
  const perCommune = packages / doneCommunes;
  const fullPackages = Math.round(perCommune * totalCommunes);
  console.log(`\nGenerated and imported ${packages} packages for ${doneCommunes}/${totalCommunes} communes (${done.size} provinces).`);
  console.log(`  generation: ${s(genMs)}, ${genRate.toFixed(1)} packages/s`);
  console.log(`  import:     ${s(importMs)}, ${importRate.toFixed(1)} packages/s`);
  if (doneCommunes < totalCommunes) {
    console.log(
      `  NOT the full country within the budget. Extrapolated for ~${fullPackages} packages: generation ${s(fullPackages / genRate * 1000)}, ` +
        `import ${s((fullPackages / importRate) * 1000)} (${((fullPackages / importRate) / 60).toFixed(0)} min).`,
    );
  }

  // Fill the rest of the country by copying imported rows (package + package_value), so queries run at national scale.
  const store = await service.open();
  const db = store.sqlite;
  if (doneCommunes < totalCommunes) {
    const t = Date.now();
    const cols = (db.prepare('pragma table_info(package)').all() as { name: string }[]).map((c) => c.name);
    const replaced = new Set(['manifest_sha256', 'unit_code', 'unit_name', 'assessment_id', 'inner_manifest_sha256', 'package_id']);
    const keep = cols.filter((c) => !replaced.has(c));
    const insertPkg = db.prepare(
      `insert into package (manifest_sha256, unit_code, unit_name, assessment_id, inner_manifest_sha256, package_id, ${keep.join(', ')}) ` +
        `select @sha, @unit, @name, @aid, @inner, @pid, ${keep.join(', ')} from package where manifest_sha256 = @from`,
    );
    const insertVals = db.prepare(
      'insert into package_value select @sha, indicator_id, criterion_id, value_json, note, computed, points, override_points, override_reason from package_value where manifest_sha256 = @from',
    );
    const templates = db.prepare('select manifest_sha256, unit_code, year, kind, inner_manifest_sha256 from package order by unit_code, year').all() as {
      manifest_sha256: string; unit_code: string; year: number; kind: string; inner_manifest_sha256: string | null;
    }[];
    const byUnit = new Map<string, typeof templates>();
    for (const r of templates) byUnit.set(r.unit_code, [...(byUnit.get(r.unit_code) ?? []), r]);
    const sources = [...byUnit.values()];
    let copied = 0;
    const fill = db.transaction(() => {
      let k = 0;
      for (const p of provinces) {
        if (done.has(p.code)) continue;
        for (const c of units.communesUnder(p.code)) {
          const rows = sources[k++ % sources.length]!;
          const map = new Map<string, string>();
          const aid = new Map<string, string>();
          // Inner (self) packages first, so a review's copy points at its inner copy.
          for (const r of [...rows].sort((a, b) => (a.kind === b.kind ? 0 : a.kind === 'self-assessment' ? -1 : 1))) {
            const sha = crypto.randomBytes(32).toString('hex');
            map.set(r.manifest_sha256, sha);
            const old = (db.prepare('select assessment_id from package where manifest_sha256 = ?').get(r.manifest_sha256) as { assessment_id: string }).assessment_id;
            if (!aid.has(old)) aid.set(old, crypto.randomUUID());
            insertPkg.run({ sha, unit: c.code, name: c.name, aid: aid.get(old), inner: r.inner_manifest_sha256 ? (map.get(r.inner_manifest_sha256) ?? null) : null, pid: crypto.randomUUID(), from: r.manifest_sha256 });
            insertVals.run({ sha, from: r.manifest_sha256 });
            copied++;
          }
        }
      }
    });
    fill();
    console.log(`  filled the other ${totalCommunes - doneCommunes} communes with ${copied} copied packages in SQL (${s(Date.now() - t)})`);
  }
  const counts = db.prepare('select (select count(*) from package) as p, (select count(*) from package_value) as v').get() as { p: number; v: number };
  console.log(`Store: ${counts.p} packages, ${counts.v} package_value rows, ${(fs.statSync(store.path).size / 1e6).toFixed(0)} MB\n`);

  const deps = { db: store.db, units, packs: packRegistry(checkoutResourcesDir) };
  const time = async <T>(label: string, f: () => Promise<T>): Promise<T> => {
    const runs: number[] = [];
    let out!: T;
    for (let k = 0; k < 3; k++) {
      const t = performance.now();
      out = await f();
      runs.push(performance.now() - t);
    }
    console.log(`  ${label.padEnd(44)} ${runs.map((x) => `${x.toFixed(0)} ms`).join(' / ')}`);
    return out;
  };
  console.log('Dashboard queries (3 runs each):');
  for (const [label, scope] of [
    ['country', null],
    ['Trà Vinh (84)', '84'],
    ['Hà Nội (01)', '01'],
  ] as const) {
    const ov = await time(`overview 2025, ${label}`, () => overview(deps, 2025, scope));
    if (scope === null) console.log(`    → ${ov.total.communes} communes, ${ov.total.assessed} assessed, ${ov.total.recognised} recognised, ${ov.total.ratePercent?.toFixed(1)}%`);
    await time(`failingCriteria 2025, ${label}`, () => failingCriteria(deps, 2025, scope));
    await time(`rateIndicators 2025, ${label}`, () => rateIndicators(deps, 2025, scope));
    await time(`communes 2025, ${label}`, () => communes(deps, 2025, scope));
    await time(`trend, ${label}`, () => trend(deps, scope));
  }
  await time('communePoints 2025, country', () => communePoints(deps, 2025, null));
  await time('commune drill-down (29269)', () => commune(deps, '29269'));
  const rows = (await communes(deps, 2025, null)).rows;
  console.log(`  communes payload, country: ${rows.length} rows, ${(JSON.stringify(rows).length / 1e6).toFixed(2)} MB of JSON`);

  console.log('\nExports, whole country, 2025:');
  let t = performance.now();
  const summary = await buildSummary(deps, 2025, null, new Date().toISOString());
  console.log(`  gather:  ${(performance.now() - t).toFixed(0)} ms`);
  for (const format of ['xlsx', 'csv', 'json'] as const) {
    t = performance.now();
    const size = await writeSummary(summary, format, path.join(root, `TongHop.${format}`));
    console.log(`  ${format.padEnd(5)}: ${(performance.now() - t).toFixed(0)} ms, ${(size / 1e6).toFixed(1)} MB`);
  }
  t = performance.now();
  const tv = await buildSummary(deps, 2025, '84', new Date().toISOString());
  await writeSummary(tv, 'xlsx', path.join(root, 'TongHop_84.xlsx'));
  console.log(`  Trà Vinh xlsx (gather + write): ${(performance.now() - t).toFixed(0)} ms`);
  await service.close();
  if (!process.env['BENCH_KEEP']) fs.rmSync(root, { recursive: true, force: true });
  else console.log(`kept ${root}`);
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
