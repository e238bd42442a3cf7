/**
 * "Save as…" in the desktop app: the page asks to save the result of one call (`window.cfc.saveAs(call, input,
 * suggestedName)`); the main process shows the OS save dialog, hands the chosen path to the service host for an
 * opaque one-time token (src/api/saveTokens.ts), and makes the call on the UI surface with that token. The worker
 * writes the file there; the page never sees or sends a path, and gets back what the call returns (a file name, a size).
 */
import path from 'node:path';
import type { BrowserWindow, IpcMain, IpcMainInvokeEvent, SaveDialogOptions, SaveDialogReturnValue } from 'electron';
import type { UiCallName } from '../src/api/contract';
import { ErrorCodes, type CallResult } from '../src/api/errors';
import type { Service } from '../src/api/service';
import { SAVE_AS_CHANNEL } from './bridge';

/** The calls that can write where the user chooses, and the file types the dialog offers for each. */
export const SAVE_AS_CALLS: Partial<Record<UiCallName, { name: string; extensions: string[] }>> = {
  'packages.export': { name: 'Gói hồ sơ có chữ ký / Signed package', extensions: ['cfcpkg'] },
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
  opts.ipc.handle(SAVE_AS_CHANNEL, async (event, req: { call?: unknown; input?: unknown; suggestedName?: unknown }): Promise<CallResult<unknown>> => {
    if (!opts.isTrusted(event)) {
      opts.log?.(`IPC ${SAVE_AS_CHANNEL} refused`);
      return refusal(ErrorCodes.unauthorized, 'Lệnh gọi bị từ chối: không đến từ cửa sổ của ứng dụng.', 'Call refused: it did not come from the app window.');
    }
    const call = typeof req?.call === 'string' ? (req.call as UiCallName) : null;
    const kind = call ? SAVE_AS_CALLS[call] : undefined;
    if (!call || !kind) return refusal(ErrorCodes.invalidInput, `Lệnh "${String(req?.call)}" không lưu ra tệp được.`, `The call "${String(req?.call)}" cannot save to a file.`);
    const input = req.input && typeof req.input === 'object' && !Array.isArray(req.input) ? (req.input as Record<string, unknown>) : {};
    // Only a plain file name is a suggestion: anything with a folder in it is cut to its last part.
    const suggested = typeof req.suggestedName === 'string' ? path.basename(req.suggestedName).slice(0, 200) : '';
    const chosen = await opts.showSaveDialog(opts.window(), { defaultPath: suggested || undefined, filters: [kind], properties: ['createDirectory', 'showOverwriteConfirmation'] });
    if (chosen.canceled || !chosen.filePath) return refusal('cancelled', 'Đã hủy lưu tệp.', 'Saving was cancelled.');
    const token = await opts.service.files.saveTarget(call, chosen.filePath);
    if (!token.ok) return token;
    return opts.service.dispatch(call, { ...input, saveToken: token.value.token }, 'ui');
  });
  return () => opts.ipc.removeHandler(SAVE_AS_CHANNEL);
}
