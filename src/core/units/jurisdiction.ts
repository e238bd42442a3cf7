import type { UnitEditions } from './editions';

export type KeyRole = 'commune' | 'assessor' | 'province';

/**
 * Whether a key's jurisdiction covers a commune, each named in its catalogue edition:
 * - a commune key covers its own commune, in its own edition (an old commune key keeps covering the packages it signed);
 * - an assessor or province key covers the communes under its unit in the same edition (an old district key: its old
 *   district's communes of the old edition);
 * - across editions, a province key covers a commune of the other edition when the mapping puts all of that commune's
 *   territory in the key's province: every predecessor (or successor) of the commune lies in it. So the new Tỉnh Vĩnh
 *   Long covers the old Trà Vinh communes, and the old Tỉnh Trà Vinh covers a new commune made only of its communes.
 */
export function keyCovers(
  editions: UnitEditions,
  key: { role: KeyRole; unitCode: string; unitEdition: string },
  unit: { edition: string; code: string },
): boolean {
  if (key.role === 'commune') return key.unitEdition === unit.edition && key.unitCode === unit.code;
  const cat = editions.find(unit.edition);
  if (!cat || !cat.has(unit.code)) return false;
  if (key.unitEdition === unit.edition) return cat.ancestors(unit.code).some((a) => a.code === key.unitCode);
  const keyCat = editions.find(key.unitEdition);
  const keyUnit = keyCat?.record(key.unitCode);
  if (!keyCat || !keyUnit || keyUnit.level !== 'province') return false;
  // The commune's counterparts in the key's edition, through the mapping between the two (adjacent) editions.
  const links =
    editions.next(unit.edition) === key.unitEdition
      ? editions.successors(unit.edition, unit.code)
      : editions.previous(unit.edition) === key.unitEdition
        ? editions.predecessors(unit.edition, unit.code)
        : [];
  if (links.length === 0) return false;
  return links.every((l) => keyCat.record(l.code)?.provinceCode === key.unitCode);
}
