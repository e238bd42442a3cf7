/**
 * The Electron shell end to end: window, security guards, the bridge and one call through IPC. Runs the built app
 * (`npm run build`), so it needs an Electron binary; where none exists the suite is skipped with the reason printed.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { _electron as electron, expect, test, type ElectronApplication, type Page } from '@playwright/test';
import type { CfcBridge } from '../../electron/bridge';

const repoRoot = path.resolve(__dirname, '..', '..');
const mainJs = path.join(repoRoot, 'out', 'main', 'index.js');
const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as {
  productName: string;
  version: string;
};

type Found = { binary: string; reason?: undefined } | { binary?: undefined; reason: string };

/**
 * Where the Electron binary is, found the way node_modules/electron/index.js finds it but without requiring that file:
 * requiring it on a machine without the binary starts a download (which fails offline, slowly).
 * `CFC_ELECTRON_PATH` may point at a binary directly.
 */
function findElectron(): Found {
  const explicit = process.env['CFC_ELECTRON_PATH'];
  if (explicit) {
    return fs.existsSync(explicit) ? { binary: explicit } : { reason: `CFC_ELECTRON_PATH=${explicit} does not exist` };
  }
  let pkgDir: string;
  try {
    pkgDir = path.dirname(require.resolve('electron/package.json'));
  } catch {
    return { reason: 'the electron package is not installed' };
  }
  const pathFile = path.join(pkgDir, 'path.txt');
  const relative = fs.existsSync(pathFile) ? fs.readFileSync(pathFile, 'utf8').trim() : '';
  const override = process.env['ELECTRON_OVERRIDE_DIST_PATH'];
  if (override) {
    const binary = path.join(override, relative || 'electron');
    return fs.existsSync(binary) ? { binary } : { reason: `ELECTRON_OVERRIDE_DIST_PATH: ${binary} does not exist` };
  }
  if (!relative) return { reason: `${pathFile} is missing: the Electron binary was never downloaded` };
  const binary = path.join(pkgDir, 'dist', relative);
  return fs.existsSync(binary) ? { binary } : { reason: `${binary} does not exist` };
}

const found = findElectron();
const skipReason = found.reason
  ? `No Electron binary on this machine (${found.reason}): the Electron e2e runs where one exists`
  : '';
if (skipReason) console.log(`[e2e-electron] skipped: ${skipReason}`);

/** What the tests read from the page's global scope (the root tsconfig has no DOM lib). */
interface PageGlobals {
  cfc?: CfcBridge;
  require?: unknown;
  process?: unknown;
  module?: unknown;
  open(url: string): unknown;
  location: { href: string };
  document: { title: string; body: { appendChild(node: unknown): unknown }; createElement(tag: string): { href: string; target: string; textContent: string; click(): void } };
  navigator: {
    geolocation: {
      getCurrentPosition(ok: () => void, fail: (err: { code: number }) => void, opts: { timeout: number }): void;
    };
  };
}

test.describe('Electron shell', () => {
  test.skip(Boolean(skipReason), skipReason);

  let app: ElectronApplication;
  let page: Page;
  let dataDir: string;

  test.beforeAll(async () => {
    if (!fs.existsSync(mainJs)) throw new Error(`${mainJs} is missing: run \`npm run build\` first.`);
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cfc-e2e-electron-'));
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(process.env)) {
      if (v !== undefined && k !== 'ELECTRON_RENDERER_URL' && k !== 'CFC_DATA_DIR' && k !== 'ELECTRON_RUN_AS_NODE') env[k] = v;
    }
    app = await electron.launch({
      executablePath: found.binary as string,
      // Chromium refuses its sandbox as root (containers): only then is the OS sandbox turned off. The renderer is
      // still "sandboxed" in Electron's sense (no Node in the preload), which is what these tests check.
      args: [...(process.getuid?.() === 0 ? ['--no-sandbox'] : []), mainJs, `--data-dir=${dataDir}`],
      cwd: repoRoot,
      env,
    });
    page = await app.firstWindow();
    await page.waitForLoadState('domcontentloaded');
  });

  test.afterAll(async () => {
    await app?.close();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  /**
   * Resolves with the main process's log lines matching `re` once there are `count` of them: the guards log each
   * refusal (electron/main.ts `log`), so a test waits for the refusal itself rather than for a fixed time. Call it
   * before the action.
   */
  function refusals(re: RegExp, count = 1): Promise<string[]> {
    const stderr = app.process().stderr!;
    return new Promise((resolve) => {
      let buf = '';
      const on = (c: Buffer) => {
        buf += c.toString();
        const lines = buf.split('\n').filter((l) => re.test(l));
        if (lines.length >= count) {
          stderr.off('data', on);
          resolve(lines);
        }
      };
      stderr.on('data', on);
    });
  }

  test('opens one window on app://renderer with the product name as title', async () => {
    expect(page.url()).toMatch(/^app:\/\/renderer\//);
    expect(app.windows()).toHaveLength(1);
    const title = await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows()[0]?.getTitle());
    expect(title).toBe(pkg.productName);
  });

  test('the page has window.cfc and no Node', async () => {
    const seen = await page.evaluate(() => {
      const g = globalThis as unknown as PageGlobals;
      return {
        cfc: typeof g.cfc,
        keys: g.cfc ? Object.keys(g.cfc).sort() : [],
        version: g.cfc?.version,
        require: typeof g.require,
        process: typeof g.process,
        module: typeof g.module,
      };
    });
    expect(seen).toEqual({
      cfc: 'object',
      keys: ['call', 'version'],
      version: pkg.version,
      require: 'undefined',
      process: 'undefined',
      module: 'undefined',
    });
  });

  test('app.info through the bridge answers from the --data-dir folder', async () => {
    const result = await page.evaluate(() => (globalThis as unknown as PageGlobals).cfc!.call('app.info', {}));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const info = result.value as { dataDir: string; mode: string; version: string };
    expect(info.dataDir).toBe(path.resolve(dataDir));
    expect(info.mode).toBe('electron');
    expect(info.version).toBe(pkg.version);
    expect(fs.existsSync(path.join(dataDir, 'cfc.sqlite'))).toBe(true);
  });

  test('an unknown call name is rejected and bad input gets a typed error', async () => {
    const [unknown, invalid] = await page.evaluate(async () => {
      const cfc = (globalThis as unknown as PageGlobals).cfc!;
      return [
        await cfc.call('nope.nothing' as never, {}),
        await cfc.call('app.info', { unexpected: 1 }),
      ];
    });
    expect(unknown).toMatchObject({ ok: false, error: { code: 'unknown_call' } });
    expect(invalid).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
  });

  test('window.open and target=_blank links open nothing', async () => {
    const denied = refusals(/\[cfc\] external link denied: https:\/\/example\.org\//, 2);
    const opened = await page.evaluate(() => {
      const g = globalThis as unknown as PageGlobals;
      const w = g.open('https://example.org/');
      const a = g.document.createElement('a');
      a.href = 'https://example.org/';
      a.target = '_blank';
      a.textContent = 'out';
      g.document.body.appendChild(a);
      a.click();
      return w === null;
    });
    expect(opened).toBe(true);
    // Both were refused by the window-open handler (and not passed to the system browser: not on the allow-list).
    expect(await denied).toHaveLength(2);
    expect(app.windows()).toHaveLength(1);
  });

  test('navigating to a remote page is blocked: the app stays', async () => {
    const before = page.url();
    const denied = refusals(/\[cfc\] external link denied: https:\/\/example\.org\//);
    await page.evaluate(() => {
      (globalThis as unknown as PageGlobals).location.href = 'https://example.org/';
    });
    // The navigation was refused by will-navigate: the page was never replaced.
    await denied;
    expect(page.url()).toBe(before);
    expect(page.url()).toMatch(/^app:\/\/renderer\//);
  });

  test('app:// serves with the CSP and refuses files outside the renderer', async () => {
    const seen = await page.evaluate(async () => {
      const index = await fetch('app://renderer/index.html');
      const outside = await fetch('app://renderer/%2e%2e/%2e%2e/package.json');
      return { csp: index.headers.get('content-security-policy'), outside: outside.status };
    });
    expect(seen.csp).toContain("script-src 'self'");
    expect(seen.csp).toContain("object-src 'none'");
    expect(seen.outside).toBe(404);
  });

  test('permission requests are denied', async () => {
    const code = await page.evaluate(
      () =>
        new Promise<number | string>((resolve) => {
          const geo = (globalThis as unknown as PageGlobals).navigator.geolocation;
          geo.getCurrentPosition(
            () => resolve('granted'),
            (err) => resolve(err.code),
            { timeout: 5000 },
          );
        }),
    );
    expect(code).toBe(1); // GeolocationPositionError.PERMISSION_DENIED
  });
});
