import { z } from 'zod';
import { CfcError } from '../errors';
import { fingerprintOf, keyIdOf, sign, verifySignature, type KeyPair } from '../packages/keys';
import type { TrustEntry } from '../packages/verify';
import { canonicalJson } from './hash';
import type { LoadedPack, PackIssuer } from './schema';
import { loadPack } from './registry';

/**
 * Signed packs (FORMAT.md, "Signed packs"): a small JSON envelope around the exact bytes of a pack, signed with
 * Ed25519 by a profile's signing key (the same keys and trust store as packages). Verification steps:
 *   1. the envelope's shape (`signed_pack_malformed`);
 *   2. the key id is in the trust store (`untrusted_key`) and not revoked (`key_revoked`), with a role that may
 *      issue packs (province or assessor; `role_not_allowed`);
 *   3. the signature over the exact pack bytes (`bad_signature`);
 *   4. the bytes are a valid pack (`invalid_pack`).
 */

export const SIGNED_PACK_FORMAT = 'cfc-signed-pack';

export const signedPackSchema = z
  .object({
    format: z.literal(SIGNED_PACK_FORMAT),
    formatVersion: z.literal(1),
    keyId: z.string().regex(/^[0-9a-f]{16}$/),
    /** Base64 of the exact pack bytes (its canonical JSON, UTF-8). */
    pack: z.string().min(1),
    /** Base64 Ed25519 signature over those bytes. */
    signature: z.string().min(1),
    /** For people only (the trust store decides): who signed, as the signer's profile says. */
    signer: z.object({ name: z.string(), role: z.string(), unitCode: z.string() }).strict(),
  })
  .strict();
export type SignedPack = z.infer<typeof signedPackSchema>;

/** Is this parsed JSON a signed pack envelope (rather than a pack)? */
export function isSignedPack(raw: unknown): boolean {
  return typeof raw === 'object' && raw !== null && (raw as { format?: unknown }).format === SIGNED_PACK_FORMAT;
}

/** Signs a validated pack: the envelope's bytes (pretty JSON, one trailing newline). */
export function signPack(loaded: LoadedPack, key: KeyPair, signer: { name: string; role: string; unitCode: string }): Buffer {
  const bytes = Buffer.from(canonicalJson(loaded.pack), 'utf8');
  const env: SignedPack = {
    format: SIGNED_PACK_FORMAT,
    formatVersion: 1,
    keyId: key.keyId,
    pack: bytes.toString('base64'),
    signature: sign(key.privateKey, bytes).toString('base64'),
    signer,
  };
  return Buffer.from(JSON.stringify(env, null, 2) + '\n', 'utf8');
}

const ISSUING_ROLES = new Set(['province', 'assessor']);

function refuse(code: string, vi: string, en: string): CfcError {
  return new CfcError(code, { vi, en }, { field: 'file' });
}

/** Verifies a signed pack envelope against the trust store; the pack and who issued it. */
export function verifySignedPack(raw: unknown, origin: string, trust: (keyId: string) => TrustEntry | null): { loaded: LoadedPack; issuer: PackIssuer } {
  // 1.
  const env = signedPackSchema.safeParse(raw);
  if (!env.success) {
    const first = env.error.issues[0];
    const where = first ? `${first.path.join('.') || '(root)'}: ${first.message}` : '';
    throw refuse('signed_pack_malformed', `Tệp ${origin} không phải gói tiêu chí có chữ ký hợp lệ (${where}).`, `The file ${origin} is not a well-formed signed pack (${where}).`);
  }
  const { keyId } = env.data;
  // 2.
  const entry = trust(keyId);
  if (!entry || keyIdOf(entry.publicKey) !== keyId) {
    throw refuse(
      'untrusted_key',
      `Gói tiêu chí ${origin} được ký bằng khóa ${fingerprintOf(keyId)} (${env.data.signer.name}) chưa có trong danh sách khóa tin cậy; hãy thêm khóa công khai của đơn vị phát hành trước.`,
      `The pack ${origin} is signed with key ${fingerprintOf(keyId)} (${env.data.signer.name}), which is not in the trust store; add the issuer's public key first.`,
    );
  }
  if (entry.status === 'revoked') {
    throw refuse('key_revoked', `Khóa ${fingerprintOf(keyId)} của ${entry.holder} đã bị thu hồi.`, `Key ${fingerprintOf(keyId)} of ${entry.holder} has been revoked.`);
  }
  if (!ISSUING_ROLES.has(entry.role)) {
    throw refuse(
      'role_not_allowed',
      `Khóa của ${entry.holder} (${entry.role}) không được phát hành gói tiêu chí; chỉ tỉnh hoặc tổ thẩm định.`,
      `${entry.holder}'s key (${entry.role}) may not issue criteria packs; only a province or an assessment team may.`,
    );
  }
  // 3.
  const bytes = Buffer.from(env.data.pack, 'base64');
  if (!verifySignature(entry.publicKey, bytes, Buffer.from(env.data.signature, 'base64'))) {
    throw refuse('bad_signature', `Chữ ký của gói tiêu chí ${origin} không khớp với nội dung: tệp đã bị thay đổi.`, `The signature of the pack ${origin} does not match its content: the file was altered.`);
  }
  // 4.
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytes.toString('utf8'));
  } catch (e) {
    throw refuse('signed_pack_malformed', `Nội dung gói ${origin} không phải JSON: ${(e as Error).message}`, `The content of ${origin} is not JSON: ${(e as Error).message}`);
  }
  const loaded = loadPack(parsed, origin);
  return { loaded, issuer: { keyId, fingerprint: fingerprintOf(keyId), name: entry.holder, role: entry.role, unitCode: entry.unitCode } };
}
