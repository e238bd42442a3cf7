/**
 * Binds the UI contract to IPC: one `ipcMain.handle('cfc:<name>')` per entry of `uiContract` (src/api/contract), never
 * the local contract's path calls. Each handler checks the sender (our window's main frame, on our app origin), hands the
 * input to `service.dispatch(name, input, 'ui')` (which validates it with the UI schemas — strict, so a path field is
 * refused — and never throws) and returns its `CallResult`.
 */
import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron';
import { uiCallNames } from '../src/api/contract';
import { ErrorCodes, type CallResult } from '../src/api/errors';
import type { Service } from '../src/api/service';
import { channelFor } from './bridge';
import { isAppUrl } from './security';

export interface IpcOptions {
  /** Electron's ipcMain (a fake in test/unit/electron-security.test.ts). */
  ipc: Pick<IpcMain, 'handle' | 'removeHandler'>;
  service: Pick<Service, 'dispatch'>;
  /** The webContents of the app window, or null when there is none (calls are then refused). */
  trustedContents: () => WebContents | null;
  /** The dev server's URL under `electron-vite dev`; null when packaged or built. */
  devUrl: string | null;
  log?: (message: string) => void;
}

const unauthorized: CallResult<never> = {
  ok: false,
  error: {
    code: ErrorCodes.unauthorized,
    message: {
      vi: 'Lệnh gọi bị từ chối: không đến từ cửa sổ của ứng dụng.',
      en: 'Call refused: it did not come from the app window.',
    },
  },
};

/** Whether an IPC message comes from the main frame of our window, showing a page of the app. */
export function isTrustedSender(event: IpcMainInvokeEvent, opts: Pick<IpcOptions, 'trustedContents' | 'devUrl'>): boolean {
  const contents = opts.trustedContents();
  if (!contents || contents.isDestroyed() || event.sender.id !== contents.id) return false;
  const frame = event.senderFrame;
  const main = contents.mainFrame;
  // Compared by process and routing id rather than object identity: the same frame, whatever wrapper carries it.
  if (!frame || frame.parent !== null || frame.processId !== main.processId || frame.routingId !== main.routingId) {
    return false;
  }
  return isAppUrl(frame.url, opts.devUrl);
}

/** Registers one handler per contract entry; returns a function that removes them. */
export function bindContract(opts: IpcOptions): () => void {
  const bound: string[] = [];
  for (const name of uiCallNames) {
    const channel = channelFor(name);
    opts.ipc.handle(channel, async (event, input: unknown): Promise<CallResult<unknown>> => {
      if (!isTrustedSender(event, opts)) {
        opts.log?.(`IPC ${channel} refused from ${event.senderFrame?.url ?? '(no frame)'}`);
        return unauthorized;
      }
      return opts.service.dispatch(name, input, 'ui');
    });
    bound.push(channel);
  }
  return () => {
    for (const channel of bound) opts.ipc.removeHandler(channel);
  };
}
