import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../store/schema';

/**
 * How many rows refer to a stored evidence file: the workspaces' live links, the imported packages that carry it and
 * the review teams' live attachments. A stored file is deleted only when this is 0.
 */
export async function evidenceRefCount(db: Kysely<Database> | Transaction<Database>, sha256: string): Promise<number> {
  const count = async (table: 'evidence' | 'package_evidence' | 'review_evidence', liveOnly: boolean) => {
    let q = db
      .selectFrom(table)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('sha256', '=', sha256);
    if (liveOnly) q = q.where('removed_at', 'is', null);
    return Number((await q.executeTakeFirstOrThrow()).n);
  };
  return (await count('evidence', true)) + (await count('package_evidence', false)) + (await count('review_evidence', true));
}
