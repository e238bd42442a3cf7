import crypto from 'node:crypto';
import type { Writable } from 'node:stream';
import type { Progress } from '../api/context';
import type { CallInput, CallName, CallOutput } from '../api/contract';
import { ApiCallError, toApiError, type ApiErrorShape } from '../api/errors';
import type { Service } from '../api/service';

export interface CliIO {
  stdout: Writable & { isTTY?: boolean };
  stderr: Writable & { isTTY?: boolean };
  env: Record<string, string | undefined>;
  cwd: string;
  platform: NodeJS.Platform;
  home: string;
  /**
   * The resources folder (packs, units, fonts): the entry point passes it in — the checkout's `resources/` for
   * `out/cli/cfc.cjs` and `src/cli/bin.cjs`, `process.resourcesPath/resources` for the packaged app's `--cli` mode.
   */
  resourcesDir: string;
  /** The packaged app's OS secret store (Electron safeStorage), for keys sealed by the desktop app. */
  secrets?: Service['context']['secrets'];
  /**
   * Ctrl-C: calls `cancel` on the next interrupt (SIGINT) while a long call runs, until the returned function is
   * called. The process entry binds it to SIGINT; tests interrupt by hand.
   */
  interrupts?: (cancel: () => void) => () => void;
}

/**
 * What a command sees of the service: `call` on the local contract (the UI contract plus the path calls). The service
 * module (the contract and its handlers) is loaded on the first call, so `--help` and `--version` never load it; the
 * store (SQLite) is opened by the first call that needs it, so `score` never opens it.
 */
export interface CliService {
  call: Service['call'];
  /**
   * A long call (import, export, backup) as a job: its progress on one terminal line (stderr, a terminal, not with
   * --json) that says `verb`, and Ctrl-C cancels it (the core undoes what it began; the call fails with `cancelled`,
   * exit status 1).
   */
  job<N extends CallName>(name: N, input: CallInput<N>, verb: string): Promise<CallOutput<N>>;
}

/** Exit statuses of `product.md`: 0 success, 1 input rejected (nothing written), 2 usage error. */
export const Exit = { ok: 0, rejected: 1, usage: 2 } as const;

/** A usage error found after parsing (a combination of options): exit status 2, the message on stderr. */
export class UsageError extends Error {}

/** A rejection the CLI reports with exit status 1: the typed error of the contract. */
export class Rejection extends Error {
  constructor(readonly error: ApiErrorShape) {
    super(error.message.en);
  }
}

export interface CliContext {
  io: CliIO;
  json: boolean;
  /** The service over the data directory, created on first use (so a rejected input writes nothing). */
  service(): CliService;
  /** Prints a result: the value as JSON with --json, else the human text. */
  print(value: unknown, human: () => string): void;
  /** Prints a line to stderr, meant for people (progress, notes); silent with --json. */
  note(line: string): void;
}

export function createCliContext(io: CliIO, global: { dataDir?: string; json?: boolean }): CliContext & { close(): Promise<void> } {
  let loading: Promise<Service> | null = null;
  const json = !!global.json;
  const load = () =>
    (loading ??= import('../api/local').then(({ createLocalService }) =>
      createLocalService({
        dataDir: { flag: global.dataDir, env: io.env, platform: io.platform, home: io.home },
        resourcesDir: io.resourcesDir,
        ...(io.secrets ? { secrets: io.secrets } : {}),
      }),
    ));
  const cliService: CliService = {
    call: async (name, input) => (await load()).call(name, input),
    async job(name, input, verb) {
      const svc = await load();
      const id = crypto.randomUUID();
      const line = json || !io.stderr.isTTY ? null : progressLine(io.stderr, verb);
      const unsubscribe = svc.jobs.subscribe((e) => {
        if (e.job === id) line?.(e.progress);
      });
      const release = io.interrupts?.(() => svc.jobs.cancel(id));
      try {
        const r = await svc.dispatch(name, input, 'local', id);
        if (!r.ok) throw new ApiCallError(r.error);
        return r.value as never;
      } finally {
        release?.();
        unsubscribe();
        if (line) io.stderr.write('\r\x1b[K');
      }
    },
  };
  return {
    io,
    json,
    service: () => cliService,
    print(value, human) {
      io.stdout.write(json ? JSON.stringify(value, null, 2) + '\n' : human().replace(/\n?$/, '\n'));
    },
    note(line) {
      if (!json) io.stderr.write(line + '\n');
    },
    async close() {
      if (loading) await (await loading.catch(() => null))?.close();
    },
  };
}

function human(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let n = bytes;
  let u = 0;
  while (n >= 1024 && u < units.length - 1) {
    n /= 1024;
    u++;
  }
  return `${u === 0 ? n : n.toFixed(1)} ${units[u]}`;
}

/** The terminal's progress line: `verb [item/items] pct% bytes/size name`, rewritten in place. */
export function progressLine(out: Writable, verb: string): (p: Progress) => void {
  return (p) => {
    const pct = p.size ? Math.floor((100 * p.bytes) / p.size) : Math.floor((100 * p.index) / Math.max(1, p.total));
    const name = p.label.split(/[\\/]/).pop() ?? p.label;
    const bytes = p.size ? ` ${human(p.bytes)}/${human(p.size)}` : '';
    out.write(`\r\x1b[K${verb} [${p.index + 1}/${p.total}] ${pct}%${bytes} ${name.length > 50 ? name.slice(0, 49) + '…' : name}`);
  };
}

/** Turns what a command threw into the error the CLI prints, or null for a bug. */
export function rejectionOf(e: unknown): ApiErrorShape | null {
  if (e instanceof Rejection) return e.error;
  if (e instanceof ApiCallError) return e.error;
  return toApiError(e);
}

export function formatError(err: ApiErrorShape): string {
  const lines = [`Lỗi: ${err.message.vi}`, `Error: ${err.message.en}`];
  const extra = (err.issues ?? []).slice(1);
  for (const i of extra) lines.push(`  - ${i.message.vi} / ${i.message.en}`);
  return lines.join('\n') + '\n';
}
