import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from '../../src/core/store/db';
import { migrations } from '../../src/core/store/migrations';
import { UNIT_EDITION_TABLES } from '../../src/core/store/migrations/0008_unit_editions';
import { tempDir } from '../helpers';

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

/** The migrations up to (not including) 0008, and up to 0008 itself. */
const before = Object.fromEntries(Object.entries(migrations).filter(([name]) => name < '0008'));
const upTo0008 = Object.fromEntries(Object.entries(migrations).filter(([name]) => name < '0009'));

describe('migration 0008_unit_editions', () => {
  it('gives every stored unit of a database at the previous schema the edition 2025-03-01, and new rows must name theirs', async () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    const old = await openStore(t.dir, { migrations: before });
    const now = '2025-01-10T08:00:00.000Z';
    await sql`insert into profile (id, role, unit_code, organisation, user_name, user_title, created_at, updated_at) values (1, 'commune', '29269', 'UBND xã Mỹ Cẩm', 'Hồng', 'Chủ tịch', ${now}, ${now})`.execute(old.db);
    await sql`insert into assessment (id, assessment_id, revision, unit_code, year, unit_class, unit_class_reason, pack_id, pack_version, pack_sha256, status, created_by, created_at, updated_at)
              values ('r1', 'a1', 1, '29269', 2024, 'other', null, 'qd06-2019', '1.0.0', ${'0'.repeat(64)}, 'draft', 'Hồng', ${now}, ${now})`.execute(old.db);
    await sql`insert into trusted_key (key_id, public_key, holder_name, holder_title, organisation, role, unit_code, source, status, added_at, added_by)
              values ('0123456789abcdef', 'x', 'Hồng', 'Chủ tịch', 'UBND', 'commune', '29269', 'file', 'trusted', ${now}, 'Hồng')`.execute(old.db);
    const targetsBefore = (await sql<{ n: number }>`select count(*) as n from target`.execute(old.db)).rows[0]!.n;
    await old.close();

    const st = await openStore(t.dir, { migrations: upTo0008 });
    expect(st.schemaVersion).toBe('0008_unit_editions');
    for (const table of UNIT_EDITION_TABLES) {
      const cols = st.sqlite.prepare(`pragma table_info(${table})`).all() as { name: string; notnull: number }[];
      expect(cols.find((c) => c.name === 'unit_edition'), table).toMatchObject({ notnull: 1 });
    }
    const rows = (t: string) => st.sqlite.prepare(`select unit_code, unit_edition from ${t}`).all();
    expect(rows('profile')).toEqual([{ unit_code: '29269', unit_edition: '2025-03-01' }]);
    expect(rows('assessment')).toEqual([{ unit_code: '29269', unit_edition: '2025-03-01' }]);
    expect(rows('trusted_key')).toEqual([{ unit_code: '29269', unit_edition: '2025-03-01' }]);
    const targets = st.sqlite.prepare('select unit_edition from target').all() as { unit_edition: string }[];
    expect(targets).toHaveLength(targetsBefore);
    expect(targets.every((r) => r.unit_edition === '2025-03-01')).toBe(true);
    // The values are dates; anything else is refused by the store itself.
    expect(() => st.sqlite.prepare("update profile set unit_edition = 'July'").run()).toThrow(/CHECK/);
    st.sqlite.prepare("update profile set unit_code = '29266', unit_edition = '2025-07-01'").run();
    expect(rows('profile')).toEqual([{ unit_code: '29266', unit_edition: '2025-07-01' }]);
    const indexes = (st.sqlite.prepare("select name from sqlite_master where type = 'index'").all() as { name: string }[]).map((r) => r.name);
    expect(indexes).toEqual(expect.arrayContaining(['package_unit_edition_year', 'assessment_unit_edition_year']));
    await st.close();
  });
});
