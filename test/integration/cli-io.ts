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
  /** Ctrl-C is pressed once, when the first progress line (`\r`, then text) appears on stderr. */
  ctrlCAtFirstProgress?: boolean;
}

/** An io for `run(argv, io)` that collects what `cfc` writes (and presses Ctrl-C when asked: `pressed()` times). */
export function captureIO(opts: CfcOptions): { io: CliIO; out(): string; err(): string; pressed(): number } {
  let out = '';
  let err = '';
  let onInterrupt: (() => void) | null = null;
  let pressed = 0;
  const onErr = (c: string) => {
    err += c;
    if (opts.ctrlCAtFirstProgress && pressed === 0 && c.startsWith('\r\x1b[K') && c.length > 4 && onInterrupt) {
      pressed++;
      onInterrupt();
    }
  };
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
      stderr: sink(onErr),
      env: { ...process.env, CFC_DATA_DIR: '', NO_COLOR: '1', ...opts.env },
      cwd: opts.cwd,
      platform: process.platform,
      home: opts.cwd,
      resourcesDir: checkoutResourcesDir,
      interrupts: (cancel) => {
        onInterrupt = cancel;
        return () => (onInterrupt = null);
      },
    },
    out: () => out,
    err: () => err,
    pressed: () => pressed,
  };
}

/** Runs `cfc ARGS` in this process, through the same `run(argv, io)` the bin calls: exit status and output. */
export async function cfcInProcess(args: string[], opts: CfcOptions): Promise<CfcRun> {
  const c = captureIO(opts);
  const code = await run(args, c.io);
  return { code, stdout: c.out(), stderr: c.err() };
}
