import crypto from 'node:crypto';
import { CfcError } from '../errors';

/**
 * Ed25519 signing keys. The key id is the first 16 hex digits of SHA-256 of the raw 32-byte public key; people see it
 * in groups of four. A private key is never written in clear: it is sealed by the OS (Electron's safeStorage) or with
 * a passphrase (scrypt + AES-256-GCM).
 */

/** Seals and unseals bytes with a secret the OS keeps (Electron's safeStorage). */
export interface Secrets {
  kind: 'safeStorage';
  seal(b: Buffer): Buffer;
  unseal(b: Buffer): Buffer;
}

export function sha256Hex(b: Buffer | string): string {
  return crypto.createHash('sha256').update(b).digest('hex');
}

export function keyIdOf(rawPublicKey: Buffer): string {
  if (rawPublicKey.length !== 32) throw new Error('an Ed25519 public key has 32 bytes');
  return sha256Hex(rawPublicKey).slice(0, 16);
}

/** "3f2a9c1d0b7e4411" → "3F2A 9C1D 0B7E 4411". */
export function groupsOfFour(hex: string): string {
  return (hex.toUpperCase().match(/.{1,4}/g) ?? []).join(' ');
}

export function fingerprintOf(keyId: string): string {
  return groupsOfFour(keyId);
}

export function rawPublicKey(key: crypto.KeyObject): Buffer {
  const jwk = key.export({ format: 'jwk' }) as { x?: string };
  if (!jwk.x) throw new Error('not an Ed25519 key');
  return Buffer.from(jwk.x, 'base64url');
}

/** Public keys made from their raw bytes, kept (a batch of packages is signed by a few keys; a KeyObject is immutable). */
const publicKeys = new Map<string, crypto.KeyObject>();

export function publicKeyFromRaw(raw: Buffer): crypto.KeyObject {
  const x = raw.toString('base64url');
  let k = publicKeys.get(x);
  if (!k) {
    k = crypto.createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x }, format: 'jwk' });
    if (publicKeys.size >= 1024) publicKeys.delete(publicKeys.keys().next().value!);
    publicKeys.set(x, k);
  }
  return k;
}

export interface KeyPair {
  keyId: string;
  publicKey: Buffer;
  privateKey: crypto.KeyObject;
}

export function generateKeyPair(): KeyPair {
  const { publicKey, privateKey } = crypto.generateKeyPairSync('ed25519');
  const raw = rawPublicKey(publicKey);
  return { keyId: keyIdOf(raw), publicKey: raw, privateKey };
}

export function sign(privateKey: crypto.KeyObject, data: Buffer): Buffer {
  return crypto.sign(null, data, privateKey);
}

export function verifySignature(rawPublic: Buffer, data: Buffer, signature: Buffer): boolean {
  try {
    return crypto.verify(null, data, publicKeyFromRaw(rawPublic), signature);
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Sealing
// ---------------------------------------------------------------------------------------------------------------

/** scrypt cost: N = 2^15, r = 8, p = 1 (about 32 MiB and 0.1 s): OWASP's minimum for scrypt. */
export const SCRYPT = { N: 2 ** 15, r: 8, p: 1 } as const;
export const MIN_PASSPHRASE = 8;

interface PassphraseBlob {
  v: 1;
  kind: 'passphrase';
  kdf: 'scrypt';
  N: number;
  r: number;
  p: number;
  salt: string;
  iv: string;
  tag: string;
  data: string;
}
interface OsBlob {
  v: 1;
  kind: 'safeStorage';
  data: string;
}
export type SealedBlob = PassphraseBlob | OsBlob;

export function passphraseRequired(): CfcError {
  return new CfcError(
    'passphrase_required',
    {
      vi: 'Cần mật khẩu của khóa ký (nhập khi được hỏi, hoặc đặt biến môi trường CFC_KEY_PASSPHRASE).',
      en: "The signing key's passphrase is needed (type it when asked, or set CFC_KEY_PASSPHRASE).",
    },
    { field: 'passphrase' },
  );
}

function scryptKey(passphrase: string, salt: Buffer, p: { N: number; r: number; p: number }): Buffer {
  return crypto.scryptSync(passphrase.normalize('NFC'), salt, 32, { N: p.N, r: p.r, p: p.p, maxmem: 256 * p.N * p.r + 1024 * 1024 });
}

/**
 * Seals a private key (PKCS#8 DER) bound to its key id (the AES-GCM additional data), with the OS's secret store when
 * there is one, else with the passphrase.
 */
export function sealPrivateKey(privateKey: crypto.KeyObject, keyId: string, via: { secrets?: Secrets | undefined; passphrase?: string | undefined }): SealedBlob {
  const der = privateKey.export({ format: 'der', type: 'pkcs8' });
  try {
    if (via.secrets) return { v: 1, kind: 'safeStorage', data: via.secrets.seal(der).toString('base64') };
    const passphrase = via.passphrase ?? '';
    if (!passphrase) throw passphraseRequired();
    if ([...passphrase].length < MIN_PASSPHRASE) {
      throw new CfcError(
        'passphrase_too_short',
        { vi: `Mật khẩu của khóa ký phải có ít nhất ${MIN_PASSPHRASE} ký tự.`, en: `The signing key's passphrase needs at least ${MIN_PASSPHRASE} characters.` },
        { field: 'passphrase' },
      );
    }
    const salt = crypto.randomBytes(16);
    const iv = crypto.randomBytes(12);
    const key = scryptKey(passphrase, salt, SCRYPT);
    const cipher = crypto.createCipheriv('aes-256-gcm', key, iv);
    cipher.setAAD(Buffer.from(keyId, 'utf8'));
    const data = Buffer.concat([cipher.update(der), cipher.final()]);
    return {
      v: 1,
      kind: 'passphrase',
      kdf: 'scrypt',
      ...SCRYPT,
      salt: salt.toString('base64'),
      iv: iv.toString('base64'),
      tag: cipher.getAuthTag().toString('base64'),
      data: data.toString('base64'),
    };
  } finally {
    der.fill(0);
  }
}

/** Unseals a private key and checks that it is the key of `keyId`. */
export function unsealPrivateKey(blob: SealedBlob, keyId: string, via: { secrets?: Secrets | undefined; passphrase?: string | undefined }): crypto.KeyObject {
  let der: Buffer;
  if (blob.kind === 'safeStorage') {
    if (!via.secrets) {
      throw new CfcError('key_sealed_by_os', {
        vi: 'Khóa ký này được hệ điều hành bảo vệ cho ứng dụng máy tính; hãy ký từ ứng dụng (hoặc tạo khóa có mật khẩu cho dòng lệnh).',
        en: 'This signing key is sealed by the operating system for the desktop app; sign from the app (or make a passphrase key for the command line).',
      });
    }
    der = via.secrets.unseal(Buffer.from(blob.data, 'base64'));
  } else {
    const passphrase = via.passphrase ?? '';
    if (!passphrase) throw passphraseRequired();
    try {
      const key = scryptKey(passphrase, Buffer.from(blob.salt, 'base64'), blob);
      const decipher = crypto.createDecipheriv('aes-256-gcm', key, Buffer.from(blob.iv, 'base64'));
      decipher.setAAD(Buffer.from(keyId, 'utf8'));
      decipher.setAuthTag(Buffer.from(blob.tag, 'base64'));
      der = Buffer.concat([decipher.update(Buffer.from(blob.data, 'base64')), decipher.final()]);
    } catch {
      throw new CfcError(
        'wrong_passphrase',
        { vi: 'Sai mật khẩu của khóa ký.', en: "Wrong passphrase for the signing key." },
        { field: 'passphrase' },
      );
    }
  }
  try {
    const key = crypto.createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
    if (keyIdOf(rawPublicKey(crypto.createPublicKey(key))) !== keyId) throw new Error('key id');
    return key;
  } catch {
    throw new CfcError('key_damaged', {
      vi: `Khóa ký ${fingerprintOf(keyId)} bị hỏng và không dùng được.`,
      en: `The signing key ${fingerprintOf(keyId)} is damaged and cannot be used.`,
    });
  } finally {
    der.fill(0);
  }
}
