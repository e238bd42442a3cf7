import fs from 'node:fs';
import { Rejection, type CliContext } from '../context';
import type { Register } from '../main';

/** A passphrase from CFC_KEY_PASSPHRASE, else asked on the terminal (not echoed); null when neither is possible. */
export async function passphraseFor(c: CliContext, prompt: string, confirm = false): Promise<string | undefined> {
  const fromEnv = c.io.env['CFC_KEY_PASSPHRASE'];
  if (fromEnv) return fromEnv;
  const stdin = process.stdin;
  if (!stdin.isTTY || !c.io.stderr.isTTY) return undefined;
  const ask = (q: string) =>
    new Promise<string>((resolve, reject) => {
      c.io.stderr.write(q);
      let text = '';
      stdin.setRawMode(true);
      stdin.resume();
      stdin.setEncoding('utf8');
      const onData = (s: string) => {
        for (const ch of s) {
          if (ch === '\r' || ch === '\n') {
            done();
            c.io.stderr.write('\n');
            return resolve(text);
          }
          if (ch === '\u0003') {
            done();
            return reject(new Error('cancelled'));
          }
          if (ch === '\u007f' || ch === '\b') text = [...text].slice(0, -1).join('');
          else text += ch;
        }
      };
      const done = () => {
        stdin.off('data', onData);
        stdin.setRawMode(false);
        stdin.pause();
      };
      stdin.on('data', onData);
    });
  const first = await ask(prompt);
  if (confirm && (await ask('Nhập lại / repeat: ')) !== first) {
    throw new Rejection({
      code: 'passphrase_mismatch',
      field: 'passphrase',
      message: { vi: 'Hai lần nhập mật khẩu không khớp.', en: 'The two passphrases differ.' },
    });
  }
  return first;
}

export const registerKeys: Register = (program, ctx) => {
  const keys = program.command('keys').description('khóa ký của hồ sơ này / this profile\'s signing keys');
  keys
    .command('init')
    .description('tạo cặp khóa Ed25519 cho một người ký (khóa bí mật được mã hóa bằng mật khẩu) / make a key pair for one signing person')
    .requiredOption('--name <name>', 'họ tên người ký / the signing person')
    .requiredOption('--role <role>', 'commune | assessor | province')
    .requiredOption('--unit <code>', 'mã đơn vị / unit code (GSO)')
    .option('--title <title>', 'chức vụ / title', '')
    .option('--organisation <org>', 'cơ quan / organisation', '')
    .action(async (o: { name: string; role: string; unit: string; title: string; organisation: string }) => {
      const c = ctx();
      const passphrase = await passphraseFor(c, 'Mật khẩu cho khóa mới / passphrase for the new key: ', true);
      const k = await c.service().call('keys.create', {
        name: o.name,
        role: o.role as 'commune',
        unitCode: o.unit,
        title: o.title,
        organisation: o.organisation,
        ...(passphrase ? { passphrase } : {}),
      });
      c.print(k, () =>
        [
          `Đã tạo khóa / key created: ${k.holder.name} (${k.role}, ${k.unitCode})`,
          `Mã khóa / key id:    ${k.keyId}`,
          `Dấu vân tay / fingerprint: ${k.fingerprint}`,
          `SHA-256: ${k.fullFingerprint}`,
        ].join('\n'),
      );
    });
  keys
    .command('show')
    .description('các khóa ký và dấu vân tay / the signing keys and their fingerprints')
    .action(async () => {
      const c = ctx();
      const r = await c.service().call('keys.list', {});
      c.print(r, () =>
        r.items.length === 0
          ? 'Chưa có khóa ký / no signing key yet (cfc keys init).'
          : r.items.map((k) => `${k.fingerprint}  ${k.status.padEnd(7)} ${k.role.padEnd(9)} ${k.unitCode.padEnd(6)} ${k.holder.name}  (${k.sealedBy})`).join('\n'),
      );
    });
  keys
    .command('export-public')
    .description('ghi tệp khóa công khai để gửi cấp trên / write the public key file for the next level')
    .requiredOption('--out <file>', 'tệp ra / output file')
    .option('--key <keyId>', 'khóa (khi có nhiều) / the key, when there are several')
    .action(async (o: { out: string; key?: string }) => {
      const c = ctx();
      const r = await c.service().call('keys.exportPublic', o.key ? { keyId: o.key } : {});
      fs.writeFileSync(o.out, r.content);
      c.print({ file: o.out, keyId: r.keyId, fingerprint: r.fingerprint }, () => `${o.out}: ${r.fingerprint}`);
    });
};
