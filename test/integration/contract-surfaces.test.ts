/**
 * The two contracts (src/api/contract.ts): the UI contract, bound to IPC and HTTP, takes no file path at all; the local
 * contract (CLI, tests) is its superset with the path calls. Neither what the page sends nor what it gets back names a
 * file or folder of this machine. IPC's binding is tested in test/unit/electron-security.test.ts.
 */
import type { z } from 'zod';
import { afterAll, describe, expect, it } from 'vitest';
import { callNames, contract, uiCallNames, uiContract } from '../../src/api/contract';
import { startServer } from '../../src/server/server';
import { repoRoot, snapshotDir, tempDir, testService } from '../helpers';
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { PASSPHRASE, populate } from './backup-data';
import { localOnlyCases, pathFieldCases } from './path-fields';

/** A text field that names a file or folder on this machine (by its name: path, paths, outPath, evidenceDir, …). */
const PATHLIKE = /(^|[a-z])(path|paths|dir|directory|folder|file|files)$/i;

type Def = Record<string, unknown> & { type: string };
const defOf = (schema: unknown): Def => (schema as { _zod: { def: Def } })._zod.def;
const WRAPPERS = new Set(['optional', 'nullable', 'default', 'prefault', 'readonly', 'catch', 'nonoptional']);

/** Whether a value of this schema can be text (a string, or a list of strings), after its wrappers. */
function holdsText(schema: unknown): boolean {
  const def = defOf(schema);
  if (WRAPPERS.has(def.type)) return holdsText(def['innerType']);
  if (def.type === 'array') return holdsText(def['element']);
  if (def.type === 'union') return (def['options'] as unknown[]).some(holdsText);
  if (def.type === 'pipe') return holdsText(def['in']);
  return def.type === 'string' || def.type === 'template_literal';
}

/** Every object key anywhere in a zod schema whose value can be text, as dotted paths. */
function keysOf(schema: z.ZodType, at = ''): string[] {
  const def = defOf(schema);
  const sub = (s: unknown, p = at) => keysOf(s as z.ZodType, p);
  switch (def.type) {
    case 'object':
      return Object.entries(def['shape'] as Record<string, z.ZodType>).flatMap(([k, v]) => [...(holdsText(v) ? [at + k] : []), ...sub(v, `${at}${k}.`)]);
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'readonly':
    case 'catch':
    case 'nonoptional':
      return sub(def['innerType']);
    case 'array':
      return sub(def['element']);
    case 'union':
      return (def['options'] as unknown[]).flatMap((o) => sub(o));
    case 'intersection':
      return [...sub(def['left']), ...sub(def['right'])];
    case 'record':
      return sub(def['valueType']);
    case 'tuple':
      return (def['items'] as unknown[]).flatMap((o) => sub(o));
    case 'pipe':
      return [...sub(def['in']), ...sub(def['out'])];
    case 'lazy':
      return sub((def['getter'] as () => unknown)());
    default:
      return [];
  }
}

/**
 * Output keys that match PATHLIKE but are not paths of this machine, each with what it holds (the walk below proves
 * every other pathlike key is gone from the UI contract's outputs).
 */
const NOT_A_PATH: Record<string, string> = {
  'reasons.path': "an entry's name inside a package (evidence/…), from the verifier",
  'unit.path': "the unit's place in the catalogue: 'Xã Càng Long, Tỉnh Vĩnh Long'",
  'notIncluded.path': 'a name inside the data folder that a backup leaves out',
  lastBackupFile: 'the file name of the last backup (backups/<name>), downloaded from /exports/<name>',
};
const allowed = (key: string) => Object.keys(NOT_A_PATH).some((k) => key === k || key.endsWith(`.${k}`));
const pathKeys = (schema: z.ZodType) => keysOf(schema).filter((k) => PATHLIKE.test(k.split('.').pop()!));

describe('the UI contract', () => {
  it('has no path field in any input schema (walked to the leaves; `files` of staged uploads are ids, not text)', () => {
    const found = uiCallNames.flatMap((n) => pathKeys(uiContract[n].input).map((k) => `${n}: ${k}`));
    expect(found).toEqual([]);
  });

  it('has no path field in any output schema: the page gets download names and opaque ids', () => {
    const found = uiCallNames.flatMap((n) => pathKeys(uiContract[n].output).filter((k) => !allowed(k)).map((k) => `${n}: ${k}`));
    expect(found).toEqual([]);
  });

  it("the walker finds the local contract's path fields, in and out (so the tests above can fail)", () => {
    const inputs = callNames.flatMap((n) => pathKeys(contract[n].input).map((k) => `${n}: ${k}`));
    expect(inputs).toEqual(expect.arrayContaining(['packages.export: outPath', 'packages.verify: paths', 'packages.import: paths', 'packages.create: outPath', 'reports.summary: outPath']));
    const outputs = callNames.flatMap((n) => pathKeys(contract[n].output).filter((k) => !allowed(k)).map((k) => `${n}: ${k}`));
    expect(outputs).toEqual(
      expect.arrayContaining([
        'app.info: dataDir',
        'app.info: databasePath',
        'packages.export: file',
        'packages.verify: items.file',
        'packages.import: items.file',
        'reports.selfAssessment: path',
        'dashboard.export: path',
        'reviews.minutes: path',
        'reviews.export: file',
        'backup.job: created.file',
        'backup.job: restored.dataDir',
        'backup.status: running.created.file',
      ]),
    );
  });

  it('is a subset of the local contract', () => {
    for (const n of uiCallNames) expect(callNames).toContain(n);
  });
});

describe('what the page gets back names no file of this machine', () => {
  const t = tempDir();
  const scratch = tempDir();
  const service = testService(t.dir);
  afterAll(async () => {
    await service.close();
    t.cleanup();
    scratch.cleanup();
  });

  it('app.info, packages.export, packages.verify, reports.selfAssessment over the UI surface: names and ids only; the local surface keeps the paths', async () => {
    await populate(service, scratch.dir);
    const [assessment] = (await service.call('assessments.list', { year: 2026 })).items;
    const exported = await service.call('packages.export', { id: assessment!.id, passphrase: PASSPHRASE });
    const bytes = fs.readFileSync(exported.file);
    const staged = await service.files.stage(Readable.from([bytes]), exported.fileName, bytes.length);
    if (!staged.ok) throw new Error(staged.error.message.en);
    const calls: [string, unknown][] = [
      ['app.info', {}],
      ['packages.export', { id: assessment!.id, passphrase: PASSPHRASE }],
      ['packages.verify', { stagedIds: [staged.value.stagedId] }],
      ['reports.selfAssessment', { id: assessment!.id, format: 'docx' }],
      ['backup.status', {}],
    ];
    for (const [name, input] of calls) {
      const ui = await service.dispatch(name, input, 'ui');
      expect(ui.ok, `${name}: ${JSON.stringify(ui)}`).toBe(true);
      const text = JSON.stringify(ui);
      expect(text, name).not.toContain(t.dir);
      expect(text, name).not.toContain(scratch.dir);
      const local = await service.dispatch(name, input, 'local');
      if (name !== 'backup.status') expect(JSON.stringify(local), name).toContain(t.dir);
    }
    const verified = await service.dispatch('packages.verify', { stagedIds: [staged.value.stagedId] }, 'ui');
    expect(verified).toMatchObject({ ok: true, value: { items: [{ stagedId: staged.value.stagedId, outcome: 'valid' }] } });
    const report = await service.dispatch('reports.selfAssessment', { id: assessment!.id, format: 'docx' }, 'ui');
    expect(report.ok && Object.keys(report.value as object).sort()).toEqual(['fileName', 'mediaType', 'size']);
  });
});

describe('HTTP (browser mode) refuses path fields', () => {
  const t = tempDir();
  const service = testService(t.dir);
  afterAll(async () => {
    await service.close();
    t.cleanup();
  });

  it('outPath, paths, path and file: 400 invalid_input naming the field, nothing written; a local-only call is unknown', async () => {
    const server = await startServer({ service, staticDir: path.join(repoRoot, 'out/renderer') });
    try {
      await service.open();
      const before = snapshotDir(t.dir);
      const post = (name: string, body: unknown) =>
        fetch(`${server.origin}/api/${name}`, {
          method: 'POST',
          headers: { authorization: `Bearer ${server.token}`, 'x-cfc-call': '1', 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
      for (const [name, body, field] of pathFieldCases) {
        const res = await post(name, body);
        expect(res.status, name).toBe(400);
        const r = (await res.json()) as { ok: boolean; error: { code: string; field?: string; message: { vi: string; en: string } } };
        expect(r.ok).toBe(false);
        expect(r.error.code, name).toBe('invalid_input');
        expect(JSON.stringify(r.error), name).toContain(field);
        expect(r.error.message.vi, name).not.toBe('');
      }
      for (const [name, body] of localOnlyCases) {
        const res = await post(name, body);
        expect(res.status, name).toBe(404);
        expect(((await res.json()) as { error: { code: string } }).error.code, name).toBe('unknown_call');
      }
      expect(snapshotDir(t.dir)).toEqual(before);
    } finally {
      await server.close();
    }
  });
});
