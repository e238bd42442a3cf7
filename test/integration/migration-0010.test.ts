import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from '../../src/core/store/db';
import { migrations } from '../../src/core/store/migrations';
import { SEED_TARGET_SOURCE } from '../../src/core/store/migrations/0004_targets';
import { tempDir } from '../helpers';

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

const before = Object.fromEntries(Object.entries(migrations).filter(([name]) => name < '0010'));
const upTo0010 = Object.fromEntries(Object.entries(migrations).filter(([name]) => name < '0011'));

describe('migration 0010_reform_targets', () => {
  it("attaches the seed plan's targets to the former Trà Vinh (84 of 2025-03-01), keeps the others, and makes a target per edition", async () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    const old = await openStore(t.dir, { migrations: before });
    const now = '2025-01-10T08:00:00.000Z';
    // The seed's 2025 target was edited by a user (its rate), the 2030 one is as seeded; a province set its own; a
    // national target with another source.
    await sql`update target set rate_percent = 66, updated_by = 'Phạm Thu' where year = 2025`.execute(old.db);
    await sql`insert into target (scope_code, year, rate_percent, source, updated_at, updated_by) values ('01', 2030, 90, 'Kế hoạch Hà Nội', ${now}, 'Lan')`.execute(old.db);
    await sql`insert into target (scope_code, year, rate_percent, source, updated_at, updated_by) values (null, 2035, 80, 'Chỉ tiêu chung', ${now}, 'Lan')`.execute(old.db);
    const historyBefore = (await sql`select * from target_history order by seq`.execute(old.db)).rows;
    await old.close();

    const st = await openStore(t.dir, { migrations: upTo0010 });
    expect(st.schemaVersion).toBe('0010_reform_targets');
    const rows = st.sqlite.prepare('select scope_code, unit_edition, year, rate_percent, source, updated_by from target order by year, scope_code').all();
    expect(rows).toEqual([
      { scope_code: '84', unit_edition: '2025-03-01', year: 2025, rate_percent: 66, source: SEED_TARGET_SOURCE, updated_by: 'Phạm Thu' },
      { scope_code: '01', unit_edition: '2025-03-01', year: 2030, rate_percent: 90, source: 'Kế hoạch Hà Nội', updated_by: 'Lan' },
      { scope_code: '84', unit_edition: '2025-03-01', year: 2030, rate_percent: 75, source: SEED_TARGET_SOURCE, updated_by: 'seed' },
      { scope_code: null, unit_edition: '2025-03-01', year: 2035, rate_percent: 80, source: 'Chỉ tiêu chung', updated_by: 'Lan' },
    ]);
    // The history keeps every earlier entry and records the move of each seed target.
    const history = st.sqlite.prepare('select * from target_history order by seq').all() as { action: string; old_json: string; new_json: string; by: string }[];
    expect(history.slice(0, historyBefore.length)).toEqual(historyBefore);
    const added = history.slice(historyBefore.length);
    expect(added.map((h) => [h.action, JSON.parse(h.old_json).scopeCode, JSON.parse(h.new_json).scopeCode, JSON.parse(h.new_json).unitEdition])).toEqual([
      ['updated', null, '84', '2025-03-01'],
      ['updated', null, '84', '2025-03-01'],
    ]);
    expect(added.every((h) => /migration 0010/.test(h.by))).toBe(true);
    // One target per province, edition and year: 86 of each edition may hold the same year; not twice in one.
    const ins = st.sqlite.prepare("insert into target (scope_code, unit_edition, year, rate_percent, source, updated_at, updated_by) values (?, ?, 2030, 70, 's', 'now', 'x')");
    ins.run('86', '2025-07-01');
    ins.run('86', '2025-03-01');
    expect(() => ins.run('86', '2025-07-01')).toThrow(/UNIQUE/);
    // Without a scope the edition does not tell two targets apart.
    expect(() => st.sqlite.prepare("insert into target (scope_code, unit_edition, year, rate_percent, source, updated_at, updated_by) values (null, '2025-07-01', 2035, 1, 's', 'now', 'x')").run()).toThrow(/UNIQUE/);
    await st.close();
  });
});
