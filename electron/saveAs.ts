/**
 * "Save as…" in the desktop app: the page asks to save the result of one call (`window.cfc.saveAs(call, input,
 * suggestedName)`); the main process shows the OS save dialog, hands the chosen path to the service host for an
 * opaque one-time token (src/api/saveTokens.ts), and makes the call on the UI surface with that token. The worker
 * writes the file there; the page never sees or sends a path, and gets back what the call returns (a file name, a size).
 */
import path from 'node:path';
import type { BrowserWindow, IpcMain, IpcMainInvokeEvent, SaveDialogOptions, SaveDialogReturnValue } from 'electron';
import { uiContract, type UiCallName } from '../src/api/contract';
import { ErrorCodes, type CallResult } from '../src/api/errors';
import { isJobId } from '../src/api/jobs';
import type { Service } from '../src/api/service';
import { SAVE_AS_CHANNEL } from './bridge';

/** The file types the dialog offers, by extension. */
const FILE_TYPES: Record<string, string> = {
  cfcpkg: 'Gói hồ sơ có chữ ký / Signed package',
  cfcbak: 'Bản sao lưu / Backup',
  docx: 'Tài liệu Word / Word document',
  pdf: 'Tài liệu PDF / PDF document',
  xlsx: 'Bảng tính Excel / Excel workbook',
  csv: 'Bảng CSV / CSV table',
  json: 'JSON',
};
const typeOf = (extension: string) => ({ name: FILE_TYPES[extension] ?? extension, extensions: [extension] });
const extensionOf = (name: unknown) => (typeof name === 'string' ? (/\.([a-z0-9]+)$/i.exec(name)?.[1]?.toLowerCase() ?? null) : null);

/**
 * The calls that can write where the user chooses, and the file type the dialog offers for each: a package being
 * signed (`packages.export` writes it there), or a copy of a file already made, by its download name
 * (`reports.saveCopy`: reports, exported packages, backups).
 */
export const SAVE_AS_CALLS: Partial<Record<UiCallName, (input: Record<string, unknown>) => { name: string; extensions: string[] } | null>> = {
  'packages.export': () => typeOf('cfcpkg'),
  'reports.saveCopy': (input) => {
    // A name the call would refuse gets no dialog: the contract's own schema says.
    const { fileName, route } = uiContract['reports.saveCopy'].input.shape;
    if (!fileName.safeParse(input.fileName).success || !route.safeParse(input.route).success) return null;
    const ext = extensionOf(input.fileName);
    return ext ? typeOf(ext) : null;
  },
};

export interface SaveAsOptions {
  ipc: Pick<IpcMain, 'handle' | 'removeHandler'>;
  service: Pick<Service, 'dispatch'> & { files: Pick<Service['files'], 'saveTarget'> };
  isTrusted(event: IpcMainInvokeEvent): boolean;
  window(): BrowserWindow | null;
  /** Electron's dialog.showSaveDialog (a fake in tests). */
  showSaveDialog(win: BrowserWindow | null, opts: SaveDialogOptions): Promise<SaveDialogReturnValue>;
  log?: (message: string) => void;
}

const refusal = (code: string, vi: string, en: string): CallResult<never> => ({ ok: false, error: { code, message: { vi, en } } });

export function bindSaveAs(opts: SaveAsOptions): () => void {
  opts.ipc.handle(SAVE_AS_CHANNEL, async (event, req: { call?: unknown; input?: unknown; suggestedName?: unknown; job?: unknown }): Promise<CallResult<unknown>> => {
    if (!opts.isTrusted(event)) {
      opts.log?.(`IPC ${SAVE_AS_CHANNEL} refused`);
      return refusal(ErrorCodes.unauthorized, 'Lệnh gọi bị từ chối: không đến từ cửa sổ của ứng dụng.', 'Call refused: it did not come from the app window.');
    }
    const call = typeof req?.call === 'string' ? (req.call as UiCallName) : null;
    const input = req.input && typeof req.input === 'object' && !Array.isArray(req.input) ? (req.input as Record<string, unknown>) : {};
    const kind = call && Object.prototype.hasOwnProperty.call(SAVE_AS_CALLS, call) ? SAVE_AS_CALLS[call]!(input) : null;
    if (!call || !kind) return refusal(ErrorCodes.invalidInput, `Lệnh "${String(req?.call)}" không lưu ra tệp được.`, `The call "${String(req?.call)}" cannot save to a file.`);
    // A job id (the page's progress bar and Cancel for the writing, src/renderer/src/jobs): checked like the job channels'.
    if (req.job !== undefined && !isJobId(req.job)) return refusal(ErrorCodes.invalidInput, 'Mã công việc không hợp lệ.', 'The job id is malformed.');
    // Only a plain file name is a suggestion (a copy suggests its own name): anything with a folder in it is cut to its last part.
    const given = typeof req.suggestedName === 'string' ? req.suggestedName : typeof input.fileName === 'string' ? input.fileName : '';
    const suggested = path.basename(given).slice(0, 200);
    const chosen = await opts.showSaveDialog(opts.window(), { defaultPath: suggested || undefined, filters: [kind], properties: ['createDirectory', 'showOverwriteConfirmation'] });
    if (chosen.canceled || !chosen.filePath) return refusal('cancelled', 'Đã hủy lưu tệp.', 'Saving was cancelled.');
    const token = await opts.service.files.saveTarget(call, chosen.filePath);
    if (!token.ok) return token;
    return opts.service.dispatch(call, { ...input, saveToken: token.value.token }, 'ui', req.job as string | undefined);
  });
  return () => opts.ipc.removeHandler(SAVE_AS_CHANNEL);
}
