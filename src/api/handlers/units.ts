import path from 'node:path';
import { loadEdition } from '../../core/units/load';
import type { ServiceContext } from '../context';
import { evidenceStore } from './evidence';
import type { Handlers } from './types';

/** The edition named, else the current one. */
function edition(ctx: ServiceContext, e: string | undefined) {
  return e === undefined ? ctx.units : ctx.editions.get(e);
}

function load(ctx: ServiceContext, file: string, mapping: string | undefined) {
  const { result, editions } = loadEdition(ctx.editions, ctx.dataDir, file, mapping);
  ctx.setEditions(editions);
  return result;
}

function stagedFile(ctx: ServiceContext, stagedId: string): string {
  const store = evidenceStore(ctx);
  store.staged(stagedId);
  return path.join(store.dir, 'staging', stagedId);
}

export const unitsHandlers: Handlers<'units.search' | 'units.children' | 'units.get' | 'units.editions' | 'units.history' | 'units.load'> = {
  'units.search': async (input, ctx) =>
    edition(ctx, input.edition).search(input.query, {
      limit: input.limit,
      ...(input.level ? { level: input.level } : {}),
      ...(input.within ? { within: input.within } : {}),
    }),
  'units.children': async (input, ctx) => ({ items: edition(ctx, input.edition).children(input.code) }),
  'units.get': async (input, ctx) => edition(ctx, input.edition).get(input.code),
  'units.editions': async (_input, ctx) => ({ current: ctx.editions.currentEdition, items: ctx.editions.list() }),
  'units.history': async (input, ctx) => {
    const e = input.edition ?? ctx.editions.currentEdition;
    return { ...ctx.editions.history(e, input.code), current: ctx.editions.currentSuccessors(e, input.code) };
  },
  'units.load': async (input, ctx) => {
    const file = stagedFile(ctx, input.stagedId);
    const mapping = input.mappingStagedId ? stagedFile(ctx, input.mappingStagedId) : undefined;
    return load(ctx, file, mapping);
  },
};

export const unitsLocalHandlers: Handlers<'units.loadFile'> = {
  'units.loadFile': async (input, ctx) => load(ctx, input.file, input.mapping),
};
