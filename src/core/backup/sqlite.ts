import fs from 'node:fs';
import SQLite from 'better-sqlite3';

/** Read-only looks into a database file that is not the open store (a backup's copy). */

function readOnly<T>(file: string, f: (db: SQLite.Database) => T): T {
  // A read-only connection to a WAL database may leave -wal/-shm files behind: remove those it made itself.
  const sidecars = [`${file}-wal`, `${file}-shm`].filter((s) => !fs.existsSync(s));
  const db = new SQLite(file, { readonly: true, fileMustExist: true });
  try {
    return f(db);
  } finally {
    db.close();
    for (const s of sidecars) fs.rmSync(s, { force: true });
  }
}

/** The applied migrations, in order (none when the database has no migration table). */
export function readMigrations(file: string): string[] {
  return readOnly(file, (db) => {
    const has = db.prepare("select 1 from sqlite_master where type = 'table' and name = 'kysely_migration'").get();
    if (!has) return [];
    return (db.prepare('select name from kysely_migration order by name').all() as { name: string }[]).map((r) => r.name);
  });
}

/** Every user table and its row count. */
export function listTables(file: string): Record<string, number> {
  return readOnly(file, (db) => {
    const names = (db.prepare("select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name").all() as { name: string }[]).map((r) => r.name);
    const out: Record<string, number> = {};
    for (const n of names) out[n] = (db.prepare(`select count(*) as n from "${n.replace(/"/g, '""')}"`).get() as { n: number }).n;
    return out;
  });
}

/** SQLite's own integrity check: 'ok', or its first complaint. */
export function integrityCheck(file: string): string {
  try {
    return readOnly(file, (db) => {
      const rows = db.pragma('integrity_check') as { integrity_check: string }[];
      return rows[0]?.integrity_check ?? 'no answer';
    });
  } catch (e) {
    return (e as Error).message;
  }
}

/** The signing keys in a database copy, by how they are sealed (none when the table does not exist). */
export function signingKeyCounts(file: string): { kind: string; n: number }[] {
  return readOnly(file, (db) => {
    const has = db.prepare("select 1 from sqlite_master where type = 'table' and name = 'signing_key'").get();
    if (!has) return [];
    return db.prepare('select seal_kind as kind, count(*) as n from signing_key group by seal_kind order by seal_kind').all() as { kind: string; n: number }[];
  });
}
