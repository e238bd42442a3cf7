import { sql, type Kysely } from 'kysely';

/**
 * Catalogue editions (issue 10): since 01/07/2025 unit codes were reused with other meanings, so a unit is
 * `(edition, code)`. Every table that stores a unit gets the edition (the catalogue's `dataDate`) beside its code.
 * Rows written before this migration name units of the 2025-03-01 catalogue, the only one the app knew.
 * New rows must set it (the column default is only what the old rows get).
 */
export const UNIT_EDITION_TABLES = ['profile', 'assessment', 'review', 'package', 'signing_key', 'trusted_key', 'target'] as const;

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const table of UNIT_EDITION_TABLES) {
    await db.schema
      .alterTable(table)
      .addColumn('unit_edition', 'text', (c) => c.notNull().defaultTo('2025-03-01').check(sql`unit_edition glob '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'`))
      .execute();
  }
  // The dashboard and the review inbox look packages up by unit: by unit in its edition now.
  await db.schema.createIndex('package_unit_edition_year').on('package').columns(['unit_edition', 'unit_code', 'year']).execute();
  await db.schema.createIndex('assessment_unit_edition_year').on('assessment').columns(['unit_edition', 'unit_code', 'year']).execute();
  // One first revision per commune and year (0007), the commune being (edition, code) now.
  await sql`drop index assessment_first_revision`.execute(db);
  await sql`create unique index assessment_first_revision on assessment (unit_edition, unit_code, year) where revision = 1 and legacy_duplicate = 0`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index if exists assessment_first_revision`.execute(db);
  await sql`create unique index assessment_first_revision on assessment (unit_code, year) where revision = 1 and legacy_duplicate = 0`.execute(db);
  await sql`drop index if exists assessment_unit_edition_year`.execute(db);
  await sql`drop index if exists package_unit_edition_year`.execute(db);
  for (const table of UNIT_EDITION_TABLES) await db.schema.alterTable(table).dropColumn('unit_edition').execute();
}
