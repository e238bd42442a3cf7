import type { Writable } from 'node:stream';
import { ApiCallError, type ApiErrorShape } from '../api/errors';
import { createService, toApiError, type Service } from '../api/service';
import { resolveDataDir } from '../core/paths';
import { checkoutResourcesDir } from '../server/resources';

export interface CliIO {
  stdout: Writable & { isTTY?: boolean };
  stderr: Writable & { isTTY?: boolean };
  env: Record<string, string | undefined>;
  cwd: string;
  platform: NodeJS.Platform;
  home: string;
}

/** Exit statuses of `product.md`: 0 success, 1 input rejected (nothing written), 2 usage error. */
export const Exit = { ok: 0, rejected: 1, usage: 2 } as const;

/** A rejection the CLI reports with exit status 1: the typed error of the contract. */
export class Rejection extends Error {
  constructor(readonly error: ApiErrorShape) {
    super(error.message.en);
  }
}

export interface CliContext {
  io: CliIO;
  json: boolean;
  dataDir: string;
  /** The service over the data directory, created on first use (so a rejected input writes nothing). */
  service(): Service;
  /** Prints a result: the value as JSON with --json, else the human text. */
  print(value: unknown, human: () => string): void;
  /** Prints a line to stderr, meant for people (progress, notes); silent with --json. */
  note(line: string): void;
}

export function createCliContext(io: CliIO, global: { dataDir?: string; json?: boolean }): CliContext & { close(): Promise<void> } {
  let service: Service | null = null;
  const dataDir = resolveDataDir({ flag: global.dataDir, env: io.env, platform: io.platform, home: io.home });
  const json = !!global.json;
  return {
    io,
    json,
    dataDir,
    service() {
      service ??= createService({ dataDir, resourcesDir: checkoutResourcesDir, mode: 'cli' });
      return service;
    },
    print(value, human) {
      io.stdout.write(json ? JSON.stringify(value, null, 2) + '\n' : human().replace(/\n?$/, '\n'));
    },
    note(line) {
      if (!json) io.stderr.write(line + '\n');
    },
    async close() {
      await service?.close();
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
