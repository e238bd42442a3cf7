import path from 'node:path';
import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as N from '../../src/core/dashboard';
import { packRegistry } from '../../src/core/criteria/registry';
import { openStore } from '../../src/core/store/db';
import { migrations } from '../../src/core/store/migrations';
import type { Database } from '../../src/core/store/schema';
import { checkoutResourcesDir } from '../../src/server/resources';
import { tempDir, testService } from '../helpers';
import * as O from '../oracle/dashboard-legacy';
import { publicKeyText, units } from '../unit/packages/helpers';
import { generate } from './dashboard-data';

/**
 * Migration 0009_counted on a database that already holds imported packages: from the schema before it (the same
 * packages copied row for row from a store that kept its counted tables import by import), migrate, and find the new
 * tables with their keys, filled with exactly what the imports kept, the packages untouched, the dashboard unchanged.
 */

let dir: string;
let cleanup: () => void;
let reference: string;
const before = Object.fromEntries(Object.entries(migrations).filter(([name]) => name < '0009_counted'));
const TABLES = ['trusted_key', 'package', 'package_value', 'package_evidence', 'package_audit'];

const dump = async (db: Kysely<Database>) => ({
  counted: (await sql`select * from counted order by year, unit_edition, unit_code`.execute(db)).rows,
  criteria: (await sql`select * from counted_criterion order by year, unit_edition, unit_code, criterion_id`.execute(db)).rows,
  rates: (await sql`select * from counted_rate order by year, unit_edition, unit_code, indicator_id`.execute(db)).rows,
});
const packages = async (db: Kysely<Database>) => (await sql`select * from package order by manifest_sha256`.execute(db)).rows;

beforeAll(async () => {
  ({ dir, cleanup } = tempDir('cfc-mig-0009-'));
  reference = path.join(dir, 'reference');
  const gen = await generate({ scope: '842', years: [2023, 2024], dir: path.join(dir, 'gen'), seed: 9 });
  const service = testService(reference);
  await service.call('profile.set', { role: 'province', unitCode: '86', organisation: 'Sở', userName: 'Phạm Thu', userTitle: 'Chuyên viên' });
  for (const k of gen.keys) await service.call('trust.add', { publicKey: publicKeyText(k) });
  const r = await service.call('packages.import', { paths: [gen.dir] });
  expect(r.summary.rejected).toBe(0);
  expect(r.summary.total).toBeGreaterThan(20);
  await service.close();
}, 300_000);

afterAll(() => cleanup?.());

describe('migration 0009_counted', () => {
  it('creates the counted tables and fills them from the packages already stored, changing nothing else', async () => {
    const old = path.join(dir, 'old');
    // A database at the schema before 0009, holding the reference's packages.
    const pre = await openStore(old, { migrations: before });
    expect(pre.schemaVersion < '0009_counted').toBe(true);
    pre.sqlite.prepare('attach database ? as ref').run(path.join(reference, 'cfc.sqlite'));
    for (const t of TABLES) pre.sqlite.prepare(`insert into ${t} select * from ref.${t}`).run();
    pre.sqlite.prepare('detach database ref').run();
    expect(pre.sqlite.prepare("select count(*) as n from sqlite_master where name like 'counted%'").get()).toEqual({ n: 0 });
    const stored = await packages(pre.db);
    expect(stored.length).toBeGreaterThan(20);
    await pre.close();

    const migrated = await openStore(old);
    const ref = await openStore(reference);
    try {
      expect(migrated.schemaVersion).toBe(Object.keys(migrations).at(-1));
      // The new schema: three tables keyed by (year, edition, commune[, criterion | indicator]), without rowid.
      const pk = (t: string) =>
        (migrated.sqlite.prepare(`pragma table_info(${t})`).all() as { name: string; pk: number }[])
          .filter((c) => c.pk > 0)
          .sort((a, b) => a.pk - b.pk)
          .map((c) => c.name);
      expect(pk('counted')).toEqual(['year', 'unit_edition', 'unit_code']);
      expect(pk('counted_criterion')).toEqual(['year', 'unit_edition', 'unit_code', 'criterion_id']);
      expect(pk('counted_rate')).toEqual(['year', 'unit_edition', 'unit_code', 'indicator_id']);
      const cols = (migrated.sqlite.prepare('pragma table_info(counted)').all() as { name: string }[]).map((c) => c.name);
      expect(cols).toEqual(expect.arrayContaining(['manifest_sha256', 'status', 'decision', 'verdict', 'self_total', 'team_total', 'provisional', 'unit_edition']));
      // The data: exactly what the reference kept import by import; every package as it was.
      const filled = await dump(migrated.db);
      expect(filled.counted.length).toBeGreaterThan(10);
      expect(filled.counted.every((r) => (r as { unit_edition: string }).unit_edition === '2025-03-01')).toBe(true);
      expect(filled).toEqual(await dump(ref.db));
      expect(await packages(migrated.db)).toEqual(stored);
      // And the dashboard reads the same as the old queries over the migrated database.
      const deps = { db: migrated.db, units, packs: packRegistry(checkoutResourcesDir) };
      for (const y of [2023, 2024]) {
        expect(await N.communes(deps, y, '84')).toEqual(await O.communes(deps, y, '84'));
        expect(await N.overview(deps, y, '84')).toEqual(await O.overview(deps, y, '84'));
      }
    } finally {
      await migrated.close();
      await ref.close();
    }
  });

  it('leaves the counted tables empty on a database without packages', async () => {
    const s = await openStore(path.join(dir, 'empty'));
    try {
      expect(await dump(s.db)).toEqual({ counted: [], criteria: [], rates: [] });
    } finally {
      await s.close();
    }
  });
});
