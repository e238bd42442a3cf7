import { z } from 'zod';
import { defineCall } from './define';

export const unitLevel = z.enum(['province', 'district', 'commune']);
export const unitClass = z.enum(['urban_ward', 'mountain_island_disadvantaged', 'other']);
export type UnitClass = z.infer<typeof unitClass>;

/** A GSO code: 2 digits (province), 3 (district) or 5 (commune). */
export const unitCode = z.string().regex(/^\d{2,5}$/, 'A GSO unit code has 2 to 5 digits');

export const unit = z.object({
  code: z.string(),
  name: z.string(),
  type: z.string(),
  level: unitLevel,
  parentCode: z.string().nullable(),
  /** Ancestors from the province down, without the unit itself. */
  ancestors: z.array(z.object({ code: z.string(), name: z.string(), level: unitLevel })),
  childCount: z.number().int(),
  /** The unit class the criteria spec derives from the catalogue (communes only). */
  defaultUnitClass: unitClass.nullable(),
});
export type Unit = z.infer<typeof unit>;

export const unitsCalls = {
  'units.search': defineCall({
    summary: 'Find units by name, with or without Vietnamese diacritics ("tra vinh" finds "Trà Vinh")',
    input: z
      .object({
        query: z.string().trim().min(1).max(100),
        level: unitLevel.optional(),
        within: unitCode.optional(),
        limit: z.number().int().min(1).max(200).default(20),
      })
      .strict(),
    output: z.object({ items: z.array(unit), total: z.number().int() }),
  }),
  'units.children': defineCall({
    summary: 'The provinces (no code), or the units directly under a unit',
    input: z.object({ code: unitCode.nullable().default(null) }).strict(),
    output: z.object({ items: z.array(unit) }),
  }),
  'units.get': defineCall({
    summary: 'One unit by its GSO code',
    input: z.object({ code: unitCode }).strict(),
    output: unit,
  }),
};
