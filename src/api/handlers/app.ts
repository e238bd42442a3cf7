import type { Handlers } from './types';

export const appHandlers: Handlers<'app.info'> = {
  'app.info': async (_input, ctx) => {
    const store = await ctx.store();
    return {
    name: ctx.app.name,
    productName: ctx.app.productName,
    version: ctx.app.version,
    mode: ctx.mode,
    dataDir: ctx.dataDir,
    databasePath: store.path,
    schemaVersion: store.schemaVersion,
    units: {
      source: ctx.units.source,
      dataDate: ctx.units.dataDate,
      provinces: ctx.units.counts.province,
      districts: ctx.units.counts.district,
      communes: ctx.units.counts.commune,
    },
  };
  },
};
