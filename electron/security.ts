/**
 * Pure security helpers of the Electron shell: which URLs belong to the app, which external links may open, the CSP,
 * and how an `app://` request maps to a file. No import of 'electron' here, so these run (and are unit-tested) in Node.
 */
import path from 'node:path';

/** The privileged scheme the renderer is served from: `app://renderer/index.html`. */
export const APP_SCHEME = 'app';
export const APP_HOST = 'renderer';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_INDEX_URL = `${APP_ORIGIN}/index.html`;

/**
 * Hosts an external https link may open in the system browser. None by default: the app is offline, so a link out is
 * logged and denied. Add an official host here (e.g. the government's legal documents portal) if the UI ever links out.
 */
export const EXTERNAL_HOSTS: readonly string[] = [];

import { CSP } from '../src/api/csp';

export { CSP };

/**
 * The CSP under `electron-vite dev` only (never when packaged): Vite's client needs its websocket and React Refresh
 * injects an inline preamble script.
 */
export function devCsp(devUrl: string): string {
  const u = new URL(devUrl);
  const ws = `${u.protocol === 'https:' ? 'wss' : 'ws'}://${u.host}`;
  return CSP.replace("script-src 'self'", "script-src 'self' 'unsafe-inline'").replace(
    "connect-src 'self'",
    `connect-src 'self' ${ws}`,
  );
}

function parse(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

/**
 * Whether `url` is a page of the app: `app://renderer/...`, or, in development only, the dev server's origin.
 * (Node's URL gives `origin === 'null'` for non-special schemes, so scheme and host are compared instead.)
 */
export function isAppUrl(url: string, devUrl?: string | null): boolean {
  const u = parse(url);
  if (!u) return false;
  if (u.protocol === `${APP_SCHEME}:`) return u.host === APP_HOST && u.username === '' && u.password === '';
  if (devUrl) {
    const d = parse(devUrl);
    return d !== null && (u.protocol === 'http:' || u.protocol === 'https:') && u.origin === d.origin;
  }
  return false;
}

/** Whether an external link may be handed to the system browser: https only, host on the allow-list, no credentials. */
export function isAllowedExternal(url: string, allowedHosts: readonly string[] = EXTERNAL_HOSTS): boolean {
  const u = parse(url);
  if (!u || u.protocol !== 'https:') return false;
  if (u.username !== '' || u.password !== '') return false;
  if (u.port !== '') return false;
  return allowedHosts.includes(u.hostname.toLowerCase());
}

/**
 * Maps an `app://renderer/...` request to a file inside `root`, or null when it must be refused (another host, bad
 * encoding, NUL byte, or a path that escapes `root` — `..`, encoded `%2e%2e`, `%2f`, backslashes, absolute paths).
 */
export function resolveAppFile(root: string, requestUrl: string): string | null {
  const u = parse(requestUrl);
  if (!u || u.protocol !== `${APP_SCHEME}:` || u.host !== APP_HOST) return null;
  let rel: string;
  try {
    rel = decodeURIComponent(u.pathname);
  } catch {
    return null;
  }
  if (rel.includes('\0') || rel.includes('\\')) return null;
  // Any `..` segment is refused outright, even one that would stay inside root after normalising.
  if (rel.split('/').some((seg) => seg === '..')) return null;
  if (rel === '' || rel === '/') rel = '/index.html';
  const base = path.resolve(root);
  const file = path.resolve(base, '.' + path.posix.normalize(rel));
  if (file !== base && !file.startsWith(base + path.sep)) return null;
  if (file === base) return null;
  return file;
}

/** A path with no file extension is a client-side route: the protocol serves index.html for it. */
export function looksLikeRoute(file: string): boolean {
  return path.extname(file) === '';
}

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.otf': 'font/otf',
  '.txt': 'text/plain; charset=utf-8',
};

export function contentType(file: string): string {
  return MIME[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/** The headers every `app://` response carries. */
export function responseHeaders(file: string): Record<string, string> {
  return {
    'Content-Type': contentType(file),
    'Content-Security-Policy': CSP,
    'X-Content-Type-Options': 'nosniff',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Referrer-Policy': 'no-referrer',
    'Cache-Control': 'no-cache',
  };
}

/** `--data-dir=DIR` or `--data-dir DIR` from a process's argv, if present (the last one wins). */
export function dataDirFlag(argv: readonly string[]): string | undefined {
  let found: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] ?? '';
    if (a.startsWith('--data-dir=')) {
      const v = a.slice('--data-dir='.length);
      if (v) found = v;
    } else if (a === '--data-dir') {
      const v = argv[i + 1];
      if (v && !v.startsWith('--')) found = v;
    }
  }
  return found;
}
