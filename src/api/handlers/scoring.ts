import { packRegistry, packSummary } from '../../core/criteria/registry';
import { assess, packForInput } from '../../core/scoring/assess';
import type { Handlers } from './types';

/** Packs come from the resources folder through the core's registry (no store): these calls write nothing. */
export const scoringHandlers: Handlers<'packs.list' | 'packs.get' | 'score.compute'> = {
  'packs.list': async (_input, ctx) => ({ items: packRegistry(ctx.resourcesDir, ctx.dataDir).list().map(packSummary) }),
  'packs.get': async (input, ctx) => {
    const p = packRegistry(ctx.resourcesDir, ctx.dataDir).require(input.id, input.version, input.version === undefined ? 'id' : 'version');
    return { summary: packSummary(p), pack: p.pack };
  },
  'score.compute': async (input, ctx) => {
    const registry = packRegistry(ctx.resourcesDir, ctx.dataDir);
    return assess(input.input, packForInput(input.input, registry));
  },
};
