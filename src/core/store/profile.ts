import type { Kysely } from 'kysely';
import type { Database } from './schema';

export type ProfileRole = 'commune' | 'assessor' | 'province';

export interface ProfileRow {
  role: ProfileRole;
  unitCode: string;
  /** The catalogue edition of unitCode. */
  unitEdition: string;
  organisation: string;
  userName: string;
  userTitle: string;
  updatedAt: string;
}

export async function readProfile(db: Kysely<Database>): Promise<ProfileRow | null> {
  const row = await db.selectFrom('profile').selectAll().where('id', '=', 1).executeTakeFirst();
  if (!row) return null;
  return {
    role: row.role as ProfileRole,
    unitCode: row.unit_code,
    unitEdition: row.unit_edition,
    organisation: row.organisation,
    userName: row.user_name,
    userTitle: row.user_title,
    updatedAt: row.updated_at,
  };
}

export async function writeProfile(db: Kysely<Database>, p: Omit<ProfileRow, 'updatedAt'>, now: string): Promise<ProfileRow> {
  const values = {
    role: p.role,
    unit_code: p.unitCode,
    unit_edition: p.unitEdition,
    organisation: p.organisation,
    user_name: p.userName,
    user_title: p.userTitle,
    updated_at: now,
  };
  await db
    .insertInto('profile')
    .values({ id: 1, created_at: now, ...values })
    .onConflict((oc) => oc.column('id').doUpdateSet(values))
    .execute();
  return { ...p, updatedAt: now };
}

export async function readSettings(db: Kysely<Database>): Promise<Map<string, string>> {
  const rows = await db.selectFrom('setting').select(['key', 'value']).execute();
  return new Map(rows.map((r) => [r.key, r.value]));
}

export async function writeSettings(db: Kysely<Database>, values: Record<string, string>, now: string): Promise<void> {
  await db.transaction().execute(async (tx) => {
    for (const [key, value] of Object.entries(values)) {
      await tx
        .insertInto('setting')
        .values({ key, value, updated_at: now })
        .onConflict((oc) => oc.column('key').doUpdateSet({ value, updated_at: now }))
        .execute();
    }
  });
}
