import type { Kysely, Transaction } from 'kysely';
import { CfcError } from '../errors';
import type { Database, SigningKeyTable, TrustedKeyTable } from '../store/schema';
import { findUnitForYear } from '../units/current';
import { BASE_EDITION, type LinkedUnit, type UnitEditions } from '../units/editions';
import { PUBLIC_KEY_FORMAT, firstIssue, publicKeyFileSchema, type PublicKeyFile } from './format';
import {
  fingerprintOf,
  generateKeyPair,
  groupsOfFour,
  keyIdOf,
  publicKeyFromRaw,
  sealPrivateKey,
  sha256Hex,
  unsealPrivateKey,
  type KeyPair,
  type SealedBlob,
  type Secrets,
} from './keys';
import { covers, type Role, type TrustEntry } from './verify';

type Db = Kysely<Database> | Transaction<Database>;

export interface Unsealing {
  secrets?: Secrets | undefined;
  passphrase?: string | undefined;
}

export interface SigningKeyView {
  keyId: string;
  fingerprint: string;
  /** SHA-256 of the raw public key in 16 groups of four, for a careful comparison over the phone. */
  fullFingerprint: string;
  publicKey: string;
  holder: { name: string; title: string; organisation: string };
  role: Role;
  unitCode: string;
  /** The catalogue edition of unitCode. */
  unitEdition: string;
  unitName: string | null;
  /** A key on a unit of an older edition: the current units that took it over (to make a new key for, in one step). */
  superseded: { currentEdition: string; successors: LinkedUnit[] } | null;
  status: 'active' | 'retired';
  sealedBy: 'passphrase' | 'safeStorage';
  createdAt: string;
}

export interface TrustedKeyView {
  keyId: string;
  fingerprint: string;
  fullFingerprint: string;
  publicKey: string;
  holder: { name: string; title: string; organisation: string };
  role: Role;
  unitCode: string;
  unitEdition: string;
  unitName: string | null;
  superseded: { currentEdition: string; successors: LinkedUnit[] } | null;
  source: 'file' | 'own';
  status: 'trusted' | 'revoked';
  addedAt: string;
  addedBy: string;
  revokedAt: string | null;
  revokedBy: string | null;
  revokeReason: string | null;
}

function fullFingerprint(publicKeyB64: string): string {
  return groupsOfFour(sha256Hex(Buffer.from(publicKeyB64, 'base64')));
}

/** A key's unit in its edition; for an old edition, the current successors. */
function unitOf(editions: UnitEditions, edition: string, code: string) {
  const cat = editions.find(edition);
  return {
    unitEdition: edition,
    unitName: cat?.record(code)?.name ?? null,
    superseded: edition === editions.currentEdition ? null : { currentEdition: editions.currentEdition, successors: cat?.has(code) ? editions.currentSuccessors(edition, code) : [] },
  };
}

export function signingKeyView(r: SigningKeyTable, editions: UnitEditions): SigningKeyView {
  return {
    keyId: r.key_id,
    fingerprint: fingerprintOf(r.key_id),
    fullFingerprint: fullFingerprint(r.public_key),
    publicKey: r.public_key,
    holder: { name: r.holder_name, title: r.holder_title, organisation: r.organisation },
    role: r.role as Role,
    unitCode: r.unit_code,
    ...unitOf(editions, r.unit_edition, r.unit_code),
    status: r.status,
    sealedBy: r.seal_kind,
    createdAt: r.created_at,
  };
}

export function trustedKeyView(r: TrustedKeyTable, editions: UnitEditions): TrustedKeyView {
  return {
    keyId: r.key_id,
    fingerprint: fingerprintOf(r.key_id),
    fullFingerprint: fullFingerprint(r.public_key),
    publicKey: r.public_key,
    holder: { name: r.holder_name, title: r.holder_title, organisation: r.organisation },
    role: r.role as Role,
    unitCode: r.unit_code,
    ...unitOf(editions, r.unit_edition, r.unit_code),
    source: r.source,
    status: r.status,
    addedAt: r.added_at,
    addedBy: r.added_by,
    revokedAt: r.revoked_at,
    revokedBy: r.revoked_by,
    revokeReason: r.revoke_reason,
  };
}

/** The unit a key may be made for: a commune key for a commune; an assessor key for a district or province; a province key for a province. */
function checkKeyUnit(editions: UnitEditions, role: Role, unitCode: string, edition: string, field: string): void {
  const unit = editions.get(edition, 'unitEdition').require(unitCode, field);
  const ok = role === 'commune' ? unit.level === 'commune' : role === 'province' ? unit.level === 'province' : unit.level !== 'commune';
  if (!ok) {
    throw new CfcError(
      'invalid_input',
      {
        vi: `Trường ${field}: ${unit.name} không phải đơn vị phù hợp cho khóa vai trò ${role} (xã: cấp xã; đoàn thẩm định: cấp huyện hoặc tỉnh; tỉnh: cấp tỉnh).`,
        en: `Field ${field}: ${unit.name} is not a unit for a ${role} key (commune: a commune; assessor: a district or province; province: a province).`,
      },
      { field },
    );
  }
}

export interface NewKeyInput {
  name: string;
  title: string;
  organisation: string;
  role: Role;
  unitCode: string;
  /** The current edition when absent: a new key is for a unit as it is now. */
  unitEdition?: string | undefined;
}

/**
 * Makes a key pair for one signing person, seals the private key, and trusts the public key in this profile's own
 * trust store (so this installation verifies its own packages). One active key per person (by name).
 */
export async function createSigningKey(db: Kysely<Database>, editions: UnitEditions, input: NewKeyInput, via: Unsealing, who: { name: string; now: string }): Promise<SigningKeyView> {
  // A new key signs from now on: a unit that no longer exists is refused with its successors named.
  const unitEdition = findUnitForYear(editions, { unitCode: input.unitCode, unitEdition: input.unitEdition, year: Number(who.now.slice(0, 4)) }).catalogue.dataDate;
  checkKeyUnit(editions, input.role, input.unitCode, unitEdition, 'unitCode');
  const name = input.name.normalize('NFC').trim();
  const clash = await db.selectFrom('signing_key').select('key_id').where('holder_name', '=', name).where('status', '=', 'active').executeTakeFirst();
  if (clash) {
    throw new CfcError(
      'key_exists',
      {
        vi: `${name} đã có khóa ký ${fingerprintOf(clash.key_id)}; mỗi người ký một khóa.`,
        en: `${name} already has the signing key ${fingerprintOf(clash.key_id)}; one key per signing person.`,
      },
      { field: 'name' },
    );
  }
  const pair = generateKeyPair();
  const sealed = sealPrivateKey(pair.privateKey, pair.keyId, via);
  const row: SigningKeyTable = {
    key_id: pair.keyId,
    public_key: pair.publicKey.toString('base64'),
    sealed_private: JSON.stringify(sealed),
    seal_kind: sealed.kind,
    holder_name: name,
    holder_title: input.title.normalize('NFC').trim(),
    organisation: input.organisation.normalize('NFC').trim(),
    role: input.role,
    unit_code: input.unitCode,
    unit_edition: unitEdition,
    status: 'active',
    created_at: who.now,
  };
  await db.transaction().execute(async (trx) => {
    await trx.insertInto('signing_key').values(row).execute();
    await trx
      .insertInto('trusted_key')
      .values({
        key_id: row.key_id,
        public_key: row.public_key,
        holder_name: row.holder_name,
        holder_title: row.holder_title,
        organisation: row.organisation,
        role: row.role,
        unit_code: row.unit_code,
        unit_edition: row.unit_edition,
        source: 'own',
        status: 'trusted',
        added_at: who.now,
        added_by: who.name,
        revoked_at: null,
        revoked_by: null,
        revoke_reason: null,
      })
      .onConflict((oc) => oc.column('key_id').doNothing())
      .execute();
  });
  return signingKeyView(row, editions);
}

export async function listSigningKeys(db: Db, editions: UnitEditions): Promise<SigningKeyView[]> {
  const rows = await db.selectFrom('signing_key').selectAll().orderBy('created_at').orderBy('key_id').execute();
  return rows.map((r) => signingKeyView(r, editions));
}

function noKey(): CfcError {
  return new CfcError('no_signing_key', {
    vi: 'Chưa có khóa ký; hãy tạo khóa (cfc keys init --name … --role … --unit …).',
    en: 'There is no signing key yet; make one (cfc keys init --name … --role … --unit …).',
  });
}

/** The signing key to use: the one named, else the only active one. */
export async function chooseSigningKey(db: Db, keyId: string | undefined): Promise<SigningKeyTable> {
  if (keyId) {
    const row = await db.selectFrom('signing_key').selectAll().where('key_id', '=', keyId).executeTakeFirst();
    if (!row || row.status !== 'active') {
      throw new CfcError('not_found', { vi: `Không có khóa ký đang dùng ${keyId}.`, en: `No active signing key ${keyId}.` }, { field: 'keyId' });
    }
    return row;
  }
  const active = await db.selectFrom('signing_key').selectAll().where('status', '=', 'active').orderBy('created_at').execute();
  if (active.length === 0) throw noKey();
  if (active.length > 1) {
    throw new CfcError(
      'key_ambiguous',
      {
        vi: `Có ${active.length} khóa ký; hãy chọn một (${active.map((k) => `${k.key_id} ${k.holder_name}`).join(', ')}).`,
        en: `There are ${active.length} signing keys; choose one (${active.map((k) => `${k.key_id} ${k.holder_name}`).join(', ')}).`,
      },
      { field: 'keyId' },
    );
  }
  return active[0]!;
}

export function unsealKey(row: SigningKeyTable, via: Unsealing): KeyPair {
  const privateKey = unsealPrivateKey(JSON.parse(row.sealed_private) as SealedBlob, row.key_id, via);
  return { keyId: row.key_id, publicKey: Buffer.from(row.public_key, 'base64'), privateKey };
}

/** Refuses to sign for a unit outside the key's jurisdiction (the recipient would not trust it). */
export function requireCovers(editions: UnitEditions, row: SigningKeyTable, unit: { edition: string; code: string }): void {
  const unitCode = unit.code;
  if (!covers(editions, { role: row.role as Role, unitCode: row.unit_code, unitEdition: row.unit_edition }, unit)) {
    throw new CfcError(
      'key_outside_jurisdiction',
      {
        vi: `Khóa ký của ${row.holder_name} (${row.role}, đơn vị ${row.unit_code}) không có thẩm quyền với đơn vị ${unitCode}.`,
        en: `${row.holder_name}'s signing key (${row.role}, unit ${row.unit_code}) does not cover unit ${unitCode}.`,
      },
      { field: 'keyId' },
    );
  }
}

/** The public key file of a signing key: small JSON, safe to send by any channel. */
export function publicKeyFile(row: SigningKeyTable, editions: UnitEditions): PublicKeyFile {
  return {
    format: PUBLIC_KEY_FORMAT,
    formatVersion: 1,
    alg: 'Ed25519',
    keyId: row.key_id,
    fingerprint: fingerprintOf(row.key_id),
    publicKey: row.public_key,
    holder: { name: row.holder_name, title: row.holder_title, organisation: row.organisation },
    role: row.role as Role,
    unitCode: row.unit_code,
    unitEdition: row.unit_edition,
    unitName: editions.find(row.unit_edition)?.record(row.unit_code)?.name ?? '',
    createdAt: row.created_at,
  };
}

export function badKeyFile(detail: string): CfcError {
  return new CfcError(
    'invalid_key_file',
    { vi: `Tệp khóa công khai không hợp lệ: ${detail}`, en: `The public key file is invalid: ${detail}` },
    { field: 'publicKey' },
  );
}

/** Parses and checks a public key file (the key id must be the key's own). */
export function parsePublicKeyFile(text: string): PublicKeyFile {
  let raw: unknown;
  try {
    raw = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (e) {
    throw badKeyFile((e as Error).message);
  }
  const parsed = publicKeyFileSchema.safeParse(raw);
  if (!parsed.success) throw badKeyFile(firstIssue(parsed.error));
  const key = Buffer.from(parsed.data.publicKey, 'base64');
  try {
    publicKeyFromRaw(key);
  } catch {
    throw badKeyFile('not an Ed25519 public key');
  }
  if (keyIdOf(key) !== parsed.data.keyId) throw badKeyFile(`the key id ${parsed.data.keyId} is not this key's (${keyIdOf(key)})`);
  return parsed.data;
}

/** Adds a public key to the trust store. The same key again is a no-op; a revoked key stays revoked. */
export async function trustAdd(db: Kysely<Database>, editions: UnitEditions, text: string, who: { name: string; now: string }): Promise<{ key: TrustedKeyView; added: boolean }> {
  const f = parsePublicKeyFile(text);
  // A key file written before editions names a unit of the 2025-03-01 catalogue. An old key is still trusted: it
  // verifies the packages it signed.
  const unitEdition = f.unitEdition ?? BASE_EDITION;
  checkKeyUnit(editions, f.role, f.unitCode, unitEdition, 'unitCode');
  const existing = await db.selectFrom('trusted_key').selectAll().where('key_id', '=', f.keyId).executeTakeFirst();
  if (existing) {
    if (existing.public_key !== f.publicKey) throw badKeyFile('another key with the same key id is already in the trust store');
    if (existing.status === 'revoked') {
      throw new CfcError('key_revoked', {
        vi: `Khóa ${fingerprintOf(f.keyId)} đã bị thu hồi ngày ${existing.revoked_at ?? ''} và không thể tin cậy lại.`,
        en: `The key ${fingerprintOf(f.keyId)} was revoked on ${existing.revoked_at ?? ''} and cannot be trusted again.`,
      });
    }
    return { key: trustedKeyView(existing, editions), added: false };
  }
  const row: TrustedKeyTable = {
    key_id: f.keyId,
    public_key: f.publicKey,
    holder_name: f.holder.name.normalize('NFC'),
    holder_title: f.holder.title.normalize('NFC'),
    organisation: f.holder.organisation.normalize('NFC'),
    role: f.role,
    unit_code: f.unitCode,
    unit_edition: unitEdition,
    source: 'file',
    status: 'trusted',
    added_at: who.now,
    added_by: who.name,
    revoked_at: null,
    revoked_by: null,
    revoke_reason: null,
  };
  await db.insertInto('trusted_key').values(row).execute();
  return { key: trustedKeyView(row, editions), added: true };
}

export async function trustList(db: Db, editions: UnitEditions): Promise<TrustedKeyView[]> {
  const rows = await db.selectFrom('trusted_key').selectAll().orderBy('added_at').orderBy('key_id').execute();
  return rows.map((r) => trustedKeyView(r, editions));
}

/** Revokes a key (by key id, or its fingerprint with spaces): packages it signed no longer verify. Permanent. */
export async function trustRevoke(db: Kysely<Database>, editions: UnitEditions, keyIdOrFingerprint: string, reason: string, who: { name: string; now: string }): Promise<TrustedKeyView> {
  const keyId = keyIdOrFingerprint.replace(/\s+/g, '').toLowerCase();
  const row = await db.selectFrom('trusted_key').selectAll().where('key_id', '=', keyId).executeTakeFirst();
  if (!row) {
    throw new CfcError('not_found', { vi: `Kho khóa tin cậy không có khóa ${keyIdOrFingerprint}.`, en: `The trust store has no key ${keyIdOrFingerprint}.` }, { field: 'keyId' });
  }
  if (row.status === 'revoked') return trustedKeyView(row, editions);
  await db.transaction().execute(async (trx) => {
    await trx.updateTable('trusted_key').set({ status: 'revoked', revoked_at: who.now, revoked_by: who.name, revoke_reason: reason }).where('key_id', '=', keyId).execute();
    // A key of this profile that is revoked is retired too: it must not sign again.
    await trx.updateTable('signing_key').set({ status: 'retired' }).where('key_id', '=', keyId).execute();
  });
  return trustedKeyView({ ...row, status: 'revoked', revoked_at: who.now, revoked_by: who.name, revoke_reason: reason }, editions);
}

/** The trust store as the verifier's lookup (read once per verification batch). */
export async function trustLookup(db: Db): Promise<(keyId: string) => TrustEntry | null> {
  return lookupOf(await trustEntries(db));
}

/** Every key of the trust store, as the verifier sees it (a snapshot, e.g. for a verifying thread). */
export async function trustEntries(db: Db): Promise<TrustEntry[]> {
  const rows = await db.selectFrom('trusted_key').selectAll().execute();
  return rows.map((r) => ({ keyId: r.key_id, publicKey: Buffer.from(r.public_key, 'base64'), holder: r.holder_name, role: r.role as Role, unitCode: r.unit_code, unitEdition: r.unit_edition, status: r.status }));
}

/** The lookup of a snapshot of trust entries. */
export function lookupOf(entries: readonly TrustEntry[]): (keyId: string) => TrustEntry | null {
  const map = new Map(entries.map((e) => [e.keyId, e]));
  return (keyId) => map.get(keyId) ?? null;
}
