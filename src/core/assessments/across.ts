import type { Kysely } from 'kysely';
import { CfcError } from '../errors';
import type { Database } from '../store/schema';
import { firstYearOf } from '../units/current';
import { editionDateVi, type UnitEditions } from '../units/editions';

/**
 * "Bắt đầu từ năm trước" across the 2025 reform: a new year's assessment may start from last year's assessment of
 * the same unit, or of a unit that went into it (Xã Mỹ Cẩm 2024, 2025-03-01 → Xã Càng Long 2026, 2025-07-01). This
 * file says which unit the copy is filed under, which assessments may be its source, and what the copy took from where.
 */

export interface UnitRef {
  code: string;
  edition: string;
}

/** The edition a year's assessment of a unit of `edition` is filed in: the current one from its first year on. */
function editionForCopy(editions: UnitEditions, edition: string, year: number): string {
  return year >= firstYearOf(editions.currentEdition) ? editions.currentEdition : edition;
}

const listOf = (units: { name: string; code: string }[]) => units.map((u) => `${u.name} (${u.code})`).join(', ');

/**
 * The unit the copy of `from` for `year` is filed under:
 * 1. the same unit while it still exists in the edition of that year;
 * 2. else one of its successors in the current edition (the mapping): `into` when given (it must be one of them), or
 *    the only one when there is one; several successors and no `into`: refused, naming them (field unitCode).
 */
export function copyTarget(editions: UnitEditions, from: UnitRef, year: number, into?: { code: string; edition?: string | undefined }): UnitRef {
  const edition = editionForCopy(editions, from.edition, year);
  const source = editions.get(from.edition).require(from.code);
  // 1.
  if (edition === from.edition) {
    if (into && (into.code !== from.code || (into.edition ?? edition) !== edition)) {
      throw new CfcError(
        'not_successor',
        {
          vi: `Trường unitCode: bản năm ${year} sao chép từ ${source.name} (${from.code}) phải lập cho chính đơn vị đó (không có thay đổi đơn vị hành chính giữa hai năm).`,
          en: `Field unitCode: a ${year} copy of ${source.name} (${from.code}) is filed under that very unit (no reorganisation between the two years).`,
        },
        { field: 'unitCode' },
      );
    }
    return { code: from.code, edition };
  }
  // 2.
  const successors = editions.currentSuccessors(from.edition, from.code);
  const when = editionDateVi(editions.currentEdition);
  if (into) {
    const ok = successors.find((s) => s.code === into.code && (into.edition ?? edition) === edition);
    if (!ok) {
      throw new CfcError(
        'not_successor',
        {
          vi: `Trường unitCode: ${into.code} không phải là đơn vị đã nhận ${source.name} (${from.code}) từ ${when}; các đơn vị đó là: ${listOf(successors) || 'không có'}.`,
          en: `Field unitCode: ${into.code} is not a unit that took over ${source.name} (${from.code}) on ${when}; those are: ${listOf(successors) || 'none'}.`,
        },
        { field: 'unitCode' },
      );
    }
    return { code: ok.code, edition };
  }
  if (successors.length === 1) return { code: successors[0]!.code, edition };
  throw new CfcError(
    'successor_required',
    {
      vi: `Trường unitCode: ${source.name} (${from.code}) đã được sắp xếp vào ${listOf(successors)} từ ${when}; hãy chọn đơn vị sẽ lập bản năm ${year}.`,
      en: `Field unitCode: ${source.name} (${from.code}) was divided among ${listOf(successors)} on ${when}; choose the unit the ${year} assessment is for.`,
    },
    { field: 'unitCode' },
  );
}

/** What a copy took, from where, into what (shown to the user after the copy). */
export interface CopyNote {
  from: { id: string; year: number; revision: number; unit: { code: string; name: string; edition: string } };
  into: { id: string; year: number; unit: { code: string; name: string; edition: string } };
  values: number;
  evidence: number;
  message: { vi: string; en: string };
}

export function copyNote(
  editions: UnitEditions,
  from: { id: string; year: number; revision: number; unit: UnitRef },
  into: { id: string; year: number; unit: UnitRef },
  counts: { values: number; evidence: number },
): CopyNote {
  const name = (u: UnitRef) => editions.get(u.edition).record(u.code)?.name ?? u.code;
  const f = { code: from.unit.code, name: name(from.unit), edition: from.unit.edition };
  const t = { code: into.unit.code, name: name(into.unit), edition: into.unit.edition };
  const same = f.code === t.code && f.edition === t.edition;
  const where = (u: typeof f) => `${u.name} (${u.code}, danh mục ${editionDateVi(u.edition)})`;
  const whereEn = (u: typeof f) => `${u.name} (${u.code}, ${u.edition} catalogue)`;
  return {
    from: { id: from.id, year: from.year, revision: from.revision, unit: f },
    into: { id: into.id, year: into.year, unit: t },
    ...counts,
    message: same
      ? {
          vi: `Đã sao chép ${counts.values} số liệu và ${counts.evidence} minh chứng từ bản năm ${from.year} (lần ${from.revision}) sang bản năm ${into.year} của ${t.name}; các số liệu được đánh dấu "sao chép" cho đến khi được xác nhận.`,
          en: `Copied ${counts.values} values and ${counts.evidence} evidence files from the ${from.year} assessment (revision ${from.revision}) into ${t.name}'s ${into.year} assessment; they are marked "copied" until confirmed.`,
        }
      : {
          vi: `Đã sao chép ${counts.values} số liệu và ${counts.evidence} minh chứng từ bản năm ${from.year} (lần ${from.revision}) của ${where(f)} sang bản năm ${into.year} của ${where(t)}, đơn vị đã nhận ${f.name}; các số liệu được đánh dấu "sao chép" cho đến khi được xác nhận cho đơn vị mới.`,
          en: `Copied ${counts.values} values and ${counts.evidence} evidence files from the ${from.year} assessment (revision ${from.revision}) of ${whereEn(f)} into the ${into.year} assessment of ${whereEn(t)}, which took ${f.name} in; they are marked "copied" until confirmed for the new unit.`,
        },
  };
}

export interface CopySource {
  id: string;
  year: number;
  revision: number;
  status: 'draft' | 'submitted';
  unit: { code: string; name: string; edition: string };
  /** `same`: an earlier year of the unit itself; `predecessor`: of a unit that went into it (`whole`: all of it). */
  relation: 'same' | 'predecessor';
  whole: boolean;
}

/**
 * The assessments a unit's `year` may start from: the latest revision of each earlier assessment of the unit itself,
 * and of the units of the previous edition that went into it (a new commune's predecessors), newest year first.
 */
export async function copySources(db: Kysely<Database>, editions: UnitEditions, unit: UnitRef, year: number): Promise<CopySource[]> {
  const cat = editions.get(unit.edition, 'unitEdition');
  if (cat.record(unit.code)?.level !== 'commune') {
    throw new CfcError(
      'unit_not_found',
      { vi: `Không có xã mã ${unit.code} trong danh mục ấn bản ${unit.edition} (trường unitCode).`, en: `No commune ${unit.code} in the catalogue edition ${unit.edition} (field unitCode).` },
      { field: 'unitCode' },
    );
  }
  const units = [
    { code: unit.code, edition: unit.edition, relation: 'same' as const, whole: true },
    ...editions.predecessors(unit.edition, unit.code).map((p) => ({ code: p.code, edition: p.edition, relation: 'predecessor' as const, whole: p.whole })),
  ];
  const out: CopySource[] = [];
  for (const u of units) {
    const rows = await db
      .selectFrom('assessment')
      .select(['id', 'assessment_id', 'year', 'revision', 'status'])
      .where('unit_code', '=', u.code)
      .where('unit_edition', '=', u.edition)
      .where('year', '<', year)
      .orderBy('revision', 'desc')
      .execute();
    const seen = new Set<string>();
    for (const r of rows) {
      if (seen.has(r.assessment_id)) continue;
      seen.add(r.assessment_id);
      const name = editions.get(u.edition).record(u.code)?.name ?? u.code;
      out.push({ id: r.id, year: r.year, revision: r.revision, status: r.status, unit: { code: u.code, name, edition: u.edition }, relation: u.relation, whole: u.whole });
    }
  }
  return out.sort((a, b) => b.year - a.year || (a.relation === b.relation ? 0 : a.relation === 'same' ? -1 : 1));
}
