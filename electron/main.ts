/**
 * The Electron main process: lifecycle, the one window, the security guards of docs/architecture ("Electron security
 * baseline"), the menu, and the contract bound to IPC. All domain work is the service's (src/api/service.ts); this
 * file is glue.
 *
 * Why a custom `app://renderer/` protocol rather than `loadFile`: under file:// every local file shares one origin, so
 * "same origin" would let the page navigate to, fetch or frame any file on disk, and there are no response headers to
 * carry the CSP. `app://renderer/` is a real, standard, secure origin that serves only files inside out/renderer (path
 * traversal refused, see `resolveAppFile`) with the CSP as a response header, and origin checks (navigation, IPC
 * sender) become exact.
 */
import fs from 'node:fs';
import path from 'node:path';
import {
  app,
  BrowserWindow,
  dialog,
  ipcMain,
  Menu,
  protocol,
  safeStorage,
  session,
  shell,
  type Session,
  type WebContents,
} from 'electron';
import { ErrorCodes, type ApiErrorShape } from '../src/api/errors';
import { main as cliMain } from '../src/cli/main';
import { appMeta } from '../src/api/meta';
import { ApiCallError, toApiError } from '../src/api/errors';
import { startServiceHost, type ServiceHost } from '../src/api/host/host';
import type { Secrets } from '../src/core/packages/keys';
import { APP_DIR_NAME } from '../src/core/paths';
import { bindFiles, serveFileRoute } from './files';
import { bindSaveAs } from './saveAs';
import { bindContract, isTrustedSender } from './ipc';
import { bindJobs } from './jobs';
import { buildMenu } from './menu';
import {
  APP_INDEX_URL,
  APP_SCHEME,
  dataDirFlag,
  devCsp,
  isAllowedExternal,
  isAppUrl,
  looksLikeRoute,
  resolveAppFile,
  responseHeaders,
} from './security';

const log = (message: string): void => console.warn(`[cfc] ${message}`);

// ---------------------------------------------------------------------------------------------------------------
// Before `ready`: scheme privileges, sandbox for every renderer, where the data lives, single-instance lock.
// ---------------------------------------------------------------------------------------------------------------

protocol.registerSchemesAsPrivileged([
  { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
]);
app.enableSandbox();

/** The dev server's URL under `electron-vite dev`; never honoured in a packaged app (no remote content). */
const devUrl = !app.isPackaged && process.env['ELECTRON_RENDERER_URL'] ? process.env['ELECTRON_RENDERER_URL'] : null;

/**
 * The data folder: `--data-dir=DIR`, else `CFC_DATA_DIR`, else `<appData>/child-friendly-commune` — the same rule and
 * folder as the CLI (src/core/paths.ts). Electron's userData is set to it too, so Chromium's own files and the
 * single-instance lock live with the data: two app instances on two data folders do not block each other.
 */
function resolveElectronDataDir(): string {
  const flag = dataDirFlag(process.argv);
  if (flag) return path.resolve(flag);
  const env = process.env['CFC_DATA_DIR'];
  if (env) return path.resolve(env);
  return path.join(app.getPath('appData'), APP_DIR_NAME);
}

const dataDir = resolveElectronDataDir();
/** A data folder that cannot be created is reported once the app is ready (a dialog needs `ready`). */
let dataDirError: unknown = null;
try {
  fs.mkdirSync(dataDir, { recursive: true });
  app.setPath('userData', dataDir);
} catch (e) {
  dataDirError = e;
}

// Packaged: electron-builder's extraResources puts resources/ next to app.asar. From a checkout: the repository's
// resources/, found from this file (out/main/index.js) rather than app.getAppPath(), which is out/main when Electron
// is started as `electron out/main/index.js` (the e2e test) and the repository root when started as `electron .`.
const resourcesDir = app.isPackaged
  ? path.join(process.resourcesPath, 'resources')
  : path.resolve(__dirname, '../../resources');
const windowIcon = path.join(resourcesDir, 'icons', 'icon.png');
// out/main/index.js → out/preload/index.js and out/renderer/ (electron-vite's layout, also inside app.asar).
const preloadPath = path.join(__dirname, '../preload/index.js');
const rendererRoot = path.join(__dirname, '../renderer');

let mainWindow: BrowserWindow | null = null;
let service: ServiceHost | null = null;
let unbindContract: (() => void) | null = null;

/**
 * `--cli`: the packaged app as the `cfc` command (no window, no single-instance lock, the OS secret store available
 * for keys the desktop app sealed). The deb/AppImage wrapper (electron/cli/cfc.sh) and the Windows console wrapper
 * (electron/cli/cfc.cmd) are documented in electron/cli/README.md. Everything after `--cli` is cfc's arguments.
 */
const cliAt = process.argv.indexOf('--cli');
if (cliAt >= 0) {
  void app.whenReady().then(async () => {
    const secrets = osSecrets().secrets;
    await cliMain({ resourcesDir, argv: process.argv.slice(cliAt + 1), ...(secrets ? { secrets } : {}) });
    app.exit(typeof process.exitCode === 'number' ? process.exitCode : 0);
  });
} else if (!app.requestSingleInstanceLock()) {
  // Another instance owns this data folder: it gets focused (see 'second-instance') and this one leaves.
  app.quit();
} else {
  app.on('second-instance', () => {
    if (!mainWindow) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.show();
    mainWindow.focus();
  });
  app.on('web-contents-created', (_event, contents) => guardContents(contents));
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('activate', () => {
    if (app.isReady() && service && BrowserWindow.getAllWindows().length === 0) createWindow();
  });
  let closed = false;
  app.on('will-quit', (event) => {
    if (closed || !service) return;
    event.preventDefault();
    unbindContract?.();
    void service
      .close()
      .catch((e: unknown) => log(`closing the store failed: ${String(e)}`))
      .finally(() => {
        closed = true;
        app.quit();
      });
  });
  app
    .whenReady()
    .then(start)
    .catch((e: unknown) => fatal(service, e));
}

// ---------------------------------------------------------------------------------------------------------------
// Start-up
// ---------------------------------------------------------------------------------------------------------------

async function start(): Promise<void> {
  if (dataDirError) {
    fatal(null, dataDirError);
    return;
  }
  guardSession(session.defaultSession);
  serveRenderer();
  Menu.setApplicationMenu(
    buildMenu({ productName: appMeta.productName, version: appMeta.version, dataDir, isPackaged: app.isPackaged, log }),
  );

  try {
    // The service runs in a worker thread (out/main/hostWorker.js): this process never runs SQL or hashes a file.
    service = startServiceHost({
      dataDir,
      resourcesDir,
      mode: 'electron',
      workerScript: path.join(__dirname, 'hostWorker.js'),
      ...osSecrets(),
      onInternalError: (name, message) => log(`internal error in ${name}: ${message}`),
    });
    // Open the store now, so a database this version cannot use is reported here rather than on the first call.
    await service.open();
  } catch (e) {
    fatal(service, e);
    return;
  }

  const trustedContents = () => mainWindow?.webContents ?? null;
  const unbindCalls = bindContract({ ipc: ipcMain, service, trustedContents, devUrl, log });
  const unbindFiles = bindFiles({ service, isTrusted: (event) => isTrustedSender(event, { trustedContents, devUrl }), log });
  const unbindJobs = bindJobs({ ipc: ipcMain, service, trustedContents, isTrusted: (event) => isTrustedSender(event, { trustedContents, devUrl }), log });
  const unbindSaveAs = bindSaveAs({ ipc: ipcMain, service, isTrusted: (event) => isTrustedSender(event, { trustedContents, devUrl }), window: () => mainWindow, showSaveDialog: (win, o) => (win ? dialog.showSaveDialog(win, o) : dialog.showSaveDialog(o)), log });
  unbindContract = () => {
    unbindCalls();
    unbindFiles();
    unbindJobs();
    unbindSaveAs();
  };
  createWindow();
}

/**
 * Signing keys sealed by the OS (safeStorage) when it has a real secret store; on Linux without a keyring safeStorage
 * falls back to a fixed key ("basic_text"), so keys are sealed with a passphrase instead.
 */
function osSecrets(): { secrets?: Secrets } {
  if (!safeStorage.isEncryptionAvailable()) return {};
  if (process.platform === 'linux' && safeStorage.getSelectedStorageBackend() === 'basic_text') return {};
  return { secrets: { kind: 'safeStorage', seal: (b) => safeStorage.encryptString(b.toString('base64')), unseal: (b) => Buffer.from(safeStorage.decryptString(b), 'base64') } };
}

/** Reports a start-up failure in Vietnamese and English, then quits. */
function fatal(svc: ServiceHost | null, e: unknown): void {
  const known: ApiErrorShape | null = e instanceof ApiCallError ? e.error : toApiError(e);
  const error: ApiErrorShape = known ?? {
    code: ErrorCodes.internal,
    message: {
      vi: 'Không khởi động được ứng dụng.',
      en: 'The app could not start.',
    },
  };
  log(`start-up failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  dialog.showErrorBox(
    'Không mở được dữ liệu / Cannot open the data',
    [
      error.message.vi,
      error.message.en,
      '',
      `Thư mục dữ liệu / Data folder: ${dataDir}`,
      `Mã lỗi / Error code: ${error.code}`,
      ...(known ? [] : ['', e instanceof Error ? e.message : String(e)]),
    ].join('\n'),
  );
  service = null;
  void (svc?.close() ?? Promise.resolve()).finally(() => app.exit(1));
}

function createWindow(): void {
  const win = new BrowserWindow({
    width: 1280,
    height: 820,
    minWidth: 900,
    minHeight: 600,
    show: false,
    title: appMeta.productName,
    backgroundColor: '#ffffff',
    // Windows takes the icon from the .exe; Linux window managers need it here.
    ...(process.platform === 'linux' && fs.existsSync(windowIcon) ? { icon: windowIcon } : {}),
    autoHideMenuBar: false,
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      devTools: !app.isPackaged,
    },
  });
  mainWindow = win;
  // The window keeps the product's name; page titles do not replace it.
  win.on('page-title-updated', (event) => event.preventDefault());
  win.once('ready-to-show', () => win.show());
  win.on('closed', () => {
    if (mainWindow === win) mainWindow = null;
  });
  win.webContents.on('render-process-gone', (_event, details) => log(`renderer gone: ${details.reason}`));

  const url = devUrl ?? APP_INDEX_URL;
  win.loadURL(url).catch((e: unknown) => log(`loading ${url} failed: ${String(e)}`));
}

// ---------------------------------------------------------------------------------------------------------------
// The app:// protocol: only files inside out/renderer, with the CSP on every response; evidence and reports by id.
// ---------------------------------------------------------------------------------------------------------------

function serveRenderer(): void {
  const root = path.resolve(rendererRoot);
  const notFound = (): Response => new Response('Not found', { status: 404, headers: { 'Content-Type': 'text/plain' } });
  protocol.handle(APP_SCHEME, async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return new Response(null, { status: 405 });
    const routed = service && isAppUrl(request.url) ? await serveFileRoute(service.files, new URL(request.url), request.method === 'HEAD') : null;
    if (routed) return routed;
    const file = resolveAppFile(root, request.url);
    if (!file) {
      log(`app:// refused ${request.url}`);
      return notFound();
    }
    for (const candidate of looksLikeRoute(file) ? [file, path.join(root, 'index.html')] : [file]) {
      try {
        const body = await fs.promises.readFile(candidate);
        return new Response(request.method === 'HEAD' ? null : body, { status: 200, headers: responseHeaders(candidate) });
      } catch {
        // try the next candidate
      }
    }
    return notFound();
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Guards
// ---------------------------------------------------------------------------------------------------------------

function guardSession(ses: Session): void {
  // No permission is ever granted (camera, microphone, geolocation, notifications, MIDI, HID, serial, USB…), except
  // writing plain text to the clipboard from a page of the app (copy buttons).
  ses.setPermissionRequestHandler((contents, permission, callback) => {
    const allowed = permission === 'clipboard-sanitized-write' && isAppUrl(contents.getURL(), devUrl);
    if (!allowed) log(`permission "${permission}" denied`);
    callback(allowed);
  });
  ses.setPermissionCheckHandler((_contents, permission, requestingOrigin) => {
    return permission === 'clipboard-sanitized-write' && isAppUrl(requestingOrigin, devUrl);
  });
  ses.setDevicePermissionHandler(() => false);
  ses.setDisplayMediaRequestHandler((_request, callback) => callback({}));

  // app:// responses carry the CSP themselves (responseHeaders); under `electron-vite dev` the dev server's responses
  // get the (slightly looser) dev CSP here.
  if (devUrl) {
    const csp = devCsp(devUrl);
    ses.webRequest.onHeadersReceived((details, callback) => {
      if (!isAppUrl(details.url, devUrl)) return callback({});
      callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [csp] } });
    });
  }
}

/** Opens a link in the system browser if it passes `isAllowedExternal`; otherwise logs and drops it. */
function openExternalChecked(url: string): void {
  if (isAllowedExternal(url)) {
    shell.openExternal(url).catch((e: unknown) => log(`openExternal(${url}) failed: ${String(e)}`));
  } else {
    log(`external link denied: ${url}`);
  }
}

/** Applied to every webContents ('web-contents-created'): no navigation away, no new windows, no <webview>. */
function guardContents(contents: WebContents): void {
  contents.on('will-navigate', (event) => {
    if (isAppUrl(event.url, devUrl)) return;
    event.preventDefault();
    openExternalChecked(event.url);
  });
  contents.on('will-frame-navigate', (event) => {
    if (event.isMainFrame || isAppUrl(event.url, devUrl)) return;
    event.preventDefault();
    log(`sub-frame navigation denied: ${event.url}`);
  });
  contents.on('will-redirect', (event) => {
    if (isAppUrl(event.url, devUrl)) return;
    event.preventDefault();
    log(`redirect denied: ${event.url}`);
  });
  contents.setWindowOpenHandler(({ url }) => {
    openExternalChecked(url);
    return { action: 'deny' };
  });
  contents.on('will-attach-webview', (event) => {
    event.preventDefault();
    log('<webview> denied');
  });
}
