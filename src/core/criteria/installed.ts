import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { CfcError } from '../errors';
import { writeDurably } from '../fsx/durable';
import { canonicalJson, canonicalSha256 } from './hash';
import type { LoadedPack, PackIssuer } from './schema';
import { validatePack } from './validate';

/**
 * Installed packs (FORMAT.md, "Installed packs"): files in `<dataDir>/packs/`, beside the built-in ones of the
 * resources folder. One pack is two files, written once and never changed:
 *   `<id>@<version>.json`          the pack as canonical JSON (its SHA-256 is the pack's hash);
 *   `<id>@<version>.install.json`  how it came: origin (installed or signed), the issuer of a signed pack, when;
 * plus `<id>@<version>.cfcpack` for a signed pack, kept as received so it can be passed on unchanged.
 * Files, not rows: a pack is immutable, content-addressed data that the verifier, the CLI and the service read
 * without the database, and that a person can copy from one data folder to another.
 */

export const INSTALLED_DIR = 'packs';

export const installRecordSchema = z
  .object({
    id: z.string(),
    version: z.string(),
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
    origin: z.enum(['installed', 'signed']),
    issuer: z.object({ keyId: z.string(), fingerprint: z.string(), name: z.string(), role: z.string(), unitCode: z.string() }).strict().nullable(),
    installedAt: z.string(),
    installedBy: z.string(),
    /** The file the pack was installed from (its name only). */
    from: z.string(),
  })
  .strict();
export type InstallRecord = z.infer<typeof installRecordSchema>;

export function installedDir(dataDir: string): string {
  return path.join(dataDir, INSTALLED_DIR);
}

const base = (id: string, version: string) => `${id}@${version}`;

/** Every installed pack whose files agree with their record; a file edited by hand after installation is skipped. */
export function loadInstalled(dataDir: string): LoadedPack[] {
  const dir = installedDir(dataDir);
  if (!fs.existsSync(dir)) return [];
  const out: LoadedPack[] = [];
  for (const f of fs.readdirSync(dir).filter((x) => x.endsWith('.install.json')).sort()) {
    try {
      const rec = installRecordSchema.parse(JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')));
      const raw: unknown = JSON.parse(fs.readFileSync(path.join(dir, `${base(rec.id, rec.version)}.json`), 'utf8'));
      const v = validatePack(raw);
      if (!v.ok || canonicalSha256(v.pack) !== rec.sha256 || v.pack.id !== rec.id || v.pack.version !== rec.version) continue;
      out.push({ pack: v.pack, sha256: rec.sha256, origin: rec.origin, issuer: rec.issuer, installedAt: rec.installedAt });
    } catch {
      continue;
    }
  }
  return out;
}

export interface InstallInput {
  loaded: LoadedPack;
  /** The bytes of a signed pack as received (kept beside the pack), with its verified issuer. */
  signed?: { bytes: Buffer; issuer: PackIssuer } | undefined;
  from: string;
  who: { name: string; now: string };
  /** The packs already known (built-in and installed), to refuse a different content under the same id+version. */
  known: (id: string, version: string) => LoadedPack | null;
}

/**
 * Installs a validated pack. Same id+version and same hash: nothing to do (`installed: false`). Same id+version and
 * another hash: `pack_mismatch`, nothing written. The record is written last, so a pack without its record is never
 * loaded.
 */
export function installPack(dataDir: string, input: InstallInput): { loaded: LoadedPack; installed: boolean } {
  const { pack, sha256 } = input.loaded;
  const existing = input.known(pack.id, pack.version);
  if (existing) {
    if (existing.sha256 === sha256) return { loaded: existing, installed: false };
    throw new CfcError(
      'pack_mismatch',
      {
        vi: `Đã có gói tiêu chí ${pack.id} phiên bản ${pack.version} với nội dung khác (SHA-256 ${existing.sha256.slice(0, 16)}…, tệp mới ${sha256.slice(0, 16)}…). Một phiên bản đã phát hành không được thay đổi: hãy đặt số phiên bản mới.`,
        en: `Criteria pack ${pack.id} version ${pack.version} already exists with other content (SHA-256 ${existing.sha256.slice(0, 16)}…, the new file ${sha256.slice(0, 16)}…). A released version never changes: give it a new version number.`,
      },
      { field: 'version' },
    );
  }
  const dir = installedDir(dataDir);
  fs.mkdirSync(dir, { recursive: true });
  const name = base(pack.id, pack.version);
  const record: InstallRecord = {
    id: pack.id,
    version: pack.version,
    sha256,
    origin: input.signed ? 'signed' : 'installed',
    issuer: input.signed?.issuer ?? null,
    installedAt: input.who.now,
    installedBy: input.who.name,
    from: path.basename(input.from),
  };
  writeDurably(path.join(dir, `${name}.json`), canonicalJson(pack));
  if (input.signed) writeDurably(path.join(dir, `${name}.cfcpack`), input.signed.bytes);
  writeDurably(path.join(dir, `${name}.install.json`), JSON.stringify(record, null, 2) + '\n');
  return { loaded: { ...input.loaded, origin: record.origin, issuer: record.issuer, installedAt: record.installedAt }, installed: true };
}
