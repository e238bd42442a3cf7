import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Service } from '../../src/api/service';
import * as N from '../../src/core/dashboard';
import { packRegistry } from '../../src/core/criteria/registry';
import { createFromInput, type Exported } from '../../src/core/packages/export';
import { createReview } from '../../src/core/packages/review';
import { checkoutResourcesDir } from '../../src/server/resources';
import { tempDir, testService } from '../helpers';
import * as O from '../oracle/dashboard-legacy';
import { APP, editions, makeKey, packs, publicKeyText, trustOf, units, type TestKey } from '../unit/packages/helpers';
import { generate, valuesFor, rng, type Generated } from './dashboard-data';

/**
 * The maintained `counted` tables give the same dashboard as today's queries (test/oracle/dashboard-legacy.ts, which
 * recomputes everything from `package` at each call): every call, every scope, every year, compared deeply, after each
 * of several imports that arrive in awkward orders. Generated data: two districts of Trà Vinh (2022–2024, 2023–2024) and two of
 * Bắc Kạn (2023–2024), in the 2025-03-01 catalogue, plus hand-made cases the generator does not make (several dossiers of one commune and year, a
 * conflict between two reviews, a resubmission imported before the review it answers, a later review of the
 * resubmission, a new dossier after a review, an untrusted package accepted with a reason).
 */

let dir: string;
let cleanup: () => void;
let service: Service;
let deps: N.DashboardDeps;
const gens: Generated[] = [];
const YEARS = [2021, 2022, 2023, 2024, 2025, 2026];
const SCOPES = [null, '84', '06', '01', '844', '842', '058', '060', '845'];

async function importDir(d: string, extra: Record<string, unknown> = {}) {
  const r = await service.call('packages.import', { paths: [d], ...extra });
  expect(r.summary.total).toBeGreaterThan(0);
  expect(r.summary.rejected, JSON.stringify(r.items.filter((i) => i.result === 'rejected').map((i) => i.error))).toBe(0);
  return r;
}

async function trust(keys: TestKey[]) {
  for (const k of keys) await service.call('trust.add', { publicKey: publicKeyText(k) });
}

/** Every call of the old and the new implementation, compared deeply; returns how many calls were compared. */
async function compareAll(): Promise<number> {
  let calls = 0;
  const same = async <T>(what: string, a: () => Promise<T>, b: () => Promise<T>) => {
    expect(await a(), what).toEqual(await b());
    calls++;
  };
  await same('years', () => N.years(deps), () => O.years(deps));
  for (const s of SCOPES) {
    await same(`trend ${s}`, () => N.trend(deps, s), () => O.trend(deps, s));
    for (const y of YEARS) {
      await same(`overview ${y} ${s}`, () => N.overview(deps, y, s), () => O.overview(deps, y, s));
      await same(`failingCriteria ${y} ${s}`, () => N.failingCriteria(deps, y, s), () => O.failingCriteria(deps, y, s));
      await same(`rateIndicators ${y} ${s}`, () => N.rateIndicators(deps, y, s), () => O.rateIndicators(deps, y, s));
      await same(`communes ${y} ${s}`, () => N.communes(deps, y, s), () => O.communes(deps, y, s));
      await same(`communePoints ${y} ${s}`, () => N.communePoints(deps, y, s), () => O.communePoints(deps, y, s));
    }
  }
  const codes = (await deps.db.selectFrom('package').select('unit_code').distinct().execute()).map((r) => r.unit_code);
  for (const c of [...codes, '29269', '00004']) await same(`commune ${c}`, () => N.commune(deps, c), () => O.commune(deps, c));
  return calls;
}

const dump = async () => ({
  counted: (await sql`select * from counted order by year, unit_edition, unit_code`.execute(deps.db)).rows,
  criteria: (await sql`select * from counted_criterion order by year, unit_edition, unit_code, criterion_id`.execute(deps.db)).rows,
  rates: (await sql`select * from counted_rate order by year, unit_edition, unit_code, indicator_id`.execute(deps.db)).rows,
});

beforeAll(async () => {
  ({ dir, cleanup } = tempDir('cfc-dash-counted-'));
  service = testService(path.join(dir, 'data'));
  await service.call('profile.set', { role: 'province', unitCode: '86', organisation: 'Sở Y tế tỉnh Vĩnh Long', userName: 'Phạm Thu', userTitle: 'Chuyên viên' });
  deps = { db: (await service.open()).db, units, packs: packRegistry(checkoutResourcesDir) };
  const plan: [string, number[], number][] = [
    // Districts of the 2025-03-01 catalogue: the years before the reform (from 2025 their communes are refused).
    ['844', [2022, 2023, 2024], 11],
    ['058', [2023, 2024], 12],
    ['842', [2023, 2024], 13], // 2022 is left for the hand-made cases below
    ['060', [2023, 2024], 14],
  ];
  for (const [scope, years, seed] of plan) gens.push(await generate({ scope, years, dir: path.join(dir, 'gen', scope), seed }));
}, 600_000);

afterAll(async () => {
  await service?.close();
  cleanup?.();
});

describe('the counted table gives the same dashboard as the queries it replaces', () => {
  it('starts empty: every call equal on an empty store', async () => {
    expect(await compareAll()).toBe(1 + SCOPES.length * (1 + YEARS.length * 5) + 2);
    expect((await dump()).counted).toEqual([]);
  });

  it('after a first import (two districts of two provinces), every call equal', async () => {
    for (const g of gens.slice(0, 2)) {
      await trust(g.keys);
      await importDir(g.dir);
    }
    await compareAll();
    const ov = await N.overview(deps, 2024, '84');
    expect(ov.total.assessed).toBeGreaterThan(5);
    expect(ov.total.recognised + ov.total.recognisedSelf).toBeGreaterThan(0);
  }, 300_000);

  it('after a second import and hand-made cases arriving out of order, every call equal; a rejected package changes nothing', async () => {
    for (const g of gens.slice(2)) {
      await trust(g.keys);
      await importDir(g.dir);
    }
    const out = path.join(dir, 'cases');
    const r = rng(7);
    const deps0 = { packs, editions, app: APP };
    const key = (c: string) => gens.flatMap((g) => g.keys).find((k) => k.role === 'commune' && k.unitCode === c)!;
    const districtKey = (d: string) => gens.flatMap((g) => g.keys).find((k) => k.role === 'assessor' && k.unitCode === d)!;
    let n = 0;
    const next = () => {
      const d = path.join(out, String(n++));
      fs.mkdirSync(d, { recursive: true });
      return d;
    };
    const self = async (c: string, year: number, extra: Record<string, unknown>, now: string, k = key(c)) =>
      createFromInput(deps0, { pack: 'qd06-2019', unitClass: 'other', unitCode: c, unitEdition: '2025-03-01', year, values: valuesFor(r, 0.9, null), ...extra }, null, k, next(), { name: k.row.holder_name, now });
    const review = async (c: string, inner: Exported, decision: 'recognised' | 'not_recognised' | 'returned', now: string, revision = 1, findings = 'Đoàn đã kiểm tra.') =>
      createReview(
        { ...deps0, trust: trustOf([key(c)]) },
        inner.file,
        { values: valuesFor(r, decision === 'recognised' ? 1 : 0.2, decision === 'recognised' ? null : '3'), decision, reasons: decision === 'recognised' ? [] : ['Thiếu hồ sơ'], findings, team: [{ name: 'Trưởng đoàn', title: 'Trưởng đoàn' }], revision },
        districtKey('842'),
        next(),
        { name: 'Trưởng đoàn', now },
      );
    const [a, b, c2, d, e] = units.communesUnder('842').map((u) => u.code);
    const at = (day: number) => `2022-10-${String(day).padStart(2, '0')}T08:00:00.000Z`;
    const folder = (x: Exported) => path.dirname(x.file);
    // Several dossiers of one commune and year: the most recently created counts, the other is an alternative.
    await importDir(folder(await self(a!, 2022, { assessmentId: crypto.randomUUID() }, at(2))));
    const later = await self(a!, 2022, { assessmentId: crypto.randomUUID() }, at(5));
    await importDir(folder(later));
    // Two different reviews of the same revision: a conflict, counted as assessed, never as recognised.
    const s1 = await self(b!, 2022, { revision: 1 }, at(1));
    await importDir(folder(await review(b!, s1, 'not_recognised', at(10), 1, 'Bản A')));
    await importDir(folder(await review(b!, s1, 'not_recognised', at(11), 1, 'Bản B')));
    // A resubmission imported before the review it answers; then a second review, of the resubmission.
    const t1 = await self(c2!, 2022, { revision: 1 }, at(1));
    const t2 = await self(c2!, 2022, { revision: 2, supersedes: t1.manifestSha256, assessmentId: t1.manifest.assessmentId }, at(20));
    await importDir(folder(t2));
    await importDir(folder(await review(c2!, t1, 'returned', at(12))));
    await compareAll();
    expect((await N.communes(deps, 2022, '842')).rows.find((x) => x.code === c2)).toMatchObject({ resubmitted: true, reviewed: false });
    await importDir(folder(await review(c2!, t2, 'recognised', at(25), 2)));
    // A new dossier (another assessment) after a review: the review still counts.
    const u1 = await self(d!, 2022, {}, at(1));
    await importDir(folder(await review(d!, u1, 'recognised', at(9))));
    await importDir(folder(await self(d!, 2022, { assessmentId: crypto.randomUUID() }, at(28))));
    // An untrusted package, accepted with a reason.
    const stranger = makeKey('commune', e!, 'Người lạ', '2025-03-01');
    await importDir(folder(await self(e!, 2022, {}, at(3), stranger)), { acceptUntrusted: true, reason: 'Đã gọi điện xác nhận' });
    // A rejected package (not a package at all) writes nothing, the counted tables included.
    const before = await dump();
    fs.writeFileSync(path.join(out, 'hong.cfcpkg'), 'không phải gói');
    const bad = await service.call('packages.import', { paths: [path.join(out, 'hong.cfcpkg')] });
    expect(bad.summary.rejected).toBe(1);
    expect(await dump()).toEqual(before);

    await compareAll();
    const rows = new Map((await N.communes(deps, 2022, '842')).rows.map((x) => [x.code, x]));
    expect(rows.get(a!)).toMatchObject({ alternatives: 1, manifestSha256: later.manifestSha256 });
    expect(rows.get(a!)?.status).not.toBe('conflict');
    expect(rows.get(b!)).toMatchObject({ status: 'conflict', reviewed: true, alternatives: 1 });
    expect(rows.get(c2!)).toMatchObject({ status: 'recognised', reviewed: true, resubmitted: false });
    expect(rows.get(d!)).toMatchObject({ status: 'recognised', reviewed: true, alternatives: 0 });
    expect(rows.get(e!)?.status).not.toBe('not_assessed');
    // Every status of the rules occurs somewhere in the data compared.
    const seen = new Set<string>();
    for (const y of YEARS) for (const x of (await N.communes(deps, y, null)).rows) seen.add(x.status);
    for (const st of ['conflict', 'not_assessed', 'not_recognised', 'recognised', 'returned', 'self_not_recognised', 'self_recognised']) expect([...seen], st).toContain(st);
  }, 300_000);

  it('the table kept import by import equals the table rebuilt from scratch (what migration 0009 does)', async () => {
    const kept = await dump();
    expect(kept.counted.length).toBeGreaterThan(80);
    await deps.db.transaction().execute((trx) => N.rebuildCounted(trx));
    expect(await dump()).toEqual(kept);
  });
});
