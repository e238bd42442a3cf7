import fs from 'node:fs';
import { loadPackFile, packRegistry, packSummary, readJsonFile, validatePackFile, type PackRegistry } from '../../core/criteria/registry';
import type { LoadedPack } from '../../core/criteria/schema';
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

/** `pack` as `cfc score --pack` takes it: an existing file (or a name ending in .json) is read, else the id[@version] is looked up. */
function packOption(ref: string, registry: PackRegistry): LoadedPack {
  if (ref.endsWith('.json') || fs.existsSync(ref)) return loadPackFile(ref);
  const at = ref.lastIndexOf('@');
  return at > 0 ? registry.require(ref.slice(0, at), ref.slice(at + 1), 'pack') : registry.require(ref, undefined, 'pack');
}

export const scoringLocalHandlers: Handlers<'score.file' | 'packs.validateFile'> = {
  'score.file': async (input, ctx) => {
    const registry = packRegistry(ctx.resourcesDir, ctx.dataDir);
    let raw = readJsonFile(input.file, 'file');
    if (input.pack === undefined) return assess(raw, packForInput(raw, registry));
    const loaded = packOption(input.pack, registry);
    // The pack chosen by the caller wins over the one the file names.
    if (typeof raw === 'object' && raw !== null && !Array.isArray(raw)) {
      const { packVersion: _v, ...rest } = raw as Record<string, unknown>;
      raw = { ...rest, pack: loaded.pack.id };
    }
    return assess(raw, loaded);
  },
  'packs.validateFile': async (input) => {
    const v = validatePackFile(input.file);
    return v.ok ? { ok: true, id: v.pack.id, version: v.pack.version, sha256: v.sha256!, status: v.pack.status } : { ok: false, problems: v.problems };
  },
};
