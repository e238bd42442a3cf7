/**
 * Evidence, report and export responses in BOTH shells (issue 13, item 3): browser mode's HTTP server and Electron's
 * app:// protocol (electron/files.ts `serveFileRoute`, run here with a stand-in for the 'electron' module) answer with
 * `Content-Security-Policy: sandbox; default-src 'none'`, a Content-Type from the allow-list by the name's extension
 * (evidence recorded as text/html is served by its name: a picture as a picture, a text file as text, as a download), and the preview iframe of
 * the renderer is sandboxed.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { FILE_CSP } from '../../src/api/fileRoute';
import { startServer } from '../../src/server/server';
import { repoRoot, tempDir, testService } from '../helpers';
import { PASSPHRASE, populate } from './backup-data';

vi.mock('electron', () => ({ ipcMain: { handle: () => undefined, removeHandler: () => undefined } }));

const t = tempDir();
const scratch = tempDir();
const service = testService(t.dir);
let routes: { path: string; type: string; disposition: RegExp }[] = [];

beforeAll(async () => {
  await populate(service, scratch.dir);
  const draft = (await service.call('assessments.list', { year: 2025 })).items[0]!;
  const stage = async (bytes: Buffer, name: string) => {
    const r = await service.files.stage(Readable.from([bytes]), name, bytes.length);
    if (!r.ok) throw new Error(r.error.message.en);
    return r.value.stagedId;
  };
  // A page of script in a text file, and a picture, both recorded as text/html: what a package's free-text mediaType may say.
  const html = Buffer.from('<html><script>parent.postMessage(document.cookie, "*")</script></html>');
  const attached = await service.call('evidence.attach', { id: draft.id, indicatorId: '1.2', files: [{ stagedId: await stage(html, 'trang.txt'), name: 'trang.txt' }] });
  const script = attached.items.find((i) => i.name === 'trang.txt')!;
  const png = (await service.call('assessments.get', { id: draft.id })).evidence.find((e) => e.name.endsWith('.png'))!;
  const { db } = await service.context.store();
  await db.updateTable('evidence').set({ media_type: 'text/html' }).where('id', 'in', [script.id, png.id]).execute();
  const submitted = (await service.call('assessments.list', { year: 2026 })).items[0]!;
  const pdf = (await service.call('assessments.get', { id: submitted.id })).evidence.find((e) => e.name.endsWith('.pdf'))!;
  const report = await service.call('reports.selfAssessment', { id: submitted.id, format: 'docx' });
  const exported = await service.call('packages.export', { id: submitted.id, passphrase: PASSPHRASE });
  routes = [
    { path: `/evidence/${script.id}`, type: 'text/plain; charset=utf-8', disposition: /^attachment; filename\*=UTF-8''trang\.txt$/ },
    { path: `/evidence/${pdf.id}`, type: 'application/pdf', disposition: /^inline;/ },
    { path: `/evidence/${png.id}`, type: 'image/png', disposition: /^inline;/ },
    { path: `/evidence/${png.id}?download`, type: 'image/png', disposition: /^attachment;/ },
    { path: `/reports/${encodeURIComponent(report.fileName)}`, type: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', disposition: /^attachment;/ },
    { path: `/exports/${encodeURIComponent(exported.fileName)}`, type: 'application/zip', disposition: /^attachment;/ },
  ];
}, 60_000);

afterAll(async () => {
  await service.close();
  t.cleanup();
  scratch.cleanup();
});

describe('file responses carry the sandbox CSP and an allow-listed type, in both shells', () => {
  it('browser mode (HTTP)', async () => {
    // The store does say text/html for two of them (so a type taken from it would show below).
    const told = await Promise.all([routes[0]!, routes[2]!].map(async (r) => service.files.evidence(r.path.split('/')[2]!)));
    expect(told.map((x) => x.ok && x.value.mediaType)).toEqual(['text/html', 'text/html']);
    const server = await startServer({ service, staticDir: path.join(repoRoot, 'out/renderer') });
    try {
      for (const r of routes) {
        const res = await fetch(`${server.origin}${r.path}`, { headers: { authorization: `Bearer ${server.token}` } });
        expect(res.status, r.path).toBe(200);
        expect(res.headers.get('content-security-policy'), r.path).toBe("sandbox; default-src 'none'");
        expect(res.headers.get('content-type'), r.path).toBe(r.type);
        expect(res.headers.get('content-disposition'), r.path).toMatch(r.disposition);
        expect(res.headers.get('x-content-type-options'), r.path).toBe('nosniff');
        expect(Number(res.headers.get('content-length')), r.path).toBe((await res.arrayBuffer()).byteLength);
      }
    } finally {
      await server.close();
    }
  });

  it("Electron (app:// through electron/files.ts)", async () => {
    const { serveFileRoute } = await import('../../electron/files');
    for (const r of routes) {
      const res = await serveFileRoute(service.files, new URL(`app://renderer${r.path}`), false);
      expect(res, r.path).not.toBeNull();
      expect(res!.status, r.path).toBe(200);
      expect(res!.headers.get('content-security-policy'), r.path).toBe(FILE_CSP);
      expect(FILE_CSP).toBe("sandbox; default-src 'none'");
      expect(res!.headers.get('content-type'), r.path).toBe(r.type);
      expect(res!.headers.get('content-disposition'), r.path).toMatch(r.disposition);
      expect(Number(res!.headers.get('content-length')), r.path).toBe((await res!.arrayBuffer()).byteLength);
    }
    // Not a file route: left to the renderer's static files; an unknown evidence id: 404 with the typed error.
    expect(await serveFileRoute(service.files, new URL('app://renderer/index.html'), false)).toBeNull();
    const missing = await serveFileRoute(service.files, new URL('app://renderer/evidence/00000000-0000-4000-8000-000000000000'), false);
    expect(missing!.status).toBe(404);
    expect(((await missing!.json()) as { error: { code: string } }).error.code).toBe('not_found');
  });

  it('every iframe of the renderer is sandboxed with no permission at all (sandbox="")', () => {
    const files: string[] = [];
    const walk = (d: string) => {
      for (const e of fs.readdirSync(d, { withFileTypes: true })) {
        const p = path.join(d, e.name);
        if (e.isDirectory()) walk(p);
        else if (/\.tsx?$/.test(e.name)) files.push(p);
      }
    };
    walk(path.join(repoRoot, 'src/renderer/src'));
    const frames = files.flatMap((f) => [...fs.readFileSync(f, 'utf8').matchAll(/<iframe\b[^>]*>/g)].map((m) => ({ f: path.relative(repoRoot, f), tag: m[0] })));
    expect(frames.length).toBeGreaterThan(0);
    for (const { f, tag } of frames) expect(tag, f).toMatch(/\ssandbox=""(\s|\/|>)/);
  });
});
