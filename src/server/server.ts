import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Service } from '../api/service';
import type { ApiErrorShape, CallResult } from '../api/errors';
import { ErrorCodes } from '../api/errors';
import { CSP } from '../api/csp';
import { resolveFileRoute, routeStream } from '../api/fileRoute';
import { isJobId, type Jobs } from '../api/jobs';


const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.ttf': 'font/ttf',
};



const MAX_BODY = 16 * 1024 * 1024;

export interface ServerOptions {
  /** The service, or the worker host that runs it (src/api/host): the server only routes calls and streams files. */
  service: Pick<Service, 'dispatch' | 'files'> & { jobs: Jobs };
  /** The built renderer (out/renderer). */
  staticDir: string;
  port?: number;
  /** The launch token (random when not given): one-time in the address, and the bearer for scripts. */
  token?: string;
}

export interface RunningServer {
  /** The address to open: it carries the token once, the server then keeps it in a cookie. */
  url: string;
  origin: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

const unauthorized: ApiErrorShape = {
  code: ErrorCodes.unauthorized,
  message: {
    vi: 'Phiên làm việc không hợp lệ: hãy mở lại địa chỉ mà ứng dụng đã in ra.',
    en: 'Not authorised: open the address the app printed again.',
  },
};

function statusOf(r: CallResult<unknown>): number {
  if (r.ok) return 200;
  switch (r.error.code) {
    case ErrorCodes.internal:
      return 500;
    case ErrorCodes.unknownCall:
    case ErrorCodes.notFound:
      return 404;
    case ErrorCodes.unauthorized:
      return 401;
    default:
      return 400;
  }
}

function lowerCaseKeys(h: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(h).map(([k, v]) => [k.toLowerCase(), v]));
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && crypto.timingSafeEqual(x, y);
}

/** The value of one cookie of the request, or null. */
function cookieValue(req: http.IncomingMessage, name: string): string | null {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return v.join('=');
  }
  return null;
}

const text = 'text/plain; charset=utf-8';

/**
 * Browser mode: one Node process serves the built renderer and the contract over HTTP on 127.0.0.1, guarded by a
 * per-run launch token. `GET /?token=…` works once: it exchanges the token for a separate random session secret, set
 * as an HttpOnly, SameSite=Strict cookie named for this port (`cfc_session_<port>`: cookies ignore ports, so two
 * instances on one machine would otherwise overwrite each other's), and redirects to `/`; the address, once used, is
 * worth nothing to whoever reads it later from the history (opened again in the same browser, it just redirects). Every
 * `POST /api/<call>` needs that cookie (or `Authorization: Bearer <launch token>` for scripts) and the custom header
 * `X-CFC-Call: 1`. The Host header must be this server's own (no DNS rebinding), and a cross-origin `Origin` is refused.
 * Files travel outside the JSON calls, under the same guard: `PUT /upload` streams evidence into staging,
 * `GET /evidence/<id>` serves an evidence file (images and PDFs inline, the rest as downloads), `GET /reports/<name>` a
 * generated report, `GET /exports/<name>` an exported signed package.
 * Jobs (src/api/jobs.ts): a call or an upload with the header `X-CFC-Job: <id>` runs as a job; `GET /jobs/events` is
 * a Server-Sent Events stream of every job's progress (`{ job, call, progress }`), `POST /jobs/cancel` with
 * `{ "job": "<id>" }` cancels one (an unknown or finished job: nothing happens).
 */
export async function startServer(opts: ServerOptions): Promise<RunningServer> {
  const token = opts.token ?? crypto.randomBytes(24).toString('base64url');
  /** Whether the address's token was exchanged already, and the session secrets handed out (one per exchange). */
  let tokenSpent = false;
  const sessions = new Set<string>();
  const cookieName = () => `cfc_session_${port}`;
  const staticRoot = path.resolve(opts.staticDir);
  let port = 0;
  const streams = new Set<http.ServerResponse>();
  const unsubscribe = opts.service.jobs.subscribe((e) => {
    if (e.job === null) return;
    const line = `data: ${JSON.stringify(e)}\n\n`;
    for (const res of streams) res.write(line);
  });
  const okHosts = () => new Set([`127.0.0.1:${port}`, `localhost:${port}`]);

  const server = http.createServer((req, res) => {
    void handle(req, res).catch((e) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('internal error');
      process.stderr.write(`cfc web: ${(e as Error).stack ?? e}\n`);
    });
  });

  function send(res: http.ServerResponse, status: number, body: string | Buffer, type: string, extra: Record<string, string> = {}) {
    res.writeHead(status, {
      'content-type': type,
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'cross-origin-opener-policy': 'same-origin',
      'cross-origin-resource-policy': 'same-origin',
      ...extra,
    });
    res.end(body);
  }

  function sendJson(res: http.ServerResponse, status: number, value: unknown) {
    send(res, status, JSON.stringify(value), 'application/json; charset=utf-8', { 'cache-control': 'no-store' });
  }

  function authorised(req: http.IncomingMessage): boolean {
    const auth = req.headers.authorization;
    if (auth?.startsWith('Bearer ') && safeEqual(auth.slice(7), token)) return true;
    const c = cookieValue(req, cookieName());
    return c !== null && [...sessions].some((x) => safeEqual(c, x));
  }

  async function readBody(req: http.IncomingMessage): Promise<string | null> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > MAX_BODY) return null;
      chunks.push(chunk as Buffer);
    }
    return Buffer.concat(chunks).toString('utf8');
  }

  /** Checks what every non-page request needs: the token and the custom header (or, for GETs, the cookie). */
  function guard(req: http.IncomingMessage, res: http.ServerResponse, needHeader: boolean): boolean {
    const origin = req.headers.origin;
    const sameOrigin = origin === undefined || okHosts().has(origin.replace(/^http:\/\//, ''));
    if (!sameOrigin || !authorised(req) || (needHeader && req.headers['x-cfc-call'] !== '1')) {
      sendJson(res, 401, { ok: false, error: unauthorized });
      return false;
    }
    return true;
  }

  /** The job id a request carries (`X-CFC-Job`), undefined when none; null when it is malformed. */
  function jobOf(req: http.IncomingMessage): string | undefined | null {
    const h = req.headers['x-cfc-job'];
    if (h === undefined) return undefined;
    return isJobId(h) ? h : null;
  }

  function badJob(res: http.ServerResponse) {
    sendJson(res, 400, {
      ok: false,
      error: { code: ErrorCodes.invalidInput, field: 'job', message: { vi: 'Mã công việc (X-CFC-Job) không hợp lệ.', en: 'The job id (X-CFC-Job) is malformed.' } },
    });
  }

  /** `GET /jobs/events` (progress as Server-Sent Events) and `POST /jobs/cancel`. */
  async function jobs(req: http.IncomingMessage, res: http.ServerResponse, url: URL): Promise<void> {
    if (url.pathname === '/jobs/events') {
      if (req.method !== 'GET') return send(res, 405, 'GET only', text, { allow: 'GET' });
      if (!guard(req, res, false)) return;
      res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
      // The first line tells the page the stream is open: jobs started after it are followed from their first event.
      res.write('event: ready\ndata: {}\n\n');
      streams.add(res);
      req.on('close', () => streams.delete(res));
      return;
    }
    if (url.pathname !== '/jobs/cancel') return send(res, 404, 'not found', text);
    if (req.method !== 'POST') return send(res, 405, 'POST only', text, { allow: 'POST' });
    if (!guard(req, res, true)) return;
    let job: unknown;
    try {
      job = (JSON.parse((await readBody(req)) ?? '') as { job?: unknown }).job;
    } catch {
      job = undefined;
    }
    if (!isJobId(job)) return badJob(res);
    opts.service.jobs.cancel(job);
    return sendJson(res, 200, { ok: true, value: null });
  }

  /** `PUT /upload`: streams the body into the evidence staging area (never whole in memory). */
  async function upload(req: http.IncomingMessage, res: http.ServerResponse) {
    if (req.method !== 'PUT') return send(res, 405, 'PUT only', 'text/plain; charset=utf-8', { allow: 'PUT' });
    if (!guard(req, res, true)) return;
    let name: string;
    try {
      name = decodeURIComponent(String(req.headers['x-file-name'] ?? ''));
    } catch {
      name = '';
    }
    if (!name) {
      return sendJson(res, 400, {
        ok: false,
        error: { code: ErrorCodes.invalidInput, field: 'name', message: { vi: 'Thiếu tên tệp (x-file-name).', en: 'The file name (x-file-name) is missing.' } },
      });
    }
    const length = req.headers['content-length'] === undefined ? undefined : Number(req.headers['content-length']);
    const job = jobOf(req);
    if (job === null) return badJob(res);
    const result = await opts.service.files.stage(req, name, length, job);
    if (!result.ok) {
      // Tell the browser to stop sending, then answer.
      res.setHeader('connection', 'close');
    }
    return sendJson(res, statusOf(result), result);
  }

  /** `/evidence/<id>`, `/reports/<name>`, `/exports/<name>`: the one file-route resolver (src/api/fileRoute.ts). */
  async function serveRoute(req: http.IncomingMessage, res: http.ServerResponse, url: URL): Promise<boolean> {
    if (!/^\/(evidence|reports|exports)\//.test(url.pathname)) return false;
    if (!guard(req, res, false)) return true;
    const route = await resolveFileRoute(opts.service.files, url, (f) => fs.statSync(f).size);
    if (!route) return false;
    if (route.kind === 'error') {
      sendJson(res, route.status, { ok: false, error: route.error });
      return true;
    }
    res.writeHead(200, lowerCaseKeys(route.headers));
    if (req.method === 'HEAD') res.end();
    else routeStream(route).pipe(res);
    return true;
  }

  async function handle(req: http.IncomingMessage, res: http.ServerResponse) {
    if (!okHosts().has(req.headers.host ?? '')) return send(res, 421, 'wrong host', text);
    let url: URL;
    try {
      url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
      decodeURIComponent(url.pathname);
    } catch {
      return send(res, 400, 'Địa chỉ không hợp lệ / malformed address', text);
    }

    if (url.pathname.startsWith('/api/')) {
      if (req.method !== 'POST') return send(res, 405, 'POST only', 'text/plain; charset=utf-8', { allow: 'POST' });
      if (!guard(req, res, true)) return;
      const body = await readBody(req);
      if (body === null) {
        return sendJson(res, 413, {
          ok: false,
          error: { code: 'too_large', message: { vi: 'Yêu cầu quá lớn.', en: 'Request too large.' } },
        });
      }
      let input: unknown;
      try {
        input = body.trim() === '' ? {} : JSON.parse(body);
      } catch {
        return sendJson(res, 400, {
          ok: false,
          error: { code: ErrorCodes.invalidInput, message: { vi: 'Nội dung không phải JSON.', en: 'The body is not JSON.' } },
        });
      }
      const name = decodeURIComponent(url.pathname.slice('/api/'.length)); // checked above: cannot throw
      const job = jobOf(req);
      if (job === null) return badJob(res);
      const result = await opts.service.dispatch(name, input, 'ui', job);
      return sendJson(res, statusOf(result), result);
    }

    if (url.pathname === '/upload') return upload(req, res);
    if (url.pathname.startsWith('/jobs/')) return jobs(req, res, url);
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'GET only', 'text/plain; charset=utf-8');
    if (await serveRoute(req, res, url)) return;

    const given = url.searchParams.get('token');
    if (given !== null) {
      if (!safeEqual(given, token)) return send(res, 401, 'Sai mã truy cập / wrong token', text);
      if (tokenSpent) {
        // Opened again in the browser that used it: already signed in. Anywhere else: the address is spent.
        if (authorised(req)) return send(res, 303, '', text, { location: '/' });
        return send(
          res,
          401,
          'Địa chỉ này đã được dùng; hãy khởi động lại chế độ trình duyệt để có địa chỉ mới. / This address was used already; restart browser mode for a new one.',
          text,
        );
      }
      tokenSpent = true;
      const secret = crypto.randomBytes(32).toString('base64url');
      sessions.add(secret);
      return send(res, 303, '', text, {
        location: '/',
        'set-cookie': `${cookieName()}=${secret}; HttpOnly; SameSite=Strict; Path=/`,
      });
    }

    // Static files of the renderer; anything that is not a file is the app's page (client-side routes).
    let rel: string;
    try {
      rel = decodeURIComponent(url.pathname);
    } catch {
      return send(res, 400, 'bad path', 'text/plain; charset=utf-8');
    }
    let file = path.resolve(staticRoot, '.' + rel);
    if (file !== staticRoot && !file.startsWith(staticRoot + path.sep)) return send(res, 403, 'forbidden', 'text/plain; charset=utf-8');
    if (!fs.existsSync(file) || !fs.statSync(file).isFile()) file = path.join(staticRoot, 'index.html');
    if (!fs.existsSync(file)) {
      return send(res, 500, 'The renderer is not built: run `npm run build` first.', 'text/plain; charset=utf-8');
    }
    const type = TYPES[path.extname(file)] ?? 'application/octet-stream';
    const isPage = file.endsWith('.html');
    send(res, 200, fs.readFileSync(file), type, {
      ...(isPage ? { 'content-security-policy': CSP, 'cache-control': 'no-store' } : { 'cache-control': 'max-age=3600' }),
    });
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  const origin = `http://127.0.0.1:${port}`;
  return {
    url: `${origin}/?token=${token}`,
    origin,
    port,
    token,
    close: () =>
      new Promise<void>((resolve) => {
        unsubscribe();
        for (const res of streams) res.end();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
