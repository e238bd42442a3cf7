import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect, sql, type CompiledQuery, type Migration } from 'kysely';
import { CfcError } from '../errors';

/**
 * The store's own migrator (Kysely's runs SQLite migrations outside any transaction: a crash inside one left half its
 * tables and the app never opened again). The rules, in the order `migrate` applies them:
 *
 * 1. The applied migrations, read read-only before anything is written, must be a prefix of the known list (a newer or
 *    a different branch's database is refused, unchanged).
 * 2. Each applied migration's stored checksum must equal the known migration's checksum (an edited shipped migration is
 *    refused, unchanged). A record without a checksum (written by Kysely's migrator, before this one) is adopted: its
 *    checksum is recorded.
 * 3. Before the first pending migration runs on an existing database, a copy is taken with `VACUUM INTO`
 *    (`cfc.sqlite.pre-<from>-<to>.bak` beside it); it is kept until the next successful start, which removes it.
 * 4. Each pending migration and its record run in one `BEGIN IMMEDIATE` transaction on the store's single connection:
 *    a crash leaves the database at the previous migration, never half way.
 *
 * A migration's checksum is the SHA-256 of the SQL statements (text and parameters) it issues when run against a scratch
 * in-memory database at the previous schema. It depends on what the migration does, not on how its source was
 * bundled or minified; a migration must therefore be deterministic (no clock, no random ids in what it writes).
 */

export const MIGRATION_TABLE = 'kysely_migration';

export interface AppliedMigration {
  name: string;
  checksum: string | null;
}

const checksumCache = new WeakMap<object, Promise<Map<string, string>>>();

/** The checksum of every known migration (see above), computed once per migration list. */
export function migrationChecksums(known: Readonly<Record<string, Migration>>): Promise<Map<string, string>> {
  let p = checksumCache.get(known);
  if (!p) {
    p = computeChecksums(known);
    checksumCache.set(known, p);
    p.catch(() => checksumCache.delete(known));
  }
  return p;
}

async function computeChecksums(known: Readonly<Record<string, Migration>>): Promise<Map<string, string>> {
  let issued: CompiledQuery[] = [];
  const scratch = new SQLite(':memory:');
  scratch.pragma('foreign_keys = ON');
  const db = new Kysely<unknown>({
    dialect: new SqliteDialect({ database: scratch }),
    log: (e) => void issued.push(e.query),
  });
  const out = new Map<string, string>();
  try {
    for (const [name, m] of Object.entries(known)) {
      issued = [];
      try {
        await m.up(db);
      } catch (e) {
        const msg = String((e as Error).message ?? e);
        throw new CfcError('db_migration_failed', {
          vi: `Bước nâng cấp ${name} của phiên bản này bị lỗi ngay trên một cơ sở dữ liệu trống: ${msg}. Cơ sở dữ liệu không bị thay đổi.`,
          en: `This version's migration ${name} fails even on an empty database: ${msg}. Nothing was changed.`,
        });
      }
      const text = JSON.stringify(issued.map((q) => [q.sql, q.parameters]), (_k, v: unknown) =>
        typeof v === 'bigint' ? `${v}n` : Buffer.isBuffer(v) ? v.toString('hex') : v,
      );
      out.set(name, crypto.createHash('sha256').update(text).digest('hex'));
    }
  } finally {
    await db.destroy();
  }
  return out;
}

/** The applied migrations of a database file, read read-only; a refused database is left exactly as found. */
export function readApplied(file: string): AppliedMigration[] {
  // A read-only connection to a WAL database leaves -wal/-shm files behind (it may not checkpoint); remove those it
  // created itself.
  const sidecars = [`${file}-wal`, `${file}-shm`].filter((f) => !fs.existsSync(f));
  const ro = new SQLite(file, { readonly: true, fileMustExist: true });
  try {
    const hasTable = ro.prepare("select 1 from sqlite_master where type = 'table' and name = ?").get(MIGRATION_TABLE);
    if (!hasTable) return [];
    const cols = (ro.prepare(`pragma table_info(${MIGRATION_TABLE})`).all() as { name: string }[]).map((c) => c.name);
    const checksum = cols.includes('checksum') ? 'checksum' : 'null';
    return ro.prepare(`select name, ${checksum} as checksum from ${MIGRATION_TABLE} order by name`).all() as AppliedMigration[];
  } finally {
    ro.close();
    for (const f of sidecars) if (fs.existsSync(f) && (f.endsWith('-shm') || fs.statSync(f).size === 0)) fs.rmSync(f);
  }
}

/** Rule 1: refuses an applied list that is not a prefix of the known one. */
export function checkPrefix(file: string, applied: readonly string[], knownNames: readonly string[]): void {
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

/** Rule 2: refuses an applied migration whose recorded checksum is not the known migration's. */
export function checkChecksums(file: string, applied: readonly AppliedMigration[], checksums: ReadonlyMap<string, string>): void {
  for (const a of applied) {
    const known = checksums.get(a.name);
    if (a.checksum === null || a.checksum === known) continue;
    const where = path.basename(file);
    throw new CfcError('db_migration_edited', {
      vi: `Cơ sở dữ liệu ${where} đã áp dụng bước nâng cấp "${a.name}", nhưng nội dung bước này trong phiên bản ứng dụng hiện tại đã bị sửa (mã kiểm tra ${a.checksum.slice(0, 12)}… khác ${known?.slice(0, 12)}…). Không thể mở an toàn; hãy dùng đúng phiên bản ứng dụng. Dữ liệu không bị thay đổi.`,
      en: `The database ${where} has applied migration "${a.name}", but this version of the app carries an edited copy of it (checksum ${a.checksum.slice(0, 12)}… differs from ${known?.slice(0, 12)}…). It cannot be opened safely; use a matching version of the app. Nothing was changed.`,
    });
  }
}

/** The name of the copy taken before migrating from `from` (null: an empty database) to `to`. */
export function backupPath(file: string, from: string | null, to: string): string {
  return `${file}.pre-${from ?? 'empty'}-${to}.bak`;
}

function removeBackups(file: string, keep: string | null): void {
  const dir = path.dirname(file);
  const prefix = `${path.basename(file)}.pre-`;
  for (const f of fs.readdirSync(dir)) {
    const p = path.join(dir, f);
    if (f.startsWith(prefix) && (f.endsWith('.bak') || f.endsWith('.bak.tmp')) && p !== keep) fs.rmSync(p, { force: true });
  }
}

async function inImmediateTransaction<DB, T>(db: Kysely<DB>, fn: (conn: Kysely<DB>) => Promise<T>): Promise<T> {
  return db.connection().execute(async (conn) => {
    await sql`begin immediate`.execute(conn);
    try {
      const r = await fn(conn);
      await sql`commit`.execute(conn);
      return r;
    } catch (e) {
      await sql`rollback`.execute(conn).catch(() => undefined);
      throw e;
    }
  });
}

export interface MigrateResult {
  /** The migrations applied by this call, in order. */
  applied: string[];
  /** The copy taken before migrating, or null when nothing was pending or the database was new. */
  backup: string | null;
}

/**
 * Applies rules 2–4 on an open store whose prefix (rule 1) and checksums were already checked read-only (see
 * `readApplied`). `existed`: the database file was there before this start.
 */
export async function migrate<DB>(
  db: Kysely<DB>,
  sqlite: SQLite.Database,
  file: string,
  known: Readonly<Record<string, Migration>>,
  existed: boolean,
): Promise<MigrateResult> {
  const checksums = await migrationChecksums(known);
  const names = Object.keys(known);
  const appliedNow = (): Set<string> =>
    new Set((sqlite.prepare(`select name from ${MIGRATION_TABLE}`).all() as { name: string }[]).map((r) => r.name));

  // The record table (Kysely's, with a checksum column), and adoption of records written without a checksum.
  await inImmediateTransaction(db, async (conn) => {
    await sql`create table if not exists ${sql.table(MIGRATION_TABLE)} (name varchar(255) not null primary key, timestamp varchar(255) not null, checksum text)`.execute(conn);
    const cols = (sqlite.prepare(`pragma table_info(${MIGRATION_TABLE})`).all() as { name: string }[]).map((c) => c.name);
    if (!cols.includes('checksum')) await sql`alter table ${sql.table(MIGRATION_TABLE)} add column checksum text`.execute(conn);
    const unrecorded = sqlite.prepare(`select name from ${MIGRATION_TABLE} where checksum is null`).all() as { name: string }[];
    for (const { name } of unrecorded) {
      const sum = checksums.get(name);
      if (sum) await sql`update ${sql.table(MIGRATION_TABLE)} set checksum = ${sum} where name = ${name}`.execute(conn);
    }
  });

  const done = appliedNow();
  const pending = names.filter((n) => !done.has(n));
  let backup: string | null = null;
  if (pending.length > 0 && existed) {
    const from = names.filter((n) => done.has(n)).at(-1) ?? null;
    backup = backupPath(file, from, pending.at(-1)!);
    const tmp = `${backup}.tmp`;
    fs.rmSync(tmp, { force: true });
    sqlite.prepare('vacuum into ?').run(tmp);
    fs.renameSync(tmp, backup);
  }

  const applied: string[] = [];
  for (const name of pending) {
    const migration = known[name]!;
    try {
      await inImmediateTransaction(db, async (conn) => {
        // Another process may have applied it while this one waited for the write lock.
        if (appliedNow().has(name)) return;
        await migration.up(conn);
        await sql`insert into ${sql.table(MIGRATION_TABLE)} (name, timestamp, checksum) values (${name}, ${new Date().toISOString()}, ${checksums.get(name)!})`.execute(conn);
        applied.push(name);
      });
    } catch (e) {
      const msg = String((e as Error).message ?? e);
      throw new CfcError('db_migration_failed', {
        vi: `Không nâng cấp được cơ sở dữ liệu (bước ${name}): ${msg}. Cơ sở dữ liệu vẫn ở bước trước đó${backup ? `; bản sao trước khi nâng cấp: ${path.basename(backup)}` : ''}.`,
        en: `Could not upgrade the database (migration ${name}): ${msg}. The database is left at the previous migration${backup ? `; the copy taken before upgrading: ${path.basename(backup)}` : ''}.`,
      });
    }
  }
  // A successful start: copies from earlier upgrades go (the one just taken stays until the next start).
  removeBackups(file, backup);
  return { applied, backup };
}
