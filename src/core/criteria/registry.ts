import fs from 'node:fs';
import path from 'node:path';
import { CfcError } from '../errors';
import { canonicalSha256 } from './hash';
import type { LoadedPack, Pack, PackSummary } from './schema';
import { loadInstalled } from './installed';
import { invalidPack, unconfirmedRules, validatePack, type PackValidation } from './validate';

/** Reads a JSON file, or throws a bilingual `unreadable_file` / `invalid_json` naming it. */
export function readJsonFile(file: string, field = 'file'): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    const why = (e as NodeJS.ErrnoException).code === 'ENOENT' ? { vi: 'không tồn tại', en: 'does not exist' } : { vi: 'không đọc được', en: 'cannot be read' };
    throw new CfcError('unreadable_file', { vi: `Tệp ${file} ${why.vi}.`, en: `The file ${file} ${why.en}.` }, { field });
  }
  try {
    return JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (e) {
    throw new CfcError(
      'invalid_json',
      { vi: `Tệp ${file} không phải JSON hợp lệ: ${(e as Error).message}`, en: `The file ${file} is not valid JSON: ${(e as Error).message}` },
      { field },
    );
  }
}

/** A validated pack with its identity. Throws `invalid_pack` with every problem. */
export function loadPack(raw: unknown, origin: string): LoadedPack {
  const v = validatePack(raw);
  if (!v.ok) throw invalidPack(v.problems, origin);
  return { pack: v.pack, sha256: canonicalSha256(v.pack), origin };
}

/** Reads and validates a pack file. */
export function loadPackFile(file: string): LoadedPack {
  return loadPack(readJsonFile(file), file);
}

/** Validates a pack file without throwing on an invalid pack (unreadable or non-JSON files still throw). */
export function validatePackFile(file: string): PackValidation & { sha256?: string } {
  const v = validatePack(readJsonFile(file));
  return v.ok ? { ...v, sha256: canonicalSha256(v.pack) } : v;
}

export function packSummary(p: LoadedPack): PackSummary {
  const { pack } = p;
  return {
    id: pack.id,
    version: pack.version,
    sha256: p.sha256,
    status: pack.status,
    title: pack.title,
    legalBasis: pack.legalBasis,
    effectiveDate: pack.effectiveDate,
    maxTotal: pack.maxTotal,
    criteria: pack.criteria.length,
    indicators: pack.criteria.reduce((n, c) => n + c.indicators.length, 0),
    origin: p.origin,
    issuer: p.issuer ?? null,
    allConfirmed: unconfirmedRules(pack) === 0,
  };
}

/** Orders versions numerically part by part ("1.10.0" after "1.9.0"); a pre-release sorts before its release. */
export function compareVersions(a: string, b: string): number {
  const [ma = '', pa] = a.split('-', 2);
  const [mb = '', pb] = b.split('-', 2);
  const na = ma.split('.').map(Number);
  const nb = mb.split('.').map(Number);
  for (let i = 0; i < Math.max(na.length, nb.length); i++) {
    const d = (na[i] ?? 0) - (nb[i] ?? 0);
    if (d !== 0) return d;
  }
  if (pa === pb) return 0;
  if (pa === undefined) return 1;
  if (pb === undefined) return -1;
  return pa < pb ? -1 : 1;
}

/** The built-in packs of a resources folder (`<resourcesDir>/packs/*.json`), keyed by id and version. */
export class PackRegistry {
  private readonly packs: LoadedPack[];

  constructor(packs: LoadedPack[]) {
    this.packs = [...packs].sort((x, y) => (x.pack.id === y.pack.id ? compareVersions(y.pack.version, x.pack.version) : x.pack.id < y.pack.id ? -1 : 1));
  }

  /**
   * Loads every `*.json` of `<resourcesDir>/packs` (a broken built-in pack is a bug, so it throws), then the packs
   * installed in `<dataDir>/packs` (installed.ts); an installed pack never shadows a built-in one.
   */
  static load(resourcesDir: string, dataDir?: string): PackRegistry {
    const dir = path.join(resourcesDir, 'packs');
    const files = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort() : [];
    const builtin: LoadedPack[] = files.map((f) => ({ ...loadPackFile(path.join(dir, f)), origin: 'builtin' }));
    const installed = dataDir ? loadInstalled(dataDir).filter((p) => !builtin.some((b) => b.pack.id === p.pack.id && b.pack.version === p.pack.version)) : [];
    return new PackRegistry([...builtin, ...installed]);
  }

  /** All packs, by id, newest version first. */
  list(): LoadedPack[] {
    return [...this.packs];
  }

  /** A pack by id (newest version unless one is named); null if there is none. */
  find(id: string, version?: string): LoadedPack | null {
    return this.packs.find((p) => p.pack.id === id && (version === undefined || p.pack.version === version)) ?? null;
  }

  /** A pack by id (and version), or `unknown_pack` naming the field. */
  require(id: string, version?: string, field = 'pack'): LoadedPack {
    const found = this.find(id, version);
    if (found) return found;
    throw unknownPack(this, id, version, field);
  }
}

/** `unknown_pack`: the pack to ask for (id, version and, when known, its hash) and the packs there are. */
export function unknownPack(registry: PackRegistry, id: string, version: string | undefined, field = 'pack', sha256?: string): CfcError {
  const known = registry.list().map((p) => `${p.pack.id}@${p.pack.version}`).join(', ') || '—';
  const what = version === undefined ? `"${id}"` : `"${id}" ${version}`;
  const hash = sha256 ? ` (SHA-256 ${sha256})` : '';
  return new CfcError(
    'unknown_pack',
    {
      vi: `Không có gói tiêu chí ${what}${hash} (trường ${field}); hãy cài gói này (cfc pack install hoặc Cài đặt → Gói tiêu chí). Các gói hiện có: ${known}.`,
      en: `There is no criteria pack ${what}${hash} (field ${field}); install it (cfc pack install or Settings → Criteria packs). Known packs: ${known}.`,
    },
    { field },
  );
}

const cache = new Map<string, { registry: PackRegistry; stamp: string }>();

/** What changes when a pack is installed in a data folder: the listing of its packs folder. */
function installedStamp(dataDir: string | undefined): string {
  if (!dataDir) return '';
  const dir = path.join(dataDir, 'packs');
  try {
    return fs.readdirSync(dir).filter((f) => f.endsWith('.install.json')).sort().join('|');
  } catch {
    return '';
  }
}

/**
 * The registry of a resources folder and a data folder's installed packs, loaded once per process and reloaded when
 * a pack was installed (by this process or another one, e.g. the CLI beside the app).
 */
export function packRegistry(resourcesDir: string, dataDir?: string): PackRegistry {
  const key = `${path.resolve(resourcesDir)}\0${dataDir ? path.resolve(dataDir) : ''}`;
  const stamp = installedStamp(dataDir);
  const hit = cache.get(key);
  if (hit && hit.stamp === stamp) return hit.registry;
  const registry = PackRegistry.load(path.resolve(resourcesDir), dataDir);
  cache.set(key, { registry, stamp });
  return registry;
}

export type { LoadedPack, Pack };
