import { CfcError } from '../../core/errors';
import { readProfile, readSettings, writeProfile, writeSettings, type ProfileRow } from '../../core/store/profile';
import { findUnitForYear } from '../../core/units/current';
import type { Profile, Role, Settings } from '../calls/profile';
import type { ServiceContext } from '../context';
import type { Handlers } from './types';

/** Which level of unit each role works for: the 2019 district team or, since 2025, a provincial team assesses. */
const ROLE_LEVELS: Record<Role, readonly string[]> = {
  commune: ['commune'],
  assessor: ['district', 'province'],
  province: ['province'],
};

const ROLE_NAMES: Record<Role, { vi: string; en: string }> = {
  commune: { vi: 'cấp xã', en: 'commune' },
  assessor: { vi: 'đoàn thẩm định', en: 'assessment team' },
  province: { vi: 'cấp tỉnh', en: 'province' },
};

const LEVEL_NAMES: Record<string, { vi: string; en: string }> = {
  commune: { vi: 'xã/phường/thị trấn', en: 'commune' },
  district: { vi: 'huyện/quận', en: 'district' },
  province: { vi: 'tỉnh/thành phố', en: 'province' },
};

/** A profile with its unit in its edition, and, for a unit that no longer exists, the units that took it over. */
function profileOf(ctx: ServiceContext, row: ProfileRow): Profile {
  const current = ctx.editions.currentEdition;
  return {
    ...row,
    unit: ctx.editions.get(row.unitEdition).get(row.unitCode),
    superseded: row.unitEdition === current ? null : { currentEdition: current, successors: ctx.editions.currentSuccessors(row.unitEdition, row.unitCode) },
  };
}

async function profileView(ctx: ServiceContext): Promise<Profile | null> {
  const row = await readProfile((await ctx.store()).db);
  return row ? profileOf(ctx, row) : null;
}

/** The default size limit of one evidence file (issue: 50 MB, changeable in the settings). */
export const DEFAULT_EVIDENCE_MAX_MB = 50;

export async function settingsView(ctx: ServiceContext): Promise<Settings> {
  const s = await readSettings((await ctx.store()).db);
  const mb = Number(s.get('evidenceMaxMb'));
  return { language: s.get('language') === 'en' ? 'en' : 'vi', evidenceMaxMb: Number.isInteger(mb) && mb > 0 ? mb : DEFAULT_EVIDENCE_MAX_MB };
}

export const profileHandlers: Handlers<'profile.get' | 'profile.set' | 'settings.get' | 'settings.set'> = {
  'profile.get': async (_input, ctx) => profileView(ctx),
  'profile.set': async (input, ctx) => {
    // A profile is on a unit as it is now: a unit of an older edition is refused with its successors named.
    const { catalogue, unit } = findUnitForYear(ctx.editions, { unitCode: input.unitCode, unitEdition: input.unitEdition, year: Number(ctx.now().slice(0, 4)) });
    const unitEdition = catalogue.dataDate;
    const allowed = ROLE_LEVELS[input.role];
    if (!allowed.includes(unit.level)) {
      const lv = allowed.map((l) => LEVEL_NAMES[l]!);
      throw new CfcError(
        'unit_level_mismatch',
        {
          vi: `Vai trò ${ROLE_NAMES[input.role].vi} cần đơn vị cấp ${lv.map((l) => l.vi).join(' hoặc ')}; ${unit.name} là cấp ${LEVEL_NAMES[unit.level]!.vi}.`,
          en: `The ${ROLE_NAMES[input.role].en} role needs a ${lv.map((l) => l.en).join(' or ')} unit; ${unit.name} is a ${LEVEL_NAMES[unit.level]!.en}.`,
        },
        { field: 'unitCode' },
      );
    }
    const row = await writeProfile((await ctx.store()).db, { ...input, unitEdition }, ctx.now());
    return profileOf(ctx, row);
  },
  'settings.get': async (_input, ctx) => settingsView(ctx),
  'settings.set': async (input, ctx) => {
    const values: Record<string, string> = {};
    if (input.language) values['language'] = input.language;
    if (input.evidenceMaxMb !== undefined) values['evidenceMaxMb'] = String(input.evidenceMaxMb);
    await writeSettings((await ctx.store()).db, values, ctx.now());
    return settingsView(ctx);
  },
};
