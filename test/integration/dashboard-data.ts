/**
 * A generated province for the dashboard tests, e2e and benchmark: signed packages for every commune of a province (or
 * of the country), several years, a realistic spread (recognised, below the threshold, a criterion at 0, reviews that
 * disagree with the commune, returned dossiers, resubmissions, superseded revisions, conflicts, missing years), and
 * what each commune's counted figure must be, worked out here from the generated inputs, not from the app.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { createFromInput, type Signing } from '../../src/core/packages/export';
import { createReview } from '../../src/core/packages/review';
import { assess } from '../../src/core/scoring/assess';
import type { Manifest } from '../../src/core/packages/format';
import { editionForYear } from '../../src/core/dashboard/read';
import { editions, APP, makeKey, packs, publicKeyText, trustOf, type TestKey } from '../unit/packages/helpers';

export type Status = 'recognised' | 'not_recognised' | 'returned' | 'self_recognised' | 'self_not_recognised' | 'self_incomplete' | 'conflict' | 'not_assessed';

export interface Expected {
  code: string;
  /** The catalogue edition of the commune: the edition in force for the year (2025-03-01 before 2025, then 2025-07-01). */
  edition: string;
  year: number;
  status: Status;
  reviewed: boolean;
  selfTotal: number | null;
  teamTotal: number | null;
  provisional: boolean;
  resubmitted: boolean;
  unitClass: string | null;
  /** Points per criterion of the counted package (from its manifest). */
  criteria: Record<string, number> | null;
  /** The values of the counted package (team values when reviewed). */
  values: Record<string, unknown> | null;
  countedSha: string | null;
  /** Every package made for this commune and year. */
  packages: { sha: string; kind: 'self-assessment' | 'review'; revision: number; signer: string; keyId: string }[];
}

export interface Generated {
  dir: string;
  keyFiles: string[];
  keys: TestKey[];
  expected: Map<string, Expected>;
  packages: number;
  ms: number;
}

/** A small deterministic PRNG (mulberry32). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const rate = (r: () => number, den: [number, number], pct: [number, number]) => {
  const d = Math.round(den[0] + r() * (den[1] - den[0]));
  const n = Math.min(d, Math.max(0, Math.round((d * (pct[0] + r() * (pct[1] - pct[0]))) / 100)));
  return { numerator: n, denominator: d };
};

/** A commune's values for a year: quality q in [0, 1] moves the rates; `zero` forces one criterion to 0. */
export function valuesFor(r: () => number, q: number, zero: string | null): Record<string, unknown> {
  const v: Record<string, unknown> = {
    '1.1': true,
    '1.2': true,
    '1.3': r() < 0.9,
    '1.4': r() < 0.4 + q / 2,
    '2.1': rate(r, [60, 200], [95 + 4 * q, 100]),
    '3.1': 0,
    '3.2': r() < 0.8 ? 0 : 1 + Math.floor(r() * 2),
    '4.1': r() < 0.85 ? 0 : 1,
    '4.2': 0,
    '5.1': 0,
    '5.2': rate(r, [200, 500], [0, 2.5 - 1.5 * q]),
    '6.1': rate(r, [5, 30], [82 + 15 * q, 100]),
    '6.2': r() < 0.7 ? { numerator: 0, denominator: 0 } : { numerator: 1, denominator: 1 },
    '7.1': rate(r, [60, 150], [88 + 8 * q, 100]),
    '8.1': rate(r, [200, 600], [1, 9 - 4 * q]),
    '8.2': rate(r, [200, 600], [4, 16 - 6 * q]),
    '9.1': rate(r, [100, 300], [72 + 15 * q, 99]),
    '10.1': rate(r, [100, 300], [78 + 12 * q, 99]),
    '11.1': r() < 0.6 + q / 3,
    '11.2': true,
    '11.3': r() < 0.5 + q / 2,
    '12.1': r() < 0.7 + q / 4,
    '12.2': true,
    '12.3': r() < 0.4 + q / 2,
    '13.1': {
      groups: {
        children: (() => {
          const n = 30 + Math.floor(r() * 30);
          return { respondents: n, satisfied: Math.min(n, Math.round(n * (0.72 + 0.23 * q * r()))) };
        })(),
        adults: (() => {
          const n = 30 + Math.floor(r() * 20);
          return { respondents: n, satisfied: Math.min(n, Math.round(n * (0.7 + 0.25 * q * r()))) };
        })(),
      },
    },
  };
  if (zero === '3') Object.assign(v, { '3.1': 1, '3.2': 3 });
  if (zero === '5') Object.assign(v, { '5.1': 1, '5.2': { numerator: 9, denominator: 300 } });
  if (zero === '12') Object.assign(v, { '12.1': false, '12.2': false, '12.3': false });
  if (zero === '7') v['7.1'] = { numerator: 80, denominator: 100 };
  for (const k of Object.keys(v)) {
    const x = v[k] as { numerator?: number; denominator?: number };
    if (x && typeof x === 'object' && 'numerator' in x && x.numerator! > x.denominator!) x.numerator = x.denominator;
  }
  return v;
}

/** The team's values: mostly the commune's; sometimes stricter on one or two rates. */
function teamValues(r: () => number, self: Record<string, unknown>): Record<string, unknown> {
  const v = structuredClone(self);
  if (r() < 0.35) {
    for (const id of ['7.1', '10.1', '9.1'].filter(() => r() < 0.6)) {
      const x = v[id] as { numerator: number; denominator: number };
      v[id] = { numerator: Math.max(0, x.numerator - Math.ceil(x.denominator * (0.04 + r() * 0.08))), denominator: x.denominator };
    }
    if (r() < 0.3) v['1.4'] = false;
  }
  return v;
}

function summaryOf(m: Manifest) {
  return { total: m.summary.total, verdict: m.summary.verdict, provisional: m.summary.provisional, criteria: Object.fromEntries(m.summary.criteria.map((c) => [c.id, c.points])) };
}

export interface GenerateOptions {
  /**
   * A province code, or null for every province: one code for every year, or per edition, e.g.
   * `{ '2025-03-01': '84', '2025-07-01': '86' }` (the old Trà Vinh before 2025, the new Vĩnh Long from 2025).
   */
  scope: string | null | Record<string, string | null>;
  years: number[];
  dir: string;
  seed?: number;
  /** Sign self-assessments with one key per commune (realistic) or one key per province (national benchmark). */
  communeKeys?: boolean;
  onProgress?: (done: number, total: number) => void;
}

/** The edition in force for a year (the app's own rule: years before 2025 → 2025-03-01, from 2025 → 2025-07-01). */
export const editionOfYear = (year: number) => editionForYear(editions, year);

/** The communes generated for a year: the scope's communes in the edition in force that year. */
export function communesOf(scope: GenerateOptions['scope'], year: number) {
  const edition = editionOfYear(year);
  const code = scope !== null && typeof scope === 'object' ? (scope[edition] ?? null) : scope;
  return editions.get(edition).communesUnder(code);
}

export async function generate(o: GenerateOptions): Promise<Generated> {
  const started = Date.now();
  const r = rng(o.seed ?? 84);
  fs.mkdirSync(o.dir, { recursive: true });
  const pkgDir = path.join(o.dir, 'packages');
  const keyDir = path.join(o.dir, 'keys');
  fs.mkdirSync(pkgDir, { recursive: true });
  fs.mkdirSync(keyDir, { recursive: true });
  const keys = new Map<string, TestKey>();
  const keyFor = (role: 'commune' | 'assessor', edition: string, code: string, name: string) => {
    const id = `${role}:${edition}:${code}`;
    let k = keys.get(id);
    if (!k) {
      k = makeKey(role, code, name, edition);
      keys.set(id, k);
    }
    return k;
  };
  type Commune = ReturnType<typeof communesOf>[number];
  const selfKey = (c: Commune, edition: string) =>
    o.communeKeys === false ? keyFor('assessor', edition, c.provinceCode, `Sở LĐTBXH ${c.provinceCode}`) : keyFor('commune', edition, c.code, `Chủ tịch UBND ${c.name}`);
  const reviewKey = (c: Commune, edition: string) => {
    const d = editions.get(edition).ancestors(c.code).find((a) => a.level === 'district');
    return d ? keyFor('assessor', edition, d.code, `Trưởng đoàn ${d.name}`) : keyFor('assessor', edition, c.provinceCode, `Trưởng đoàn tỉnh ${c.provinceCode}`);
  };
  const deps = { packs, editions, app: APP };
  const expected = new Map<string, Expected>();
  let count = 0;
  const perYear = o.years.map((year) => ({ year, edition: editionOfYear(year), communes: communesOf(o.scope, year) }));
  // A commune's quality is drawn once per (edition, code) and improves over the years.
  const quality = new Map<string, number>();
  const qualityOf = (edition: string, code: string) => {
    const k = `${edition}:${code}`;
    if (!quality.has(k)) quality.set(k, r());
    return quality.get(k)!;
  };
  // Two commune-years with a conflict (two different revision 1 of the same assessment).
  const first = perYear[0]!;
  const last = perYear.at(-1)!;
  const conflictAt = new Set([`${last.communes[3]?.code}:${last.year}`, `${first.communes[Math.floor(first.communes.length / 2)]?.code}:${first.year}`]);
  const total = perYear.reduce((n, y) => n + y.communes.length, 0);
  let done = 0;

  const mk = async (key: Signing, c: string, year: number, values: Record<string, unknown>, extra: Record<string, unknown>, now: string, sub = '') => {
    const out = path.join(pkgDir, sub);
    fs.mkdirSync(out, { recursive: true });
    const w = await createFromInput(deps, { pack: 'qd06-2019', unitClass: 'other', unitCode: c, unitEdition: editionOfYear(year), year, values, ...extra }, null, key, out, { name: key.row.holder_name, now });
    count++;
    return w;
  };

  for (const [yi, { year, edition, communes }] of perYear.entries()) {
    for (const c of communes) {
      done++;
      if (done % 500 === 0) o.onProgress?.(done, total);
      const id = `${c.code}:${year}`;
      const exp: Expected = { code: c.code, edition, year, status: 'not_assessed', reviewed: false, selfTotal: null, teamTotal: null, provisional: false, resubmitted: false, unitClass: null, criteria: null, values: null, countedSha: null, packages: [] };
      expected.set(id, exp);
      if (r() < 0.08 && !conflictAt.has(id)) continue; // no dossier this year
      const q = Math.min(1, qualityOf(edition, c.code) + yi * 0.12);
      const zero = r() < 0.09 ? (['3', '5', '12', '7'] as const)[Math.floor(r() * 4)]! : null;
      const values = valuesFor(r, q, zero);
      const sk = selfKey(c, edition);
      const assessmentId = crypto.randomUUID();
      const selfAt = `${year}-10-0${1 + (yi % 8)}T08:00:00.000Z`;
      const note = (p: { manifestSha256: string; manifest: Manifest }, kind: 'self-assessment' | 'review', k: Signing) =>
        exp.packages.push({ sha: p.manifestSha256, kind, revision: p.manifest.revision, signer: k.row.holder_name, keyId: k.pair.keyId });

      if (conflictAt.has(id)) {
        const a = await mk(sk, c.code, year, values, { assessmentId, notes: { '1.1': 'bản A' } }, selfAt);
        const b = await mk(sk, c.code, year, values, { assessmentId, notes: { '1.1': 'bản B' } }, selfAt, 'conflict');
        note(a, 'self-assessment', sk);
        note(b, 'self-assessment', sk);
        const counted = a.manifestSha256 < b.manifestSha256 ? a : b; // same time and revision: the smaller hash is shown
        const s = summaryOf(counted.manifest);
        Object.assign(exp, { status: 'conflict', selfTotal: s.total, provisional: s.provisional, unitClass: 'other', criteria: s.criteria, values, countedSha: counted.manifestSha256 });
        continue;
      }

      let self = await mk(sk, c.code, year, values, { assessmentId, revision: 1 }, selfAt);
      note(self, 'self-assessment', sk);
      let selfValues = values;
      if (r() < 0.1) {
        // The commune corrected its dossier before anyone reviewed it: revision 2 supersedes revision 1.
        selfValues = { ...values, '1.4': true };
        self = await mk(sk, c.code, year, selfValues, { assessmentId, revision: 2, supersedes: self.manifestSha256 }, `${year}-10-20T08:00:00.000Z`);
        note(self, 'self-assessment', sk);
      }
      const ss = summaryOf(self.manifest);
      const reviewShare = [0.8, 0.7, 0.4][Math.min(yi, 2)]!;
      if (r() >= reviewShare) {
        const status = ss.verdict === 'recognised' ? 'self_recognised' : ss.verdict === 'incomplete' ? 'self_incomplete' : 'self_not_recognised';
        Object.assign(exp, { status, selfTotal: ss.total, provisional: ss.provisional, unitClass: 'other', criteria: ss.criteria, values: selfValues, countedSha: self.manifestSha256 });
        continue;
      }
      const team = teamValues(r, selfValues);
      const rk = reviewKey(c, edition);
      const returned = r() < 0.07;
      const trust = trustOf([sk]);
      const teamScore = assess({ pack: 'qd06-2019', unitClass: 'other', values: team, overrides: {} }, packs.require('qd06-2019'));
      const decision = returned ? 'returned' : teamScore.verdict === 'recognised' ? 'recognised' : 'not_recognised';
      const rv = await createReview(
        { ...deps, trust },
        self.file,
        { values: team, decision, reasons: returned ? ['Thiếu biên bản họp lấy ý kiến trẻ em'] : [], findings: 'Đoàn đã kiểm tra hồ sơ tại xã.', team: [{ name: rk.row.holder_name, title: 'Trưởng đoàn' }] },
        rk,
        pkgDir,
        { name: rk.row.holder_name, now: `${year}-11-15T08:00:00.000Z` },
      );
      count++;
      note(rv, 'review', rk);
      const ts = summaryOf(rv.manifest);
      if (returned && r() < 0.5) {
        // The commune answered the return with a new revision, not reviewed yet: it counts as self-assessed.
        const v2 = { ...selfValues, '11.1': true };
        const s2 = await mk(sk, c.code, year, v2, { assessmentId, revision: self.manifest.revision + 1, supersedes: self.manifestSha256 }, `${year}-12-01T08:00:00.000Z`);
        note(s2, 'self-assessment', sk);
        const x = summaryOf(s2.manifest);
        const status = x.verdict === 'recognised' ? 'self_recognised' : x.verdict === 'incomplete' ? 'self_incomplete' : 'self_not_recognised';
        Object.assign(exp, { status, selfTotal: x.total, provisional: x.provisional, unitClass: 'other', criteria: x.criteria, values: v2, countedSha: s2.manifestSha256, resubmitted: true });
        continue;
      }
      Object.assign(exp, {
        status: decision,
        reviewed: true,
        selfTotal: ss.total,
        teamTotal: ts.total,
        provisional: ts.provisional,
        unitClass: 'other',
        criteria: ts.criteria,
        values: team,
        countedSha: rv.manifestSha256,
      });
    }
  }
  const keyFiles: string[] = [];
  for (const k of keys.values()) {
    const f = path.join(keyDir, `${k.role}-${k.unitEdition}-${k.unitCode}.json`);
    fs.writeFileSync(f, publicKeyText(k));
    keyFiles.push(f);
  }
  return { dir: pkgDir, keyFiles, keys: [...keys.values()], expected, packages: count, ms: Date.now() - started };
}
