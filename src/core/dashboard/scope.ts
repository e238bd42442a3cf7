import { CfcError } from '../errors';
import type { UnitCatalogue, UnitRecord } from '../units/catalogue';
import type { UnitMapping } from '../units/mapping';
import type { ProvinceRef } from './targets';

/**
 * What a dashboard looks at: every commune of the catalogue under a unit (a province or a district), or of the whole
 * country (`null`). Each commune carries the group it is counted in, one level below the scope: the province when the
 * scope is the country, the district when it is a province with districts (the 2019 structure), the district itself
 * when the scope is a district; a province of the 2025 structure (communes directly under it) has one group, itself.
 */
export interface Scope {
  code: string | null;
  name: string;
  level: 'country' | 'province' | 'district';
  /** The province whose targets apply (null for the country). */
  provinceCode: string | null;
  /** That province in its edition (a new province seen before the reform: the new one, of the current edition). */
  province: ProvinceRef | null;
  communes: UnitRecord[];
  /** Commune code → group code. */
  groupOf: Map<string, string>;
  /** The groups in catalogue order, with their names. */
  groups: { code: string; name: string; level: 'province' | 'district' }[];
  /** The catalogue edition the communes (the denominator) come from. */
  edition: string;
  /**
   * A province of the current edition seen in a year of an older edition ("theo tỉnh cũ"): the former provinces it
   * took in (formerProvinces of the newer catalogue), which are then its groups; empty otherwise.
   */
  formerProvinces: string[];
  /** How the groups were made: the units of the edition (today's default), or the former provinces / districts. */
  groupBy: GroupBy;
}

/**
 * The groups of a scope. `unit`: one level below it in its edition (a new province before the reform: its former
 * provinces). `former_province` / `former_district`: "theo tỉnh cũ / huyện cũ" — a province of the 2025 structure,
 * which has no districts, grouped by the provinces and districts of the previous edition its communes came from.
 */
export type GroupBy = 'unit' | 'former_province' | 'former_district';

/** The previous edition and the mapping from it, for grouping the communes of a newer one by their former units. */
export interface FormerUnits {
  units: UnitCatalogue;
  mapping: UnitMapping;
}

const cache = new WeakMap<UnitCatalogue, Map<string | null, Scope>>();
const regrouped = new WeakMap<Scope, Map<string, Scope>>();

/**
 * The scope of a unit code (null: the country) in `units`, resolved once per catalogue (a scope is never changed once
 * made). With `current` (the newest edition, when `units` is an older one, i.e. a year before the reform): a province
 * code of the current edition that took in former provinces means those former provinces, grouped by them — a
 * reviewer of the new Tỉnh Vĩnh Long (86) sees 2024 as the old Vĩnh Long, Bến Tre and Trà Vinh (86, 83, 84 of
 * 2025-03-01). Any other code is read in `units`.
 */
export function resolveScope(units: UnitCatalogue, code: string | null, field = 'scope', current?: UnitCatalogue, groupBy: GroupBy = 'unit', formerUnits?: FormerUnits): Scope {
  let byCode = cache.get(units);
  if (!byCode) cache.set(units, (byCode = new Map()));
  const former = current && current !== units && code !== null && current.record(code)?.level === 'province' ? current.formerProvincesOf(code) : [];
  const key = former.length ? `former:${code}` : code;
  let scope = byCode.get(key);
  if (!scope) byCode.set(key, (scope = former.length ? formerScope(units, current!, code!, former) : makeScope(units, code, field)));
  if (groupBy === 'unit' || scope.level === 'district') return scope;
  let made = regrouped.get(scope);
  if (!made) regrouped.set(scope, (made = new Map()));
  let out = made.get(groupBy);
  if (!out) made.set(groupBy, (out = former.length ? regroupOld(units, scope, groupBy) : regroupByFormer(scope, groupBy, formerUnits)));
  return out;
}

/** A scope of an older edition grouped by its own provinces or districts (a new province before the reform). */
function regroupOld(units: UnitCatalogue, scope: Scope, groupBy: GroupBy): Scope {
  const level = groupBy === 'former_district' ? 'district' : 'province';
  const of = (c: UnitRecord) => (level === 'district' && c.parentCode !== null && units.record(c.parentCode)?.level === 'district' ? c.parentCode : c.provinceCode);
  return withGroups(units, scope, groupBy, new Map(scope.communes.map((c) => [c.code, of(c)])));
}

/**
 * A scope of the newest edition grouped by former units: each commune goes to the former province (or district) of
 * the old communes that went wholly into it — where they came from several, the one most of them came from, ties to
 * the first in catalogue order; a commune made only of parts of old communes, by those parts likewise.
 */
function regroupByFormer(scope: Scope, groupBy: GroupBy, former: FormerUnits | undefined): Scope {
  if (!former) return scope;
  const old = former.units;
  const groupOf = new Map<string, string>();
  for (const c of scope.communes) {
    const preds = former.mapping.predecessors(c.code);
    const whole = preds.filter((p) => p.whole);
    const votes = new Map<string, number>();
    for (const p of whole.length ? whole : preds) {
      const r = old.record(p.code);
      if (!r) continue;
      const g = groupBy === 'former_district' && r.parentCode !== null && old.record(r.parentCode)?.level === 'district' ? r.parentCode : r.provinceCode;
      votes.set(g, (votes.get(g) ?? 0) + 1);
    }
    const best = [...votes].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0];
    groupOf.set(c.code, best ? best[0] : (scope.code ?? c.provinceCode));
  }
  return withGroups(old, scope, groupBy, groupOf);
}

/** The scope with other groups (their names from `names`, in code order). */
function withGroups(names: UnitCatalogue, scope: Scope, groupBy: GroupBy, groupOf: Map<string, string>): Scope {
  const codes = [...new Set(groupOf.values())].sort();
  const groups = codes.map((g) => {
    const r = names.record(g);
    return { code: g, name: r?.name ?? g, level: (r?.level === 'district' ? 'district' : 'province') as 'district' | 'province' };
  });
  return { ...scope, groupOf, groups, groupBy };
}

/** A province of the current edition in an older edition: its former provinces' communes, one group per former province. */
function formerScope(units: UnitCatalogue, current: UnitCatalogue, code: string, former: string[]): Scope {
  const olds = former.map((p) => units.record(p)).filter((p): p is UnitRecord => p !== undefined && p.level === 'province');
  const communes = olds.flatMap((p) => units.communesUnder(p.code));
  const groupOf = new Map(communes.map((c) => [c.code, c.provinceCode]));
  const groups = olds.map((p) => ({ code: p.code, name: p.name, level: 'province' as const }));
  const name = current.record(code)!.name;
  return {
    code, name, level: 'province', provinceCode: code, province: { code, edition: current.dataDate }, communes, groupOf, groups, edition: units.dataDate, formerProvinces: olds.map((p) => p.code), groupBy: 'unit',
  };
}

function makeScope(units: UnitCatalogue, code: string | null, field: string): Scope {
  if (code === null) {
    const communes = units.communesUnder(null);
    const groupOf = new Map(communes.map((c) => [c.code, c.provinceCode]));
    const groups = units.children(null).map((p) => ({ code: p.code, name: p.name, level: 'province' as const }));
    return { code: null, name: 'Toàn quốc', level: 'country', provinceCode: null, province: null, communes, groupOf, groups, edition: units.dataDate, formerProvinces: [], groupBy: 'unit' };
  }
  const unit = units.record(code);
  if (!unit) {
    throw new CfcError('unknown_scope', { vi: `Không có đơn vị mã ${code} trong danh mục (trường ${field}).`, en: `There is no unit ${code} in the catalogue (field ${field}).` }, { field });
  }
  if (unit.level === 'commune') {
    throw new CfcError(
      'bad_scope',
      {
        vi: `${unit.name} là đơn vị cấp xã; bảng tổng hợp theo tỉnh hoặc huyện (trường ${field}).`,
        en: `${unit.name} is a commune; the dashboard covers a province or a district (field ${field}).`,
      },
      { field },
    );
  }
  const communes = units.communesUnder(code);
  const groupOf = new Map<string, string>();
  const groups: Scope['groups'] = [];
  if (unit.level === 'district') {
    for (const c of communes) groupOf.set(c.code, unit.code);
    groups.push({ code: unit.code, name: unit.name, level: 'district' });
  } else {
    for (const child of units.children(code)) {
      if (child.level === 'district') groups.push({ code: child.code, name: child.name, level: 'district' });
    }
    const hasDirect = communes.some((c) => c.parentCode === code);
    if (hasDirect) groups.push({ code: unit.code, name: unit.name, level: 'province' });
    for (const c of communes) groupOf.set(c.code, c.parentCode === code ? unit.code : c.parentCode!);
  }
  return {
    code, name: unit.name, level: unit.level, provinceCode: unit.provinceCode, province: { code: unit.provinceCode, edition: units.dataDate }, communes, groupOf, groups, edition: units.dataDate, formerProvinces: [], groupBy: 'unit',
  };
}
