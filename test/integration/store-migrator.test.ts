import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, Migrator, SqliteDialect, sql, type Migration } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { CfcError } from '../../src/core/errors';
import { databasePath } from '../../src/core/paths';
import { openStore } from '../../src/core/store/db';
import { migrations } from '../../src/core/store/migrations';
import { backupPath, migrationChecksums } from '../../src/core/store/migrator';
import { writeTransaction } from '../../src/core/store/write';
import { repoRoot, snapshotDir, tempDir } from '../helpers';

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));
function dir() {
  const t = tempDir();
  cleanups.push(t.cleanup);
  return t.dir;
}

const names = Object.keys(migrations);

/** Each shipped migration's checksum, as the databases that applied it have it recorded. */
const SHIPPED: Record<string, string> = {
  '0001_initial': '9e98d768cadccf6364acd4481b8e32b5612a42593486f541578b3dc7d35592b9',
  '0002_assessments': '6a2f63f2888700763182e059f4a4421a54d37216ee3ef03ae38cb7d551419946',
  '0003_packages': 'dd7a10508900c4ef58f3569584116e3005b91f0407e5d3824e5318449bcbeb59',
  '0004_targets': 'a2cb92ec97a06edfa0834bcca3c65050116d3bd7b09da59d06e46859e2255a6e',
  '0005_reviews': 'ea52f08a04c040298ddf1307950398e42d57f928e8404214b7403fa3f2b0e76e',
  '0006_review_evidence': '0031dbbf3d3f1ea05878f0a345d470d1a84ff4ab7e8aa9090360ebeb3a601617',
  '0007_integrity': '6ff61aa4453d9c03ba2955aada2e1c2ada82b6ddceb1b6ffbf8c83876a5cf01e',
  '0008_unit_editions': 'b0ba06ed30bf6c3de842a7d86705edb15feb302e137cd19ee8d5a2546442aec3',
  '0009_counted': 'a6e628b3ad367b5614393b4ba01842687e43cc2a7e3fd0fb22ae27a2193be27d',
  '0010_reform_targets': '85b43bd6915de141376767fd1bff5331abcabf1b6ad528dfab6f586c92039f56',
};
/** The known migrations up to and including `last`. */
function upTo(last: string): Record<string, Migration> {
  return Object.fromEntries(names.slice(0, names.indexOf(last) + 1).map((n) => [n, migrations[n]!]));
}

async function rejection(p: Promise<unknown>): Promise<CfcError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(CfcError);
    return e as CfcError;
  }
  throw new Error('expected a rejection');
}

/** A database made the way the app made them before this migrator: Kysely's Migrator, names and timestamps only. */
async function legacyDatabase(d: string, list: Record<string, Migration>): Promise<void> {
  fs.mkdirSync(d, { recursive: true });
  const sqlite = new SQLite(databasePath(d));
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('foreign_keys = ON');
  const db = new Kysely<unknown>({ dialect: new SqliteDialect({ database: sqlite }) });
  const migrator = new Migrator({ db, provider: { getMigrations: async () => list }, migrationTableName: 'kysely_migration' });
  const { error } = await migrator.migrateToLatest();
  if (error) throw error;
  await sql`insert into profile (id, role, unit_code, organisation, user_name, user_title, created_at, updated_at) values (1, 'commune', '29269', 'UBND', 'Chị Lan', 'Chủ tịch', 't', 't')`.execute(db);
  await db.destroy();
}

function query<T>(d: string, q: string): T[] {
  const ro = new SQLite(databasePath(d), { readonly: true });
  try {
    return ro.prepare(q).all() as T[];
  } finally {
    ro.close();
  }
}

const tables = (d: string) => query<{ name: string }>(d, "select name from sqlite_master where type = 'table' order by name").map((r) => r.name);

describe('migrator', () => {
  it('adopts a database made by the previous (Kysely) migrator: checksums recorded, data kept, opens again', async () => {
    const d = dir();
    await legacyDatabase(d, migrations);
    expect(query<{ n: number }>(d, "select count(*) as n from pragma_table_info('kysely_migration') where name = 'checksum'")[0]!.n).toBe(0);
    const store = await openStore(d);
    const rows = store.sqlite.prepare('select name, checksum from kysely_migration order by name').all() as { name: string; checksum: string }[];
    const sums = await migrationChecksums(migrations);
    expect(rows).toEqual(names.map((name) => ({ name, checksum: sums.get(name) })));
    expect(rows.every((r) => /^[0-9a-f]{64}$/.test(r.checksum))).toBe(true);
    expect(store.sqlite.prepare('select user_name from profile').get()).toEqual({ user_name: 'Chị Lan' });
    await store.close();
    await (await openStore(d)).close();
  });

  it('adopts an older legacy database and migrates it to the latest, with a copy taken before', async () => {
    const d = dir();
    await legacyDatabase(d, upTo('0003_packages'));
    const store = await openStore(d);
    expect((store.sqlite.prepare('select name from kysely_migration order by name').all() as { name: string }[]).map((r) => r.name)).toEqual(names);
    await store.close();
    const bak = backupPath(databasePath(d), '0003_packages', names.at(-1)!);
    expect(fs.existsSync(bak)).toBe(true);
  });

  it('a checksum depends on the statements a migration issues, not on its source text', async () => {
    const m = migrations['0003_packages']!;
    const wrapped: Migration = { up: async (db) => m.up(db) };
    const a = await migrationChecksums(migrations);
    const b = await migrationChecksums({ ...migrations, '0003_packages': wrapped });
    expect(b.get('0003_packages')).toBe(a.get('0003_packages'));
    const edited: Migration = {
      up: async (db) => {
        await m.up(db);
        await sql`create index package_extra on package (signer_name)`.execute(db);
      },
    };
    const c = await migrationChecksums({ ...migrations, '0003_packages': edited });
    expect(c.get('0003_packages')).not.toBe(a.get('0003_packages'));
    expect(c.get('0002_assessments')).toBe(a.get('0002_assessments'));
  });

  it('the shipped migrations issue the statements they shipped with (their checksums, as every database records them)', async () => {
    // A migration may call code that lives on (0009 fills the counted tables with the dashboard's own `rewrite`): a
    // change to that code that alters the statements the migration issues would make every store that applied it
    // refuse to open (db_migration_edited). A new migration is added here with the checksum it ships with.
    const sums = await migrationChecksums(migrations);
    expect(Object.fromEntries(sums)).toEqual(SHIPPED);
  });

  it('refuses a database whose applied migration was edited since, changing nothing', async () => {
    const d = dir();
    await (await openStore(d)).close();
    const before = snapshotDir(d);
    const m = migrations['0003_packages']!;
    const edited: Migration = {
      up: async (db) => {
        await m.up(db);
        await sql`create index package_extra on package (signer_name)`.execute(db);
      },
    };
    const e = await rejection(openStore(d, { migrations: { ...migrations, '0003_packages': edited } }));
    expect(e.code).toBe('db_migration_edited');
    expect(e.messages.en).toContain('"0003_packages"');
    expect(e.messages.en).toContain('edited');
    expect(e.messages.en).toContain('Nothing was changed');
    expect(e.messages.vi).toContain('đã bị sửa');
    expect(e.messages.vi).toContain('Dữ liệu không bị thay đổi');
    expect(snapshotDir(d)).toEqual(before);
    expect(fs.readdirSync(d).sort()).toEqual(Object.keys(before).sort());
  });

  it('refuses a migration that fails even on an empty scratch database, before touching the real one', async () => {
    const d = dir();
    await (await openStore(d)).close();
    const before = snapshotDir(d);
    const broken: Migration = { up: async (db) => void (await sql`create table profile (id integer)`.execute(db)) };
    const e = await rejection(openStore(d, { migrations: { ...migrations, '9999_broken': broken } }));
    expect(e.code).toBe('db_migration_failed');
    expect(e.messages.en).toContain('9999_broken');
    expect(e.messages.vi).toContain('9999_broken');
    expect(snapshotDir(d)).toEqual(before);
  });

  it('copies the database before migrating it, keeps the copy until the next successful start, then removes it', async () => {
    const d = dir();
    await (await openStore(d, { migrations: upTo('0004_targets') })).close();
    const s0 = await openStore(d, { migrations: upTo('0004_targets') });
    await s0.db.insertInto('setting').values({ key: 'k', value: 'before', updated_at: 't' }).execute();
    await s0.close();
    // A new database gets no copy.
    expect(fs.readdirSync(d).filter((f) => f.endsWith('.bak'))).toEqual([]);

    const s1 = await openStore(d);
    await s1.close();
    const bak = backupPath(databasePath(d), '0004_targets', names.at(-1)!);
    expect(fs.readdirSync(d).filter((f) => f.includes('.bak'))).toEqual([path.basename(bak)]);
    const copy = new SQLite(bak, { readonly: true });
    expect((copy.prepare('select name from kysely_migration order by name').all() as { name: string }[]).map((r) => r.name)).toEqual(names.slice(0, 4));
    expect(copy.prepare("select value from setting where key = 'k'").get()).toEqual({ value: 'before' });
    copy.close();

    await (await openStore(d)).close();
    expect(fs.readdirSync(d).filter((f) => f.includes('.bak'))).toEqual([]);
  });

  it('a failing migration leaves nothing of itself: no table, no record; the database stays at the previous one', async () => {
    const d = dir();
    const s0 = await openStore(d);
    await s0.db.insertInto('setting').values({ key: 'boom', value: '1', updated_at: 't' }).execute();
    await s0.close();
    const failing: Migration = {
      up: async (db) => {
        await sql`create table half_a (id integer primary key check (id < 10))`.execute(db);
        await sql`insert into half_a (id) values (1)`.execute(db);
        // Fails on the real database only (its data has a 'boom' setting), as a data-dependent migration would.
        await sql`insert into half_a (id) select 100 from setting where key = 'boom'`.execute(db);
      },
    };
    const e = await rejection(openStore(d, { migrations: { ...migrations, '9999_half': failing } }));
    expect(e.code).toBe('db_migration_failed');
    expect(e.messages.en).toContain('9999_half');
    expect(e.messages.en).toContain('left at the previous migration');
    expect(e.messages.vi).toContain('vẫn ở bước trước đó');
    expect(tables(d)).not.toContain('half_a');
    expect(query<{ name: string }>(d, 'select name from kysely_migration').map((r) => r.name)).toEqual(names);

    const fixed: Migration = { up: async (db) => void (await sql`create table half_a (id integer primary key check (id < 1000))`.execute(db)) };
    const store = await openStore(d, { migrations: { ...migrations, '9999_half': fixed } });
    expect(store.schemaVersion).toBe('9999_half');
    await store.close();
    expect(tables(d)).toContain('half_a');
  });

  it('a process killed in the middle of a migration: the next start succeeds, schema complete, no half table', async () => {
    const d = dir();
    const s0 = await openStore(d);
    await s0.db.insertInto('setting').values({ key: 'kept', value: 'yes', updated_at: 't' }).execute();
    await s0.close();

    // The one spawned process: it opens the store, its extra migration inserts a row, then it kills itself.
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/integration/store-crash.child.ts', d], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr.on('data', (b: Buffer) => (out += b.toString()));
    const exit = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
    expect(exit, out).toEqual({ code: null, signal: 'SIGKILL' });
    expect(out).not.toContain('not killed');

    // What the crash left: the previous schema, and the copy taken before the migration.
    expect(tables(d)).not.toContain('crash_a');
    expect(query<{ name: string }>(d, 'select name from kysely_migration order by name').map((r) => r.name)).toEqual(names);
    expect(fs.existsSync(backupPath(databasePath(d), names.at(-1)!, '9999_crash'))).toBe(true);

    const complete: Migration = {
      up: async (db) => {
        await sql`create table crash_a (id integer primary key, label text not null)`.execute(db);
        await sql`create table crash_b (id integer primary key)`.execute(db);
      },
    };
    const store = await openStore(d, { migrations: { ...migrations, '9999_crash': complete } });
    expect(store.schemaVersion).toBe('9999_crash');
    expect(store.sqlite.prepare('select count(*) as n from crash_a').get()).toEqual({ n: 0 });
    expect(store.sqlite.prepare('select count(*) as n from crash_b').get()).toEqual({ n: 0 });
    expect(store.sqlite.prepare("select value from setting where key = 'kept'").get()).toEqual({ value: 'yes' });
    expect(store.sqlite.pragma('integrity_check', { simple: true })).toBe('ok');
    await store.close();
  });

  it('a write transaction holds the one connection: a query started meanwhile never sees its uncommitted rows', async () => {
    const store = await openStore(dir());
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const tx = writeTransaction(store.db, async (trx) => {
      await trx.insertInto('setting').values({ key: 'uncommitted', value: '1', updated_at: 't' }).execute();
      await gate;
      throw new Error('rolled back');
    }).catch((e: Error) => e.message);
    // Started while the transaction is open (its insert done, it waits on the gate): on the same connection, an
    // interleaved query would see the uncommitted row.
    const outside = store.db.selectFrom('setting').select('key').execute();
    await new Promise<void>((r) => setImmediate(r));
    release();
    expect(await tx).toBe('rolled back');
    expect(await outside).toEqual([]);
    await store.close();
  });
});
