/**
 * "Save as…" without a path from the page (issue 13, item 3): the token store (src/api/saveTokens.ts) under Node, and
 * the desktop app's binding (electron/saveAs.ts) with a fake ipcMain and a fake save dialog over a real service: the
 * file is written where the dialog said, the page gets names only, and a token works once, for its call, until it expires.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bindSaveAs } from '../../electron/saveAs';
import { SAVE_TOKEN, SaveTokens } from '../../src/api/saveTokens';
import { isCfcError } from '../../src/core/errors';
import { snapshotDir, tempDir, testService } from '../helpers';
import { PASSPHRASE, populate } from './backup-data';

function refusal(f: () => unknown): { code: string; field?: string; messages: { vi: string; en: string } } {
  try {
    f();
  } catch (e) {
    if (isCfcError(e)) return { code: e.code, ...(e.field ? { field: e.field } : {}), messages: e.messages };
    throw e;
  }
  throw new Error('not refused');
}

describe('save tokens', () => {
  it('are opaque, work once, for the call they were issued for, and expire', () => {
    let now = 1_000_000;
    const tokens = new SaveTokens({ ttlMs: 60_000, now: () => now });
    const file = path.join(path.sep, 'home', 'xã', 'Gói hồ sơ.cfcpkg');
    const t = tokens.issue('packages.export', file);
    expect(t).toMatch(SAVE_TOKEN);
    expect(t).not.toContain('home');
    expect(tokens.issue('packages.export', file)).not.toBe(t);
    expect(tokens.redeem(t, 'packages.export')).toBe(file);
    // Used once: refused the second time, naming the field, in both languages.
    const again = refusal(() => tokens.redeem(t, 'packages.export'));
    expect(again).toMatchObject({ code: 'save_token_invalid', field: 'saveToken' });
    expect(again.messages.vi).toContain('đã được dùng');
    expect(again.messages.en).toContain('used already');
    // Another call's: refused, and spent by the attempt.
    const other = tokens.issue('packages.export', file);
    expect(refusal(() => tokens.redeem(other, 'reviews.export')).messages.en).toContain('issued for packages.export, not reviews.export');
    expect(refusal(() => tokens.redeem(other, 'packages.export')).code).toBe('save_token_invalid');
    // Expired: refused; expired tokens are dropped.
    const late = tokens.issue('packages.export', file);
    now += 60_001;
    expect(refusal(() => tokens.redeem(late, 'packages.export')).messages.en).toContain('expired');
    tokens.issue('packages.export', file);
    now += 60_001;
    expect(tokens.size).toBe(0);
    // A made-up token, and a relative path.
    expect(refusal(() => tokens.redeem('A'.repeat(43), 'packages.export')).code).toBe('save_token_invalid');
    expect(refusal(() => tokens.issue('packages.export', 'relative/x.cfcpkg'))).toMatchObject({ code: 'invalid_input', field: 'path' });
  });
});

describe('Save as… in the desktop app (electron/saveAs.ts)', () => {
  const t = tempDir();
  const scratch = tempDir();
  const service = testService(t.dir);
  let revisionId: string;
  afterAll(async () => {
    await service.close();
    t.cleanup();
    scratch.cleanup();
  });
  beforeAll(async () => {
    await populate(service, scratch.dir);
    revisionId = (await service.call('assessments.list', { year: 2026 })).items[0]!.id;
  }, 60_000);

  type Handler = (event: unknown, req: unknown) => Promise<{ ok: boolean; value?: unknown; error?: { code: string; field?: string; message: { vi: string; en: string } } }>;
  function bound(answer: { canceled: boolean; filePath?: string }, trusted = true) {
    const handlers = new Map<string, Handler>();
    const dialogs: unknown[] = [];
    bindSaveAs({
      ipc: { handle: (c: string, f: Handler) => void handlers.set(c, f), removeHandler: (c: string) => void handlers.delete(c) } as never,
      service,
      isTrusted: () => trusted,
      window: () => null,
      showSaveDialog: async (_w, o) => {
        dialogs.push(o);
        return { canceled: answer.canceled, filePath: answer.filePath ?? '' };
      },
    });
    return { save: (req: unknown) => handlers.get('cfc-files:saveAs')!({}, req), dialogs };
  }

  it('writes the signed package where the dialog said; the page gets the file name, never the path', async () => {
    const target = path.join(scratch.dir, 'chọn', 'Gói của xã.cfcpkg');
    fs.mkdirSync(path.dirname(target), { recursive: true });
    const b = bound({ canceled: false, filePath: target });
    const r = await b.save({ call: 'packages.export', input: { id: revisionId, passphrase: PASSPHRASE }, suggestedName: '../../etc/Goi.cfcpkg' });
    expect(r.ok, JSON.stringify(r)).toBe(true);
    expect(fs.existsSync(target)).toBe(true);
    expect(fs.readFileSync(target).subarray(0, 2).toString('latin1')).toBe('PK');
    expect(JSON.stringify(r.value)).not.toContain(scratch.dir);
    expect(r.value).toMatchObject({ fileName: expect.stringMatching(/\.cfcpkg$/), size: fs.statSync(target).size });
    expect(r.value).not.toHaveProperty('file');
    // The suggestion reached the dialog as a bare file name.
    expect(b.dialogs).toEqual([expect.objectContaining({ defaultPath: 'Goi.cfcpkg' })]);
  });

  it('cancelled, untrusted, or a call that cannot save: refused with a reason, nothing written, no dialog for the last two', async () => {
    const before = snapshotDir(t.dir);
    const beforeScratch = snapshotDir(scratch.dir);
    const cancelled = await bound({ canceled: true }).save({ call: 'packages.export', input: { id: revisionId, passphrase: PASSPHRASE } });
    expect(cancelled).toMatchObject({ ok: false, error: { code: 'cancelled' } });
    const untrusted = bound({ canceled: false, filePath: path.join(scratch.dir, 'x.cfcpkg') }, false);
    expect(await untrusted.save({ call: 'packages.export', input: { id: revisionId } })).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    expect(untrusted.dialogs).toEqual([]);
    const other = bound({ canceled: false, filePath: path.join(scratch.dir, 'x.cfcpkg') });
    const r = await other.save({ call: 'backup.create', input: { path: '/tmp/x' } });
    expect(r).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(r.error!.message.vi).toContain('backup.create');
    expect(other.dialogs).toEqual([]);
    expect(snapshotDir(t.dir)).toEqual(before);
    expect(snapshotDir(scratch.dir)).toEqual(beforeScratch);
  });

  it('a copy of a file already made — a report, an exported package — by its download name, where the dialog said', async () => {
    const report = await service.call('reports.selfAssessment', { id: revisionId, format: 'pdf' });
    const exported = await service.call('packages.export', { id: revisionId, passphrase: PASSPHRASE });
    for (const [route, fileName, from, ext] of [
      ['reports', report.fileName, report.path, 'pdf'],
      ['exports', exported.fileName, exported.file, 'cfcpkg'],
    ] as const) {
      const target = path.join(scratch.dir, 'bản sao', `Của tôi.${ext}`);
      fs.mkdirSync(path.dirname(target), { recursive: true });
      const b = bound({ canceled: false, filePath: target });
      const r = await b.save({ call: 'reports.saveCopy', input: { route, fileName } });
      expect(r, JSON.stringify(r)).toMatchObject({ ok: true, value: { fileName: `Của tôi.${ext}`, size: fs.statSync(from).size } });
      expect(fs.readFileSync(target).equals(fs.readFileSync(from))).toBe(true);
      expect(fs.readdirSync(path.dirname(target)).filter((f) => f.endsWith('.part'))).toEqual([]); // no part file left
      expect(JSON.stringify(r.value)).not.toContain(scratch.dir);
      // The dialog suggested the file's own name and offered its type.
      expect(b.dialogs).toEqual([expect.objectContaining({ defaultPath: fileName, filters: [expect.objectContaining({ extensions: [ext] })] })]);
    }
  });

  it('as a job: the copy reports progress under its job id and stops on Cancel, leaving nothing where the dialog said', async () => {
    // A large file in exports/ (the copy streams it in many chunks), by its download name.
    const big = path.join(t.dir, 'exports', 'Lon.cfcpkg');
    fs.writeFileSync(big, Buffer.alloc(8 * 1024 * 1024, 3));
    try {
      const target = path.join(scratch.dir, 'job', 'Lon.cfcpkg');
      fs.mkdirSync(path.dirname(target), { recursive: true });
      const seen: { job: string | null; call: string; bytes: number; size: number }[] = [];
      const stop = service.jobs.subscribe((e) => {
        seen.push({ job: e.job, call: e.call, bytes: e.progress.bytes, size: e.progress.size });
        if (e.job === 'save-copy-2') service.jobs.cancel('save-copy-2');
      });
      try {
        const done = await bound({ canceled: false, filePath: target }).save({ call: 'reports.saveCopy', input: { route: 'exports', fileName: 'Lon.cfcpkg' }, job: 'save-copy-1' });
        expect(done).toMatchObject({ ok: true, value: { fileName: 'Lon.cfcpkg', size: 8 * 1024 * 1024 } });
        const mine = seen.filter((e) => e.job === 'save-copy-1');
        expect(mine.length).toBeGreaterThan(1);
        expect(mine.every((e) => e.call === 'reports.saveCopy' && e.size === 8 * 1024 * 1024)).toBe(true);
        expect(mine.at(-1)!.bytes).toBe(8 * 1024 * 1024);
        fs.rmSync(target);

        // Cancelled from its first progress event: `cancelled`, nothing at the target, no part file.
        const cancelled = await bound({ canceled: false, filePath: target }).save({ call: 'reports.saveCopy', input: { route: 'exports', fileName: 'Lon.cfcpkg' }, job: 'save-copy-2' });
        expect(cancelled).toMatchObject({ ok: false, error: { code: 'cancelled' } });
        expect(fs.readdirSync(path.dirname(target))).toEqual([]);
      } finally {
        stop();
      }
      // A malformed job id: refused before any dialog.
      const bad = bound({ canceled: false, filePath: target });
      expect(await bad.save({ call: 'reports.saveCopy', input: { route: 'exports', fileName: 'Lon.cfcpkg' }, job: '../x' })).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
      expect(bad.dialogs).toEqual([]);
    } finally {
      fs.rmSync(big);
    }
  });

  it('a copy of a name that is not a download, or of a file not there: refused, nothing written; a bad name gets no dialog', async () => {
    const target = path.join(scratch.dir, 'không.pdf');
    const before = snapshotDir(t.dir);
    for (const fileName of ['../cfc.sqlite', 'a/b.pdf', '', 'x'.repeat(201) + '.pdf']) {
      const b = bound({ canceled: false, filePath: target });
      expect(await b.save({ call: 'reports.saveCopy', input: { route: 'reports', fileName } })).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
      expect(b.dialogs).toEqual([]);
    }
    const wrongRoute = bound({ canceled: false, filePath: target });
    expect(await wrongRoute.save({ call: 'reports.saveCopy', input: { route: 'evidence', fileName: 'x.pdf' } })).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(wrongRoute.dialogs).toEqual([]);
    // Well-formed names that are not there (or not in that folder): the dialog was shown, the call says not_found.
    for (const [route, fileName] of [['reports', 'KhongCo.pdf'], ['exports', 'KhongCo.cfcpkg'], ['exports', 'cfc.sqlite']] as const) {
      expect(await bound({ canceled: false, filePath: target }).save({ call: 'reports.saveCopy', input: { route, fileName } })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    }
    // Straight to the UI surface, without a token: refused by the schema.
    expect(await service.dispatch('reports.saveCopy', { route: 'reports', fileName: 'x.pdf' }, 'ui')).toMatchObject({ ok: false, error: { code: 'invalid_input', field: 'saveToken' } });
    expect(fs.existsSync(target)).toBe(false);
    expect(snapshotDir(t.dir)).toEqual(before);
  });

  it('the page cannot name a path in the input, nor reuse or forge a token: refused on the UI surface, nothing written', async () => {
    const target = path.join(scratch.dir, 'page-chose.cfcpkg');
    const viaPage = await bound({ canceled: false, filePath: path.join(scratch.dir, 'dialog.cfcpkg') }).save({ call: 'packages.export', input: { id: revisionId, passphrase: PASSPHRASE, outPath: target } });
    expect(viaPage).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(JSON.stringify(viaPage.error)).toContain('outPath');
    expect(fs.existsSync(target)).toBe(false);
    expect(fs.existsSync(path.join(scratch.dir, 'dialog.cfcpkg'))).toBe(false);

    const issued = await service.files.saveTarget('packages.export', path.join(scratch.dir, 'once.cfcpkg'));
    if (!issued.ok) throw new Error(issued.error.message.en);
    const input = { id: revisionId, passphrase: PASSPHRASE, saveToken: issued.value.token };
    expect((await service.dispatch('packages.export', input, 'ui')).ok).toBe(true);
    fs.rmSync(path.join(scratch.dir, 'once.cfcpkg'));
    const before = snapshotDir(scratch.dir);
    const replay = await service.dispatch('packages.export', input, 'ui');
    expect(replay).toMatchObject({ ok: false, error: { code: 'save_token_invalid', field: 'saveToken' } });
    const forged = await service.dispatch('packages.export', { ...input, saveToken: 'x'.repeat(43) }, 'ui');
    expect(forged).toMatchObject({ ok: false, error: { code: 'save_token_invalid' } });
    expect(snapshotDir(scratch.dir)).toEqual(before);
  });
});
