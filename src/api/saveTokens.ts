/**
 * "Save as…" in the desktop app without a path from the page: the main process shows the save dialog
 * (electron/saveAs.ts), hands the chosen path to the service, and gets back an opaque token; the call then travels with
 * that token (`saveToken`), and the handler writes where the token names. A token is random (nothing of the path in
 * it), works once, only for the call it was issued for, and expires after a few minutes. Runtime-agnostic: tested
 * under Node (test/unit/save-tokens.test.ts).
 */
import crypto from 'node:crypto';
import path from 'node:path';
import { CfcError } from '../core/errors';

/** What a token looks like: 32 random bytes, base64url. The contract's `saveToken` fields check this shape. */
export const SAVE_TOKEN = /^[A-Za-z0-9_-]{43}$/;

export interface SaveTokenOptions {
  /** How long a token may wait for its call (default 5 minutes: the dialog is closed before the call is made). */
  ttlMs?: number;
  now?: () => number;
}

interface Issued {
  call: string;
  file: string;
  expiresAt: number;
}

const refused = (why: { vi: string; en: string }) =>
  new CfcError('save_token_invalid', { vi: `Không lưu được tệp: ${why.vi} Hãy chọn lại nơi lưu.`, en: `The file cannot be saved: ${why.en} Choose where to save it again.` }, { field: 'saveToken' });

export class SaveTokens {
  private readonly issued = new Map<string, Issued>();
  private readonly ttlMs: number;
  private readonly now: () => number;

  constructor(opts: SaveTokenOptions = {}) {
    this.ttlMs = opts.ttlMs ?? 5 * 60_000;
    this.now = opts.now ?? Date.now;
  }

  /** A token for one call of `call` that writes to `file` (an absolute path the user chose in the shell's dialog). */
  issue(call: string, file: string): string {
    if (!path.isAbsolute(file)) throw new CfcError('invalid_input', { vi: 'Nơi lưu phải là một đường dẫn đầy đủ.', en: 'The place to save must be an absolute path.' }, { field: 'path' });
    this.sweep();
    const token = crypto.randomBytes(32).toString('base64url');
    this.issued.set(token, { call, file: path.resolve(file), expiresAt: this.now() + this.ttlMs });
    return token;
  }

  /** The path a token names, for `call`; the token is spent whatever the outcome. Throws a bilingual `save_token_invalid`. */
  redeem(token: string, call: string): string {
    const t = this.issued.get(token);
    this.issued.delete(token);
    if (!t) throw refused({ vi: 'mã lưu không có hoặc đã được dùng.', en: 'the save token is unknown or was used already.' });
    if (t.call !== call) throw refused({ vi: `mã lưu được cấp cho lệnh ${t.call}, không phải ${call}.`, en: `the save token was issued for ${t.call}, not ${call}.` });
    if (this.now() > t.expiresAt) throw refused({ vi: 'mã lưu đã hết hạn.', en: 'the save token has expired.' });
    return t.file;
  }

  /** How many tokens wait for their call (expired ones dropped). */
  get size(): number {
    this.sweep();
    return this.issued.size;
  }

  private sweep(): void {
    const now = this.now();
    for (const [k, t] of this.issued) if (now > t.expiresAt) this.issued.delete(k);
  }
}
