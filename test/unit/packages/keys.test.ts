import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createService } from '../../../src/api/service';
import { fingerprintOf, generateKeyPair, keyIdOf, sealPrivateKey, unsealPrivateKey, type SealedBlob } from '../../../src/core/packages/keys';
import { checkoutResourcesDir } from '../../../src/server/resources';
import { tempDir, testService } from '../../helpers';

describe('keys', () => {
  it('key id and fingerprint: the worked example of FORMAT.md (RFC 8032 test 1 public key)', () => {
    const pk = Buffer.from('d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a', 'hex');
    expect(keyIdOf(pk)).toBe('21fe31dfa154a261');
    expect(fingerprintOf(keyIdOf(pk))).toBe('21FE 31DF A154 A261');
    const doc = fs.readFileSync(path.resolve(__dirname, '../../../src/core/packages/FORMAT.md'), 'utf8');
    expect(doc).toContain('21FE 31DF A154 A261');
  });

  it('a passphrase seals the private key (scrypt + AES-256-GCM bound to the key id); a wrong one is refused', () => {
    const k = generateKeyPair();
    const blob = sealPrivateKey(k.privateKey, k.keyId, { passphrase: 'một mật khẩu dài' });
    expect(blob).toMatchObject({ kind: 'passphrase', kdf: 'scrypt', N: 32768 });
    const back = unsealPrivateKey(blob, k.keyId, { passphrase: 'một mật khẩu dài' });
    expect(back.export({ format: 'der', type: 'pkcs8' }).equals(k.privateKey.export({ format: 'der', type: 'pkcs8' }))).toBe(true);
    expect(() => unsealPrivateKey(blob, k.keyId, { passphrase: 'sai' })).toThrow(expect.objectContaining({ code: 'wrong_passphrase' }));
    expect(() => unsealPrivateKey(blob, 'ffffffffffffffff', { passphrase: 'một mật khẩu dài' })).toThrow(expect.objectContaining({ code: 'wrong_passphrase' }));
    expect(() => unsealPrivateKey(blob, k.keyId, {})).toThrow(expect.objectContaining({ code: 'passphrase_required' }));
    expect(() => sealPrivateKey(k.privateKey, k.keyId, { passphrase: 'short' })).toThrow(expect.objectContaining({ code: 'passphrase_too_short' }));
    const os: SealedBlob = { v: 1, kind: 'safeStorage', data: '' };
    expect(() => unsealPrivateKey(os, k.keyId, { passphrase: 'x' })).toThrow(expect.objectContaining({ code: 'key_sealed_by_os' }));
  });

  it('the private key is never in the database in clear; with safeStorage the OS seals it', async () => {
    const { dir, cleanup } = tempDir();
    try {
      const s = testService(path.join(dir, 'a'));
      const k = await s.call('keys.create', { name: 'Nguyễn Thị Hồng', role: 'commune', unitCode: '29266', passphrase: 'mật khẩu dài đủ' });
      expect(k).toMatchObject({ sealedBy: 'passphrase', fingerprint: fingerprintOf(k.keyId) });
      expect((await s.call('trust.list', {})).items.map((t) => [t.keyId, t.source])).toEqual([[k.keyId, 'own']]);
      expect(await s.dispatch('keys.create', { name: 'Nguyễn Thị Hồng', role: 'commune', unitCode: '29266', passphrase: 'mật khẩu dài đủ' })).toMatchObject({ ok: false, error: { code: 'key_exists' } });
      expect(await s.dispatch('keys.create', { name: 'B', role: 'province', unitCode: '29266', passphrase: 'mật khẩu dài đủ' })).toMatchObject({ ok: false, error: { field: 'unitCode' } });
      const pub = JSON.parse((await s.call('keys.exportPublic', {})).content) as { publicKey: string };
      await s.close();
      const db = fs.readFileSync(path.join(dir, 'a', 'cfc.sqlite'));
      const wal = fs.existsSync(path.join(dir, 'a', 'cfc.sqlite-wal')) ? fs.readFileSync(path.join(dir, 'a', 'cfc.sqlite-wal')) : Buffer.alloc(0);
      expect(pub.publicKey).toBe(k.publicKey);
      // The PKCS#8 prefix of an Ed25519 private key never appears.
      const pkcs8 = Buffer.from('302e020100300506032b657004220420', 'hex');
      expect(db.includes(pkcs8) || wal.includes(pkcs8)).toBe(false);

      const sealed: Buffer[] = [];
      const secrets = {
        kind: 'safeStorage' as const,
        seal: (b: Buffer) => {
          const out = Buffer.from(b.map((x) => x ^ 0x5a));
          sealed.push(out);
          return out;
        },
        unseal: (b: Buffer) => Buffer.from(b.map((x) => x ^ 0x5a)),
      };
      const e = createService({ dataDir: path.join(dir, 'b'), resourcesDir: checkoutResourcesDir, mode: 'electron', secrets });
      const k2 = await e.call('keys.create', { name: 'Trần Văn Bình', role: 'assessor', unitCode: '86' });
      expect(k2.sealedBy).toBe('safeStorage');
      expect(sealed).toHaveLength(1);
      expect((await e.call('keys.list', {})).sealing).toBe('safeStorage');
      await e.close();
    } finally {
      cleanup();
    }
  });

  it('trust: add (same key again is a no-op), list, revoke (permanent, by fingerprint)', async () => {
    const { dir, cleanup } = tempDir();
    try {
      const a = testService(path.join(dir, 'a'));
      await a.call('keys.create', { name: 'Nguyễn Thị Hồng', role: 'commune', unitCode: '29266', passphrase: 'mật khẩu dài đủ' });
      const file = (await a.call('keys.exportPublic', {})).content;
      const b = testService(path.join(dir, 'b'));
      expect((await b.call('trust.add', { publicKey: file })).added).toBe(true);
      expect((await b.call('trust.add', { publicKey: file })).added).toBe(false);
      const bad = JSON.parse(file) as Record<string, string>;
      bad['keyId'] = '0000000000000000';
      expect(await b.dispatch('trust.add', { publicKey: JSON.stringify(bad) })).toMatchObject({ ok: false, error: { code: 'invalid_key_file' } });
      expect(await b.dispatch('trust.add', { publicKey: 'not json' })).toMatchObject({ ok: false, error: { code: 'invalid_key_file' } });
      const [t] = (await b.call('trust.list', {})).items;
      const r = await b.call('trust.revoke', { keyId: t!.fingerprint, reason: 'Mất máy tính' });
      expect(r).toMatchObject({ status: 'revoked', revokeReason: 'Mất máy tính' });
      expect(await b.dispatch('trust.add', { publicKey: file })).toMatchObject({ ok: false, error: { code: 'key_revoked' } });
      await a.close();
      await b.close();
    } finally {
      cleanup();
    }
  });
});
