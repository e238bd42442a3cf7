import { Writable } from 'node:stream';
import { run } from '../../src/cli/main';
import type { CliIO } from '../../src/cli/context';
import { checkoutResourcesDir } from '../../src/server/resources';

/** Output captured from one in-process `cfc` run. */
export interface CfcRun {
  code: number;
  stdout: string;
  stderr: string;
}

export interface CfcOptions {
  /** The working folder (also the home folder). */
  cwd: string;
  /** Added to this process's environment (CFC_DATA_DIR is cleared: tests name the data folder). */
  env?: Record<string, string | undefined>;
  /** Whether stdout and stderr look like a terminal (the progress line is drawn only then). */
  tty?: boolean;
}

/** An io for `run(argv, io)` that collects what `cfc` writes. */
export function captureIO(opts: CfcOptions): { io: CliIO; out(): string; err(): string } {
  let out = '';
  let err = '';
  const sink = (add: (s: string) => void) =>
    Object.assign(
      new Writable({
        write(chunk: Buffer | string, _enc, cb) {
          add(chunk.toString());
          cb();
        },
      }),
      { isTTY: !!opts.tty },
    );
  return {
    io: {
      stdout: sink((s) => (out += s)),
      stderr: sink((s) => (err += s)),
      env: { ...process.env, CFC_DATA_DIR: '', NO_COLOR: '1', ...opts.env },
      cwd: opts.cwd,
      platform: process.platform,
      home: opts.cwd,
      resourcesDir: checkoutResourcesDir,
    },
    out: () => out,
    err: () => err,
  };
}

/** Runs `cfc ARGS` in this process, through the same `run(argv, io)` the bin calls: exit status and output. */
export async function cfcInProcess(args: string[], opts: CfcOptions): Promise<CfcRun> {
  const c = captureIO(opts);
  const code = await run(args, c.io);
  return { code, stdout: c.out(), stderr: c.err() };
}
