/**
 * The service host: starts the service (src/api/service.ts) in a worker_threads Worker and routes contract calls to
 * it as plain JSON, so the shell's main thread — Electron's main process, browser mode's HTTP server — never runs SQL
 * or hashes a file; it only routes calls and streams files. The worker owns the database and the files. Electron's
 * safeStorage stays on the main thread behind a small synchronous request channel (`secrets`).
 *
 * The host has the transport-facing half of `Service` (dispatch, files, open, close), so a shell binds either.
 */
import path from 'node:path';
import type { Readable } from 'node:stream';
import { Worker } from 'node:worker_threads';
import type { StagedInfo } from '../../core/evidence/store';
import type { Secrets } from '../../core/packages/keys';
import type { Surface } from '../contract';
import { ApiCallError, ErrorCodes, type CallResult } from '../errors';
import { cancelledShape, JobRegistry, metered, type JobListener, type Jobs } from '../jobs';
import type { Service } from '../service';
import { SECRETS_BUFFER_BYTES, type FromWorker, type ToWorker, type WorkerInit } from './protocol';

export interface HostOptions {
  dataDir: string;
  resourcesDir: string;
  mode: WorkerInit['mode'];
  /**
   * The worker's script: the built one in a packaged app (out/main/hostWorker.js). Without it the TypeScript source
   * (worker.ts) is run through tsx: checkouts, browser mode, tests.
   */
  workerScript?: string;
  secrets?: Secrets;
  now?: Date;
  /** Every progress event (the jobs' and the others'); transports rather subscribe through `jobs`. */
  onProgress?: JobListener;
  onInternalError?: (name: string, message: string) => void;
}

export type ServiceHost = Pick<Service, 'dispatch' | 'files' | 'close'> & {
  /** Progress and cancel; the jobs' ends stay inside the worker (a transport learns them from the call's answer). */
  jobs: Jobs;
  /** Opens the store in the worker; rejects with the typed error when it cannot be used. */
  open(): Promise<void>;
  /** The same as Service.call, for tests. */
  call: Service['call'];
};

const gone: CallResult<never> = {
  ok: false,
  error: { code: ErrorCodes.internal, message: { vi: 'Phần lõi của ứng dụng đã dừng.', en: 'The app core has stopped.' } },
};

export function startServiceHost(opts: HostOptions): ServiceHost {
  const secretsBuffer = opts.secrets ? new SharedArrayBuffer(8 + SECRETS_BUFFER_BYTES) : null;
  const init: WorkerInit = {
    dataDir: opts.dataDir,
    resourcesDir: opts.resourcesDir,
    mode: opts.mode,
    secrets: !!opts.secrets,
    secretsBuffer,
    now: opts.now ? opts.now.toISOString() : null,
  };
  const worker = opts.workerScript
    ? new Worker(opts.workerScript, { workerData: init })
    : // tsx for import() (the service loads each area's handlers on first use) and for require(); messages wait.
      new Worker(
        `import('tsx/esm/api').then((m) => { m.register(); require('tsx/cjs/api').register(); require(${JSON.stringify(path.join(__dirname, 'worker.ts'))}); });`,
        { eval: true, workerData: init },
      );

  let nextId = 1;
  const pending = new Map<number, (r: CallResult<unknown>) => void>();
  let exited = false;
  // The worker's job events come through here; uploads are jobs of the host itself (it streams them to the worker).
  const jobs = new JobRegistry(opts.onProgress);
  const uploads = new Set<string>();
  worker.on('message', (m: FromWorker) => {
    if (m.type === 'result') {
      pending.get(m.id)?.(m.result);
      pending.delete(m.id);
    } else if (m.type === 'progress') {
      jobs.emit({ call: m.call, job: m.job, progress: m.progress });
    } else if (m.type === 'internal-error') {
      opts.onInternalError?.(m.name, m.message);
    } else if (m.type === 'secrets') {
      answerSecrets(m.op, Buffer.from(m.data));
    }
  });
  worker.on('error', (e) => opts.onInternalError?.('worker', e.stack ?? e.message));
  worker.on('exit', () => {
    exited = true;
    for (const resolve of pending.values()) resolve(gone);
    pending.clear();
  });

  /** The main thread's half of the secrets channel: run safeStorage, write the answer, wake the worker. */
  function answerSecrets(op: 'seal' | 'unseal', data: Buffer): void {
    const header = new Int32Array(secretsBuffer!, 0, 2);
    const bytes = new Uint8Array(secretsBuffer!, 8);
    let state = 1;
    let out: Buffer;
    try {
      out = op === 'seal' ? opts.secrets!.seal(data) : opts.secrets!.unseal(data);
      if (out.length > bytes.length) throw new Error('sealed data too large');
    } catch (e) {
      state = 2;
      out = Buffer.from(String((e as Error).message ?? e));
    }
    bytes.set(out.subarray(0, bytes.length));
    Atomics.store(header, 1, Math.min(out.length, bytes.length));
    Atomics.store(header, 0, state);
    Atomics.notify(header, 0);
  }

  function request(message: Omit<ToWorker, 'id'> & { id?: number }, transfer: ArrayBuffer[] = []): Promise<CallResult<unknown>> {
    if (exited) return Promise.resolve(gone);
    const id = message.id ?? nextId++;
    return new Promise((resolve) => {
      pending.set(id, resolve);
      worker.postMessage({ ...message, id }, transfer);
    });
  }

  async function stage(source: Readable, name: string, declaredSize?: number, jobId?: string): Promise<CallResult<StagedInfo>> {
    const id = nextId++;
    const job = jobs.begin(jobId ?? null, 'files.stage');
    if (jobId) uploads.add(jobId);
    const done = request({ type: 'stage-begin', id, name, size: declaredSize } as ToWorker);
    try {
      const counted = metered(source, (bytes) => job.progress({ index: 0, total: 1, label: name, bytes, size: declaredSize ?? 0 }), job.signal);
      for await (const b of counted) {
        const copy = new Uint8Array(b); // its own ArrayBuffer, moved to the worker without a second copy
        worker.postMessage({ type: 'stage-chunk', id, chunk: copy } satisfies ToWorker, [copy.buffer]);
      }
      worker.postMessage({ type: 'stage-end', id } satisfies ToWorker);
    } catch (e) {
      worker.postMessage({ type: 'stage-end', id, error: String((e as Error).message ?? e) } satisfies ToWorker);
    }
    const r = (await done) as CallResult<StagedInfo>;
    job.end();
    if (jobId) uploads.delete(jobId);
    // Cancelled: the worker has removed what it had staged; the answer says `cancelled`, not why the stream broke.
    return job.signal.aborted && !r.ok ? { ok: false, error: cancelledShape } : r;
  }

  const file = <T>(op: 'evidence' | 'report' | 'exported', arg: string) => request({ type: 'file', op, arg } as ToWorker) as Promise<CallResult<T>>;

  const dispatch = (name: unknown, input: unknown, surface: Surface = 'local', job?: string) =>
    request({ type: 'call', name: String(name), input, surface, ...(job ? { job } : {}) } as ToWorker);

  return {
    dispatch,
    jobs: {
      cancel(id) {
        if (uploads.has(id)) jobs.cancel(id);
        else if (!exited && typeof id === 'string') worker.postMessage({ type: 'cancel', job: id } satisfies ToWorker);
      },
      subscribe: (l) => jobs.subscribe(l),
    },
    files: {
      stage,
      evidence: (id) => file('evidence', id),
      report: (name) => file('report', name),
      exported: (name) => file('exported', name),
      saveTarget: (call, target) => request({ type: 'save-target', call, file: target } as ToWorker) as Promise<CallResult<{ token: string }>>,
    },
    async call(name, input) {
      const r = await dispatch(name, input);
      if (!r.ok) throw new ApiCallError(r.error);
      return r.value as never;
    },
    async open() {
      const r = await request({ type: 'open' } as ToWorker);
      if (!r.ok) throw new ApiCallError(r.error);
    },
    async close() {
      if (!exited) await request({ type: 'close' } as ToWorker);
      await worker.terminate();
    },
  };
}
