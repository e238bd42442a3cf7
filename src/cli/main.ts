import os from 'node:os';
import { Command, CommanderError } from 'commander';
import { appMeta } from '../api/meta';
import { createCliContext, Exit, formatError, rejectionOf, UsageError, type CliContext, type CliIO } from './context';
import { registerInfo } from './commands/info';
import { registerUnits } from './commands/units';
import { registerScore } from './commands/score';
import { registerPack } from './commands/pack';
import { registerKeys } from './commands/keys';
import { registerTrust } from './commands/trust';
import { registerPackage } from './commands/package';
import { registerReport } from './commands/report';
import { registerBackup } from './commands/backup';

/** Each command module adds its commands; `ctx()` gives the context built from the global options. */
export type Register = (program: Command, ctx: () => CliContext) => void;

const registrations: Register[] = [registerInfo, registerUnits, registerScore, registerPack, registerKeys, registerTrust, registerPackage, registerReport, registerBackup];

/**
 * Runs `cfc` with these arguments and returns the exit status: 0 success, 1 input rejected, 2 usage error.
 * Everything goes through `io`, so tests run it in-process.
 */
export async function run(argv: string[], io: CliIO): Promise<number> {
  const program = new Command('cfc');
  const state: { context: (CliContext & { close(): Promise<void> }) | null } = { context: null };
  const ctx = () => (state.context ??= createCliContext(io, program.opts<{ dataDir?: string; json?: boolean }>()));
  program
    .description(
      'Đánh giá xã, phường, thị trấn phù hợp với trẻ em (QĐ 06/QĐ-TTg 2019) — child-friendly commune assessment.\n' +
        'Trạng thái thoát / exit status: 0 thành công / success; 1 dữ liệu bị từ chối, không ghi gì / input rejected, nothing written; 2 sai cú pháp / usage error.',
    )
    .version(appMeta.version, '-V, --version', 'phiên bản / print the version')
    .helpOption('-h, --help', 'trợ giúp / show help')
    .option('--data-dir <dir>', 'thư mục dữ liệu / data directory (default: $CFC_DATA_DIR, else the app user-data folder)')
    .option('--json', 'kết quả dạng JSON / machine-readable output')
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
    });
  program.addHelpCommand(false);
  for (const register of registrations) register(program, ctx);
  for (const cmd of program.commands) cmd.exitOverride().configureOutput(program.configureOutput());

  try {
    await program.parseAsync(argv, { from: 'user' });
    return Exit.ok;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return Exit.ok;
      return Exit.usage;
    }
    if (e instanceof UsageError) {
      io.stderr.write(`error: ${e.message}\n`);
      return Exit.usage;
    }
    const err = rejectionOf(e);
    if (!err) throw e;
    io.stderr.write(state.context?.json || argv.includes('--json') ? JSON.stringify({ ok: false, error: err }, null, 2) + '\n' : formatError(err));
    return Exit.rejected;
  } finally {
    await state.context?.close();
  }
}

/** The process entry: `out/cli/cfc.cjs`, `src/cli/bin.cjs` or the packaged app's `--cli` mode pass the resources folder. */
export async function main(opts: { resourcesDir: string; argv?: string[]; secrets?: CliIO['secrets'] }): Promise<void> {
  const code = await run(opts.argv ?? process.argv.slice(2), {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    cwd: process.cwd(),
    platform: process.platform,
    home: os.homedir(),
    resourcesDir: opts.resourcesDir,
    ...(opts.secrets ? { secrets: opts.secrets } : {}),
    // Ctrl-C while a long call runs cancels it (cleanly: exit 1, nothing left); otherwise Node's default (exit).
    interrupts: (cancel) => {
      process.on('SIGINT', cancel);
      return () => process.off('SIGINT', cancel);
    },
  });
  process.exitCode = code;
}
