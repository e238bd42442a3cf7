import { z } from 'zod';
import { defineCall } from './define';
import { linkedUnit, unit, unitCode, unitEdition } from './units';

export const role = z.enum(['commune', 'assessor', 'province']);
export type Role = z.infer<typeof role>;
export const language = z.enum(['vi', 'en']);
export type Language = z.infer<typeof language>;

const name = (max: number) => z.string().trim().min(1).max(max);

export const profileInput = z
  .object({
    role,
    unitCode,
    /** The catalogue edition of unitCode; the current edition when absent (a profile is on a unit as it is now). */
    unitEdition: unitEdition.optional(),
    organisation: name(200),
    userName: name(100),
    userTitle: name(100),
  })
  .strict();
export type ProfileInput = z.infer<typeof profileInput>;

export const profile = profileInput.extend({
  unitEdition,
  unit,
  /**
   * A profile on a unit of an older catalogue edition (it no longer exists): the units of the current edition that
   * took it over, to propose in one step; null when the unit is current.
   */
  superseded: z.object({ currentEdition: unitEdition, successors: z.array(linkedUnit) }).nullable(),
  updatedAt: z.string(),
});
export type Profile = z.infer<typeof profile>;

export const settings = z.object({
  language,
  /** The largest evidence file accepted, in megabytes. */
  evidenceMaxMb: z.number().int().min(1).max(2048),
});
export type Settings = z.infer<typeof settings>;

export const profileCalls = {
  'profile.get': defineCall({
    summary: "This installation's profile, or null before the first-run setup",
    input: z.object({}).strict(),
    output: profile.nullable(),
  }),
  'profile.set': defineCall({
    summary: 'Create or change the profile (role, unit, organisation, the user)',
    input: profileInput,
    output: profile,
  }),
  'settings.get': defineCall({
    summary: 'User settings (language)',
    input: z.object({}).strict(),
    output: settings,
  }),
  'settings.set': defineCall({
    summary: 'Change user settings',
    input: settings.partial().strict(),
    output: settings,
  }),
};
