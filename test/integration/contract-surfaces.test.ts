/**
 * The two contracts (src/api/contract.ts): the UI contract, bound to IPC and HTTP, takes no file path at all; the local
 * contract (CLI, tests) is its superset with the path calls. IPC's binding is tested in test/unit/electron-security.test.ts.
 */
import type { z } from 'zod';
import { afterAll, describe, expect, it } from 'vitest';
import { callNames, contract, uiCallNames, uiContract } from '../../src/api/contract';
import { startServer } from '../../src/server/server';
import { repoRoot, snapshotDir, tempDir, testService } from '../helpers';
import path from 'node:path';

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

describe('the UI contract', () => {
  it('has no path field in any input schema (walked to the leaves; `files` of staged uploads are ids, not text)', () => {
    const found = uiCallNames.flatMap((n) => keysOf(uiContract[n].input).filter((k) => PATHLIKE.test(k.split('.').pop()!)).map((k) => `${n}: ${k}`));
    expect(found).toEqual([]);
  });

  it('the walker finds the local contract\'s path fields (so the test above can fail)', () => {
    const found = callNames.flatMap((n) => keysOf(contract[n].input).filter((k) => PATHLIKE.test(k.split('.').pop()!)).map((k) => `${n}: ${k}`));
    expect(found).toEqual(expect.arrayContaining(['packages.export: outPath', 'packages.verify: paths', 'packages.import: paths', 'packages.create: outPath', 'reports.summary: outPath']));
  });

  it('is a subset of the local contract', () => {
    for (const n of uiCallNames) expect(callNames).toContain(n);
  });
});

describe('HTTP (browser mode) refuses path fields', () => {
  const t = tempDir();
  const service = testService(t.dir);
  afterAll(async () => {
    await service.close();
    t.cleanup();
  });

  it('outPath and paths: 400 invalid_input naming the field, nothing written; a local-only call is unknown', async () => {
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
      for (const [name, body, field] of [
        ['packages.export', { id: '00000000-0000-4000-8000-000000000000', outPath: '/tmp/x.cfcpkg' }, 'outPath'],
        ['packages.verify', { paths: ['/'] }, 'paths'],
        ['packages.import', { paths: ['/etc'] }, 'paths'],
      ] as const) {
        const res = await fetch(`${server.origin}/api/${name}`, {
          method: 'POST',
          headers: { authorization: `Bearer ${server.token}`, 'x-cfc-call': '1', 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
        expect(res.status, name).toBe(400);
        const r = (await res.json()) as { ok: boolean; error: { code: string } };
        expect(r.ok).toBe(false);
        expect(r.error.code).toBe('invalid_input');
        expect(JSON.stringify(r.error)).toContain(field);
      }
      const local = await post('packages.create', { input: '/etc/passwd', outPath: '/tmp/x' });
      expect(local.status).toBe(404);
      expect(((await local.json()) as { error: { code: string } }).error.code).toBe('unknown_call');
      expect(snapshotDir(t.dir)).toEqual(before);
    } finally {
      await server.close();
    }
  });
});
