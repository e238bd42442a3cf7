/**
 * National-scale run of the province dashboard: 3,321 communes × 8 years since the reform (catalogue of 2025-07-01) and
 * 10,047 communes × 3 years before it (catalogue of 2025-03-01), the queries of today (the maintained `counted` tables, src/core/dashboard) against those they replaced (test/oracle/
 * dashboard-legacy.ts, recomputing from `package` at each call), in the same run, on the same database.
 *
 *   npm run bench:dashboard
 *   BENCH_COMMUNES=150 BENCH_BUDGET_MIN=1 npm run bench:dashboard     (CI smoke run: small, same code paths)
 *
 *   BENCH_BUDGET_MIN   time for generating and importing real signed packages (default 12)
 *   BENCH_COMMUNES     how many communes get packages in all (default: every commune of the edition)
 *   BENCH_EDITION      '2025-03': 10,047 communes × 2022–2024 alone, the years that edition is in force (from 2025
 *                      the app refuses packages for its units). '2025-07' (default): the country as it is since the reform,
 *                      3,321 communes × 8 years (2025–2032) on the 2025-07-01 catalogue plus the pre-reform years
 *                      (10,047 × 2022–2024 on the 2025-03-01 one) in the same store: the queries of both editions, the
 *                      new province seen before the reform (its former provinces), the history in today's communes
 *                      (rule 11), the trend across the reform, the drill-down with predecessors.
 *   BENCH_COMMUNES     (with 2025-07: per edition)
 *   BENCH_RUNS         runs per query (default 3; the median is shown)
 *   BENCH_KEEP=1       keep the data folder
 *
 * Packages are generated province by province (self-assessments signed by a province key, reviews by district keys)
 * and imported through the service (the code `cfc package import` runs, which keeps the counted tables in each
 * import's transaction). When the budget runs out, the import rate is printed and the rest of the communes are filled
 * by copying imported rows in SQL (new hashes, other communes), then the counted tables are rebuilt from `package` as
 * migration 0009 does on an existing database (its time is printed). Each query's old and new outputs are compared
 * (a difference is reported and fails the run); times are printed, never asserted. Each query is also timed against
 * a reference measured in the same run: the plain read of the counted rows it has to look at (`select count(*)` of
 * the same scope, year and edition), so the ratio says how far a query is from reading its data once. Queries the old
 * implementation has no counterpart for (across editions) are measured against that reference only.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { sql } from 'kysely';
import type { Service } from '../../src/api/service';
import { packRegistry } from '../../src/core/criteria/registry';
import * as N from '../../src/core/dashboard';
import { scoped, type DashboardDeps } from '../../src/core/dashboard/read';
import { resolveScope } from '../../src/core/dashboard/scope';
import { buildSummary, writeSummary } from '../../src/core/reports/summary';
import type { UnitCatalogue } from '../../src/core/units/catalogue';
import { checkoutResourcesDir } from '../../src/server/resources';
import { testService } from '../helpers';
import { generate } from '../integration/dashboard-data';
import * as O from '../oracle/dashboard-legacy';
import { editions } from '../unit/packages/helpers';

const OLD = editions.get('2025-03-01');
const NEW = editions.get('2025-07-01');
const range = (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, k) => a + k);
/** The editions a run fills: each with its catalogue and the years it is in force for. */
const EDITIONS: Record<string, { units: UnitCatalogue; years: number[] }[]> = {
  '2025-03': [{ units: OLD, years: [2022, 2023, 2024] }],
  '2025-07': [
    { units: NEW, years: range(2025, 2032) },
    { units: OLD, years: [2022, 2023, 2024] },
  ],
};
const edition = process.env['BENCH_EDITION'] ?? '2025-07';
const budgetMs = Number(process.env['BENCH_BUDGET_MIN'] ?? 12) * 60_000;
const RUNS = Math.max(1, Number(process.env['BENCH_RUNS'] ?? 3));
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'cfc-bench-dash-'));
const dataDir = path.join(root, 'data');
const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/**
 * Packages for up to `target` communes of one edition over its years: generated province by province and imported
 * through the service until the budget is spent, then the rest filled by copying imported rows of the same edition
 * in SQL (new hashes, other communes). Returns whether rows were copied (the counted tables must then be rebuilt).
 */
async function populate(service: Service, units: UnitCatalogue, years: number[], target: number, budget: number): Promise<boolean> {
  const all = units.communesUnder(null).length;
  // A small run (the CI smoke run) starts with the smallest provinces, so it generates about what it asked for.
  const size = (code: string) => units.communesUnder(code).length;
  const provinces = target < all ? units.children(null).sort((x, y) => size(x.code) - size(y.code)) : units.children(null);
  console.log(`Edition ${units.dataDate}: ${provinces.length} provinces, packages for ${target} of ${all} communes × ${years.length} years (${years[0]}–${years.at(-1)}); budget ${s(budget)}`);
  const started = Date.now();
  let genMs = 0;
  let importMs = 0;
  let packages = 0;
  let doneCommunes = 0;
  const done = new Set<string>();
  for (const [i, p] of provinces.entries()) {
    if (Date.now() - started > budget || doneCommunes >= target) break;
    const dir = path.join(root, 'gen', `${units.dataDate}-${p.code}`);
    const t0 = Date.now();
    const g = await generate({ scope: p.code, years, dir, seed: 1000 + i, communeKeys: false });
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
  console.log(`  generated and imported ${packages} packages for ${doneCommunes} communes (${done.size} provinces)`);
  console.log(`  generation: ${s(genMs)}, ${(packages / (genMs / 1000)).toFixed(1)} packages/s`);
  console.log(`  import:     ${s(importMs)}, ${(packages / (importMs / 1000)).toFixed(1)} packages/s (each import keeps the counted tables in its transaction)`);
  if (doneCommunes >= target) return false;
  // Fill the other communes by copying imported rows (package + package_value) of this edition.
  const db = (await service.open()).sqlite;
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
  const templates = db
    .prepare('select manifest_sha256, unit_code, year, kind, inner_manifest_sha256, assessment_id from package where unit_edition = ? order by unit_code, year')
    .all(units.dataDate) as { manifest_sha256: string; unit_code: string; year: number; kind: string; inner_manifest_sha256: string | null; assessment_id: string }[];
  const byUnit = new Map<string, typeof templates>();
  for (const r of templates) byUnit.set(r.unit_code, [...(byUnit.get(r.unit_code) ?? []), r]);
  const sources = [...byUnit.values()];
  let copied = 0;
  let filled = doneCommunes;
  db.transaction(() => {
    let k = 0;
    for (const p of provinces) {
      if (done.has(p.code)) continue;
      for (const c of units.communesUnder(p.code)) {
        if (filled >= target) return;
        filled++;
        const rows = sources[k++ % sources.length]!;
        const map = new Map<string, string>();
        const aid = new Map<string, string>();
        // Inner (self) packages first, so a review's copy points at its inner copy.
        for (const r of [...rows].sort((a, b) => (a.kind === b.kind ? 0 : a.kind === 'self-assessment' ? -1 : 1))) {
          const sha = crypto.randomBytes(32).toString('hex');
          map.set(r.manifest_sha256, sha);
          if (!aid.has(r.assessment_id)) aid.set(r.assessment_id, crypto.randomUUID());
          insertPkg.run({ sha, unit: c.code, name: c.name, aid: aid.get(r.assessment_id), inner: r.inner_manifest_sha256 ? (map.get(r.inner_manifest_sha256) ?? null) : null, pid: crypto.randomUUID(), from: r.manifest_sha256 });
          insertVals.run({ sha, from: r.manifest_sha256 });
          copied++;
        }
      }
    }
  })();
  console.log(`  filled ${filled - doneCommunes} more communes with ${copied} copied packages in SQL (${s(Date.now() - t)})`);
  return true;
}

interface Row {
  label: string;
  scale: 'country' | 'province' | 'other';
  now: number;
  nowCpu: number;
  ref: number;
  old: number | null;
  same: boolean | null;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
/**
 * Wall time, and the process's CPU time over the same call: on a machine shared with other work the wall time waits
 * for a core, the CPU time much less so; both are printed (the median of the runs).
 */
async function timed<T>(f: () => Promise<T>): Promise<{ ms: number; cpu: number; out: T }> {
  const wall: number[] = [];
  const cpu: number[] = [];
  let out!: T;
  for (let k = 0; k < RUNS; k++) {
    const c = process.cpuUsage();
    const t = performance.now();
    out = await f();
    wall.push(performance.now() - t);
    const d = process.cpuUsage(c);
    cpu.push((d.user + d.system) / 1000);
  }
  return { ms: median(wall), cpu: median(cpu), out };
}

const table: Row[] = [];
const f1 = (x: number, w: number) => x.toFixed(1).padStart(w);

/** The reference of a query: the plain read of the counted rows of its scope, year (or all years) and edition. */
async function reference(deps: DashboardDeps, scope: string | null, year: number | null): Promise<number> {
  const sc = resolveScope(deps.units, scope, 'scope', deps.current);
  const r = scoped(deps, sc, 'counted', year);
  return (await timed(() => sql`${r.with} select count(*) as n ${r.from}`.execute(deps.db))).ms;
}

/** Times `now` (and the old implementation `old`, comparing their results), with the reference read. */
async function measure<T>(label: string, scale: Row['scale'], ref: number, now: () => Promise<T>, old?: () => Promise<T>): Promise<T> {
  const o = old ? await timed(old) : null;
  const n = await timed(now);
  const same = o ? isDeepStrictEqual(n.out, o.out) : null;
  table.push({ label, scale, now: n.ms, nowCpu: n.cpu, ref, old: o?.ms ?? null, same });
  console.log(
    `  ${label.padEnd(50)} ${f1(n.ms, 7)} ms (cpu ${f1(n.cpu, 6)})  ×${(n.ms / Math.max(ref, 0.01)).toFixed(1).padStart(6)} ref ${f1(ref, 5)} ms` +
      (o ? `   before ${f1(o.ms, 7)} ms ×${(o.ms / n.ms).toFixed(0).padStart(4)} faster  ${same ? 'same result' : 'DIFFERENT RESULT'}` : '   (no earlier implementation)'),
  );
  return n.out;
}

/** The queries of one edition and year that the old implementation answers the same way (one edition in the store at that year). */
async function sameEditionSuite(deps: DashboardDeps, year: number, scopes: [string, string | null][]) {
  for (const [label, scope] of scopes) {
    const scale = scope === null ? 'country' : 'province';
    const refYear = await reference(deps, scope, year);
    const ov = await measure(`overview ${year}, ${label}`, scale, refYear, () => N.overview(deps, year, scope), () => O.overview(deps, year, scope));
    if (scope === null) console.log(`    → ${ov.total.communes} communes, ${ov.total.assessed} assessed, ${ov.total.recognised} recognised, ${ov.total.ratePercent?.toFixed(1)}%`);
    await measure(`failingCriteria ${year}, ${label}`, scale, refYear, () => N.failingCriteria(deps, year, scope), () => O.failingCriteria(deps, year, scope));
    await measure(`rateIndicators ${year}, ${label}`, scale, refYear, () => N.rateIndicators(deps, year, scope), () => O.rateIndicators(deps, year, scope));
    await measure(`communes ${year}, ${label}`, scale, refYear, () => N.communes(deps, year, scope), () => O.communes(deps, year, scope));
    await measure(`communePoints ${year}, ${label}`, scale, refYear, () => N.communePoints(deps, year, scope), () => O.communePoints(deps, year, scope));
  }
}

async function main() {
  const plan = EDITIONS[edition];
  if (!plan) throw new Error(`BENCH_EDITION must be one of ${Object.keys(EDITIONS).join(', ')}`);
  const service = testService(dataDir);
  await service.call('profile.set', { role: 'province', unitCode: '86', organisation: 'Bench', userName: 'Bench', userTitle: 'Bench' });
  console.log(`Dashboard run BENCH_EDITION=${edition}; budget ${budgetMs / 60000} min for generation + import; data in ${root}`);
  let copiedAny = false;
  const t00 = Date.now();
  for (const [k, e] of plan.entries()) {
    const all = e.units.communesUnder(null).length;
    const target = Math.min(all, Number(process.env['BENCH_COMMUNES'] ?? all));
    const left = budgetMs - (Date.now() - t00);
    copiedAny = (await populate(service, e.units, e.years, target, Math.max(0, left / (plan.length - k)))) || copiedAny;
  }
  const store = await service.open();
  const db = store.sqlite;
  if (copiedAny) {
    const t2 = performance.now();
    await store.db.transaction().execute((trx) => N.rebuildCounted(trx));
    console.log(`  counted tables rebuilt from package, as migration 0009 does on an existing database: ${(performance.now() - t2).toFixed(0)} ms`);
  }
  // What each import pays to keep the counted tables: refreshCounted for one stored package (idempotent: it rewrites the
  // same rows), over a sample of packages, in one transaction.
  const sample = (db.prepare('select manifest_sha256 as sha from package order by random() limit 300').all() as { sha: string }[]).map((r) => r.sha);
  if (sample.length) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    await store.db.transaction().execute(async (trx) => {
      for (const sha of sample) await N.refreshCounted(trx, [sha]);
    });
    const d = process.cpuUsage(c0);
    console.log(
      `  refreshCounted (the import's share): ${((performance.now() - t0) / sample.length).toFixed(2)} ms per package (cpu ${((d.user + d.system) / 1000 / sample.length).toFixed(2)} ms), over ${sample.length} packages`,
    );
  }
  const counts = db.prepare('select (select count(*) from package) as p, (select count(*) from package_value) as v, (select count(*) from counted) as c').get() as { p: number; v: number; c: number };
  console.log(`Store: ${counts.p} packages, ${counts.v} package_value rows, ${counts.c} counted rows, ${(fs.statSync(store.path).size / 1e6).toFixed(0)} MB\n`);

  const packs = packRegistry(checkoutResourcesDir);
  const depsOld: DashboardDeps = { db: store.db, units: OLD, packs };
  const load = () => os.loadavg().map((x) => x.toFixed(1)).join(' ');
  console.log(`Dashboard queries, median of ${RUNS} runs; × ref: against the plain read of the same counted rows; before: test/oracle/dashboard-legacy.ts; load average ${load()}:`);
  let Y: number;
  if (edition === '2025-03') {
    Y = 2024;
    const scopes: [string, string | null][] = [['country', null], ['Trà Vinh (84)', '84'], ['Hà Nội (01)', '01'], ['Thanh Hóa (38)', '38'], ['Huyện Càng Long (844)', '844']];
    await sameEditionSuite(depsOld, Y, scopes);
    for (const [label, scope] of scopes) {
      const scale = scope === null ? 'country' : 'province';
      await measure(`trend, ${label}`, scale, await reference(depsOld, scope, null), () => N.trend(depsOld, scope), () => O.trend(depsOld, scope));
    }
    await measure('years', 'other', 0, () => N.years(depsOld), () => O.years(depsOld));
    await measure('commune drill-down (29269)', 'other', 0, () => N.commune(depsOld, '29269'), () => O.commune(depsOld, '29269'));
  } else {
    Y = 2026;
    const mapping = editions.mapping(OLD.dataDate, NEW.dataDate)!;
    const depsNew: DashboardDeps = { db: store.db, units: NEW, packs };
    const depsFormer: DashboardDeps = { ...depsNew, former: { units: OLD, mapping } };
    const depsBefore: DashboardDeps = { db: store.db, units: OLD, packs, current: NEW };
    // 1. Each edition on its own, where the old implementation gives the same answer (the year holds one edition).
    console.log(`Edition 2025-07-01, ${Y}:`);
    await sameEditionSuite(depsNew, Y, [['country', null], ['Vĩnh Long (86)', '86'], ['Hà Nội (01)', '01']]);
    console.log('Edition 2025-03-01, 2024:');
    await sameEditionSuite(depsOld, 2024, [['country', null], ['Trà Vinh (84)', '84']]);
    // 2. Across the reform: no earlier implementation; against the reference read.
    console.log('Across the reform:');
    const ref24new86 = await reference(depsBefore, '86', 2024);
    const ref24country = await reference(depsOld, null, 2024);
    await measure('overview 2024, Vĩnh Long (86) by former provinces', 'province', ref24new86, () => N.overview(depsBefore, 2024, '86'));
    await measure('overview 2024, Vĩnh Long (86) by former districts', 'province', ref24new86, () => N.overview(depsBefore, 2024, '86', 'former_district'));
    await measure(`overview ${Y}, Vĩnh Long (86) by former districts`, 'province', await reference(depsNew, '86', Y), () => N.overview(depsFormer, Y, '86', 'former_district'));
    await measure(`overview ${Y}, country by former provinces`, 'country', await reference(depsNew, null, Y), () => N.overview(depsFormer, Y, null, 'former_province'));
    const hist = { ...depsOld, current: NEW, mapping };
    await measure("history 2024 in today's communes, Vĩnh Long (86)", 'province', ref24new86, () => N.history(hist, 2024, '86'));
    await measure("history 2024 in today's communes, country", 'country', ref24country, () => N.history(hist, 2024, null));
    const dates = editions.dates().slice().sort();
    const across = (scope: string | null) => N.trendAcross((e) => (e === NEW.dataDate ? depsNew : depsBefore), dates, scope);
    await measure('trend 2022–2032 across the reform, country', 'country', (await reference(depsNew, null, null)) + (await reference(depsOld, null, null)), () => across(null));
    await measure('trend 2022–2032 across the reform, Vĩnh Long (86)', 'province', (await reference(depsNew, '86', null)) + (await reference(depsBefore, '86', null)), () => across('86'));
    await measure('years', 'other', 0, () => N.years(depsNew), () => O.years(depsNew));
    await measure('drill-down Xã Càng Long (29266) with its predecessors', 'other', 0, () => N.commune(depsFormer, '29266'));
    await measure('drill-down Xã Mỹ Cẩm (29269, 2025-03-01)', 'other', 0, () => N.commune(depsOld, '29269'), () => O.commune(depsOld, '29269'));
  }
  const worst = (scale: Row['scale'], k: 'now' | 'nowCpu') => Math.max(...table.filter((r) => r.scale === scale).map((r) => r[k]));
  const over = (scale: Row['scale'], limit: number) => table.filter((r) => r.scale === scale && r.now > limit).map((r) => `${r.label} ${r.now.toFixed(1)} ms`);
  console.log(
    `  slowest: country ${worst('country', 'now').toFixed(1)} ms (cpu ${worst('country', 'nowCpu').toFixed(1)}), a province ${worst('province', 'now').toFixed(1)} ms (cpu ${worst('province', 'nowCpu').toFixed(1)}); ` +
      `load average ${load()} on ${os.cpus().length} cores`,
  );
  const c = over('country', 50);
  const p = over('province', 10);
  console.log(`  issue 11's bounds (≤ 50 ms country, ≤ 10 ms province): ${c.length + p.length === 0 ? 'every query within them' : `over: ${[...c, ...p].join('; ')}`} (wall time, this run)`);
  const depsY = edition === '2025-03' ? depsOld : { db: store.db, units: NEW, packs };
  const rows = (await N.communes(depsY, Y, null)).rows;
  console.log(`  communes payload, country: ${rows.length} rows, ${(JSON.stringify(rows).length / 1e6).toFixed(2)} MB of JSON`);

  console.log(`\nExports, whole country, ${Y}:`);
  let t = performance.now();
  const summary = await buildSummary(depsY, Y, null, new Date().toISOString());
  console.log(`  gather:  ${(performance.now() - t).toFixed(0)} ms`);
  for (const format of ['xlsx', 'csv', 'json'] as const) {
    t = performance.now();
    const size = await writeSummary(summary, format, path.join(root, `TongHop.${format}`));
    console.log(`  ${format.padEnd(5)}: ${(performance.now() - t).toFixed(0)} ms, ${(size / 1e6).toFixed(1)} MB`);
  }
  const prov = edition === '2025-03' ? '84' : '86';
  t = performance.now();
  if ((await N.overview(depsY, Y, prov)).total.assessed > 0) {
    const one = await buildSummary(depsY, Y, prov, new Date().toISOString());
    await writeSummary(one, 'xlsx', path.join(root, `TongHop_${prov}.xlsx`));
    console.log(`  province ${prov} xlsx (gather + write): ${(performance.now() - t).toFixed(0)} ms`);
  } else console.log(`  province ${prov} xlsx: skipped, no package of it in this (small) run`);
  await service.close();
  if (!process.env['BENCH_KEEP']) fs.rmSync(root, { recursive: true, force: true });
  else console.log(`kept ${root}`);
  if (table.some((r) => r.same === false)) {
    console.error('\nSome queries gave a different result from the old implementation (see above).');
    process.exitCode = 1;
  }
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
