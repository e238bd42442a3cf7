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
import { resolveFileRoute, routeStream, type FileSource } from '../src/api/fileRoute';
import { isJobId } from '../src/api/jobs';
import { STAGE_CHANNEL } from './bridge';

export interface FilesOptions {
  service: Pick<Service, 'files'>;
  isTrusted(event: IpcMainInvokeEvent): boolean;
  log?: (message: string) => void;
}

/** What the preload sends: the file's path on disk (from a drop or a picker), or its bytes for a page-made File. */
export type StageRequest = ({ name: string; path: string } | { name: string; bytes: Uint8Array }) & { job?: string };

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
    // A job id: the bytes read are the upload's progress, pushed to the page, and it can be cancelled (electron/jobs.ts).
    const job = isJobId(req.job) ? req.job : undefined;
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
      return opts.service.files.stage(fs.createReadStream(req.path), req.name, size, job);
    }
    if ('bytes' in req && req.bytes instanceof Uint8Array) {
      return opts.service.files.stage(Readable.from([Buffer.from(req.bytes)]), req.name, req.bytes.length, job);
    }
    return refused('Yêu cầu không hợp lệ.', 'Malformed request.');
  });
  return () => ipcMain.removeHandler(STAGE_CHANNEL);
}

/**
 * Serves `/evidence/<id>`, `/reports/<name>` and `/exports/<name>` of the app origin through the one file-route
 * resolver (src/api/fileRoute.ts: type by extension, sandbox CSP, disposition), or null for any other path.
 */
export async function serveFileRoute(files: FileSource, url: URL, head: boolean): Promise<Response | null> {
  const route = await resolveFileRoute(files, url, (f) => fs.statSync(f).size);
  if (!route) return null;
  if (route.kind === 'error') {
    return new Response(JSON.stringify({ ok: false, error: route.error }), { status: route.status, headers: { 'Content-Type': 'application/json; charset=utf-8', 'X-Content-Type-Options': 'nosniff' } });
  }
  const body = head ? null : (Readable.toWeb(routeStream(route)) as ReadableStream);
  return new Response(body, { status: 200, headers: route.headers });
}
