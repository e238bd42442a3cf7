import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  APP_INDEX_URL,
  CSP,
  contentType,
  dataDirFlag,
  devCsp,
  isAllowedExternal,
  isAppUrl,
  looksLikeRoute,
  resolveAppFile,
  responseHeaders,
} from '../../electron/security';

describe('isAppUrl', () => {
  it('accepts pages of app://renderer', () => {
    expect(isAppUrl(APP_INDEX_URL)).toBe(true);
    expect(isAppUrl('app://renderer/')).toBe(true);
    expect(isAppUrl('app://renderer/assets/x.js?v=1#top')).toBe(true);
    expect(isAppUrl('app://renderer')).toBe(true);
  });

  it('refuses other hosts, schemes and look-alikes', () => {
    for (const url of [
      'app://evil/index.html',
      'app://renderer.evil.org/',
      'app://user:pw@renderer/',
      'file:///etc/passwd',
      'https://example.org/',
      'http://localhost:5173/',
      'javascript:alert(1)',
      'data:text/html,<p>x</p>',
      'about:blank',
      'not a url',
      '',
    ]) {
      expect(isAppUrl(url), url).toBe(false);
    }
  });

  it('accepts the dev server origin only when one is given', () => {
    const dev = 'http://localhost:5173';
    expect(isAppUrl('http://localhost:5173/src/main.tsx', dev)).toBe(true);
    expect(isAppUrl('http://localhost:5174/', dev)).toBe(false);
    expect(isAppUrl('http://127.0.0.1:5173/', dev)).toBe(false);
    expect(isAppUrl('https://localhost:5173/', dev)).toBe(false);
    expect(isAppUrl('http://localhost:5173/', null)).toBe(false);
  });
});

describe('isAllowedExternal', () => {
  it('denies everything with the default (empty) allow-list', () => {
    expect(isAllowedExternal('https://example.org/')).toBe(false);
  });

  it('allows only https to listed hosts, without credentials or ports', () => {
    const hosts = ['vanban.chinhphu.vn'];
    expect(isAllowedExternal('https://vanban.chinhphu.vn/doc?id=1', hosts)).toBe(true);
    expect(isAllowedExternal('https://VANBAN.chinhphu.vn/', hosts)).toBe(true);
    expect(isAllowedExternal('http://vanban.chinhphu.vn/', hosts)).toBe(false);
    expect(isAllowedExternal('https://vanban.chinhphu.vn.evil.org/', hosts)).toBe(false);
    expect(isAllowedExternal('https://evil.org@vanban.chinhphu.vn/', hosts)).toBe(false);
    expect(isAllowedExternal('https://vanban.chinhphu.vn:8443/', hosts)).toBe(false);
    expect(isAllowedExternal('file:///C:/Windows/System32/calc.exe', hosts)).toBe(false);
    expect(isAllowedExternal('smb://vanban.chinhphu.vn/share', hosts)).toBe(false);
    expect(isAllowedExternal('javascript:alert(1)', hosts)).toBe(false);
  });
});

describe('CSP', () => {
  it('allows nothing remote, no eval, no inline script', () => {
    expect(CSP).toContain("default-src 'self'");
    expect(CSP).toContain("script-src 'self';");
    expect(CSP).toContain("object-src 'none'");
    expect(CSP).toContain("frame-ancestors 'none'");
    expect(CSP).not.toContain('unsafe-eval');
    expect(CSP).not.toMatch(/https?:/);
  });

  it('opens only the dev server websocket and inline preamble in dev', () => {
    const dev = devCsp('http://localhost:5173');
    expect(dev).toContain("script-src 'self' 'unsafe-inline'");
    expect(dev).toContain("connect-src 'self' ws://localhost:5173");
    expect(dev).not.toContain('unsafe-eval');
  });

  it('is on every app:// response', () => {
    const h = responseHeaders('/x/index.html');
    expect(h['Content-Security-Policy']).toBe(CSP);
    expect(h['Content-Type']).toBe('text/html; charset=utf-8');
    expect(h['X-Content-Type-Options']).toBe('nosniff');
  });
});

describe('resolveAppFile', () => {
  const root = path.resolve('/srv/app/out/renderer');

  it('maps app://renderer paths inside the root', () => {
    expect(resolveAppFile(root, 'app://renderer/')).toBe(path.join(root, 'index.html'));
    expect(resolveAppFile(root, 'app://renderer')).toBe(path.join(root, 'index.html'));
    expect(resolveAppFile(root, 'app://renderer/index.html')).toBe(path.join(root, 'index.html'));
    expect(resolveAppFile(root, 'app://renderer/assets/index-abc.js?x=1#h')).toBe(path.join(root, 'assets', 'index-abc.js'));
    expect(resolveAppFile(root, 'app://renderer/fonts/Noto%20Sans.woff2')).toBe(path.join(root, 'fonts', 'Noto Sans.woff2'));
  });

  it('refuses traversal, other hosts and odd encodings', () => {
    for (const url of [
      'app://renderer/assets/%2e%2e%2f%2e%2e%2fsecret',
      'app://renderer/..%2f..%2fsecret',
      'app://renderer/assets/..%5c..%5csecret',
      'app://renderer/a%00.html',
      'app://renderer/%E0%A4%A',
      'app://other/index.html',
      'file:///etc/passwd',
      'https://renderer/index.html',
    ]) {
      expect(resolveAppFile(root, url), url).toBeNull();
    }
  });

  it('never returns a path outside the root', () => {
    // A `..` segment (literal or `%2e%2e`) is resolved away by the URL parser itself, as in Chromium: it cannot
    // climb above the root.
    expect(resolveAppFile(root, 'app://renderer/../../etc/passwd')).toBe(path.join(root, 'etc', 'passwd'));
    expect(resolveAppFile(root, 'app://renderer/%2e%2e/%2e%2e/etc/passwd')).toBe(path.join(root, 'etc', 'passwd'));
    for (const p of ['../..', 'a', 'a/b', '%2e', '.', './x', 'x/./y', '%2F%2Fetc/passwd', '//etc/passwd']) {
      const file = resolveAppFile(root, `app://renderer/${p}`);
      if (file !== null) expect(file.startsWith(root + path.sep), p).toBe(true);
    }
  });

  it('treats extension-less paths as client routes', () => {
    expect(looksLikeRoute(path.join(root, 'profile'))).toBe(true);
    expect(looksLikeRoute(path.join(root, 'index.html'))).toBe(false);
  });
});

describe('contentType', () => {
  it('knows the renderer files and falls back to octet-stream', () => {
    expect(contentType('a.js')).toBe('text/javascript; charset=utf-8');
    expect(contentType('a.CSS')).toBe('text/css; charset=utf-8');
    expect(contentType('a.woff2')).toBe('font/woff2');
    expect(contentType('a.exe')).toBe('application/octet-stream');
  });
});

describe('dataDirFlag', () => {
  it('reads --data-dir=DIR and --data-dir DIR; the last wins', () => {
    expect(dataDirFlag(['electron', 'out/main/index.js', '--data-dir=/tmp/a'])).toBe('/tmp/a');
    expect(dataDirFlag(['app', '--data-dir', '/tmp/b'])).toBe('/tmp/b');
    expect(dataDirFlag(['app', '--data-dir=/tmp/a', '--data-dir=/tmp/c'])).toBe('/tmp/c');
    expect(dataDirFlag(['app', '--data-dir=C:\\Dữ liệu\\cfc'])).toBe('C:\\Dữ liệu\\cfc');
  });

  it('ignores an empty or missing value', () => {
    expect(dataDirFlag(['app'])).toBeUndefined();
    expect(dataDirFlag(['app', '--data-dir='])).toBeUndefined();
    expect(dataDirFlag(['app', '--data-dir'])).toBeUndefined();
    expect(dataDirFlag(['app', '--data-dir', '--inspect'])).toBeUndefined();
  });
});

describe('bindContract (IPC) speaks the UI contract only', () => {
  type Listener = (event: unknown, input: unknown) => Promise<{ ok: boolean; error?: { code: string; field?: string; message: { vi: string; en: string } } }>;
  function fakeIpc() {
    const handlers = new Map<string, Listener>();
    return {
      handlers,
      ipc: {
        handle: (channel: string, f: Listener) => void handlers.set(channel, f),
        removeHandler: (channel: string) => void handlers.delete(channel),
      },
    };
  }
  const contents = { id: 7, isDestroyed: () => false, mainFrame: { processId: 1, routingId: 2 } };
  const event = { sender: { id: 7 }, senderFrame: { parent: null, processId: 1, routingId: 2, url: APP_INDEX_URL } };

  it('binds one channel per UI call, none for a local-only call, and refuses outPath / paths / path / file with the field named, answers with no path', async () => {
    const { bindContract } = await import('../../electron/ipc');
    const { uiCallNames, callNames } = await import('../../src/api/contract');
    const { tempDir, testService, snapshotDir } = await import('../helpers');
    const { localOnlyCases, pathFieldCases } = await import('../integration/path-fields');
    const t = tempDir();
    const service = testService(t.dir);
    try {
      const f = fakeIpc();
      const unbind = bindContract({ ipc: f.ipc as never, service, trustedContents: () => contents as never, devUrl: null });
      expect([...f.handlers.keys()].sort()).toEqual(uiCallNames.map((n) => `cfc:${n}`).sort());
      expect(callNames).toContain('packages.create');
      expect(f.handlers.has('cfc:packages.create')).toBe(false);
      expect(f.handlers.has('cfc:reports.summary')).toBe(false);

      for (const [name] of localOnlyCases) expect(f.handlers.has(`cfc:${name}`), name).toBe(false);

      await service.open();
      const before = snapshotDir(t.dir);
      for (const [name, input, field] of pathFieldCases) {
        const r = await f.handlers.get(`cfc:${name}`)!(event, input);
        expect(r.ok, name).toBe(false);
        expect(r.error?.code, name).toBe('invalid_input');
        expect(JSON.stringify(r.error), name).toContain(field);
        expect(r.error?.message.vi.length).toBeGreaterThan(0);
      }
      // What comes back names no folder of this machine.
      const info = (await f.handlers.get('cfc:app.info')!(event, {})) as { ok: boolean; value?: unknown };
      expect(info.ok).toBe(true);
      expect(JSON.stringify(info.value)).not.toContain(t.dir);
      expect(info.value).not.toHaveProperty('databasePath');
      expect(snapshotDir(t.dir)).toEqual(before);
      // A call from another frame is refused before the service sees it.
      const r = await f.handlers.get('cfc:app.info')!({ ...event, sender: { id: 8 } }, {});
      expect(r.error?.code).toBe('unauthorized');
      unbind();
      expect(f.handlers.size).toBe(0);
    } finally {
      await service.close();
      t.cleanup();
    }
  });
});
