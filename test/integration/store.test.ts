import fs from 'node:fs';
import { sql, type Kysely, type Migration } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from '../../src/core/store/db';
import { migrations } from '../../src/core/store/migrations';
import { CfcError } from '../../src/core/errors';
import { databasePath } from '../../src/core/paths';
import path from 'node:path';
import { snapshotDir, tempDir } from '../helpers';

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));
function dir() {
  const t = tempDir();
  cleanups.push(t.cleanup);
  return t.dir;
}

const extra: Migration = {
  up: async (db: Kysely<unknown>) => {
    await sql`create table extra (id integer primary key)`.execute(db);
  },
};

async function rejection(p: Promise<unknown>): Promise<CfcError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(CfcError);
    return e as CfcError;
  }
  throw new Error('expected a rejection');
}

describe('store', () => {
  it('creates the database with WAL, foreign keys and every migration applied', async () => {
    const d = dir();
    const store = await openStore(d);
    expect(store.sqlite.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(store.sqlite.pragma('foreign_keys', { simple: true })).toBe(1);
    const applied = store.sqlite.prepare('select name from kysely_migration order by name').all() as { name: string }[];
    expect(applied.map((r) => r.name)).toEqual(Object.keys(migrations));
    expect(store.schemaVersion).toBe(Object.keys(migrations).at(-1));
    await store.close();
    expect(fs.existsSync(databasePath(d))).toBe(true);
  });

  it('opens an existing database again without change, and applies a new migration appended to the list', async () => {
    const d = dir();
    await (await openStore(d)).close();
    await (await openStore(d)).close();
    const store = await openStore(d, { migrations: { ...migrations, '9999_extra': extra } });
    expect(store.schemaVersion).toBe('9999_extra');
    expect(store.sqlite.prepare("select name from sqlite_master where name = 'extra'").get()).toBeTruthy();
    await store.close();
  });

  it('refuses a database made by a newer version (an unknown applied migration), changing nothing', async () => {
    const d = dir();
    await (await openStore(d, { migrations: { ...migrations, '9999_extra': extra } })).close();
    const before = snapshotDir(d);
    const e = await rejection(openStore(d));
    expect(e.code).toBe('db_migrations_mismatch');
    expect(e.messages.en).toContain('9999_extra');
    expect(e.messages.en).toContain('newer version');
    expect(e.messages.vi).toContain('phiên bản mới hơn');
    expect(snapshotDir(d)).toEqual(before);
    expect(fs.readdirSync(d).sort()).toEqual([path.basename(databasePath(d))]); // the check left no -wal/-shm behind
  });

  it('refuses a database whose applied migrations are out of order (not a prefix), changing nothing', async () => {
    const d = dir();
    await (await openStore(d)).close();
    const before = snapshotDir(d);
    // This version knows a migration that sorts before the one the database has applied: a different branch.
    const e = await rejection(openStore(d, { migrations: { '0000_zzz': extra, ...migrations } }));
    expect(e.code).toBe('db_migrations_mismatch');
    expect(e.messages.en).toMatch(/step 1 is "0001_initial", expected "0000_zzz"/);
    expect(snapshotDir(d)).toEqual(before);
  });

  it('enforces the single-row profile and the role values in SQL too', async () => {
    const store = await openStore(dir());
    const now = new Date().toISOString();
    const row = { role: 'commune', unit_code: '29269', unit_edition: '2025-03-01', organisation: 'o', user_name: 'u', user_title: 't', created_at: now, updated_at: now };
    await store.db.insertInto('profile').values({ id: 1, ...row }).execute();
    await expect(store.db.insertInto('profile').values({ id: 2, ...row }).execute()).rejects.toThrow(/CHECK/);
    await expect(store.db.insertInto('profile').values({ id: 1, ...row, role: 'mayor' }).onConflict((oc) => oc.column('id').doUpdateSet({ role: 'mayor' })).execute()).rejects.toThrow(/CHECK/);
    await store.close();
  });
});
