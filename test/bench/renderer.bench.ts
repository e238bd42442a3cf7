/**
 * Benchmark: the renderer's first contentful paint in headless Chromium here, and the JavaScript the first screen
 * loads, beside a reference measured in the same run: the FCP of a one-line static page served from the same machine
 * (the floor of this browser on this machine). Needs `npm run build` first (it reads out/renderer). Prints figures and
 * ratios, asserts nothing. Run: `npm run bench:renderer [-- RUNS]`.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { chromium, type Browser } from 'playwright-core';

const root = path.resolve(import.meta.dirname, '../..');
const RUNS = Number(process.argv[2] ?? 5);
const rendererDir = path.join(root, 'out/renderer');
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** What index.html makes the browser fetch before the first screen: its module script and the modules it preloads. */
function initialJs(): { files: string[]; raw: number; gzip: number } {
  const html = fs.readFileSync(path.join(rendererDir, 'index.html'), 'utf8');
  const files = [...html.matchAll(/<(?:script[^>]*src|link[^>]*rel="modulepreload"[^>]*href)="\.?\/?([^"]+\.js)"/g)].map((m) => m[1]!);
  let raw = 0;
  let gzip = 0;
  for (const f of files) {
    const bytes = fs.readFileSync(path.join(rendererDir, f));
    raw += bytes.length;
    gzip += zlib.gzipSync(bytes, { level: 9 }).length;
  }
  return { files, raw, gzip };
}

/** Browser mode over a fresh data folder; resolves with the address it prints (its one-time token included). */
function startApp(dataDir: string): Promise<{ url: string; stop(): void }> {
  const child = spawn(path.join(root, 'node_modules/.bin/tsx'), ['src/server/main.ts', '--data-dir', dataDir], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += String(d);
      const m = /(http:\/\/127\.0\.0\.1:\d+\/\S*)/.exec(out);
      if (m) resolve({ url: m[1]!, stop: () => child.kill('SIGTERM') });
    });
    child.once('exit', (code) => reject(new Error(`browser mode exited with ${code}: ${out}`)));
  });
}

/** The reference page: one line of text, no script. */
function startReference(): Promise<{ url: string; stop(): void }> {
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end('<!doctype html><html lang="vi"><body><p>Xã phù hợp với trẻ em</p></body></html>');
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      resolve({ url: `http://127.0.0.1:${port}/`, stop: () => server.close() });
    }),
  );
}

/** First contentful paint of a URL in a fresh browser context (nothing cached), in ms. */
async function fcp(browser: Browser, url: string): Promise<number> {
  const context = await browser.newContext({ locale: 'vi-VN' });
  const page = await context.newPage();
  await page.goto(url);
  const value = await page.evaluate(
    () =>
      new Promise<number>((resolve) => {
        const seen = performance.getEntriesByName('first-contentful-paint')[0];
        if (seen) return resolve(seen.startTime);
        new PerformanceObserver((list) => {
          const e = list.getEntriesByName('first-contentful-paint')[0];
          if (e) resolve(e.startTime);
        }).observe({ type: 'paint', buffered: true });
      }),
  );
  await context.close();
  return value;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main() {
  if (!fs.existsSync(path.join(rendererDir, 'index.html'))) {
    console.error('out/renderer is missing: run `npm run build` first.');
    process.exit(2);
  }
  const js = initialJs();
  console.log(`initial JavaScript: ${js.files.length} files, ${(js.raw / 1024).toFixed(0)} KB, ${(js.gzip / 1024).toFixed(0)} KB gzip (${js.files.join(', ')})`);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cfc-bench-fcp-'));
  const browser = await chromium.launch({ executablePath: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium', args: FLAGS });
  const ref = await startReference();
  try {
    const refTimes: number[] = [];
    const appTimes: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      refTimes.push(await fcp(browser, ref.url));
      // A new instance each run: the address's token is for one use.
      const app = await startApp(dataDir);
      try {
        appTimes.push(await fcp(browser, app.url));
      } finally {
        app.stop();
      }
    }
    const r = median(refTimes);
    const a = median(appTimes);
    console.log(`reference page FCP: median ${r.toFixed(0)} ms (${refTimes.map((t) => t.toFixed(0)).join(', ')})`);
    console.log(`app first screen FCP: median ${a.toFixed(0)} ms (${appTimes.map((t) => t.toFixed(0)).join(', ')})`);
    console.log(`ratio app / reference: ${(a / r).toFixed(2)}×`);
  } finally {
    ref.stop();
    await browser.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

void main();
