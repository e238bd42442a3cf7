import { CfcError } from '../errors';
import type { UnitCatalogue, UnitRecord } from './catalogue';
import { editionDateVi, type LinkedUnit, type UnitEditions } from './editions';

/** The first year filed under the newest edition: the year its `dataDate` falls in (2025 for 2025-07-01). */
export function firstYearOf(edition: string): number {
  return Number(edition.slice(0, 4));
}

function successorText(u: { name: string; code: string }, succ: LinkedUnit[], edition: string): { vi: string; en: string } {
  const names = succ.map((s) => `${s.name} (${s.code})`);
  const when = editionDateVi(edition);
  if (succ.length === 0) {
    return {
      vi: `${u.name} (${u.code}) không còn trong danh mục đơn vị hành chính từ ${when}.`,
      en: `${u.name} (${u.code}) is no longer in the administrative units catalogue since ${when}.`,
    };
  }
  if (succ.length === 1 && succ[0]!.whole) {
    return { vi: `${u.name} (${u.code}) đã nhập vào ${names[0]} từ ${when}`, en: `${u.name} (${u.code}) was merged into ${names[0]} on ${when}` };
  }
  return {
    vi: `${u.name} (${u.code}) đã được sắp xếp vào ${names.join(', ')} từ ${when}`,
    en: `${u.name} (${u.code}) was divided among ${names.join(', ')} on ${when}`,
  };
}

/**
 * Refuses a unit of an older edition for a year from the newest edition's year on (the unit no longer exists then),
 * naming its successor(s) from the mapping. Earlier years may use an older edition on purpose (a past dossier).
 */
export function assertUnitCurrent(editions: UnitEditions, edition: string, code: string, year: number, field = 'unitCode'): void {
  const current = editions.currentEdition;
  if (edition === current || year < firstYearOf(current)) return;
  const unit = editions.get(edition).require(code, field);
  const t = successorText(unit, editions.currentSuccessors(edition, code), current);
  throw new CfcError(
    'unit_superseded',
    {
      vi: `${t.vi}. Đánh giá năm ${year} phải lập cho đơn vị theo danh mục ${editionDateVi(current)}.`,
      en: `${t.en}. A ${year} assessment must be made for a unit of the ${editionDateVi(current)} catalogue.`,
    },
    { field },
  );
}

/**
 * The unit an assessment (or a package) for a year is about: `(edition, code)`. Without an edition, the current one;
 * a code that only an older edition has is that edition's unit for a year before the reform, and refused from then on
 * (with its successors named). Checks it is a commune-level unit.
 */
export function resolveUnitForYear(
  editions: UnitEditions,
  input: { unitCode: string; year: number; unitEdition?: string | undefined },
  field = 'unitCode',
): { catalogue: UnitCatalogue; unit: UnitRecord } {
  const { catalogue, unit } = findUnitForYear(editions, input, field);
  if (unit.level !== 'commune') {
    throw new CfcError(
      'invalid_input',
      { vi: `Trường ${field}: ${unit.name} không phải đơn vị cấp xã.`, en: `Field ${field}: ${unit.name} is not a commune-level unit.` },
      { field },
    );
  }
  return { catalogue, unit };
}

/**
 * A unit of any level as of a year, `(edition, code)`: the current edition unless one is named; a code only an older
 * edition has is that edition's unit, refused from the reform's year on with its successors named (a profile or a key
 * made now, for a unit that no longer exists, learns where it went).
 */
export function findUnitForYear(
  editions: UnitEditions,
  input: { unitCode: string; year: number; unitEdition?: string | undefined },
  field = 'unitCode',
): { catalogue: UnitCatalogue; unit: UnitRecord } {
  let edition = input.unitEdition ?? editions.currentEdition;
  if (input.unitEdition === undefined && !editions.current().has(input.unitCode)) {
    const older = editions.editionsWith(input.unitCode).pop();
    if (older) edition = older;
  }
  const catalogue = editions.get(edition, 'unitEdition');
  const unit = catalogue.record(input.unitCode);
  if (!unit) {
    throw new CfcError(
      'unit_not_found',
      {
        vi: `Không có đơn vị mã ${input.unitCode} trong danh mục ấn bản ${edition}.`,
        en: `No unit with code ${input.unitCode} in the catalogue edition ${edition}.`,
      },
      { field },
    );
  }
  assertUnitCurrent(editions, edition, unit.code, input.year, field);
  return { catalogue, unit };
}
