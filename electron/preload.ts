/**
 * The preload: sandboxed, so it may only require 'electron'. It exposes `window.cfc` — one `call(name, input)` for the
 * contract's entries and the version — and nothing else: no raw ipcRenderer, no Node, no other channel.
 *
 * The call names are written in at build time from src/api/contract (electron.vite.config.ts `define`), so this
 * bundle carries a plain list of strings and no zod.
 */
import { contextBridge, ipcRenderer, webUtils } from 'electron';
import type { CallResult } from '../src/api/errors';
import { BRIDGE_KEY, channelFor, SAVE_AS_CHANNEL, STAGE_CHANNEL, type CfcBridge } from './bridge';
import { jobsBridge } from './jobsBridge';

const knownNames: ReadonlySet<string> = new Set(__CFC_CALL_NAMES__);

function failure(code: string, vi: string, en: string): CallResult<unknown> {
  return { ok: false, error: { code, message: { vi, en } } };
}

const bridge: CfcBridge = {
  async call(name, input) {
    if (typeof name !== 'string' || !knownNames.has(name)) {
      return failure(
        'unknown_call',
        `Không có lệnh gọi "${String(name)}".`,
        `There is no call named "${String(name)}".`,
      );
    }
    try {
      return (await ipcRenderer.invoke(channelFor(name), input)) as CallResult<unknown>;
    } catch {
      // Only reached when the input cannot be cloned (functions, DOM nodes…) or the main process is gone.
      return failure(
        'invalid_input',
        'Dữ liệu gửi đi không hợp lệ hoặc ứng dụng không phản hồi.',
        'The input could not be sent, or the app did not answer.',
      );
    }
  },
  ...jobsBridge(ipcRenderer, knownNames),
  async stage(file, job) {
    if (!(file instanceof File)) return failure('invalid_input', 'Không phải một tệp.', 'Not a file.') as never;
    // A dropped or picked file has a path: the main process streams it from disk. A File made by the page has none.
    const filePath = webUtils.getPathForFile(file);
    const req = { ...(filePath ? { name: file.name, path: filePath } : { name: file.name, bytes: new Uint8Array(await file.arrayBuffer()) }), ...(job ? { job } : {}) };
    try {
      return (await ipcRenderer.invoke(STAGE_CHANNEL, req)) as never;
    } catch {
      return failure('invalid_input', 'Không gửi được tệp.', 'The file could not be sent.') as never;
    }
  },
  saveAs: (call, input, suggestedName, job) =>
    ipcRenderer.invoke(SAVE_AS_CHANNEL, { call, input, suggestedName, ...(job ? { job } : {}) }).catch(() => failure('invalid_input', 'Không gửi được yêu cầu lưu.', 'The save request could not be sent.')),
  version: __CFC_VERSION__,
};

contextBridge.exposeInMainWorld(BRIDGE_KEY, bridge);
