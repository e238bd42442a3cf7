import fs from 'node:fs';
import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect, type Migration } from 'kysely';
import { databasePath } from '../paths';
import type { Database } from './schema';
import { migrations as knownMigrations } from './migrations';
import { checkChecksums, checkPrefix, migrate, migrationChecksums, readApplied } from './migrator';

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

/**
 * Opens (creating if needed) the one SQLite database in `dataDir`: WAL, foreign keys on, all known migrations
 * applied by the store's migrator (see `migrator.ts`: one transaction per migration with its record, checksums, a copy
 * before upgrading). A database whose applied migrations are not a prefix of the known list (made by a newer version
 * of the app, or by a different branch of it), or whose applied migrations were edited since, is refused before
 * anything is written to it.
 */
export async function openStore(dataDir: string, opts: OpenStoreOptions = {}): Promise<Store> {
  const known = opts.migrations ?? knownMigrations;
  const knownNames = Object.keys(known);
  const checksums = await migrationChecksums(known);
  fs.mkdirSync(dataDir, { recursive: true });
  const file = databasePath(dataDir);
  const existed = fs.existsSync(file);
  if (existed) {
    const applied = readApplied(file);
    checkPrefix(file, applied.map((a) => a.name), knownNames);
    checkChecksums(file, applied, checksums);
  }

  const sqlite = new SQLite(file);
  try {
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('busy_timeout = 5000');
    sqlite.pragma('synchronous = NORMAL');
    // Temporary tables and statement journals in memory: an import's savepoint per package otherwise spills its
    // journal to a temporary file, a write for every page the package's rows touch.
    sqlite.pragma('temp_store = MEMORY');
  } catch (e) {
    sqlite.close();
    throw e;
  }
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: preparedOnce(sqlite) }) });
  try {
    await migrate(db, sqlite, file, known, existed);
  } catch (e) {
    await db.destroy();
    throw e;
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

/** Statements kept prepared, by SQL text (the least recently used go first). */
const STATEMENTS_KEPT = 256;

/**
 * The database as Kysely's SQLite driver sees it, with each statement prepared once and reused (Kysely prepares every
 * query again; an import of many packages issues the same few dozen statements thousands of times). Safe here: the
 * driver runs one query at a time on its one connection, and SQLite re-prepares a statement whose schema changed.
 */
function preparedOnce(sqlite: SQLite.Database): { prepare(sql: string): SQLite.Statement; close(): void } {
  const kept = new Map<string, SQLite.Statement>();
  return {
    prepare(text) {
      let stmt = kept.get(text);
      if (stmt) kept.delete(text);
      else stmt = sqlite.prepare(text);
      kept.set(text, stmt);
      if (kept.size > STATEMENTS_KEPT) kept.delete(kept.keys().next().value!);
      return stmt;
    },
    close() {
      kept.clear();
      sqlite.close();
    },
  };
}

/** Reads the applied migrations read-only and refuses a list that is not a prefix of the known one. */
export function checkMigrationPrefix(file: string, knownNames: readonly string[]): void {
  checkPrefix(file, readApplied(file).map((a) => a.name), knownNames);
}
