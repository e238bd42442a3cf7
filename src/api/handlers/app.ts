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
    units: (() => {
      const e = ctx.editions.summary(ctx.editions.currentEdition);
      return { source: e.source, dataDate: e.dataDate, sha256: e.sha256, provinces: e.counts.provinces, districts: e.counts.districts, communes: e.counts.communes };
    })(),
    editions: ctx.editions.dates(),
  };
  },
};
