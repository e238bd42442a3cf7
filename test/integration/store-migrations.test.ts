import type SQLite from 'better-sqlite3';
import type { Migration } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from '../../src/core/store/db';
import { migrations } from '../../src/core/store/migrations';
import { tempDir } from '../helpers';

/**
 * One test per migration: a database at the previous schema holding data, migrated by the next migration alone; the
 * data is kept and the new schema is there (tables, columns, indexes, triggers, seeded rows).
 */

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

const names = Object.keys(migrations);
function upTo(last: string | null): Record<string, Migration> {
  const n = last === null ? 0 : names.indexOf(last) + 1;
  return Object.fromEntries(names.slice(0, n).map((k) => [k, migrations[k]!]));
}

/** Opens a database at `prev`, lets `fill` write into it, then migrates it by `next` alone; returns a connection to it. */
async function migrated(prev: string | null, next: string, fill: (db: SQLite.Database) => void): Promise<SQLite.Database> {
  const t = tempDir();
  cleanups.push(t.cleanup);
  const s0 = await openStore(t.dir, { migrations: upTo(prev) });
  fill(s0.sqlite);
  await s0.close();
  const s1 = await openStore(t.dir, { migrations: upTo(next) });
  expect(s1.schemaVersion).toBe(next);
  const applied = (s1.sqlite.prepare('select name from kysely_migration order by name').all() as { name: string }[]).map((r) => r.name);
  expect(applied).toEqual(names.slice(0, names.indexOf(next) + 1));
  cleanups.unshift(() => void s1.close());
  return s1.sqlite;
}

const objects = (db: SQLite.Database, type: string) =>
  (db.prepare("select name from sqlite_master where type = ? and name not like 'sqlite_%' order by name").all(type) as { name: string }[]).map((r) => r.name);
const columns = (db: SQLite.Database, table: string) => (db.prepare(`pragma table_info(${table})`).all() as { name: string }[]).map((c) => c.name);
const rows = (db: SQLite.Database, q: string) => db.prepare(q).all();

const T = '2026-01-01T00:00:00.000Z';
const profile = (db: SQLite.Database) => {
  db.prepare("insert into profile values (1, 'commune', '29269', 'UBND', 'Chị Lan', 'Chủ tịch', ?, ?)").run(T, T);
  db.prepare("insert into setting values ('evidenceMaxMb', '50', ?)").run(T);
};
const assessment = (db: SQLite.Database, id: string, status = 'draft', year = 2026, createdAt = T) => {
  db.prepare(
    "insert into assessment (id, assessment_id, revision, unit_code, year, unit_class, pack_id, pack_version, pack_sha256, status, created_by, created_at, updated_at) values (?, ?, 1, '29269', ?, 'other', 'qd06-2019', '1', 'p', ?, 'Lan', ?, ?)",
  ).run(id, `a-${id}`, year, status, createdAt, T);
  db.prepare("insert into assessment_value (revision_id, indicator_id, value_json, note, updated_at) values (?, '2.1', '{\"numerator\":1,\"denominator\":2}', 'sổ', ?)").run(id, T);
  db.prepare("insert into audit (assessment_id, revision_id, at, actor, action) values (?, ?, ?, 'Lan', 'create')").run(`a-${id}`, id, T);
};
const pkg = (db: SQLite.Database, m: string) =>
  db
    .prepare(
      `insert into package (manifest_sha256, kind, package_id, assessment_id, revision, unit_code, unit_name, year, unit_class, pack_id, pack_version, pack_sha256, created_at, total, verdict, provisional, signer_key_id, signer_name, signer_role, outcome, trust_decision, decided_by, decided_at, state, file_size, manifest_json, assessment_json, imported_at, imported_by)
       values (?, 'self-assessment', 'pk', 'as-1', 1, '29269', 'Xã Mỹ Cẩm', 2026, 'other', 'qd06-2019', '1', 'p', ?, 875, 'recognised', 1, 'k', 'Lan', 'commune', 'valid', 'verified', 'Bình', ?, 'current', 10, '{}', '{}', ?, 'Bình')`,
    )
    .run(m, T, T, T);
const review = (db: SQLite.Database, m: string, state = 'in_review') =>
  db
    .prepare(
      `insert into review (id, assessment_id, unit_code, year, subject_sha256, subject_revision, state, decided_at, created_by, created_at, updated_at) values ('rv1', 'as-1', '29269', 2026, ?, 1, ?, ?, 'Bình', ?, ?)`,
    )
    .run(m, state, state === 'in_review' ? null : T, T, T);
const M = 'c'.repeat(64);

describe('each migration, from a database at the previous schema holding data', () => {
  it('0001_initial: profile and setting from nothing; one profile row only', async () => {
    const db = await migrated(null, '0001_initial', () => undefined);
    expect(objects(db, 'table')).toEqual(['kysely_migration', 'profile', 'setting']);
    profile(db);
    expect(() => db.prepare("insert into profile values (2, 'commune', '1', 'o', 'u', 't', 'x', 'x')").run()).toThrow(/CHECK/);
  });

  it('0002_assessments: profile and settings kept; assessment tables, indexes and append-only audit', async () => {
    const db = await migrated('0001_initial', '0002_assessments', profile);
    expect(rows(db, 'select user_name from profile')).toEqual([{ user_name: 'Chị Lan' }]);
    expect(rows(db, 'select key, value from setting')).toEqual([{ key: 'evidenceMaxMb', value: '50' }]);
    for (const t of ['assessment', 'assessment_value', 'evidence', 'audit']) expect(objects(db, 'table')).toContain(t);
    expect(objects(db, 'index')).toEqual(expect.arrayContaining(['assessment_unit_year', 'assessment_year_status', 'evidence_revision', 'evidence_sha256', 'audit_revision']));
    assessment(db, 'r1');
    expect(() => db.prepare('delete from audit').run()).toThrow(/append-only/);
  });

  it('0003_packages: assessments kept; keys, trust store, exports and imported packages', async () => {
    const db = await migrated('0002_assessments', '0003_packages', (d) => {
      profile(d);
      assessment(d, 'r1');
    });
    expect(rows(db, 'select id, status from assessment')).toEqual([{ id: 'r1', status: 'draft' }]);
    expect(rows(db, 'select indicator_id, note from assessment_value')).toEqual([{ indicator_id: '2.1', note: 'sổ' }]);
    expect(rows(db, 'select count(*) as n from audit')).toEqual([{ n: 1 }]);
    for (const t of ['signing_key', 'trusted_key', 'package_export', 'package', 'package_value', 'package_evidence', 'package_audit']) expect(objects(db, 'table')).toContain(t);
    pkg(db, M);
    expect(() => pkg(db, 'short')).toThrow(/CHECK/);
  });

  it('0004_targets: packages kept; targets seeded (2025: 65 %, 2030: 75 %) with their history, dashboard indexes', async () => {
    const db = await migrated('0003_packages', '0004_targets', (d) => {
      profile(d);
      pkg(d, M);
    });
    expect(rows(db, 'select manifest_sha256, total from package')).toEqual([{ manifest_sha256: M, total: 875 }]);
    expect(rows(db, 'select year, rate_percent from target order by year')).toEqual([
      { year: 2025, rate_percent: 65 },
      { year: 2030, rate_percent: 75 },
    ]);
    expect(rows(db, 'select count(*) as n from target_history')).toEqual([{ n: 2 }]);
    expect(objects(db, 'index')).toEqual(expect.arrayContaining(['target_scope_year', 'package_dashboard', 'package_year']));
  });

  it('0005_reviews: packages and targets kept; review tables and the append-only review trail', async () => {
    const db = await migrated('0004_targets', '0005_reviews', (d) => {
      pkg(d, M);
      d.prepare("update target set rate_percent = 70 where year = 2025").run();
    });
    expect(rows(db, 'select count(*) as n from package')).toEqual([{ n: 1 }]);
    expect(rows(db, 'select rate_percent from target where year = 2025')).toEqual([{ rate_percent: 70 }]);
    for (const t of ['review', 'review_value', 'review_finding', 'review_audit']) expect(objects(db, 'table')).toContain(t);
    review(db, M);
    db.prepare("insert into review_audit (review_id, subject_sha256, subject_revision, at, actor, action) values ('rv1', ?, 1, ?, 'Bình', 'open')").run(M, T);
    expect(() => db.prepare('update review_audit set actor = ?').run('x')).toThrow(/append-only/);
  });

  it('0006_review_evidence: reviews kept; the team evidence table and its indexes', async () => {
    const db = await migrated('0005_reviews', '0006_review_evidence', (d) => {
      pkg(d, M);
      review(d, M);
      d.prepare("insert into review_value (review_id, indicator_id, criterion_id, value_json, updated_at) values ('rv1', '2.1', '2', '1', ?)").run(T);
    });
    expect(rows(db, 'select id, state from review')).toEqual([{ id: 'rv1', state: 'in_review' }]);
    expect(rows(db, 'select indicator_id, value_json from review_value')).toEqual([{ indicator_id: '2.1', value_json: '1' }]);
    expect(columns(db, 'review_evidence')).toEqual(['id', 'review_id', 'indicator_id', 'sha256', 'name', 'media_type', 'size', 'added_by', 'added_at', 'removed_at', 'removed_by']);
    expect(objects(db, 'index')).toEqual(expect.arrayContaining(['review_evidence_review', 'review_evidence_sha256']));
  });

  it('0007_integrity: data kept; two legacy first revisions of one commune and year are kept, the later one marked; triggers and the unique index', async () => {
    const db = await migrated('0006_review_evidence', '0007_integrity', (d) => {
      profile(d);
      assessment(d, 'first', 'submitted', 2026, '2026-01-01T00:00:00.000Z');
      // Two quick creates before 0007 made a second assessment of the same commune and year.
      assessment(d, 'second', 'draft', 2026, '2026-01-01T00:00:01.000Z');
      assessment(d, 'other-year', 'draft', 2027);
      pkg(d, M);
      review(d, M, 'recognised');
    });
    expect(rows(db, 'select id, status, legacy_duplicate from assessment order by id')).toEqual([
      { id: 'first', status: 'submitted', legacy_duplicate: 0 },
      { id: 'other-year', status: 'draft', legacy_duplicate: 0 },
      { id: 'second', status: 'draft', legacy_duplicate: 1 },
    ]);
    expect(rows(db, 'select count(*) as n from assessment_value')).toEqual([{ n: 3 }]);
    expect(objects(db, 'index')).toContain('assessment_first_revision');
    expect(objects(db, 'trigger')).toEqual(
      expect.arrayContaining([
        'assessment_value_submitted_no_insert',
        'assessment_value_submitted_no_update',
        'assessment_value_submitted_no_delete',
        'evidence_submitted_no_insert',
        'review_value_decided_no_update',
        'review_finding_decided_no_delete',
        'review_evidence_decided_no_insert',
        'review_decided_team',
        'review_decided_reasons',
      ]),
    );
    // The submitted legacy revision is now read-only in SQL; the marked duplicate stays editable (it is a draft).
    expect(() => db.prepare("update assessment_value set note = 'x' where revision_id = 'first'").run()).toThrow(/cfc_read_only/);
    db.prepare("update assessment_value set note = 'x' where revision_id = 'second'").run();
    // A third first revision for 2026 is refused by the index.
    expect(() => assessment(db, 'third', 'draft', 2026)).toThrow(/UNIQUE constraint failed/);
  });
});
