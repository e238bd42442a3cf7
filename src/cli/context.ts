import type { Writable } from 'node:stream';
import type { Progress } from '../api/context';
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
}

/**
 * What a command sees of the service: `call` on the local contract (the UI contract plus the path calls). The service
 * module (the contract and its handlers) is loaded on the first call, so `--help` and `--version` never load it; the
 * store (SQLite) is opened by the first call that needs it, so `score` never opens it.
 */
export interface CliService {
  call: Service['call'];
  /** Progress of the long calls (import, export), for the terminal's progress line. */
  onProgress(f: ((call: string, p: Progress) => void) | undefined): void;
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
  let progress: ((call: string, p: Progress) => void) | undefined;
  const json = !!global.json;
  const load = () =>
    (loading ??= import('../api/local').then(({ createLocalService }) =>
      createLocalService({
        dataDir: { flag: global.dataDir, env: io.env, platform: io.platform, home: io.home },
        resourcesDir: io.resourcesDir,
        ...(io.secrets ? { secrets: io.secrets } : {}),
        onProgress: (call, p) => progress?.(call, p),
      }),
    ));
  const cliService: CliService = {
    call: async (name, input) => (await load()).call(name, input),
    onProgress: (f) => {
      progress = f;
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
