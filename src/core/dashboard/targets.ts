import type { Kysely } from 'kysely';
import { CfcError } from '../errors';
import type { Database, TargetTable } from '../store/schema';

/**
 * A target of the plan: the share of communes recognised child-friendly by a year, for a province — `(unitEdition,
 * scopeCode)`, since codes were reused in 2025 (86 was the old Vĩnh Long, is the merged one) — or for all (no scope).
 */
export interface Target {
  id: number;
  scopeCode: string | null;
  /** The catalogue edition of scopeCode (meaningless without a scope). */
  unitEdition: string;
  year: number;
  ratePercent: number;
  source: string;
  updatedAt: string;
  updatedBy: string;
}

export interface TargetChange {
  seq: number;
  targetId: number;
  action: 'created' | 'updated' | 'deleted';
  old: TargetBody | null;
  new: TargetBody | null;
  at: string;
  by: string;
}

/** What the history records of a target (entries written before migration 0010 have no unitEdition). */
export type TargetBody = Pick<Target, 'scopeCode' | 'year' | 'ratePercent' | 'source'> & { unitEdition?: string };

type Row = Omit<TargetTable, 'id'> & { id: number };

function view(r: Row): Target {
  return { id: r.id, scopeCode: r.scope_code, unitEdition: r.unit_edition, year: r.year, ratePercent: r.rate_percent, source: r.source, updatedAt: r.updated_at, updatedBy: r.updated_by };
}

function body(t: Pick<Target, 'scopeCode' | 'unitEdition' | 'year' | 'ratePercent' | 'source'>): TargetBody {
  return { scopeCode: t.scopeCode, ...(t.scopeCode !== null ? { unitEdition: t.unitEdition } : {}), year: t.year, ratePercent: t.ratePercent, source: t.source };
}

export async function listTargets(db: Kysely<Database>): Promise<Target[]> {
  const rows = await db.selectFrom('target').selectAll().orderBy('year').orderBy('scope_code').execute();
  return rows.map(view);
}

export async function targetHistory(db: Kysely<Database>): Promise<TargetChange[]> {
  const rows = await db.selectFrom('target_history').selectAll().orderBy('seq').execute();
  return rows.map((r) => ({
    seq: r.seq,
    targetId: r.target_id,
    action: r.action,
    old: r.old_json ? (JSON.parse(r.old_json) as TargetChange['old']) : null,
    new: r.new_json ? (JSON.parse(r.new_json) as TargetChange['new']) : null,
    at: r.at,
    by: r.by,
  }));
}

/**
 * Creates or changes the target of a scope (a province in its edition, or all) and year (one per scope and year),
 * recording the change in the history. `id` names the target being edited (its scope and year may change, unless
 * another target already holds them). The caller checks that the scope is a province of `unitEdition`.
 */
export async function saveTarget(
  db: Kysely<Database>,
  input: { id?: number | undefined; scopeCode: string | null; unitEdition: string; year: number; ratePercent: number; source: string },
  who: { name: string; now: string },
): Promise<Target> {
  return db.transaction().execute(async (trx) => {
    const clash = await trx
      .selectFrom('target')
      .selectAll()
      .where('year', '=', input.year)
      .where((eb) => (input.scopeCode === null ? eb('scope_code', 'is', null) : eb.and([eb('scope_code', '=', input.scopeCode), eb('unit_edition', '=', input.unitEdition)])))
      .executeTakeFirst();
    const existing = input.id !== undefined ? await trx.selectFrom('target').selectAll().where('id', '=', input.id).executeTakeFirst() : clash;
    if (input.id !== undefined && !existing) {
      throw new CfcError('not_found', { vi: `Không có chỉ tiêu số ${input.id}.`, en: `There is no target ${input.id}.` }, { field: 'id' });
    }
    if (clash && existing && clash.id !== existing.id) {
      throw new CfcError(
        'target_exists',
        { vi: `Đã có chỉ tiêu cho năm ${input.year} của phạm vi này.`, en: `A target for ${input.year} already exists for this scope.` },
        { field: 'year' },
      );
    }
    const source = input.source.normalize('NFC').trim();
    const values = { scope_code: input.scopeCode, unit_edition: input.unitEdition, year: input.year, rate_percent: input.ratePercent, source, updated_at: who.now, updated_by: who.name };
    let id: number;
    if (existing) {
      id = existing.id;
      await trx.updateTable('target').set(values).where('id', '=', id).execute();
    } else {
      const r = await trx.insertInto('target').values(values).returning('id').executeTakeFirstOrThrow();
      id = r.id;
    }
    await trx
      .insertInto('target_history')
      .values({
        target_id: id,
        action: existing ? 'updated' : 'created',
        old_json: existing ? JSON.stringify(body(view(existing))) : null,
        new_json: JSON.stringify(body({ scopeCode: input.scopeCode, unitEdition: input.unitEdition, year: input.year, ratePercent: input.ratePercent, source })),
        at: who.now,
        by: who.name,
      })
      .execute();
    return view((await trx.selectFrom('target').selectAll().where('id', '=', id).executeTakeFirstOrThrow()) as Row);
  });
}

export async function deleteTarget(db: Kysely<Database>, id: number, who: { name: string; now: string }): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const existing = await trx.selectFrom('target').selectAll().where('id', '=', id).executeTakeFirst();
    if (!existing) throw new CfcError('not_found', { vi: `Không có chỉ tiêu số ${id}.`, en: `There is no target ${id}.` }, { field: 'id' });
    await trx.deleteFrom('target').where('id', '=', id).execute();
    await trx
      .insertInto('target_history')
      .values({ target_id: id, action: 'deleted', old_json: JSON.stringify(body(view(existing))), new_json: null, at: who.now, by: who.name })
      .execute();
  });
}

/** A province in its catalogue edition. */
export interface ProvinceRef {
  code: string;
  edition: string;
}

/**
 * The targets that apply to a province (in its edition: the merged Tỉnh Vĩnh Long 86 of 2025-07-01 has its own, the
 * old Vĩnh Long 86 of 2025-03-01 its own): its own for a year, else the one for all provinces. Sorted by year.
 */
export function targetsFor(all: Target[], province: ProvinceRef | null): Target[] {
  const byYear = new Map<number, Target>();
  for (const t of all) if (t.scopeCode === null) byYear.set(t.year, t);
  if (province !== null) for (const t of all) if (t.scopeCode === province.code && t.unitEdition === province.edition) byYear.set(t.year, t);
  return [...byYear.values()].sort((a, b) => a.year - b.year);
}

/**
 * The milestone a year is measured against: the first target whose year is the dashboard's year or later (2024 and
 * 2025 against 65% by 2025, 2026 against 75% by 2030); after the last milestone, the last one.
 */
export function milestoneFor(targets: Target[], year: number): Target | null {
  return targets.find((t) => t.year >= year) ?? targets.at(-1) ?? null;
}
