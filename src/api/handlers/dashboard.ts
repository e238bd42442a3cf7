import fs from 'node:fs';
import path from 'node:path';
import { packRegistry } from '../../core/criteria/registry';
import { commune, communes, COUNTING_RULES, editionForYear, failingCriteria, history, overview, rateIndicators, trendAcross, years, type DashboardDeps } from '../../core/dashboard';
import { notBeforeReform } from '../../core/dashboard/history';
import type { FormerUnits } from '../../core/dashboard/scope';
import { deleteTarget, listTargets, saveTarget, targetHistory } from '../../core/dashboard/targets';
import { CfcError } from '../../core/errors';
import type { ServiceContext } from '../context';
import { packagesActor } from './packages';
import { reportsDir, reportWriters } from './reports';
import type { Handlers } from './types';

/** The dashboard's deps for a year: the catalogue of the edition in force that year (none: the current edition). */
export async function dashboardDeps(ctx: ServiceContext, year?: number, edition?: string): Promise<DashboardDeps> {
  const units = edition !== undefined ? ctx.editions.get(edition) : year === undefined ? ctx.units : ctx.editions.get(editionForYear(ctx.editions, year));
  return { db: (await ctx.store()).db, units, packs: packRegistry(ctx.resourcesDir, ctx.dataDir), ...(units !== ctx.units ? { current: ctx.units } : {}) };
}

/** The previous edition of `edition` and the mapping from it (null for the oldest, or when no mapping is known). */
function formerOf(ctx: ServiceContext, edition: string): FormerUnits | null {
  const prev = ctx.editions.previous(edition);
  const mapping = prev ? ctx.editions.mapping(prev, edition) : null;
  return prev && mapping ? { units: ctx.editions.get(prev), mapping } : null;
}

/** The deps of a year, with its former units when the groups are "theo tỉnh cũ / huyện cũ". */
async function groupedDeps(ctx: ServiceContext, year: number, groupBy: string | undefined): Promise<DashboardDeps> {
  const deps = await dashboardDeps(ctx, year);
  const former = groupBy && groupBy !== 'unit' ? formerOf(ctx, deps.units.dataDate) : null;
  return former ? { ...deps, former } : deps;
}

export const dashboardHandlers: Handlers<
  | 'dashboard.years'
  | 'dashboard.overview'
  | 'dashboard.failingCriteria'
  | 'dashboard.rateIndicators'
  | 'dashboard.trend'
  | 'dashboard.communes'
  | 'dashboard.history'
  | 'dashboard.commune'
  | 'dashboard.export'
  | 'targets.list'
  | 'targets.save'
  | 'targets.delete'
> = {
  'dashboard.years': async (_input, ctx) => years(await dashboardDeps(ctx)),
  'dashboard.overview': async (input, ctx) => ({
    ...(await overview(await groupedDeps(ctx, input.year, input.groupBy), input.year, input.scope, input.groupBy)),
    countingRules: COUNTING_RULES,
  }),
  'dashboard.failingCriteria': async (input, ctx) => failingCriteria(await dashboardDeps(ctx, input.year), input.year, input.scope),
  'dashboard.rateIndicators': async (input, ctx) => rateIndicators(await dashboardDeps(ctx, input.year), input.year, input.scope),
  'dashboard.trend': async (input, ctx) => {
    const base = await dashboardDeps(ctx);
    const dates = ctx.editions.dates().slice().sort();
    return trendAcross((e) => ({ ...base, units: ctx.editions.get(e), ...(e !== ctx.units.dataDate ? { current: ctx.units } : {}) }), dates, input.scope);
  },
  'dashboard.communes': async (input, ctx) => communes(await groupedDeps(ctx, input.year, input.groupBy), input.year, input.scope, input.groupBy),
  'dashboard.history': async (input, ctx) => {
    const deps = await dashboardDeps(ctx, input.year);
    const current = ctx.units;
    const mapping = deps.units !== current ? ctx.editions.mapping(deps.units.dataDate, current.dataDate) : null;
    if (!mapping) throw notBeforeReform(input.year, current.dataDate);
    return history({ ...deps, current, mapping }, input.year, input.scope);
  },
  'dashboard.commune': async (input, ctx) => {
    const edition = input.edition ?? ctx.units.dataDate;
    const units = ctx.editions.get(edition, 'edition');
    if (units.record(input.unitCode)?.level !== 'commune') {
      throw new CfcError(
        'unknown_unit',
        { vi: `Không có xã mã ${input.unitCode} trong danh mục ${edition} (trường unitCode).`, en: `There is no commune ${input.unitCode} in the ${edition} catalogue (field unitCode).` },
        { field: 'unitCode' },
      );
    }
    const deps = await dashboardDeps(ctx, undefined, edition);
    const former = formerOf(ctx, edition);
    return commune(former ? { ...deps, former } : deps, input.unitCode);
  },
  'dashboard.export': async (input, ctx) => {
    ctx.progress({ index: 0, total: 2, label: `${input.year}.${input.format}`, bytes: 0, size: 0 });
    const { buildSummary, SUMMARY_MEDIA, summaryFileName, writeSummary } = await reportWriters.summary();
    const summary = await buildSummary(await dashboardDeps(ctx, input.year), input.year, input.scope, ctx.now());
    const dir = reportsDir(ctx);
    fs.mkdirSync(dir, { recursive: true });
    const fileName = summaryFileName(summary, input.format);
    const file = path.join(dir, fileName);
    ctx.progress({ index: 1, total: 2, label: fileName, bytes: 0, size: 0 });
    const size = await writeSummary(summary, input.format, file, { signal: ctx.signal });
    return { fileName, path: file, size, mediaType: SUMMARY_MEDIA[input.format] };
  },
  'targets.list': async (_input, ctx) => {
    const db = (await ctx.store()).db;
    return { items: await listTargets(db), history: await targetHistory(db) };
  },
  'targets.save': async (input, ctx) => {
    // A province of one edition (default: the current one): the former Trà Vinh is 84 of 2025-03-01, the merged
    // Tỉnh Vĩnh Long 86 of 2025-07-01.
    const unitEdition = input.unitEdition ?? ctx.units.dataDate;
    const units = ctx.editions.get(unitEdition, 'unitEdition');
    if (input.scopeCode !== null && units.record(input.scopeCode)?.level !== 'province') {
      throw new CfcError(
        'bad_scope',
        {
          vi: `Chỉ tiêu được đặt cho một tỉnh hoặc cho tất cả: ${input.scopeCode} không phải là tỉnh trong danh mục ${unitEdition} (trường scopeCode).`,
          en: `A target is set for a province or for all: ${input.scopeCode} is not a province of the ${unitEdition} catalogue (field scopeCode).`,
        },
        { field: 'scopeCode' },
      );
    }
    return saveTarget((await ctx.store()).db, { ...input, unitEdition }, await packagesActor(ctx));
  },
  'targets.delete': async (input, ctx) => {
    await deleteTarget((await ctx.store()).db, input.id, await packagesActor(ctx));
    return { deleted: true as const };
  },
};
