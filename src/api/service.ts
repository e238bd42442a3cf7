import { Readable } from 'node:stream';
import type { StagedInfo } from '../core/evidence/store';
import type { Store } from '../core/store/db';
import { UnitEditions } from '../core/units/editions';
import type { ServiceContext } from './context';
import { JobRegistry, metered, type JobListener, type LocalJobs } from './jobs';
import { callDef, isCallName, type CallInput, type CallName, type CallOutput, type Surface } from './contract';
import { ApiCallError, ErrorCodes, toApiError, type ApiErrorShape, type CallResult } from './errors';

export { toApiError };
import type { Handler, Handlers } from './handlers/types';
import type { Secrets } from '../core/packages/keys';
import { appMeta } from './meta';
import { SaveTokens } from './saveTokens';
import type { ServedEvidence } from './fileRoute';
import { zodToApiError } from './validation';

/**
 * Each area's handlers, loaded on the first call of the area: a call loads its own code, not every handler's (so
 * `cfc score` loads the scoring code and neither SQLite nor the package, review or backup code). `areaOf` says which
 * area a call is in: its prefix, or one of `MOVED`. test/integration/contract.test.ts checks that every call of the
 * local contract is found in its area; the type check below, that the areas together cover the whole contract.
 */
const areas = {
  app: () => import('./handlers/app').then((m) => m.appHandlers),
  units: () => import('./handlers/units').then((m) => ({ ...m.unitsHandlers, ...m.unitsLocalHandlers })),
  profile: () => import('./handlers/profile').then((m) => m.profileHandlers),
  scoring: () => import('./handlers/scoring').then((m) => ({ ...m.scoringHandlers, ...m.scoringLocalHandlers })),
  assessments: () => import('./handlers/assessments').then((m) => m.assessmentsHandlers),
  evidence: () => import('./handlers/evidence').then((m) => m.evidenceHandlers),
  reports: () => import('./handlers/reports').then((m) => ({ ...m.reportsHandlers, ...m.reportsLocalHandlers })),
  packages: () => import('./handlers/packages').then((m) => ({ ...m.packagesHandlers, ...m.packagesLocalHandlers })),
  dashboard: () => import('./handlers/dashboard').then((m) => m.dashboardHandlers),
  reviews: () => import('./handlers/reviews').then((m) => m.reviewsHandlers),
  backup: () => import('./handlers/backup').then((m) => ({ ...m.backupHandlers, ...m.backupLocalHandlers })),
  packs: () => import('./handlers/packs').then((m) => ({ ...m.packsHandlers, ...m.packsLocalHandlers })),
};
type Area = keyof typeof areas;
/** Calls whose prefix is not their area's name. */
const MOVED: Record<string, Area> = {
  'packs.list': 'scoring',
  'packs.get': 'scoring',
  'packs.validateFile': 'scoring',
  score: 'scoring',
  keys: 'packages',
  trust: 'packages',
  audit: 'assessments',
  targets: 'dashboard',
  settings: 'profile',
};
export function areaOf(name: string): Area | null {
  const prefix = name.slice(0, name.indexOf('.'));
  const area = MOVED[name] ?? MOVED[prefix] ?? prefix;
  return Object.prototype.hasOwnProperty.call(areas, area) ? (area as Area) : null;
}
// Compile-time: the areas' handlers together are a handler for every call of the local contract.
type Loaded = { [A in Area]: Awaited<ReturnType<(typeof areas)[A]>> };
type Everything = Loaded[Area] extends infer U ? (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void ? I : never : never;
const _complete = null as unknown as Everything satisfies Handlers;

const loadingAreas = new Map<Area, Promise<Partial<Handlers>>>();
const loadedAreas = new Map<Area, Partial<Handlers>>();
/** The handler of a call, its area loaded on first use. */
export async function handlerOf(name: CallName): Promise<Handler<CallName>> {
  const area = areaOf(name);
  if (area && !loadedAreas.has(area)) {
    let loading = loadingAreas.get(area);
    if (!loading) loadingAreas.set(area, (loading = (areas[area]() as Promise<Partial<Handlers>>).then((h) => (loadedAreas.set(area, h), h))));
    await loading;
  }
  const handler = loadedHandlerOf(name);
  if (!handler) throw new Error(`no handler for ${name} (area ${area ?? 'none'}: see areas in src/api/service.ts)`);
  return handler;
}
/**
 * The handler of a call whose area is loaded already, without waiting a turn: a call then reaches its handler (and the
 * store) in the same turn it was made, as before areas loaded lazily, so `exclusive` counts it as running, not waiting.
 */
function loadedHandlerOf(name: CallName): Handler<CallName> | undefined {
  const area = areaOf(name);
  return (area ? loadedAreas.get(area)?.[name] : undefined) as Handler<CallName> | undefined;
}

export interface ServiceOptions {
  dataDir: string;
  resourcesDir: string;
  mode: ServiceContext['mode'];
  now?: () => Date;
  /** Log unexpected errors (the UI sees only a typed `internal` error). */
  onInternalError?: (name: string, error: unknown) => void;
  /** Electron: seal signing keys with safeStorage. Without it, keys are sealed with a passphrase. */
  secrets?: Secrets;
  /** Every progress event of every call (the worker forwards them to its host; the CLI prints its line). */
  onProgress?: JobListener;
}

export interface Service {
  /**
   * Validate, run, validate: what every transport binds to. Never throws. `surface` 'ui' (IPC, HTTP) admits only the
   * UI contract's calls and schemas, so a path field from the page is refused; the default 'local' is the superset.
   */
  dispatch(name: unknown, input: unknown, surface?: Surface, job?: string): Promise<CallResult<unknown>>;
  /** The same, typed, throwing ApiCallError: for the CLI and tests. */
  call<N extends CallName>(name: N, input: CallInput<N>): Promise<CallOutput<N>>;
  readonly context: ServiceContext;
  /**
   * Files that do not fit a JSON call, for the transports: stream evidence or a package into staging, find an
   * evidence file or a report to serve. Each returns a CallResult like `dispatch`, never throws.
   */
  readonly files: {
    /** With a job id: the bytes received are its progress, and cancelling it stops the upload (nothing is kept). */
    stage(source: Readable, name: string, declaredSize?: number, job?: string): Promise<CallResult<StagedInfo>>;
    /** An evidence file to serve: a file, or a range of the stored package that carries it. */
    evidence(evidenceId: string): Promise<CallResult<ServedEvidence>>;
    report(fileName: string): Promise<CallResult<{ path: string }>>;
    /** An exported signed package in the data folder's exports/, for download. */
    exported(fileName: string): Promise<CallResult<{ path: string }>>;
    /**
     * "Save as…": the shell's main process, after its save dialog, names the chosen file for one call of `call`; the
     * opaque token it gets back travels in that call's `saveToken` (the page never sees the path).
     */
    saveTarget(call: string, file: string): Promise<CallResult<{ token: string }>>;
  };
  /** The running jobs (calls given a job id): their progress, cancel, and their end. */
  readonly jobs: LocalJobs;
  /** Open the store now (shells call it at start-up to fail early on a database they cannot use). */
  open(): Promise<Store>;
  close(): Promise<void>;
}

const internalError: ApiErrorShape = {
  code: ErrorCodes.internal,
  message: {
    vi: 'Đã xảy ra lỗi không mong đợi; dữ liệu không bị thay đổi. Hãy thử lại hoặc báo cho bộ phận hỗ trợ.',
    en: 'An unexpected error occurred; nothing was changed. Try again or report it.',
  },
};

/** Opens the store and the catalogue, and serves the contract over them. */
export function createService(opts: ServiceOptions): Service {
  // The catalogue is read by the first call that looks a unit up: the newest edition, an older one when a unit of it is.
  let editions: UnitEditions | null = null;
  const editionsNow = () => (editions ??= UnitEditions.open(opts.resourcesDir, opts.dataDir));
  let opening: Promise<Store> | null = null;
  // Opened on first use (SQLite's code too); then the crash hygiene (staging swept, files unreferenced for a day collected).
  const openNow = () =>
    (opening ??= Promise.all([import('../core/store/db'), import('../core/evidence/hygiene')]).then(async ([{ openStore }, { collectOrphans }]) => {
      const st = await openStore(opts.dataDir);
      await collectOrphans({ db: st.db, dataDir: opts.dataDir });
      return st;
    }));
  // While `exclusive` runs (a restore), calls wait at `gate` for the store; `running` counts calls in dispatch, and
  // `waiting` those of them parked at the gate, so the store is closed only once no other call is using it.
  let gate: Promise<void> | null = null;
  let running = 0;
  let waiting = 0;
  const idle: (() => void)[] = [];
  const store = async (): Promise<Store> => {
    while (gate) {
      waiting++;
      settle();
      await gate.finally(() => waiting--);
    }
    return openNow();
  };
  const settle = () => {
    for (const f of idle.splice(0)) f();
  };
  async function exclusive<T>(f: () => Promise<T>, o: { insideCall?: boolean } = {}): Promise<T> {
    while (gate) await gate;
    let release!: () => void;
    gate = new Promise<void>((r) => (release = r));
    try {
      const others = () => running - waiting - (o.insideCall ? 1 : 0);
      while (others() > 0) await new Promise<void>((r) => idle.push(r));
      const was = opening;
      opening = null;
      if (was) await (await was.catch(() => null))?.close();
      return await f();
    } finally {
      gate = null;
      release();
    }
  }
  const clock = opts.now ?? (() => new Date());
  const jobs = new JobRegistry(opts.onProgress);
  const never = new AbortController().signal;
  const context: ServiceContext = {
    store,
    get units() {
      return editionsNow().current();
    },
    get editions() {
      return editionsNow();
    },
    setEditions(e) {
      editions = e;
    },
    dataDir: opts.dataDir,
    resourcesDir: opts.resourcesDir,
    mode: opts.mode,
    app: appMeta,
    now: () => clock().toISOString(),
    saveTokens: new SaveTokens({ now: () => clock().getTime() }),
    secrets: opts.secrets,
    signal: never,
    progress: () => {},
    jobs,
    exclusive,
  };

  /** The context of one call: the service's, with the call's own signal and progress (its job's, if it has one). */
  function callContext(job: ReturnType<JobRegistry['begin']>): ServiceContext {
    return Object.create(context, { signal: { value: job.signal }, progress: { value: job.progress } }) as ServiceContext;
  }

  async function dispatch(name: unknown, input: unknown, surface: Surface = 'local', jobId?: string): Promise<CallResult<unknown>> {
    if (!isCallName(name, surface)) {
      return {
        ok: false,
        error: {
          code: ErrorCodes.unknownCall,
          message: { vi: `Không có lệnh gọi "${String(name)}".`, en: `There is no call named "${String(name)}".` },
        },
      };
    }
    const def = callDef(name, surface);
    const parsed = def.input.safeParse(input ?? {});
    if (!parsed.success) return { ok: false, error: zodToApiError(parsed.error) };
    running++;
    const job = jobs.begin(jobId ?? null, name);
    try {
      const handler = loadedHandlerOf(name) ?? (await handlerOf(name));
      const value = await handler(parsed.data as never, callContext(job));
      const out = def.output.safeParse(value);
      if (!out.success) {
        opts.onInternalError?.(name, out.error);
        return { ok: false, error: zodToApiError(out.error, 'output') };
      }
      return { ok: true, value: out.data };
    } catch (e) {
      const known = toApiError(e);
      if (known) return { ok: false, error: known };
      opts.onInternalError?.(name, e);
      return { ok: false, error: internalError };
    } finally {
      job.end();
      running--;
      settle();
    }
  }

  /** Runs a transport helper with the same error handling as a call. */
  async function guarded<T>(name: string, f: () => Promise<T>): Promise<CallResult<T>> {
    try {
      return { ok: true, value: await f() };
    } catch (e) {
      const known = toApiError(e);
      if (known) return { ok: false, error: known };
      opts.onInternalError?.(name, e);
      return { ok: false, error: internalError };
    }
  }

  return {
    dispatch,
    files: {
      stage: (source, name, size, jobId) =>
        guarded('files.stage', async () => {
          const job = jobs.begin(jobId ?? null, 'files.stage');
          try {
            const counted = Readable.from(metered(source, (bytes) => job.progress({ index: 0, total: 1, label: name, bytes, size: size ?? 0 }), job.signal));
            return await (await import('./handlers/evidence')).stageUpload(context, counted, name, size);
          } finally {
            job.end();
          }
        }),
      evidence: (id) => guarded('files.evidence', async () => (await import('./handlers/evidence')).evidenceFile(context, id)),
      report: (fileName) => guarded('files.report', async () => ({ path: (await import('./handlers/reports')).reportFile(context, fileName) })),
      exported: (fileName) => guarded('files.exported', async () => ({ path: (await import('./handlers/reports')).exportedFile(context, fileName) })),
      saveTarget: (call, file) => guarded('files.saveTarget', async () => ({ token: context.saveTokens.issue(call, file) })),
    },
    async call(name, input) {
      const r = await dispatch(name, input);
      if (!r.ok) throw new ApiCallError(r.error);
      return r.value as never;
    },
    context,
    jobs,
    open: store,
    async close() {
      while (gate) await gate;
      if (opening) await (await opening.catch(() => null))?.close();
      opening = null;
    },
  };
}
