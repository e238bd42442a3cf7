import { z } from 'zod';
import { defineCall } from './define';

export const unitLevel = z.enum(['province', 'district', 'commune']);
export const unitClass = z.enum(['urban_ward', 'mountain_island_disadvantaged', 'other']);
export type UnitClass = z.infer<typeof unitClass>;

/** A GSO code: 2 digits (province), 3 (district) or 5 (commune). */
export const unitCode = z.string().regex(/^\d{2,5}$/, 'A GSO unit code has 2 to 5 digits');

/** A catalogue edition: its dataDate. */
export const unitEdition = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'A catalogue edition is its date, YYYY-MM-DD');

export const unit = z.object({
  /** The catalogue edition the code belongs to (codes were reused with other meanings on 01/07/2025). */
  edition: unitEdition,
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

/** A unit of another edition, linked through the old → new mapping. */
export const linkedUnit = z.object({
  edition: unitEdition,
  code: z.string(),
  name: z.string(),
  place: z.string(),
  /** Successor: the old unit went entirely into this one. Predecessor: all of the old unit went into the new one. */
  whole: z.boolean(),
});
export type LinkedUnit = z.infer<typeof linkedUnit>;

export const editionSummary = z.object({
  dataDate: unitEdition,
  source: z.string(),
  sha256: z.string(),
  origin: z.enum(['builtin', 'loaded']),
  current: z.boolean(),
  counts: z.object({ provinces: z.number().int(), districts: z.number().int(), communes: z.number().int() }),
});
export type EditionSummary = z.infer<typeof editionSummary>;

export const unitHistory = z.object({
  edition: unitEdition,
  code: z.string(),
  name: z.string(),
  place: z.string(),
  predecessors: z.array(linkedUnit),
  successors: z.array(linkedUnit),
  /** The units of the current edition it became (through every mapping); [] for a current unit. */
  current: z.array(linkedUnit),
});

const loadResult = z.object({
  edition: editionSummary,
  added: z.boolean(),
  mapping: z.object({ from: unitEdition, to: unitEdition, communes: z.number().int() }).nullable(),
});

export const unitsCalls = {
  'units.search': defineCall({
    summary: 'Find units by name, with or without Vietnamese diacritics ("tra vinh" finds "Trà Vinh")',
    input: z
      .object({
        query: z.string().trim().min(1).max(100),
        /** The current edition when absent. */
        edition: unitEdition.optional(),
        level: unitLevel.optional(),
        within: unitCode.optional(),
        limit: z.number().int().min(1).max(200).default(20),
      })
      .strict(),
    output: z.object({ items: z.array(unit), total: z.number().int() }),
  }),
  'units.children': defineCall({
    summary: 'The provinces (no code), or the units directly under a unit',
    input: z.object({ code: unitCode.nullable().default(null), edition: unitEdition.optional() }).strict(),
    output: z.object({ items: z.array(unit) }),
  }),
  'units.get': defineCall({
    summary: 'One unit by its GSO code (in the current edition unless one is named)',
    input: z.object({ code: unitCode, edition: unitEdition.optional() }).strict(),
    output: unit,
  }),
  'units.editions': defineCall({
    summary: 'The catalogue editions known here (date, source, SHA-256, counts); the newest is current',
    input: z.object({}).strict(),
    output: z.object({ current: unitEdition, items: z.array(editionSummary) }),
  }),
  'units.history': defineCall({
    summary: "A unit's predecessors (previous edition) and successors (next edition) through the old → new mappings",
    input: z.object({ code: unitCode, edition: unitEdition.optional() }).strict(),
    output: unitHistory,
  }),
  'units.load': defineCall({
    summary: 'Load a newer catalogue edition (and the mapping from the edition before it) from uploaded files; checked before anything is written',
    input: z.object({ stagedId: z.string().uuid(), mappingStagedId: z.string().uuid().optional() }).strict(),
    output: loadResult,
  }),
};

/** Calls that take a file path (CLI and tests only). */
export const unitsLocalCalls = {
  'units.loadFile': defineCall({
    summary: 'Load a newer catalogue edition (and the mapping from the edition before it) from files',
    input: z.object({ file: z.string().min(1), mapping: z.string().min(1).optional() }).strict(),
    output: loadResult,
  }),
};
