import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, Migrator, SqliteDialect, type MigrationProvider, type Migration } from 'kysely';
import { CfcError } from '../errors';
import { databasePath } from '../paths';
import type { Database } from './schema';
import { migrations as knownMigrations } from './migrations';

export interface Store {
  db: Kysely<Database>;
  /** The raw connection, for pragmas and synchronous transactions that must not interleave. */
  sqlite: SQLite.Database;
  path: string;
  /** The name of the last applied migration. */
  schemaVersion: string;
  close(): Promise<void>;
}

export interface OpenStoreOptions {
  /** Migrations to know, in order; the app's own list unless a test gives another. */
  migrations?: Readonly<Record<string, Migration>>;
}

const MIGRATION_TABLE = 'kysely_migration';

/**
 * Opens (creating if needed) the one SQLite database in `dataDir`: WAL, foreign keys on, all known migrations
 * applied. A database whose applied migrations are not a prefix of the known list (made by a newer version of the app,
 * or by a different branch of it) is refused before anything is written to it.
 */
export async function openStore(dataDir: string, opts: OpenStoreOptions = {}): Promise<Store> {
  const known = opts.migrations ?? knownMigrations;
  const knownNames = Object.keys(known);
  fs.mkdirSync(dataDir, { recursive: true });
  const file = databasePath(dataDir);
  const existed = fs.existsSync(file);
  if (existed) checkMigrationPrefix(file, knownNames);

  const sqlite = new SQLite(file);
  try {
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('busy_timeout = 5000');
    sqlite.pragma('synchronous = NORMAL');
  } catch (e) {
    sqlite.close();
    throw e;
  }
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
  const provider: MigrationProvider = { getMigrations: async () => ({ ...known }) };
  const migrator = new Migrator({ db, provider, migrationTableName: MIGRATION_TABLE });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    await db.destroy();
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? '?';
    throw new CfcError('db_migration_failed', {
      vi: `Không nâng cấp được cơ sở dữ liệu (bước ${failed}): ${String((error as Error).message ?? error)}`,
      en: `Could not upgrade the database (migration ${failed}): ${String((error as Error).message ?? error)}`,
    });
  }
  const schemaVersion = knownNames[knownNames.length - 1] ?? '';
  return {
    db,
    sqlite,
    path: file,
    schemaVersion,
    close: () => db.destroy(),
  };
}

/** Reads the applied migrations read-only and refuses a list that is not a prefix of the known one. */
export function checkMigrationPrefix(file: string, knownNames: readonly string[]): void {
  // A read-only connection to a WAL database leaves -wal/-shm files behind (it may not checkpoint); remove those it
  // created itself, so a refused database is left exactly as it was found.
  const sidecars = [`${file}-wal`, `${file}-shm`].filter((f) => !fs.existsSync(f));
  const ro = new SQLite(file, { readonly: true, fileMustExist: true });
  let applied: string[];
  try {
    const hasTable = ro
      .prepare("select 1 from sqlite_master where type = 'table' and name = ?")
      .get(MIGRATION_TABLE);
    if (!hasTable) return;
    applied = (ro.prepare(`select name from ${MIGRATION_TABLE} order by name`).all() as { name: string }[]).map(
      (r) => r.name,
    );
  } finally {
    ro.close();
    for (const f of sidecars) if (fs.existsSync(f) && (f.endsWith('-shm') || fs.statSync(f).size === 0)) fs.rmSync(f);
  }
  const mismatch = applied.findIndex((name, i) => knownNames[i] !== name);
  if (mismatch === -1) return;
  const name = applied[mismatch] ?? '';
  const newer = !knownNames.includes(name);
  const where = path.basename(file);
  throw new CfcError(
    'db_migrations_mismatch',
    newer
      ? {
          vi: `Cơ sở dữ liệu ${where} đã được một phiên bản mới hơn của ứng dụng nâng cấp (bước "${name}" không có trong phiên bản này). Hãy cập nhật ứng dụng; dữ liệu không bị thay đổi.`,
          en: `The database ${where} was upgraded by a newer version of the app (migration "${name}" is unknown to this version). Update the app; nothing was changed.`,
        }
      : {
          vi: `Cơ sở dữ liệu ${where} có các bước nâng cấp không theo đúng thứ tự của phiên bản này (bước thứ ${mismatch + 1} là "${name}", cần "${knownNames[mismatch]}"). Dữ liệu không bị thay đổi.`,
          en: `The database ${where} has migrations out of this version's order (step ${mismatch + 1} is "${name}", expected "${knownNames[mismatch]}"). Nothing was changed.`,
        },
  );
}
