import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ApiCallError, toApiError } from '../api/errors';
import { startServiceHost } from '../api/host/host';
import { resolveDataDir } from '../core/paths';
import { checkoutResourcesDir, chooseResourcesDir } from './resources';
import { startServer } from './server';

const USAGE = `npm run web -- [--port N] [--data-dir DIR] [--resources DIR] [--static DIR]
  Chế độ trình duyệt / browser mode: serves the app and its contract on http://127.0.0.1 (a free port unless given).
  --resources: the app's resources (catalogues, criteria packs, fonts; CFC_RESOURCES_DIR; default: this checkout's)
  --static: the built page (default: this checkout's out/renderer)`;

/** `npm run web`: browser mode on 127.0.0.1. Prints the address (with its one-time token) to open. */
async function main() {
  let args;
  try {
    args = parseArgs({
      options: {
        port: { type: 'string' },
        'data-dir': { type: 'string' },
        static: { type: 'string' },
        resources: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }).values;
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n${USAGE}\n`);
    process.exit(2);
  }
  if (args.help) {
    process.stdout.write(USAGE + '\n');
    return;
  }
  const port = args.port === undefined ? 0 : Number(args.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    process.stderr.write(`--port: not a port number: ${args.port}\n`);
    process.exit(2);
  }
  // Passed in (like the CLI's bin and the desktop app do); a checkout's own folder by default.
  const { dir: resourcesDir, problem } = chooseResourcesDir(args.resources, process.env);
  if (problem) {
    process.stderr.write(`--resources: ${problem}\n`);
    process.exit(2);
  }
  const dataDir = resolveDataDir({ flag: args['data-dir'], env: process.env, platform: process.platform, home: os.homedir() });
  // The service runs in a worker thread; this thread only serves HTTP, routes calls and streams files.
  const service = startServiceHost({
    dataDir,
    resourcesDir,
    mode: 'browser',
    onInternalError: (name, message) => process.stderr.write(`cfc web: ${name}: ${message}\n`),
  });
  try {
    await service.open();
  } catch (e) {
    const err = e instanceof ApiCallError ? e.error : toApiError(e);
    process.stderr.write(err ? `Lỗi: ${err.message.vi}\nError: ${err.message.en}\n` : `${(e as Error).stack}\n`);
    process.exit(1);
  }
  const server = await startServer({
    service,
    staticDir: args.static ?? path.resolve(checkoutResourcesDir, '../out/renderer'),
    port,
  });
  process.stdout.write(
    `Ứng dụng đang chạy ở chế độ trình duyệt / browser mode is running.\n` +
      `Dữ liệu / data: ${dataDir}\n` +
      `Mở địa chỉ này / open this address: ${server.url}\n`,
  );
  const stop = async () => {
    await server.close();
    await service.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}

void main();
