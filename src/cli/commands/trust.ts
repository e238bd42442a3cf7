import fs from 'node:fs';
import { Rejection } from '../context';
import type { Register } from '../main';

export const registerTrust: Register = (program, ctx) => {
  const trust = program.command('trust').description('kho khóa tin cậy / the trust store of public keys');
  trust
    .command('add')
    .description('tin cậy một tệp khóa công khai / trust a public key file')
    .argument('<file>', 'tệp khóa công khai / public key file')
    .action(async (file: string) => {
      const c = ctx();
      let text: string;
      try {
        text = fs.readFileSync(file, 'utf8');
      } catch {
        throw new Rejection({ code: 'unreadable_file', field: 'file', message: { vi: `Không đọc được tệp ${file}.`, en: `Cannot read the file ${file}.` } });
      }
      const r = await c.service().call('trust.add', { publicKey: text });
      c.print(r, () =>
        [
          r.added ? 'Đã thêm / added:' : 'Đã có sẵn / already trusted:',
          `  ${r.key.fingerprint}  ${r.key.holder.name} (${r.key.role}, ${r.key.unitCode}${r.key.unitName ? ` ${r.key.unitName}` : ''})`,
          `  SHA-256: ${r.key.fullFingerprint}`,
          'Hãy đối chiếu dấu vân tay với người giữ khóa / compare the fingerprint with the key holder.',
        ].join('\n'),
      );
    });
  trust
    .command('list')
    .description('các khóa tin cậy / trusted and revoked keys')
    .action(async () => {
      const c = ctx();
      const r = await c.service().call('trust.list', {});
      c.print(r, () =>
        r.items.length === 0
          ? 'Kho khóa trống / the trust store is empty.'
          : r.items
              .map((k) => `${k.fingerprint}  ${k.status.padEnd(7)} ${k.role.padEnd(9)} ${k.unitCode.padEnd(6)} ${k.holder.name}${k.source === 'own' ? ' (own)' : ''}${k.revokedAt ? `  revoked ${k.revokedAt}: ${k.revokeReason ?? ''}` : ''}`)
              .join('\n'),
      );
    });
  trust
    .command('revoke')
    .description('thu hồi một khóa (vĩnh viễn) / revoke a key (permanent)')
    .argument('<keyId>', 'mã khóa hoặc dấu vân tay / key id or fingerprint')
    .option('--reason <text>', 'lý do / reason', 'revoked from the command line')
    .action(async (keyId: string, o: { reason: string }) => {
      const c = ctx();
      const k = await c.service().call('trust.revoke', { keyId, reason: o.reason });
      c.print(k, () => `Đã thu hồi / revoked: ${k.fingerprint} ${k.holder.name} (${k.revokedAt})`);
    });
};
