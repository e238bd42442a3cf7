import type { Handlers } from './types';

export const unitsHandlers: Handlers<'units.search' | 'units.children' | 'units.get'> = {
  'units.search': async (input, ctx) =>
    ctx.units.search(input.query, {
      limit: input.limit,
      ...(input.level ? { level: input.level } : {}),
      ...(input.within ? { within: input.within } : {}),
    }),
  'units.children': async (input, ctx) => ({ items: ctx.units.children(input.code) }),
  'units.get': async (input, ctx) => ctx.units.get(input.code),
};
