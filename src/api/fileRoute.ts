/**
 * The one file route of both shells (Electron's app:// protocol, electron/files.ts; browser mode's HTTP server,
 * src/server/server.ts): `/evidence/<id>[?download]`, `/reports/<name>`, `/exports/<name>` of the app's own origin.
 * It decides what is served and how — the file, its Content-Type, inline or attachment, and the headers — and each
 * shell only streams the bytes. The Content-Type comes from the allow-list below by the file name's extension, never
 * from a package's free-text `mediaType`; every response is sandboxed (`Content-Security-Policy: sandbox;
 * default-src 'none'`), not sniffed, and readable by the app's origin only (`Cross-Origin-Resource-Policy`).
 */
import fs from 'node:fs';
import type { Readable } from 'node:stream';
import { rangeStream } from '../core/fsx/range';
import type { ApiErrorShape, CallResult } from './errors';
import { ErrorCodes } from './errors';

/** Served types by extension; images and PDFs may be shown inline (the preview), everything else is a download. */
const TYPES: Record<string, { type: string; inline: boolean }> = {
  '.pdf': { type: 'application/pdf', inline: true },
  '.png': { type: 'image/png', inline: true },
  '.jpg': { type: 'image/jpeg', inline: true },
  '.jpeg': { type: 'image/jpeg', inline: true },
  '.gif': { type: 'image/gif', inline: true },
  '.webp': { type: 'image/webp', inline: true },
  '.bmp': { type: 'image/bmp', inline: true },
  '.docx': { type: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', inline: false },
  '.xlsx': { type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', inline: false },
  '.csv': { type: 'text/csv; charset=utf-8', inline: false },
  '.json': { type: 'application/json; charset=utf-8', inline: false },
  '.txt': { type: 'text/plain; charset=utf-8', inline: false },
  '.cfcpkg': { type: 'application/zip', inline: false },
  '.zip': { type: 'application/zip', inline: false },
};
const OCTETS = { type: 'application/octet-stream', inline: false };

/** The media type and whether it may be shown inline, by the name's extension (the allow-list above). */
export function servedType(name: string): { type: string; inline: boolean } {
  const ext = /\.[^.]+$/.exec(name)?.[0]?.toLowerCase() ?? '';
  return Object.prototype.hasOwnProperty.call(TYPES, ext) ? TYPES[ext]! : OCTETS;
}

/** What the page may do with a served file: nothing (no script, no plugin-free escape, no fetch). */
export const FILE_CSP = "sandbox; default-src 'none'";

/** The headers every shell sets on a file response. */
export function fileHeaders(name: string, size: number, type: string, inline: boolean): Record<string, string> {
  const encoded = encodeURIComponent(name).replace(/['()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
  return {
    'Content-Type': type,
    'Content-Length': String(size),
    'Content-Disposition': `${inline ? 'inline' : 'attachment'}; filename*=UTF-8''${encoded}`,
    'Content-Security-Policy': FILE_CSP,
    'X-Content-Type-Options': 'nosniff',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'Referrer-Policy': 'no-referrer',
    'Cache-Control': 'private, max-age=60',
  };
}

/**
 * An evidence file to serve: `size` bytes of the file at `path` from byte `start` — the stored file itself (start 0),
 * or its entry inside the stored package that carries it (evidence is stored uncompressed in a package).
 */
export interface ServedEvidence {
  path: string;
  start: number;
  size: number;
  name: string;
  mediaType: string;
}

/** What the shells need of the service (or of the worker host that runs it). */
export interface FileSource {
  evidence(evidenceId: string): Promise<CallResult<ServedEvidence>>;
  report(fileName: string): Promise<CallResult<{ path: string }>>;
  exported(fileName: string): Promise<CallResult<{ path: string }>>;
}

/** A resolved file route: the file to stream with its status and headers, or an error to answer with. */
export type FileRoute =
  | { kind: 'file'; path: string; range: { start: number; length: number } | null; headers: Record<string, string> }
  | { kind: 'error'; status: number; error: ApiErrorShape };

const badName: ApiErrorShape = {
  code: ErrorCodes.invalidInput,
  field: 'name',
  message: { vi: 'Tên tệp trong địa chỉ không hợp lệ.', en: 'The file name in the address is malformed.' },
};

function failed(r: { ok: false; error: ApiErrorShape }): FileRoute {
  const status = r.error.code === ErrorCodes.internal ? 500 : r.error.code === ErrorCodes.notFound ? 404 : 400;
  return { kind: 'error', status, error: r.error };
}

/**
 * Resolves `pathname` (and `?download`) to a file to serve, an error, or null when the path is not a file route. The
 * size is the file's on disk (`statSize`), read by the shell that streams it.
 */
export async function resolveFileRoute(
  files: FileSource,
  url: { pathname: string; searchParams: URLSearchParams },
  statSize: (file: string) => number,
): Promise<FileRoute | null> {
  const evidence = /^\/evidence\/([0-9a-f-]{36})$/.exec(url.pathname);
  if (evidence) {
    const r = await files.evidence(evidence[1]!);
    if (!r.ok) return failed(r);
    const t = servedType(r.value.name);
    const inline = t.inline && !url.searchParams.has('download');
    const range = { start: r.value.start, length: r.value.size };
    return { kind: 'file', path: r.value.path, range, headers: fileHeaders(r.value.name, range.length, t.type, inline) };
  }
  const download = /^\/(reports|exports)\/([^/]+)$/.exec(url.pathname);
  if (download) {
    let name: string;
    try {
      name = decodeURIComponent(download[2]!);
    } catch {
      return { kind: 'error', status: 400, error: badName };
    }
    const r = download[1] === 'reports' ? await files.report(name) : await files.exported(name);
    if (!r.ok) return failed(r);
    return { kind: 'file', path: r.value.path, range: null, headers: fileHeaders(name, statSize(r.value.path), servedType(name).type, false) };
  }
  return null;
}

/** The bytes of a resolved file route, as both shells stream them: the whole file, or its range. */
export function routeStream(route: { path: string; range: { start: number; length: number } | null }): Readable {
  return route.range ? rangeStream(route.path, route.range.start, route.range.length) : fs.createReadStream(route.path);
}
