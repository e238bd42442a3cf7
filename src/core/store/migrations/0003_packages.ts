import { sql, type Kysely } from 'kysely';

/**
 * Signed packages (issue 5): this profile's signing keys (private keys sealed, never in clear), the trust store of
 * other people's public keys, the packages exported from here, and the packages imported with their values, evidence
 * links and audit trail. Imported content is kept apart from the local assessments: it is someone else's signed record.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('signing_key')
    .addColumn('key_id', 'text', (c) => c.primaryKey().check(sql`length(key_id) = 16`))
    .addColumn('public_key', 'text', (c) => c.notNull())
    .addColumn('sealed_private', 'text', (c) => c.notNull())
    .addColumn('seal_kind', 'text', (c) => c.notNull().check(sql`seal_kind in ('passphrase', 'safeStorage')`))
    .addColumn('holder_name', 'text', (c) => c.notNull())
    .addColumn('holder_title', 'text', (c) => c.notNull())
    .addColumn('organisation', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull().check(sql`role in ('commune', 'assessor', 'province')`))
    .addColumn('unit_code', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('active', 'retired')`))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('trusted_key')
    .addColumn('key_id', 'text', (c) => c.primaryKey().check(sql`length(key_id) = 16`))
    .addColumn('public_key', 'text', (c) => c.notNull())
    .addColumn('holder_name', 'text', (c) => c.notNull())
    .addColumn('holder_title', 'text', (c) => c.notNull())
    .addColumn('organisation', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull().check(sql`role in ('commune', 'assessor', 'province')`))
    .addColumn('unit_code', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull().check(sql`source in ('file', 'own')`))
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('trusted', 'revoked')`))
    .addColumn('added_at', 'text', (c) => c.notNull())
    .addColumn('added_by', 'text', (c) => c.notNull())
    .addColumn('revoked_at', 'text')
    .addColumn('revoked_by', 'text')
    .addColumn('revoke_reason', 'text')
    .addCheckConstraint('trusted_key_revoked', sql`(status = 'trusted' and revoked_at is null) or (status = 'revoked' and revoked_at is not null)`)
    .execute();

  // One row per (submitted revision, signing key) exported: re-exporting reuses the package id and time, so the same
  // revision signed by the same key is the same package (same manifest hash: a no-op on import, never a conflict).
  await db.schema
    .createTable('package_export')
    .addColumn('revision_id', 'text', (c) => c.notNull().references('assessment.id'))
    .addColumn('key_id', 'text', (c) => c.notNull())
    .addColumn('package_id', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('app_version', 'text', (c) => c.notNull())
    .addColumn('manifest_sha256', 'text', (c) => c.notNull())
    .addColumn('file_name', 'text', (c) => c.notNull())
    .addColumn('exported_at', 'text', (c) => c.notNull())
    .addColumn('exported_by', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('package_export_pk', ['revision_id', 'key_id'])
    .execute();

  // Imported packages, one row per distinct manifest (its SHA-256 is the package's identity). `state` depends only on
  // the set of packages of the same assessment and kind, never on the order they arrived in.
  await db.schema
    .createTable('package')
    .addColumn('manifest_sha256', 'text', (c) => c.primaryKey().check(sql`length(manifest_sha256) = 64`))
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('self-assessment', 'review')`))
    .addColumn('package_id', 'text', (c) => c.notNull())
    .addColumn('assessment_id', 'text', (c) => c.notNull())
    .addColumn('revision', 'integer', (c) => c.notNull().check(sql`revision >= 1`))
    .addColumn('supersedes', 'text')
    .addColumn('unit_code', 'text', (c) => c.notNull())
    .addColumn('unit_name', 'text', (c) => c.notNull())
    .addColumn('year', 'integer', (c) => c.notNull())
    .addColumn('unit_class', 'text', (c) => c.notNull())
    .addColumn('pack_id', 'text', (c) => c.notNull())
    .addColumn('pack_version', 'text', (c) => c.notNull())
    .addColumn('pack_sha256', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('total', 'integer', (c) => c.notNull())
    .addColumn('verdict', 'text', (c) => c.notNull())
    .addColumn('provisional', 'integer', (c) => c.notNull())
    .addColumn('signer_key_id', 'text', (c) => c.notNull())
    .addColumn('signer_name', 'text', (c) => c.notNull())
    .addColumn('signer_role', 'text', (c) => c.notNull())
    .addColumn('outcome', 'text', (c) => c.notNull().check(sql`outcome in ('valid', 'untrusted')`))
    .addColumn('untrusted_reasons', 'text')
    .addColumn('trust_decision', 'text', (c) => c.notNull().check(sql`trust_decision in ('verified', 'accepted_untrusted')`))
    .addColumn('decision_reason', 'text')
    .addColumn('decided_by', 'text', (c) => c.notNull())
    .addColumn('decided_at', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull().check(sql`state in ('current', 'superseded', 'conflict')`))
    .addColumn('conflict', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('inner_manifest_sha256', 'text', (c) => c.references('package.manifest_sha256'))
    .addColumn('file_size', 'integer', (c) => c.notNull())
    .addColumn('manifest_json', 'text', (c) => c.notNull())
    .addColumn('assessment_json', 'text', (c) => c.notNull())
    .addColumn('imported_at', 'text', (c) => c.notNull())
    .addColumn('imported_by', 'text', (c) => c.notNull())
    .addCheckConstraint('package_decision', sql`trust_decision = 'verified' or length(trim(decision_reason)) > 0`)
    .execute();
  await db.schema.createIndex('package_assessment').on('package').columns(['kind', 'assessment_id', 'revision']).execute();
  await db.schema.createIndex('package_unit_year').on('package').columns(['unit_code', 'year']).execute();

  // Each indicator of an imported package, normalised so aggregation (issue 6) is plain SQL, not json_extract.
  await db.schema
    .createTable('package_value')
    .addColumn('manifest_sha256', 'text', (c) => c.notNull().references('package.manifest_sha256').onDelete('cascade'))
    .addColumn('indicator_id', 'text', (c) => c.notNull())
    .addColumn('criterion_id', 'text', (c) => c.notNull())
    .addColumn('value_json', 'text')
    .addColumn('note', 'text', (c) => c.notNull())
    .addColumn('computed', 'integer')
    .addColumn('points', 'integer', (c) => c.notNull())
    .addColumn('override_points', 'integer')
    .addColumn('override_reason', 'text')
    .addPrimaryKeyConstraint('package_value_pk', ['manifest_sha256', 'indicator_id'])
    .execute();

  await db.schema
    .createTable('package_evidence')
    .addColumn('manifest_sha256', 'text', (c) => c.notNull().references('package.manifest_sha256').onDelete('cascade'))
    .addColumn('ord', 'integer', (c) => c.notNull())
    .addColumn('sha256', 'text', (c) => c.notNull().check(sql`length(sha256) = 64`))
    .addColumn('indicator_id', 'text')
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('media_type', 'text', (c) => c.notNull())
    .addColumn('size', 'integer', (c) => c.notNull())
    .addColumn('added_by', 'text', (c) => c.notNull())
    .addColumn('added_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('package_evidence_pk', ['manifest_sha256', 'ord'])
    .execute();
  await db.schema.createIndex('package_evidence_sha256').on('package_evidence').column('sha256').execute();

  await db.schema
    .createTable('package_audit')
    .addColumn('manifest_sha256', 'text', (c) => c.notNull().references('package.manifest_sha256').onDelete('cascade'))
    .addColumn('line', 'integer', (c) => c.notNull())
    .addColumn('entry_json', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('package_audit_pk', ['manifest_sha256', 'line'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['package_audit', 'package_evidence', 'package_value', 'package', 'package_export', 'trusted_key', 'signing_key']) {
    await db.schema.dropTable(t).execute();
  }
}
