/**
 * Browser mode's HTTP guard (src/server/server.ts): the address's token works once and is exchanged for a separate
 * session secret in a cookie named for the port, so two instances side by side stay signed in; malformed addresses get
 * 400; file responses go through the one file-route resolver (src/api/fileRoute.ts).
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FILE_CSP, resolveFileRoute, routeStream, servedType, type FileSource } from '../../src/api/fileRoute';
import { startServer, type RunningServer } from '../../src/server/server';
import { repoRoot, tempDir, testService } from '../helpers';

/** A browser's cookie jar as RFC 6265 has it: cookies belong to the host, whatever the port. */
function cookieJar() {
  const byHost = new Map<string, Map<string, string>>();
  return {
    store(url: string, res: Response) {
      const host = new URL(url).hostname;
      const jar = byHost.get(host) ?? new Map<string, string>();
      byHost.set(host, jar);
      for (const c of res.headers.getSetCookie()) {
        const [pair] = c.split(';');
        const [k, ...v] = pair!.split('=');
        jar.set(k!.trim(), v.join('='));
      }
    },
    header(url: string): string {
      return [...(byHost.get(new URL(url).hostname) ?? new Map<string, string>()).entries()].map(([k, v]) => `${k}=${v}`).join('; ');
    },
  };
}

const t = tempDir();
const services = [testService(path.join(t.dir, 'a')), testService(path.join(t.dir, 'b'))];
const servers: RunningServer[] = [];
afterAll(async () => {
  for (const s of servers) await s.close();
  for (const s of services) await s.close();
  t.cleanup();
});
const staticDir = path.join(repoRoot, 'out/renderer');

describe('browser mode sessions', () => {
  it('two instances on one machine both stay signed in; the address works once; the cookie is not the token', async () => {
    for (const service of services) servers.push(await startServer({ service, staticDir }));
    const [a, b] = servers as [RunningServer, RunningServer];
    const jar = cookieJar();
    const open = async (url: string) => {
      const res = await fetch(url, { redirect: 'manual', headers: { cookie: jar.header(url) } });
      jar.store(url, res);
      return res;
    };
    const call = (s: RunningServer) =>
      fetch(`${s.origin}/api/app.info`, { method: 'POST', headers: { cookie: jar.header(s.origin), 'x-cfc-call': '1', 'content-type': 'application/json' }, body: '{}' });

    expect((await open(a.url)).status).toBe(303);
    expect((await call(a)).status).toBe(200);
    expect((await open(b.url)).status).toBe(303);
    // Signing in to B did not sign A out: each has its own cookie.
    expect((await call(b)).status).toBe(200);
    expect((await call(a)).status).toBe(200);
    expect(jar.header(a.origin)).toContain(`cfc_session_${a.port}=`);
    expect(jar.header(a.origin)).toContain(`cfc_session_${b.port}=`);
    expect(jar.header(a.origin)).not.toContain(a.token);

    // The address again, from a browser without the session (someone reading the history): refused.
    const spent = await fetch(a.url, { redirect: 'manual' });
    expect(spent.status).toBe(401);
    expect(spent.headers.get('set-cookie')).toBeNull();
    expect(await spent.text()).toMatch(/đã được dùng.*used already/s);
    // From the browser that used it: just back to the app.
    expect((await open(a.url)).status).toBe(303);
    // A made-up session cookie is refused.
    const forged = await fetch(`${a.origin}/api/app.info`, { method: 'POST', headers: { cookie: `cfc_session_${a.port}=${a.token}`, 'x-cfc-call': '1' }, body: '{}' });
    expect(forged.status).toBe(401);
  });

  it('a malformed address gets 400, not 500', async () => {
    const a = servers[0]!;
    for (const p of ['/%E0%A4%A', '/api/%E0%A4%A', '/reports/%E0%A4%A', '/assets/%ZZ.js']) {
      const res = await fetch(`${a.origin}${p}`, { method: p.startsWith('/api/') ? 'POST' : 'GET', headers: { authorization: `Bearer ${a.token}`, 'x-cfc-call': '1' } });
      expect(res.status, p).toBe(400);
    }
  });

  it('file routes: unknown evidence is 404 JSON with the typed error', async () => {
    const a = servers[0]!;
    const res = await fetch(`${a.origin}/evidence/00000000-0000-4000-8000-000000000000`, { headers: { authorization: `Bearer ${a.token}` } });
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('not_found');
  });
});

describe('the file-route resolver', () => {
  const file = path.join(t.dir, 'f.bin');
  fs.mkdirSync(t.dir, { recursive: true });
  fs.writeFileSync(file, '<script>alert(1)</script>');
  const source = (name: string, mediaType: string): FileSource => ({
    evidence: async () => ({ ok: true, value: { path: file, start: 0, name, mediaType, size: 26 } }),
    report: async () => ({ ok: true, value: { path: file } }),
    exported: async () => ({ ok: true, value: { path: file } }),
  });
  const url = (p: string) => new URL(`http://x${p}`);
  const id = '00000000-0000-4000-8000-000000000000';

  it('takes the type from the name by the allow-list, never from the package\'s mediaType; sandboxed, same-origin', async () => {
    const html = await resolveFileRoute(source('trang.html', 'text/html'), url(`/evidence/${id}`), () => 26);
    expect(html).toMatchObject({ kind: 'file', headers: { 'Content-Type': 'application/octet-stream', 'Content-Security-Policy': FILE_CSP } });
    expect((html as { headers: Record<string, string> }).headers['Content-Disposition']).toMatch(/^attachment;/);
    const pdf = await resolveFileRoute(source('Biên bản.pdf', 'text/html'), url(`/evidence/${id}`), () => 26);
    expect(pdf).toMatchObject({
      kind: 'file',
      headers: { 'Content-Type': 'application/pdf', 'Cross-Origin-Resource-Policy': 'same-origin', 'X-Content-Type-Options': 'nosniff', 'Content-Length': '26' },
    });
    expect((pdf as { headers: Record<string, string> }).headers['Content-Disposition']).toBe("inline; filename*=UTF-8''Bi%C3%AAn%20b%E1%BA%A3n.pdf");
    const dl = await resolveFileRoute(source('a.png', 'image/png'), url(`/evidence/${id}?download`), () => 26);
    expect((dl as { headers: Record<string, string> }).headers['Content-Disposition']).toMatch(/^attachment;/);
    expect(servedType('X.DOCX').type).toContain('wordprocessingml');
    expect(servedType('noext').type).toBe('application/octet-stream');
    expect(await resolveFileRoute(source('a', 'b'), url('/assets/x.js'), () => 0)).toBeNull();
    // Evidence inside a stored package: its bytes only, with their length (not the package file's).
    const inside = (start: number, size: number): FileSource => ({ ...source('a.pdf', 'application/pdf'), evidence: async () => ({ ok: true, value: { path: file, start, name: 'a.pdf', mediaType: 'application/pdf', size } }) });
    const ranged = await resolveFileRoute(inside(8, 6), url(`/evidence/${id}`), () => 26);
    expect(ranged).toMatchObject({ kind: 'file', range: { start: 8, length: 6 }, headers: { 'Content-Length': '6' } });
    const read = async (r: typeof ranged) => Buffer.concat(await routeStream(r as Parameters<typeof routeStream>[0]).toArray()).toString();
    expect(await read(ranged)).toBe('alert(');
    expect(await read(await resolveFileRoute(inside(26, 0), url(`/evidence/${id}`), () => 26))).toBe('');
    expect(await read(await resolveFileRoute(source('a', 'b'), url('/reports/a.pdf'), () => 26))).toBe('<script>alert(1)</script>');
    expect(await resolveFileRoute(source('a', 'b'), url('/reports/%E0%A4%A'), () => 0)).toMatchObject({ kind: 'error', status: 400, error: { field: 'name' } });
  });
});
