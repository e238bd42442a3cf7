/**
 * Files that do not fit a JSON call, in Electron: the bridge's `stage(file)` streams a dropped or picked file from disk
 * into the core's staging area, and the app:// protocol serves evidence (`app://renderer/evidence/<id>`) and reports
 * (`app://renderer/reports/<name>`) on the page's own origin, as browser mode does over HTTP.
 */
import fs from 'node:fs';
import { Readable } from 'node:stream';
import { ipcMain, type IpcMainInvokeEvent } from 'electron';
import { ErrorCodes, type CallResult } from '../src/api/errors';
import type { Service } from '../src/api/service';
import { downloadType } from '../src/api/downloads';
import { STAGE_CHANNEL } from './bridge';

export interface FilesOptions {
  service: Pick<Service, 'files'>;
  isTrusted(event: IpcMainInvokeEvent): boolean;
  log?: (message: string) => void;
}

/** What the preload sends: the file's path on disk (from a drop or a picker), or its bytes for a page-made File. */
export type StageRequest = { name: string; path: string } | { name: string; bytes: Uint8Array };

function refused(vi: string, en: string): CallResult<never> {
  return { ok: false, error: { code: ErrorCodes.unauthorized, message: { vi, en } } };
}

export function bindFiles(opts: FilesOptions): () => void {
  ipcMain.handle(STAGE_CHANNEL, async (event, req: StageRequest): Promise<CallResult<unknown>> => {
    if (!opts.isTrusted(event)) {
      opts.log?.(`IPC ${STAGE_CHANNEL} refused`);
      return refused('Lệnh gọi bị từ chối: không đến từ cửa sổ của ứng dụng.', 'Call refused: it did not come from the app window.');
    }
    if (typeof req?.name !== 'string') return refused('Yêu cầu không hợp lệ.', 'Malformed request.');
    if ('path' in req && typeof req.path === 'string') {
      let size: number;
      try {
        const st = fs.statSync(req.path);
        if (!st.isFile()) throw new Error('not a file');
        size = st.size;
      } catch {
        return {
          ok: false,
          error: { code: 'not_found', field: 'file', message: { vi: `Không đọc được tệp "${req.name}".`, en: `Cannot read the file "${req.name}".` } },
        };
      }
      return opts.service.files.stage(fs.createReadStream(req.path), req.name, size);
    }
    if ('bytes' in req && req.bytes instanceof Uint8Array) {
      return opts.service.files.stage(Readable.from([Buffer.from(req.bytes)]), req.name, req.bytes.length);
    }
    return refused('Yêu cầu không hợp lệ.', 'Malformed request.');
  });
  return () => ipcMain.removeHandler(STAGE_CHANNEL);
}

const INLINE = /^(application\/pdf|image\/(png|jpeg|gif|webp|bmp))$/;

function fileResponse(file: string, type: string, name: string, inline: boolean, head: boolean): Response {
  const size = fs.statSync(file).size;
  const encoded = encodeURIComponent(name).replace(/['()]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
  const body = head ? null : (Readable.toWeb(fs.createReadStream(file)) as ReadableStream);
  return new Response(body, {
    status: 200,
    headers: {
      'Content-Type': type,
      'Content-Length': String(size),
      'Content-Disposition': `${inline ? 'inline' : 'attachment'}; filename*=UTF-8''${encoded}`,
      'X-Content-Type-Options': 'nosniff',
    },
  });
}

/** Serves `/evidence/<id>`, `/reports/<name>` and `/exports/<name>` of the app origin, or null for any other path. */
export async function serveFileRoute(service: Pick<Service, 'files'>, url: URL, head: boolean): Promise<Response | null> {
  const evidence = /^\/evidence\/([0-9a-f-]{36})$/.exec(url.pathname);
  if (evidence) {
    const r = await service.files.evidence(evidence[1]!);
    if (!r.ok) return new Response(r.error.message.en, { status: 404 });
    const inline = !url.searchParams.has('download') && INLINE.test(r.value.mediaType);
    return fileResponse(r.value.path, r.value.mediaType, r.value.name, inline, head);
  }
  const download = /^\/(reports|exports)\/([^/]+)$/.exec(url.pathname);
  if (download) {
    let name: string;
    try {
      name = decodeURIComponent(download[2]!);
    } catch {
      return new Response('bad name', { status: 400 });
    }
    const r = download[1] === 'reports' ? await service.files.report(name) : await service.files.exported(name);
    if (!r.ok) return new Response(r.error.message.en, { status: 404 });
    return fileResponse(r.value.path, downloadType(name), name, false, head);
  }
  return null;
}
