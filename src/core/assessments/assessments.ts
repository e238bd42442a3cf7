import crypto from 'node:crypto';
import { sql, type Kysely, type Transaction } from 'kysely';
import type { PackRegistry } from '../criteria/registry';
import type { LoadedPack, UnitClass } from '../criteria/schema';
import { CfcError } from '../errors';
import { assess, type Assessment } from '../scoring/assess';
import { scoreFast, type ScoreFacts } from '../scoring/facts';
import { parseScoreInput } from '../scoring/input';
import type { AssessmentTable, AssessmentValueTable, Database, EvidenceTable } from '../store/schema';
import type { UnitCatalogue } from '../units/catalogue';
import { writeTransaction } from '../store/write';
import { resolveUnitForYear } from '../units/current';
import type { UnitEditions } from '../units/editions';
import { copyNote, copyTarget, type CopyNote } from './across';

/** Who does what, when: every write takes it, so the audit trail can say it. */
export interface Actor {
  name: string;
  now: string;
}

export interface Deps {
  db: Kysely<Database>;
  packs: PackRegistry;
  units: UnitCatalogue;
  /** Catalogue editions: an assessment's unit is `(unit_edition, unit_code)` (issue 10). */
  editions: UnitEditions;
}

export type AuditAction =
  | 'create'
  | 'duplicate'
  | 'value'
  | 'note'
  | 'override'
  | 'unit_class'
  | 'evidence_add'
  | 'evidence_remove'
  | 'submit'
  | 'new_revision'
  | 'repack';

export interface EntryView {
  value: unknown;
  note: string;
  override: { points: number; reason: string } | null;
  copied: boolean;
  updatedAt: string;
}

export interface Revision {
  row: AssessmentTable;
  pack: LoadedPack;
  entries: Map<string, AssessmentValueTable>;
  evidence: EvidenceTable[];
}

type Db = Kysely<Database> | Transaction<Database>;

export function notFound(id: string): CfcError {
  return new CfcError(
    'not_found',
    { vi: `Không tìm thấy bản đánh giá ${id}.`, en: `No assessment revision ${id}.` },
    { field: 'id' },
  );
}

export async function appendAudit(
  db: Db,
  row: AssessmentTable,
  actor: Actor,
  action: AuditAction,
  detail: { indicatorId?: string | null; old?: unknown; new?: unknown; reason?: string | null } = {},
): Promise<void> {
  await db
    .insertInto('audit')
    .values({
      assessment_id: row.assessment_id,
      revision_id: row.id,
      at: actor.now,
      actor: actor.name,
      action,
      indicator_id: detail.indicatorId ?? null,
      old_json: detail.old === undefined ? null : JSON.stringify(detail.old),
      new_json: detail.new === undefined ? null : JSON.stringify(detail.new),
      reason: detail.reason ?? null,
    })
    .execute();
}

/** Every indicator of a pack, in order. */
export function indicatorsOf(pack: LoadedPack): { id: string; max: number; criterionId: string }[] {
  return pack.pack.criteria.flatMap((c) => c.indicators.map((i) => ({ id: i.id, max: i.max, criterionId: c.id })));
}

export function entryView(v: AssessmentValueTable): EntryView {
  return {
    value: v.value_json === null ? null : (JSON.parse(v.value_json) as unknown),
    note: v.note,
    override: v.override_points === null ? null : { points: v.override_points, reason: v.override_reason ?? '' },
    copied: v.copied === 1,
    updatedAt: v.updated_at,
  };
}

/** The score input the engine takes, from what is stored. */
export function scoreInputOf(rev: Pick<Revision, 'row' | 'entries'>) {
  const values: Record<string, unknown> = {};
  const overrides: Record<string, { points: number; reason: string }> = {};
  for (const [id, v] of rev.entries) {
    if (v.value_json !== null) values[id] = JSON.parse(v.value_json);
    if (v.override_points !== null) overrides[id] = { points: v.override_points, reason: v.override_reason ?? '' };
  }
  return { pack: rev.row.pack_id, packVersion: rev.row.pack_version, unitClass: rev.row.unit_class, values, overrides };
}

export function scoreRevision(rev: Revision): Assessment {
  return assess(scoreInputOf(rev), rev.pack);
}

/** The revision's numbers only (total, verdict, flags), on the fast path without explanation texts: for lists and counts. */
export function scoreRevisionFacts(rev: Revision): ScoreFacts {
  return scoreFast(scoreInputOf(rev), rev.pack);
}

export function progressOf(rev: Revision): { filled: number; total: number; empty: string[] } {
  const all = indicatorsOf(rev.pack);
  const empty = all.filter((i) => (rev.entries.get(i.id)?.value_json ?? null) === null).map((i) => i.id);
  return { filled: all.length - empty.length, total: all.length, empty };
}

export async function loadRevision(db: Db, packs: PackRegistry, id: string): Promise<Revision> {
  const row = await db.selectFrom('assessment').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound(id);
  const pack = packs.find(row.pack_id, row.pack_version);
  if (!pack) {
    throw new CfcError('unknown_pack', {
      vi: `Bản đánh giá dùng gói tiêu chí ${row.pack_id} ${row.pack_version}, không có trong ứng dụng này.`,
      en: `The assessment uses criteria pack ${row.pack_id} ${row.pack_version}, which this app does not have.`,
    });
  }
  const values = await db.selectFrom('assessment_value').selectAll().where('revision_id', '=', id).execute();
  const evidence = await db
    .selectFrom('evidence')
    .selectAll()
    .where('revision_id', '=', id)
    .where('removed_at', 'is', null)
    .orderBy('added_at')
    .orderBy(sql`rowid`)
    .execute();
  return { row, pack, entries: new Map(values.map((v) => [v.indicator_id, v])), evidence };
}

async function isSuperseded(db: Db, row: AssessmentTable): Promise<boolean> {
  const newer = await db
    .selectFrom('assessment')
    .select('id')
    .where('assessment_id', '=', row.assessment_id)
    .where('revision', '>', row.revision)
    .executeTakeFirst();
  return newer !== undefined;
}

/** Refuses a write to a revision that is submitted (read-only). */
export function requireDraft(row: AssessmentTable): void {
  if (row.status !== 'draft') {
    throw new CfcError(
      'read_only',
      {
        vi: `Bản đánh giá năm ${row.year} (lần ${row.revision}) đã nộp nên chỉ được xem. Hãy mở bản sửa đổi mới để thay đổi.`,
        en: `The ${row.year} assessment (revision ${row.revision}) was submitted and is read-only. Open a new revision to change it.`,
      },
      { field: 'id' },
    );
  }
}

function requireIndicator(pack: LoadedPack, indicatorId: string): { id: string; max: number } {
  const ind = indicatorsOf(pack).find((i) => i.id === indicatorId);
  if (!ind) {
    throw new CfcError(
      'invalid_input',
      {
        vi: `Trường indicatorId: gói ${pack.pack.id} không có chỉ tiêu "${indicatorId}".`,
        en: `Field indicatorId: pack ${pack.pack.id} has no indicator "${indicatorId}".`,
      },
      { field: 'indicatorId' },
    );
  }
  return ind;
}

/** Checks a unit class against the catalogue's default: another class needs a reason (its legal basis). */
function checkUnitClass(units: UnitCatalogue, unitCode: string, unitClass: UnitClass, reason: string | undefined): string | null {
  const def = units.defaultUnitClass(unitCode);
  if (def === unitClass) return reason?.trim() || null;
  if (!reason || !reason.trim()) {
    throw new CfcError(
      'invalid_input',
      {
        vi: `Trường unitClassReason: loại đơn vị khác với mặc định theo danh mục (${def ?? '—'}) cần ghi căn cứ (ví dụ quyết định công nhận xã đặc biệt khó khăn).`,
        en: `Field unitClassReason: a unit class other than the catalogue's default (${def ?? '—'}) needs its legal basis (e.g. the decision listing the commune as disadvantaged).`,
      },
      { field: 'unitClassReason' },
    );
  }
  return reason.trim();
}

async function upsertEntry(db: Db, revisionId: string, indicatorId: string, patch: Partial<AssessmentValueTable>, now: string) {
  await db
    .insertInto('assessment_value')
    .values({ revision_id: revisionId, indicator_id: indicatorId, note: '', copied: 0, value_json: null, updated_at: now, ...patch })
    .onConflict((oc) => oc.columns(['revision_id', 'indicator_id']).doUpdateSet({ ...patch, updated_at: now }))
    .execute();
}

async function touch(db: Db, id: string, now: string) {
  await db.updateTable('assessment').set({ updated_at: now }).where('id', '=', id).execute();
}

export interface CreateInput {
  unitCode: string;
  /** The catalogue edition of unitCode; the current edition when absent (see resolveUnitForYear). */
  unitEdition?: string | undefined;
  year: number;
  unitClass?: UnitClass | undefined;
  unitClassReason?: string | undefined;
  packId?: string | undefined;
}

/** Starts revision 1 of a new assessment of a commune for a year. */
export async function createAssessment(deps: Deps, input: CreateInput, actor: Actor): Promise<string> {
  return insertAssessment(deps, input, actor, null);
}

/** Creates revision 1 and, in the same transaction, copies an earlier revision's content into it (or nothing). */
async function insertAssessment(deps: Deps, input: CreateInput, actor: Actor, from: Revision | null): Promise<string> {
  // The unit in its edition; from 2025 on a unit that no longer exists is refused, its successors named.
  const { catalogue: units, unit } = resolveUnitForYear(deps.editions, input);
  const pack = deps.packs.require(input.packId ?? 'qd06-2019', undefined, 'packId');
  const unitClass = input.unitClass ?? units.defaultUnitClass(unit.code) ?? 'other';
  const reason = checkUnitClass(units, unit.code, unitClass, input.unitClassReason);
  const alreadyExists = () =>
    new CfcError(
      'already_exists',
      {
        vi: `${unit.name} đã có bản đánh giá năm ${input.year}; hãy mở bản đó (hoặc mở bản sửa đổi mới).`,
        en: `${unit.name} already has a ${input.year} assessment; open it (or open a new revision).`,
      },
      { field: 'year' },
    );
  const id = crypto.randomUUID();
  await writeTransaction(deps.db, async (trx) => {
    const existing = await trx
      .selectFrom('assessment')
      .select(['id', 'revision'])
      .where('unit_code', '=', unit.code)
      .where('unit_edition', '=', units.dataDate)
      .where('year', '=', input.year)
      .executeTakeFirst();
    if (existing) throw alreadyExists();
    const row: AssessmentTable = {
      id,
      assessment_id: crypto.randomUUID(),
      revision: 1,
      unit_code: unit.code,
      unit_edition: units.dataDate,
      year: input.year,
      unit_class: unitClass,
      unit_class_reason: reason,
      pack_id: pack.pack.id,
      pack_version: pack.pack.version,
      pack_sha256: pack.sha256,
      status: 'draft',
      copied_from: from?.row.id ?? null,
      previous_revision: null,
      created_by: actor.name,
      created_at: actor.now,
      updated_at: actor.now,
      submitted_at: null,
      legacy_duplicate: 0,
    };
    try {
      await trx.insertInto('assessment').values(row).execute();
    } catch (e) {
      // The unique index (migration 0007) behind the check above, e.g. against another process.
      if (e instanceof Error && /UNIQUE constraint failed: assessment\.unit_edition, assessment\.unit_code, assessment\.year/.test(e.message)) throw alreadyExists();
      throw e;
    }
    await appendAudit(trx, row, actor, 'create', {
      new: { unitCode: unit.code, year: input.year, unitClass, pack: `${pack.pack.id}@${pack.pack.version}` },
      reason,
    });
    if (from) {
      await copyContent(trx, from, id, true, actor, false);
      await appendAudit(trx, row, actor, 'duplicate', {
        old: { id: from.row.id, year: from.row.year, unitCode: from.row.unit_code, unitEdition: from.row.unit_edition },
        new: { year: input.year, unitCode: unit.code, unitEdition: units.dataDate },
      });
    }
  });
  return id;
}

/** Copies entries and evidence links of one revision into another (inside a transaction). */
async function copyContent(trx: Db, from: Revision, toId: string, markCopied: boolean, actor: Actor, withOverrides: boolean) {
  for (const v of from.entries.values()) {
    await trx
      .insertInto('assessment_value')
      .values({
        ...v,
        revision_id: toId,
        copied: markCopied && v.value_json !== null ? 1 : v.copied,
        override_points: withOverrides ? v.override_points : null,
        override_reason: withOverrides ? v.override_reason : null,
        updated_at: actor.now,
      })
      .execute();
  }
  for (const e of from.evidence) {
    await trx
      .insertInto('evidence')
      .values({ ...e, id: crypto.randomUUID(), revision_id: toId, copied: markCopied ? 1 : e.copied })
      .execute();
  }
}

/**
 * This year's assessment from an earlier one: values, notes and evidence links copied and marked as copied. Across the
 * 2025 reform the copy is filed under the unit that took the source's unit in (`into`, or its only successor; see
 * across.ts), in the current edition, with the new unit's own default class; the note says what came from where.
 */
export async function duplicateAssessment(
  deps: Deps,
  fromId: string,
  year: number,
  actor: Actor,
  into?: { code: string; edition?: string | undefined },
): Promise<{ id: string; copied: CopyNote }> {
  const from = await loadRevision(deps.db, deps.packs, fromId);
  if (year <= from.row.year) {
    throw new CfcError(
      'invalid_input',
      {
        vi: `Trường year: năm mới (${year}) phải sau năm của bản được sao chép (${from.row.year}).`,
        en: `Field year: the new year (${year}) must come after the copied assessment's year (${from.row.year}).`,
      },
      { field: 'year' },
    );
  }
  const source = { code: from.row.unit_code, edition: from.row.unit_edition };
  const target = copyTarget(deps.editions, source, year, into);
  const same = target.code === source.code && target.edition === source.edition;
  const id = await insertAssessment(
    deps,
    same
      ? { unitCode: source.code, unitEdition: source.edition, year, unitClass: from.row.unit_class as UnitClass, unitClassReason: from.row.unit_class_reason ?? undefined, packId: from.row.pack_id }
      : { unitCode: target.code, unitEdition: target.edition, year, packId: from.row.pack_id },
    actor,
    from,
  );
  const values = [...from.entries.values()].filter((v) => v.value_json !== null).length;
  const copied = copyNote(deps.editions, { id: from.row.id, year: from.row.year, revision: from.row.revision, unit: source }, { id, year, unit: target }, { values, evidence: from.evidence.length });
  return { id, copied };
}

export interface Saved {
  entry: EntryView;
  result: Assessment;
  progress: { filled: number; total: number; empty: string[] };
  updatedAt: string;
}

async function savedView(db: Db, deps: Deps, id: string, indicatorId: string): Promise<Saved> {
  const rev = await loadRevision(db, deps.packs, id);
  const v = rev.entries.get(indicatorId);
  return {
    entry: v ? entryView(v) : { value: null, note: '', override: null, copied: false, updatedAt: rev.row.updated_at },
    result: scoreRevision(rev),
    progress: progressOf(rev),
    updatedAt: rev.row.updated_at,
  };
}

/**
 * Saves one indicator's value after checking it against its kind (the engine's own input validation names the exact
 * field, e.g. `values.2.1.numerator`). `null` clears it. An unchanged value writes nothing.
 */
export async function setValue(deps: Deps, id: string, indicatorId: string, value: unknown, actor: Actor): Promise<Saved> {
  return writeTransaction(deps.db, async (trx) => {
    const rev = await loadRevision(trx, deps.packs, id);
    requireDraft(rev.row);
    requireIndicator(rev.pack, indicatorId);
    if (value !== null && value !== undefined) {
      parseScoreInput({ pack: rev.row.pack_id, unitClass: rev.row.unit_class, values: { [indicatorId]: value } }, rev.pack);
    }
    const next = value === null || value === undefined ? null : JSON.stringify(value);
    const current = rev.entries.get(indicatorId);
    if ((current?.value_json ?? null) !== next || current?.copied === 1) {
      await upsertEntry(trx, id, indicatorId, { value_json: next, copied: 0 }, actor.now);
      await touch(trx, id, actor.now);
      if ((current?.value_json ?? null) !== next) {
        await appendAudit(trx, rev.row, actor, 'value', {
          indicatorId,
          old: current?.value_json ? JSON.parse(current.value_json) : null,
          new: value ?? null,
        });
      }
    }
    return savedView(trx, deps, id, indicatorId);
  });
}

export async function setNote(deps: Deps, id: string, indicatorId: string, note: string, actor: Actor): Promise<Saved> {
  return writeTransaction(deps.db, async (trx) => {
    const rev = await loadRevision(trx, deps.packs, id);
    requireDraft(rev.row);
    requireIndicator(rev.pack, indicatorId);
    const current = rev.entries.get(indicatorId);
    const clean = note.normalize('NFC');
    if ((current?.note ?? '') !== clean) {
      await upsertEntry(trx, id, indicatorId, { note: clean }, actor.now);
      await touch(trx, id, actor.now);
      await appendAudit(trx, rev.row, actor, 'note', { indicatorId, old: current?.note ?? '', new: clean });
    }
    return savedView(trx, deps, id, indicatorId);
  });
}

export async function setOverride(
  deps: Deps,
  id: string,
  indicatorId: string,
  override: { points: number; reason: string } | null,
  actor: Actor,
): Promise<Saved> {
  return writeTransaction(deps.db, async (trx) => {
    const rev = await loadRevision(trx, deps.packs, id);
    requireDraft(rev.row);
    const ind = requireIndicator(rev.pack, indicatorId);
    if (override && override.points > ind.max) {
      throw new CfcError(
        'invalid_input',
        {
          vi: `Trường override.points: điểm điều chỉnh ${override.points} vượt điểm tối đa ${ind.max} của chỉ tiêu ${indicatorId}.`,
          en: `Field override.points: the override ${override.points} is above indicator ${indicatorId}'s maximum of ${ind.max}.`,
        },
        { field: 'override.points' },
      );
    }
    const current = rev.entries.get(indicatorId);
    const old = current?.override_points == null ? null : { points: current.override_points, reason: current.override_reason };
    await upsertEntry(trx, id, indicatorId, { override_points: override?.points ?? null, override_reason: override?.reason.trim() ?? null }, actor.now);
    await touch(trx, id, actor.now);
    await appendAudit(trx, rev.row, actor, 'override', { indicatorId, old, new: override, reason: override?.reason ?? null });
    return savedView(trx, deps, id, indicatorId);
  });
}

/** A copied value confirmed as still true: it stops being marked as copied (recorded). */
export async function confirmCopied(deps: Deps, id: string, indicatorId: string, actor: Actor): Promise<Saved> {
  return writeTransaction(deps.db, async (trx) => {
    const rev = await loadRevision(trx, deps.packs, id);
    requireDraft(rev.row);
    requireIndicator(rev.pack, indicatorId);
    const current = rev.entries.get(indicatorId);
    if (current?.copied === 1) {
      await upsertEntry(trx, id, indicatorId, { copied: 0 }, actor.now);
      await touch(trx, id, actor.now);
      const value = current.value_json === null ? null : JSON.parse(current.value_json);
      await appendAudit(trx, rev.row, actor, 'value', { indicatorId, old: value, new: value, reason: 'confirmed copied value' });
    }
    return savedView(trx, deps, id, indicatorId);
  });
}

export async function setUnitClass(deps: Deps, id: string, unitClass: UnitClass, reason: string | undefined, actor: Actor): Promise<void> {
  await writeTransaction(deps.db, async (trx) => {
    const rev = await loadRevision(trx, deps.packs, id);
    requireDraft(rev.row);
    const clean = checkUnitClass(deps.editions.get(rev.row.unit_edition), rev.row.unit_code, unitClass, reason);
    if (rev.row.unit_class === unitClass && rev.row.unit_class_reason === clean) return;
    await trx.updateTable('assessment').set({ unit_class: unitClass, unit_class_reason: clean, updated_at: actor.now }).where('id', '=', id).execute();
    await appendAudit(trx, rev.row, actor, 'unit_class', { old: rev.row.unit_class, new: unitClass, reason: clean });
  });
}

/** Marks the revision submitted and read-only. Every indicator must have a value. */
export async function submitAssessment(deps: Deps, id: string, actor: Actor): Promise<void> {
  await writeTransaction(deps.db, async (trx) => {
    const rev = await loadRevision(trx, deps.packs, id);
    requireDraft(rev.row);
    const { empty } = progressOf(rev);
    if (empty.length > 0) {
      throw new CfcError(
        'incomplete',
        {
          vi: `Chưa nộp được: còn ${empty.length} chỉ tiêu chưa nhập (${empty.join(', ')}).`,
          en: `Cannot submit yet: ${empty.length} indicator(s) have no value (${empty.join(', ')}).`,
        },
        { field: 'id' },
      );
    }
    const result = scoreRevisionFacts(rev);
    await trx.updateTable('assessment').set({ status: 'submitted', submitted_at: actor.now, updated_at: actor.now }).where('id', '=', id).execute();
    await appendAudit(trx, rev.row, actor, 'submit', {
      old: 'draft',
      new: { status: 'submitted', total: result.total, verdict: result.verdict },
    });
  });
}

/** Opens revision n+1 from a submitted revision n: everything copied (not marked: same year, same dossier). */
export async function newRevision(deps: Deps, id: string, actor: Actor): Promise<string> {
  return writeTransaction(deps.db, async (trx) => {
    const rev = await loadRevision(trx, deps.packs, id);
    if (rev.row.status !== 'submitted') {
      throw new CfcError(
        'invalid_state',
        {
          vi: 'Chỉ mở được bản sửa đổi mới từ một bản đã nộp; bản này vẫn đang soạn.',
          en: 'A new revision opens only from a submitted revision; this one is still a draft.',
        },
        { field: 'id' },
      );
    }
    if (await isSuperseded(trx, rev.row)) {
      throw new CfcError(
        'invalid_state',
        {
          vi: `Đã có bản sửa đổi mới hơn lần ${rev.row.revision}; hãy mở bản mới nhất.`,
          en: `A newer revision than ${rev.row.revision} exists; open the latest one.`,
        },
        { field: 'id' },
      );
    }
    const newId = crypto.randomUUID();
    const row: AssessmentTable = {
      ...rev.row,
      id: newId,
      revision: rev.row.revision + 1,
      status: 'draft',
      previous_revision: rev.row.id,
      created_by: actor.name,
      created_at: actor.now,
      updated_at: actor.now,
      submitted_at: null,
    };
    await trx.insertInto('assessment').values(row).execute();
    await copyContent(trx, rev, newId, false, actor, true);
    await appendAudit(trx, row, actor, 'new_revision', { old: rev.row.revision, new: row.revision });
    return newId;
  });
}

export { isSuperseded };
