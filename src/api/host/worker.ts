/**
 * The worker thread that owns the service: the database, the files, every handler. The shell's main thread only
 * routes calls to it (host.ts). Started by `startServiceHost`; never imported by anything else.
 */
import { PassThrough } from 'node:stream';
import { parentPort, workerData } from 'node:worker_threads';
import type { Secrets } from '../../core/packages/keys';
import { toApiError } from '../errors';
import { createService } from '../service';
import type { FromWorker, ToWorker, WorkerInit } from './protocol';

const init = workerData as WorkerInit;
const port = parentPort!;
const post = (m: FromWorker) => port.postMessage(m);

/**
 * safeStorage lives in Electron's main process; the core's Secrets interface is synchronous, so the worker asks over
 * postMessage and waits on the shared buffer (Atomics.wait) until the main thread has written the answer.
 */
function secretsChannel(buffer: SharedArrayBuffer): Secrets {
  const header = new Int32Array(buffer, 0, 2);
  const bytes = new Uint8Array(buffer, 8);
  const ask = (op: 'seal' | 'unseal', data: Buffer): Buffer => {
    Atomics.store(header, 0, 0);
    post({ type: 'secrets', op, data: new Uint8Array(data) });
    Atomics.wait(header, 0, 0);
    const state = Atomics.load(header, 0);
    const length = Atomics.load(header, 1);
    const out = Buffer.from(bytes.slice(0, length));
    if (state !== 1) throw new Error(`the OS secret store refused to ${op}: ${out.toString('utf8')}`);
    return out;
  };
  return { kind: 'safeStorage', seal: (b) => ask('seal', b), unseal: (b) => ask('unseal', b) };
}

const fixed = init.now ? new Date(init.now) : null;
const service = createService({
  dataDir: init.dataDir,
  resourcesDir: init.resourcesDir,
  mode: init.mode,
  ...(fixed ? { now: () => fixed } : {}),
  ...(init.secrets && init.secretsBuffer ? { secrets: secretsChannel(init.secretsBuffer) } : {}),
  onProgress: (e) => post({ type: 'progress', call: e.call, job: e.job, progress: e.progress }),
  onInternalError: (name, e) => post({ type: 'internal-error', name, message: e instanceof Error ? (e.stack ?? e.message) : String(e) }),
});

const uploads = new Map<number, PassThrough>();

port.on('message', (m: ToWorker) => {
  switch (m.type) {
    case 'call':
      void service.dispatch(m.name, m.input, m.surface, m.job).then((result) => post({ type: 'result', id: m.id, result }));
      return;
    case 'cancel':
      service.jobs.cancel(m.job);
      return;
    case 'file': {
      const f = m.op === 'evidence' ? service.files.evidence(m.arg) : m.op === 'report' ? service.files.report(m.arg) : service.files.exported(m.arg);
      void f.then((result) => post({ type: 'result', id: m.id, result }));
      return;
    }
    case 'save-target':
      void service.files.saveTarget(m.call, m.file).then((result) => post({ type: 'result', id: m.id, result }));
      return;
    case 'stage-begin': {
      const body = new PassThrough();
      // An upload stopped early (its Cancel, a broken connection) ends `body` with an error, possibly before the staging
      // code has started reading it (that code loads on first use, and first reads the settings): with no listener the
      // error would stop the whole worker. The reader still gets the error from the stream when it starts.
      body.on('error', () => {});
      uploads.set(m.id, body);
      void service.files.stage(body, m.name, m.size).then((result) => {
        uploads.delete(m.id);
        body.resume();
        post({ type: 'result', id: m.id, result });
      });
      return;
    }
    case 'stage-chunk':
      uploads.get(m.id)?.write(Buffer.from(m.chunk.buffer, m.chunk.byteOffset, m.chunk.byteLength));
      return;
    case 'stage-end': {
      const body = uploads.get(m.id);
      if (m.error) body?.destroy(new Error(m.error));
      else body?.end();
      return;
    }
    case 'open':
      void service
        .open()
        .then(
          () => ({ ok: true as const, value: null }),
          (e: unknown) => ({ ok: false as const, error: toApiError(e) ?? { code: 'internal', message: { vi: 'Không mở được dữ liệu.', en: 'The data could not be opened.' } } }),
        )
        .then((result) => post({ type: 'result', id: m.id, result }));
      return;
    case 'close':
      void service.close().then(() => post({ type: 'result', id: m.id, result: { ok: true, value: null } }));
      return;
  }
});
