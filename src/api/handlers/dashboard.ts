import fs from 'node:fs';
import path from 'node:path';
import { packRegistry } from '../../core/criteria/registry';
import { commune, communes, COUNTING_RULES, editionForYear, failingCriteria, overview, rateIndicators, trendAcross, years, type DashboardDeps } from '../../core/dashboard';
import { deleteTarget, listTargets, saveTarget, targetHistory } from '../../core/dashboard/targets';
import { CfcError } from '../../core/errors';
import type { ServiceContext } from '../context';
import { packagesActor } from './packages';
import { reportsDir, reportWriters } from './reports';
import type { Handlers } from './types';

/** The dashboard's deps for a year: the catalogue of the edition in force that year (none: the current edition). */
export async function dashboardDeps(ctx: ServiceContext, year?: number): Promise<DashboardDeps> {
  const units = year === undefined ? ctx.units : ctx.editions.get(editionForYear(ctx.editions, year));
  return { db: (await ctx.store()).db, units, packs: packRegistry(ctx.resourcesDir, ctx.dataDir), ...(units !== ctx.units ? { current: ctx.units } : {}) };
}

export const dashboardHandlers: Handlers<
  | 'dashboard.years'
  | 'dashboard.overview'
  | 'dashboard.failingCriteria'
  | 'dashboard.rateIndicators'
  | 'dashboard.trend'
  | 'dashboard.communes'
  | 'dashboard.commune'
  | 'dashboard.export'
  | 'targets.list'
  | 'targets.save'
  | 'targets.delete'
> = {
  'dashboard.years': async (_input, ctx) => years(await dashboardDeps(ctx)),
  'dashboard.overview': async (input, ctx) => ({ ...(await overview(await dashboardDeps(ctx, input.year), input.year, input.scope)), countingRules: COUNTING_RULES }),
  'dashboard.failingCriteria': async (input, ctx) => failingCriteria(await dashboardDeps(ctx, input.year), input.year, input.scope),
  'dashboard.rateIndicators': async (input, ctx) => rateIndicators(await dashboardDeps(ctx, input.year), input.year, input.scope),
  'dashboard.trend': async (input, ctx) => {
    const base = await dashboardDeps(ctx);
    const dates = ctx.editions.dates().slice().sort();
    return trendAcross((e) => ({ ...base, units: ctx.editions.get(e), ...(e !== ctx.units.dataDate ? { current: ctx.units } : {}) }), dates, input.scope);
  },
  'dashboard.communes': async (input, ctx) => communes(await dashboardDeps(ctx, input.year), input.year, input.scope),
  'dashboard.commune': async (input, ctx) => {
    if (ctx.units.record(input.unitCode)?.level !== 'commune') {
      throw new CfcError('unknown_unit', { vi: `Không có xã mã ${input.unitCode} (trường unitCode).`, en: `There is no commune ${input.unitCode} (field unitCode).` }, { field: 'unitCode' });
    }
    return commune(await dashboardDeps(ctx), input.unitCode);
  },
  'dashboard.export': async (input, ctx) => {
    const { buildSummary, SUMMARY_MEDIA, summaryFileName, writeSummary } = await reportWriters.summary();
    const summary = await buildSummary(await dashboardDeps(ctx, input.year), input.year, input.scope, ctx.now());
    const dir = reportsDir(ctx);
    fs.mkdirSync(dir, { recursive: true });
    const fileName = summaryFileName(summary, input.format);
    const file = path.join(dir, fileName);
    const size = await writeSummary(summary, input.format, file);
    return { fileName, path: file, size, mediaType: SUMMARY_MEDIA[input.format] };
  },
  'targets.list': async (_input, ctx) => {
    const db = (await ctx.store()).db;
    return { items: await listTargets(db), history: await targetHistory(db) };
  },
  'targets.save': async (input, ctx) => {
    if (input.scopeCode !== null && ctx.units.record(input.scopeCode)?.level !== 'province') {
      throw new CfcError(
        'bad_scope',
        { vi: `Chỉ tiêu được đặt cho một tỉnh hoặc cho tất cả (trường scopeCode: ${input.scopeCode}).`, en: `A target is set for a province or for all (field scopeCode: ${input.scopeCode}).` },
        { field: 'scopeCode' },
      );
    }
    return saveTarget((await ctx.store()).db, input, await packagesActor(ctx));
  },
  'targets.delete': async (input, ctx) => {
    await deleteTarget((await ctx.store()).db, input.id, await packagesActor(ctx));
    return { deleted: true as const };
  },
};
