import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database, PackageTable } from '../store/schema';
import { unitEditionOf, type PackageKind } from './format';
import type { Verification } from './verify';

/**
 * The store's side of an import: the rows of one verified package, written inside the import's transaction. Each
 * table gets one multi-row statement per package (not one statement per value, evidence file or audit line): the
 * statement count, not the data, was what an import of a small package cost.
 */

type Db = Kysely<Database> | Transaction<Database>;

export type ImportResult = 'imported' | 'already_present' | 'superseded' | 'conflict' | 'stale' | 'rejected';

/** Rows per multi-row INSERT: well under SQLite's 32,766 bound variables for the widest table (9 columns). */
const ROWS_PER_STATEMENT = 500;

async function chunked<T>(rows: T[], write: (part: T[]) => Promise<unknown>): Promise<void> {
  for (let k = 0; k < rows.length; k += ROWS_PER_STATEMENT) await write(rows.slice(k, k + ROWS_PER_STATEMENT));
}

/**
 * The state of every package of one assessment and kind, from the set alone: the highest revision is `current` (or
 * `conflict` when two different packages claim it), lower revisions are `superseded`; `conflict` = 1 on every package
 * that shares its revision with a different one. So the store never depends on the order packages arrived in.
 */
export async function recomputeStates(db: Db, kind: PackageKind, assessmentId: string): Promise<void> {
  const rows = await db.selectFrom('package').select(['manifest_sha256', 'revision', 'state', 'conflict']).where('kind', '=', kind).where('assessment_id', '=', assessmentId).execute();
  if (rows.length === 0) return;
  const max = Math.max(...rows.map((r) => r.revision));
  const count = new Map<number, number>();
  for (const r of rows) count.set(r.revision, (count.get(r.revision) ?? 0) + 1);
  for (const r of rows) {
    const shared = (count.get(r.revision) ?? 0) > 1;
    const state: PackageTable['state'] = r.revision === max ? (shared ? 'conflict' : 'current') : 'superseded';
    const conflict = shared ? 1 : 0;
    if (r.state === state && r.conflict === conflict) continue;
    await db.updateTable('package').set({ state, conflict }).where('manifest_sha256', '=', r.manifest_sha256).execute();
  }
}

/** What importing a package of this revision does to its assessment's history (before it is stored). */
export async function effect(db: Db, kind: PackageKind, assessmentId: string, revision: number): Promise<ImportResult> {
  const rows = await db.selectFrom('package').select('revision').where('kind', '=', kind).where('assessment_id', '=', assessmentId).execute();
  if (rows.length === 0) return 'imported';
  if (rows.some((r) => r.revision === revision)) return 'conflict';
  return revision > Math.max(...rows.map((r) => r.revision)) ? 'superseded' : 'stale';
}

export async function isStored(db: Db, manifestSha256: string): Promise<boolean> {
  return !!(await db.selectFrom('package').select('manifest_sha256').where('manifest_sha256', '=', manifestSha256).executeTakeFirst());
}

export interface Decision {
  kind: 'verified' | 'accepted_untrusted';
  reason: string | null;
}

/** The rows of one verified package: the package, its values, its evidence list and its audit lines. */
export async function insertPackage(trx: Transaction<Database>, v: Verification, decision: Decision, innerSha: string | null, who: { name: string; now: string }): Promise<void> {
  const m = v.manifest!;
  const doc = v.assessment!;
  const score = v.score!;
  const sha = v.manifestSha256!;
  await trx
    .insertInto('package')
    .values({
      manifest_sha256: sha,
      kind: m.kind,
      package_id: m.packageId,
      assessment_id: m.assessmentId,
      revision: m.revision,
      supersedes: m.supersedes,
      unit_code: m.unit.code,
      unit_edition: unitEditionOf(m),
      unit_name: m.unit.name,
      year: m.period.year,
      unit_class: m.unit.unitClass,
      pack_id: m.pack.id,
      pack_version: m.pack.version,
      pack_sha256: m.pack.sha256,
      created_at: m.createdAt,
      total: score.total,
      verdict: score.verdict,
      provisional: score.provisional ? 1 : 0,
      signer_key_id: m.signer.keyId,
      signer_name: m.signer.name,
      signer_role: m.signer.role,
      outcome: v.outcome === 'valid' ? 'valid' : 'untrusted',
      untrusted_reasons: v.outcome === 'untrusted' ? JSON.stringify(v.reasons.map((r) => ({ code: r.code, detail: r.detail ?? null }))) : null,
      trust_decision: decision.kind,
      decision_reason: decision.reason,
      decided_by: who.name,
      decided_at: who.now,
      state: 'current',
      conflict: 0,
      inner_manifest_sha256: innerSha,
      file_size: v.packageSize,
      manifest_json: v.manifestBytes!.toString('utf8'),
      assessment_json: JSON.stringify(doc),
      imported_at: who.now,
      imported_by: who.name,
    })
    .execute();
  const values = score.criteria.flatMap((c) =>
    c.indicators.map((i) => {
      const e = doc.entries[i.id];
      return {
        manifest_sha256: sha,
        indicator_id: i.id,
        criterion_id: c.id,
        value_json: e && e.value !== null && e.value !== undefined ? JSON.stringify(e.value) : null,
        note: e?.note ?? '',
        computed: i.computed,
        points: i.points,
        override_points: e?.override?.points ?? null,
        override_reason: e?.override?.reason ?? null,
      };
    }),
  );
  await chunked(values, (part) => trx.insertInto('package_value').values(part).execute());
  const evidence = doc.evidence.map((e, ord) => ({
      manifest_sha256: sha,
      ord,
      sha256: e.sha256,
      indicator_id: e.indicatorId,
      name: e.name,
      media_type: e.mediaType,
      size: e.size,
      added_by: e.addedBy,
      added_at: e.addedAt,
    }));
  await chunked(evidence, (part) => trx.insertInto('package_evidence').values(part).execute());
  const audit = v.audit.map((a, line) => ({ manifest_sha256: sha, line, entry_json: JSON.stringify(a) }));
  await chunked(audit, (part) => trx.insertInto('package_audit').values(part).execute());
}

/** Runs `f` inside a savepoint of `trx`: on a throw, only what `f` wrote is undone (the rest of the group stays). */
export async function inSavepoint<T>(trx: Transaction<Database>, f: () => Promise<T>): Promise<T> {
  await sql`savepoint import_package`.execute(trx);
  try {
    const r = await f();
    await sql`release import_package`.execute(trx);
    return r;
  } catch (e) {
    await sql`rollback to import_package`.execute(trx);
    await sql`release import_package`.execute(trx);
    throw e;
  }
}
