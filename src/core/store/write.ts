import { sql, type Kysely } from 'kysely';
import { CfcError } from '../errors';
import type { Database } from './schema';

/**
 * One write transaction: `BEGIN IMMEDIATE` on the store's single connection, held for the whole of `fn` (Kysely's
 * SQLite driver has one connection behind a mutex: no other query of this process runs until `fn` settles, and the
 * write lock keeps other processes out). A guard that reads state and then writes must do both inside `fn`, with the
 * `trx` it is given — never `deps.db`, and never a nested `writeTransaction` (it would wait for itself).
 *
 * A write refused by one of the integrity triggers (migration 0007, messages `cfc_read_only: …`) becomes a `read_only`
 * error with a message in both languages; the transaction is rolled back, nothing is written.
 */
export async function writeTransaction<T>(db: Kysely<Database>, fn: (trx: Kysely<Database>) => Promise<T>): Promise<T> {
  return db.connection().execute(async (conn) => {
    await sql`begin immediate`.execute(conn);
    let result: T;
    try {
      result = await fn(conn);
    } catch (e) {
      await sql`rollback`.execute(conn).catch(() => undefined);
      throw fromTrigger(e);
    }
    await sql`commit`.execute(conn);
    return result;
  });
}

/** The integrity triggers' refusals as the app's error; any other error unchanged. */
export function fromTrigger(e: unknown): unknown {
  const msg = e instanceof Error ? e.message : '';
  if (!msg.startsWith('cfc_read_only:')) return e;
  const what = msg.slice('cfc_read_only:'.length).trim();
  const review = what.includes('review');
  return new CfcError(
    review ? 'review_decided' : 'read_only',
    review
      ? {
          vi: `Cuộc thẩm định đã có quyết định nên chỉ được xem; không có gì được ghi (${what}).`,
          en: `The review has a decision and is read-only; nothing was written (${what}).`,
        }
      : {
          vi: `Bản đánh giá đã nộp nên chỉ được xem; không có gì được ghi (${what}).`,
          en: `The assessment revision was submitted and is read-only; nothing was written (${what}).`,
        },
    { field: 'id' },
  );
}
