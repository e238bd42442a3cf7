import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import yauzl from 'yauzl';
import { packRegistry } from '../../../src/core/criteria/registry';
import { createFromInput, type Signing } from '../../../src/core/packages/export';
import { PUBLIC_KEY_FORMAT, type PublicKeyFile } from '../../../src/core/packages/format';
import { fingerprintOf, generateKeyPair, sha256Hex, type KeyPair } from '../../../src/core/packages/keys';
import type { Role, TrustEntry, VerifyDeps } from '../../../src/core/packages/verify';
import { jsonBytes, signatureFile } from '../../../src/core/packages/writer';
import { UnitEditions } from '../../../src/core/units/editions';
import { checkoutResourcesDir } from '../../../src/server/resources';
import { repoRoot } from '../../helpers';

export const fixture = JSON.parse(fs.readFileSync(path.join(repoRoot, 'test/fixtures/scoring/recognised-other.json'), 'utf8')) as {
  pack: string;
  unitClass: string;
  values: Record<string, unknown>;
};

export const packs = packRegistry(checkoutResourcesDir);
export const editions = UnitEditions.open(checkoutResourcesDir);
/** The 2025-03-01 edition (63 provinces, districts): the catalogue of the pre-reform years. */
export const units = editions.get('2025-03-01');
/** The newest edition that has a code (29269 Xã Mỹ Cẩm: 2025-03-01; 29266 Xã Càng Long: 2025-07-01). */
export function editionOf(code: string): string {
  return editions.editionsWith(code).pop() ?? editions.currentEdition;
}
export const NOW = '2026-03-15T08:00:00.000Z';
export const APP = { name: 'child-friendly-commune', version: '0.1.0' };

/** A key of a given person, role and unit, with its signing row (never stored: tests sign in memory). */
export interface TestKey extends Signing {
  role: Role;
  unitCode: string;
  unitEdition: string;
}

export function makeKey(role: Role, unitCode: string, name = `Người ký ${role} ${unitCode}`, unitEdition = editionOf(unitCode)): TestKey {
  const pair: KeyPair = generateKeyPair();
  return {
    role,
    unitCode,
    unitEdition,
    pair,
    row: {
      key_id: pair.keyId,
      public_key: pair.publicKey.toString('base64'),
      sealed_private: '{}',
      seal_kind: 'passphrase',
      holder_name: name,
      holder_title: 'Cán bộ',
      organisation: 'UBND',
      role,
      unit_code: unitCode,
      unit_edition: unitEdition,
      status: 'active',
      created_at: NOW,
    },
  };
}

export function publicKeyText(k: TestKey): string {
  const f: PublicKeyFile = {
    format: PUBLIC_KEY_FORMAT,
    formatVersion: 1,
    alg: 'Ed25519',
    keyId: k.pair.keyId,
    fingerprint: fingerprintOf(k.pair.keyId),
    publicKey: k.pair.publicKey.toString('base64'),
    holder: { name: k.row.holder_name, title: k.row.holder_title, organisation: k.row.organisation },
    role: k.role,
    unitCode: k.unitCode,
    unitEdition: k.unitEdition,
    unitName: editions.get(k.unitEdition).record(k.unitCode)?.name ?? '',
    createdAt: NOW,
  };
  return JSON.stringify(f);
}

export function trustOf(keys: TestKey[], revoked: TestKey[] = []): VerifyDeps['trust'] {
  const map = new Map<string, TrustEntry>();
  for (const k of keys) map.set(k.pair.keyId, { keyId: k.pair.keyId, publicKey: k.pair.publicKey, holder: k.row.holder_name, role: k.role, unitCode: k.unitCode, unitEdition: k.unitEdition, status: 'trusted' });
  for (const k of revoked) map.set(k.pair.keyId, { keyId: k.pair.keyId, publicKey: k.pair.publicKey, holder: k.row.holder_name, role: k.role, unitCode: k.unitCode, unitEdition: k.unitEdition, status: 'revoked' });
  return (id) => map.get(id) ?? null;
}

export function verifyDeps(keys: TestKey[], revoked: TestKey[] = [], limits?: VerifyDeps['limits']): VerifyDeps {
  return { packs, editions, trust: trustOf(keys, revoked), ...(limits ? { limits } : {}) };
}

export interface MakeOptions {
  unitCode?: string;
  unitEdition?: string;
  year?: number;
  revision?: number;
  assessmentId?: string;
  values?: Record<string, unknown>;
  notes?: Record<string, string>;
  /** Evidence: file name → content, written into a folder and attached to indicator 1.1. */
  evidence?: Record<string, string | Buffer>;
  supersedes?: string | null;
  now?: string;
}

/** A valid self-assessment package built with the app's own writer (`cfc package create`'s code path). */
export async function makePackage(dir: string, key: TestKey, o: MakeOptions = {}): Promise<{ file: string; manifestSha256: string }> {
  fs.mkdirSync(dir, { recursive: true });
  let evidenceDir: string | null = null;
  const input: Record<string, unknown> = {
    pack: 'qd06-2019',
    unitClass: 'other',
    unitCode: o.unitCode ?? key.unitCode,
    // The unit in the key's edition unless told: a key of the 2025-03-01 catalogue (Xã Mỹ Cẩm, Huyện Càng Long) signs
    // packages of that catalogue, which are for a year before the 2025 reform; a key of the current edition, 2026.
    unitEdition: o.unitEdition ?? key.unitEdition,
    year: o.year ?? ((o.unitEdition ?? key.unitEdition) === editions.currentEdition ? 2026 : 2024),
    values: o.values ?? fixture.values,
    revision: o.revision ?? 1,
    ...(o.assessmentId ? { assessmentId: o.assessmentId } : {}),
    ...(o.notes ? { notes: o.notes } : {}),
    ...(o.supersedes !== undefined ? { supersedes: o.supersedes } : {}),
  };
  if (o.evidence) {
    evidenceDir = fs.mkdtempSync(path.join(dir, 'ev-'));
    for (const [name, content] of Object.entries(o.evidence)) fs.writeFileSync(path.join(evidenceDir, name), content);
    input['evidence'] = { '1.1': Object.keys(o.evidence) };
  }
  const out = fs.mkdtempSync(path.join(dir, 'pkg-'));
  const w = await createFromInput({ packs, editions, app: APP }, input, evidenceDir, key, out, { name: key.row.holder_name, now: o.now ?? NOW });
  if (evidenceDir) fs.rmSync(evidenceDir, { recursive: true, force: true });
  return { file: w.file, manifestSha256: w.manifestSha256 };
}

// ---------------------------------------------------------------------------------------------------------------
// A raw ZIP writer, for packages the app would never write: any name bytes, flags, attributes, methods.
// ---------------------------------------------------------------------------------------------------------------

export interface RawEntry {
  name: string | Buffer;
  data: Buffer;
  /** 0 stored, 8 deflated (default: deflated for .json/.jsonl/.sig, else stored). */
  method?: number;
  /** Set the UTF-8 name flag (default true). */
  utf8?: boolean;
  /** Unix mode for the external attributes (default 0o100644). */
  mode?: number;
  /** Override what the central directory says the uncompressed size is. */
  declaredSize?: number;
  /** Name in the local header, when it should differ from the central directory's. */
  localName?: string;
}

export function defaultMethod(name: string): number {
  return /\.(json|jsonl|sig)$/.test(name) ? 8 : 0;
}

export function rawZip(entries: RawEntry[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.isBuffer(e.name) ? e.name : Buffer.from(e.name, 'utf8');
    const localName = e.localName === undefined ? name : Buffer.from(e.localName, 'utf8');
    const method = e.method ?? defaultMethod(Buffer.isBuffer(e.name) ? '' : e.name);
    const body = method === 8 ? zlib.deflateRawSync(e.data) : e.data;
    const crc = zlib.crc32(e.data);
    const flags = e.utf8 === false ? 0 : 0x800;
    const size = e.declaredSize ?? e.data.length;
    const lh = Buffer.alloc(30);
    lh.writeUInt32LE(0x04034b50, 0);
    lh.writeUInt16LE(20, 4);
    lh.writeUInt16LE(flags, 6);
    lh.writeUInt16LE(method, 8);
    lh.writeUInt32LE(0, 10);
    lh.writeUInt32LE(crc, 14);
    lh.writeUInt32LE(body.length, 18);
    lh.writeUInt32LE(size, 22);
    lh.writeUInt16LE(localName.length, 26);
    lh.writeUInt16LE(0, 28);
    locals.push(lh, localName, body);
    const ch = Buffer.alloc(46);
    ch.writeUInt32LE(0x02014b50, 0);
    ch.writeUInt16LE((3 << 8) | 20, 4);
    ch.writeUInt16LE(20, 6);
    ch.writeUInt16LE(flags, 8);
    ch.writeUInt16LE(method, 10);
    ch.writeUInt32LE(0, 12);
    ch.writeUInt32LE(crc, 16);
    ch.writeUInt32LE(body.length, 20);
    ch.writeUInt32LE(size, 24);
    ch.writeUInt16LE(name.length, 28);
    ch.writeUInt16LE(0, 30);
    ch.writeUInt16LE(0, 32);
    ch.writeUInt16LE(0, 34);
    ch.writeUInt16LE(0, 36);
    ch.writeUInt32LE(((e.mode ?? 0o100644) << 16) >>> 0, 38);
    ch.writeUInt32LE(offset, 42);
    centrals.push(ch, name);
    offset += 30 + localName.length + body.length;
  }
  const cd = Buffer.concat(centrals);
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(entries.length, 8);
  eocd.writeUInt16LE(entries.length, 10);
  eocd.writeUInt32LE(cd.length, 12);
  eocd.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, eocd]);
}

/** The entries of a (well-formed) package, in order. */
export async function readEntries(file: string): Promise<{ name: string; data: Buffer }[]> {
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
    yauzl.open(file, { lazyEntries: true, autoClose: false }, (err, z) => (err ? reject(err) : resolve(z))),
  );
  const out: { name: string; data: Buffer }[] = [];
  await new Promise<void>((resolve, reject) => {
    zip.on('entry', (e: yauzl.Entry) => {
      zip.openReadStream(e, (err, s) => {
        if (err) return reject(err);
        const chunks: Buffer[] = [];
        s.on('data', (c: Buffer) => chunks.push(c));
        s.on('end', () => {
          out.push({ name: e.fileName, data: Buffer.concat(chunks) });
          zip.readEntry();
        });
        s.on('error', reject);
      });
    });
    zip.on('end', () => resolve());
    zip.on('error', reject);
    zip.readEntry();
  });
  zip.close();
  return out;
}

export type Entries = { name: string; data: Buffer }[];

export function getJson<T = Record<string, unknown>>(entries: Entries, name: string): T {
  return JSON.parse(entries.find((e) => e.name === name)!.data.toString('utf8')) as T;
}

export function setEntry(entries: Entries, name: string, data: Buffer): Entries {
  return entries.map((e) => (e.name === name ? { name, data } : e));
}

/**
 * Re-signs a package after changing its content, so only the change under test is wrong: the manifest's file list is
 * brought in line with the entries (unless `keepFiles`), then `mutate` edits the manifest, then `key` signs it.
 */
export function resign(entries: Entries, key: KeyPair, mutate: (m: Record<string, unknown>) => void = () => {}, opts: { keepFiles?: boolean } = {}): Entries {
  const m = getJson<Record<string, unknown> & { files: { path: string; sha256: string; size: number }[] }>(entries, 'manifest.json');
  if (!opts.keepFiles) {
    m.files = entries
      .filter((e) => e.name !== 'manifest.json' && e.name !== 'manifest.sig')
      .map((e) => ({ path: e.name, sha256: sha256Hex(e.data), size: e.data.length }));
  }
  mutate(m);
  const bytes = jsonBytes(m);
  return setEntry(setEntry(entries, 'manifest.json', bytes), 'manifest.sig', signatureFile(key, bytes));
}

export function writeRaw(dir: string, name: string, entries: (RawEntry | { name: string; data: Buffer })[]): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, rawZip(entries));
  return file;
}
