/**
 * The page's side of "Save as…" (src/renderer/src/files.ts): offered only where the shell has it (the desktop app's
 * bridge), the call (and its job id) passed through as asked, the dialog closed → nothing happens (null), a refusal → the
 * typed error.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ApiCallError } from '../../src/api/errors';
import { canSaveAs, saveCallAs } from '../../src/renderer/src/files';
import type {} from '../../src/renderer/src/env'; // the page's Window (its bridge's saveAs)

const g = globalThis as unknown as { window?: { cfc?: { saveAs?: (...a: unknown[]) => Promise<unknown> } } };
afterEach(() => delete g.window);

describe('Save as… on the page', () => {
  it('is offered only when the bridge has it', () => {
    g.window = {};
    expect(canSaveAs()).toBe(false);
    g.window = { cfc: {} };
    expect(canSaveAs()).toBe(false);
    g.window = { cfc: { saveAs: async () => ({ ok: true, value: {} }) } };
    expect(canSaveAs()).toBe(true);
  });

  it('passes the call through; null when the dialog was closed; a refusal throws its typed error', async () => {
    const asked: unknown[][] = [];
    const answers: unknown[] = [
      { ok: true, value: { fileName: 'HoSo.cfcpkg', size: 10 } },
      { ok: false, error: { code: 'cancelled', message: { vi: 'Đã hủy lưu tệp.', en: 'Saving was cancelled.' } } },
      { ok: false, error: { code: 'passphrase_wrong', field: 'passphrase', message: { vi: 'Sai mật khẩu.', en: 'Wrong passphrase.' } } },
    ];
    g.window = { cfc: { saveAs: async (...a: unknown[]) => (asked.push(a), answers.shift()) } };
    const input = { id: '6f1c2a4e-8b0d-4c1e-9a57-3d2b1e0f9c88', keyId: 'k' };
    expect(await saveCallAs('packages.export', input, 'HoSo.cfcpkg')).toEqual({ fileName: 'HoSo.cfcpkg', size: 10 });
    expect(asked[0]).toEqual(['packages.export', input, 'HoSo.cfcpkg', undefined]);
    expect(await saveCallAs('packages.export', input, undefined, 'job-7')).toBeNull();
    expect(asked[1]).toEqual(['packages.export', input, undefined, 'job-7']); // a job id passes through to the bridge
    const e = await saveCallAs('packages.export', input).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ApiCallError);
    expect(e).toMatchObject({ error: { code: 'passphrase_wrong', field: 'passphrase' } });
  });

  it('without the bridge, saving is refused with a message, not a crash', async () => {
    g.window = {};
    await expect(saveCallAs('packages.export', { id: 'x' } as never)).rejects.toMatchObject({ error: { code: 'invalid_input' } });
  });
});
