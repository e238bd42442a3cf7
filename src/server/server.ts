import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Service } from '../api/service';
import type { ApiErrorShape, CallResult } from '../api/errors';
import { ErrorCodes } from '../api/errors';
import { CSP } from '../api/csp';
import { downloadType } from '../api/downloads';


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

const COOKIE = 'cfc_token';


const MAX_BODY = 16 * 1024 * 1024;

export interface ServerOptions {
  service: Service;
  /** The built renderer (out/renderer). */
  staticDir: string;
  port?: number;
  /** A random token is made when none is given. */
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

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && crypto.timingSafeEqual(x, y);
}

function cookieToken(req: http.IncomingMessage): string | null {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === COOKIE) return v.join('=');
  }
  return null;
}

/**
 * Browser mode: one Node process serves the built renderer and the contract over HTTP on 127.0.0.1, guarded by a
 * per-run token. `GET /?token=…` sets the token as an HttpOnly, SameSite=Strict cookie and redirects to `/`; every
 * `POST /api/<call>` needs that cookie (or `Authorization: Bearer <token>` for scripts) and the custom header
 * `X-CFC-Call: 1`. The Host header must be this server's own (no DNS rebinding), and a cross-origin `Origin` is refused.
 * Files travel outside the JSON calls, under the same guard: `PUT /upload` streams evidence into staging,
 * `GET /evidence/<id>` serves an evidence file (images and PDFs inline, the rest as downloads), `GET /reports/<name>` a
 * generated report, `GET /exports/<name>` an exported signed package.
 */
export async function startServer(opts: ServerOptions): Promise<RunningServer> {
  const token = opts.token ?? crypto.randomBytes(24).toString('base64url');
  const staticRoot = path.resolve(opts.staticDir);
  let port = 0;
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
    const c = cookieToken(req);
    return c !== null && safeEqual(c, token);
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
    const result = await opts.service.files.stage(req, name, length);
    if (!result.ok) {
      // Tell the browser to stop sending, then answer.
      res.setHeader('connection', 'close');
    }
    return sendJson(res, statusOf(result), result);
  }

  async function serveFile(req: http.IncomingMessage, res: http.ServerResponse, file: string, type: string, name: string, inline: boolean) {
    const size = fs.statSync(file).size;
    const encoded = encodeURIComponent(name).replace(/['()]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
    res.writeHead(200, {
      'content-type': type,
      'content-length': String(size),
      'content-disposition': `${inline ? 'inline' : 'attachment'}; filename*=UTF-8''${encoded}`,
      'x-content-type-options': 'nosniff',
      'cache-control': 'private, max-age=60',
      'referrer-policy': 'no-referrer',
    });
    if (req.method === 'HEAD') return res.end();
    fs.createReadStream(file).pipe(res);
  }

  async function serveEvidence(req: http.IncomingMessage, res: http.ServerResponse, id: string, download: boolean) {
    if (!guard(req, res, false)) return;
    const r = await opts.service.files.evidence(id);
    if (!r.ok) return sendJson(res, statusOf(r), r);
    const inline = !download && (r.value.mediaType === 'application/pdf' || /^image\/(png|jpeg|gif|webp|bmp)$/.test(r.value.mediaType));
    return serveFile(req, res, r.value.path, r.value.mediaType, r.value.name, inline);
  }

  /** A generated report (`/reports/<name>`) or an exported package (`/exports/<name>`), as a download. */
  async function serveDownload(req: http.IncomingMessage, res: http.ServerResponse, folder: 'reports' | 'exports', fileName: string) {
    if (!guard(req, res, false)) return;
    let name: string;
    try {
      name = decodeURIComponent(fileName);
    } catch {
      return send(res, 400, 'bad name', 'text/plain; charset=utf-8');
    }
    const r = folder === 'reports' ? await opts.service.files.report(name) : await opts.service.files.exported(name);
    if (!r.ok) return sendJson(res, statusOf(r), r);
    return serveFile(req, res, r.value.path, downloadType(name), name, false);
  }

  async function handle(req: http.IncomingMessage, res: http.ServerResponse) {
    if (!okHosts().has(req.headers.host ?? '')) return send(res, 421, 'wrong host', 'text/plain; charset=utf-8');
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);

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
      const name = decodeURIComponent(url.pathname.slice('/api/'.length));
      const result = await opts.service.dispatch(name, input, 'ui');
      return sendJson(res, statusOf(result), result);
    }

    if (url.pathname === '/upload') return upload(req, res);
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'GET only', 'text/plain; charset=utf-8');
    const evidence = /^\/evidence\/([0-9a-f-]{36})$/.exec(url.pathname);
    if (evidence) return serveEvidence(req, res, evidence[1]!, url.searchParams.has('download'));
    const download = /^\/(reports|exports)\/([^/]+)$/.exec(url.pathname);
    if (download) return serveDownload(req, res, download[1] as 'reports' | 'exports', download[2]!);

    const given = url.searchParams.get('token');
    if (given !== null) {
      if (!safeEqual(given, token)) return send(res, 401, 'Sai mã truy cập / wrong token', 'text/plain; charset=utf-8');
      return send(res, 303, '', 'text/plain; charset=utf-8', {
        location: '/',
        'set-cookie': `${COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`,
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
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
