import type { StagedFile } from '../../api/calls/evidence';
import type { UiCallInput, UiCallName, UiCallOutput } from '../../api/contract';
import type { ApiErrorShape, CallResult } from '../../api/errors';
import { ApiCallError } from '../../api/errors';

/**
 * Files that do not fit a JSON call: evidence is streamed into the core's staging area first (never read whole into
 * memory), then attached with the `evidence.attach` call; previews and reports are fetched by URL.
 * Browser mode: HTTP on the same origin. Electron: the bridge's `stage`, and the app:// protocol for the URLs.
 */
export async function stageFile(file: File, onProgress?: (sent: number) => void, job?: string): Promise<StagedFile> {
  if (window.cfc?.stage) return unwrap(await window.cfc.stage(file, job));
  onProgress?.(0);
  let res: Response;
  try {
    res = await fetch('/upload', {
      method: 'PUT',
      credentials: 'same-origin',
      headers: {
        'content-type': 'application/octet-stream',
        'x-cfc-call': '1',
        'x-file-name': encodeURIComponent(file.name),
        // A job (src/renderer/src/jobs): the bytes the core received are its progress, its cancel stops the upload.
        ...(job ? { 'x-cfc-job': job } : {}),
      },
      body: file,
    });
  } catch {
    // (A cancelled upload ends here too: the core stops reading; the job's owner knows it asked for it.)
    throw new ApiCallError({
      code: 'offline',
      message: { vi: 'Không gửi được tệp tới phần lõi của ứng dụng.', en: 'Could not send the file to the app core.' },
    });
  }
  const r = unwrap((await res.json()) as CallResult<StagedFile>);
  onProgress?.(file.size);
  return r;
}

function unwrap<T>(r: CallResult<T>): T {
  if (!r.ok) throw new ApiCallError(r.error as ApiErrorShape);
  return r.value;
}

/**
 * Where the page can show an evidence file (images and PDFs are previewed in the app). The same path on the page's own
 * origin in both shells: browser mode serves it over HTTP, Electron's app:// protocol from the store.
 */
export function evidenceUrl(evidenceId: string, download = false): string {
  return `/evidence/${evidenceId}${download ? '?download' : ''}`;
}

/** Where the page can download a generated report (same origin, both shells). */
export function reportUrl(fileName: string): string {
  return `/reports/${encodeURIComponent(fileName)}`;
}

/** Where the page can download an exported signed package (same origin, both shells). */
export function exportUrl(fileName: string): string {
  return `/exports/${encodeURIComponent(fileName)}`;
}

/** Whether this shell can save a call's result where the user chooses (the desktop app's "Save as…"). */
export function canSaveAs(): boolean {
  return typeof window.cfc?.saveAs === 'function';
}

/**
 * "Save as…" (desktop app): the OS save dialog, then the call writes the file there (electron/saveAs.ts), with the
 * save token the main process adds; the page never sees the path. With a job id, the writing reports progress and
 * can be cancelled like any job (useJob's `saveAs`). Null when the user closed the dialog; a refusal of the call throws like any call.
 */
export async function saveCallAs<N extends UiCallName>(name: N, input: Omit<UiCallInput<N>, 'saveToken'>, suggestedName?: string, job?: string): Promise<UiCallOutput<N> | null> {
  const save = window.cfc?.saveAs;
  if (!save) throw new ApiCallError({ code: 'invalid_input', message: { vi: 'Chỉ ứng dụng máy tính lưu được vào nơi bạn chọn.', en: 'Only the desktop app can save where you choose.' } });
  const r = await save(name, input, suggestedName, job);
  if (!r.ok && r.error.code === 'cancelled') return null;
  return unwrap(r) as UiCallOutput<N>;
}
