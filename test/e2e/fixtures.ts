import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test as base, type Page } from '@playwright/test';

const root = path.resolve(__dirname, '../..');
export const screensDir = path.join(root, 'test-results', 'screens');

export interface WebApp {
  /** The address with its one-time token, as the server printed it. */
  url: string;
  origin: string;
  token: string;
  dataDir: string;
  stop(): Promise<void>;
}

/** Starts browser mode (`src/server/main.ts`) on a free port over a data directory; resolves when it prints its URL. */
export async function startWebApp(dataDir?: string): Promise<WebApp> {
  const dir = dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'cfc-e2e-'));
  const child: ChildProcess = spawn(path.join(root, 'node_modules/.bin/tsx'), ['src/server/main.ts', '--data-dir', dir], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stderr!.on('data', (d) => (err += String(d)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`browser mode did not start:\n${out}\n${err}`)), 30_000);
    child.stdout!.on('data', (d) => {
      out += String(d);
      const m = /(http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`browser mode exited with ${code}:\n${out}\n${err}`));
    });
  });
  const u = new URL(url);
  return {
    url,
    origin: u.origin,
    token: u.searchParams.get('token')!,
    dataDir: dir,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** A screenshot of the whole page under test-results/screens/, named for the step. */
export async function shot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(screensDir, { recursive: true });
  await page.screenshot({ path: path.join(screensDir, `${name}.png`), fullPage: true });
}

export const test = base.extend<{ app: WebApp }>({
  // eslint-disable-next-line no-empty-pattern
  app: async ({}, use) => {
    const app = await startWebApp();
    await use(app);
    await app.stop();
    fs.rmSync(app.dataDir, { recursive: true, force: true });
  },
});

export { expect } from '@playwright/test';

/** Calls the contract over browser mode's HTTP API (the way the page does, with the token as a bearer). */
export async function callApi<T = unknown>(app: WebApp, name: string, input: unknown): Promise<T> {
  const res = await fetch(`${app.origin}/api/${name}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${app.token}`, 'x-cfc-call': '1', 'content-type': 'application/json' },
    body: JSON.stringify(input),
  });
  const body = (await res.json()) as { ok: boolean; value?: T; error?: { code: string; message: { en: string } } };
  if (!body.ok) throw new Error(`${name}: ${body.error?.code} ${body.error?.message.en}`);
  return body.value as T;
}

/** The commune profile the workspace tests start from: Xã Càng Long (29266), Tỉnh Vĩnh Long (catalogue of 01/07/2025). */
export async function setCommuneProfile(app: WebApp, unitCode = '29266'): Promise<void> {
  await callApi(app, 'profile.set', {
    role: 'commune',
    unitCode,
    organisation: 'Ủy ban nhân dân Xã Càng Long',
    userName: 'Nguyễn Thị Hồng',
    userTitle: 'Công chức Văn hóa - Xã hội',
  });
}

/** Uploads a file the way the page does (PUT /upload into staging): its staged id. */
export async function stageFile(app: WebApp, file: string): Promise<string> {
  const res = await fetch(`${app.origin}/upload`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${app.token}`, 'x-cfc-call': '1', 'x-file-name': encodeURIComponent(path.basename(file)), 'content-type': 'application/octet-stream' },
    body: fs.readFileSync(file),
  });
  const body = (await res.json()) as { ok: boolean; value?: { stagedId: string }; error?: { code: string; message: { en: string } } };
  if (!body.ok) throw new Error(`upload ${path.basename(file)}: ${body.error?.code} ${body.error?.message.en}`);
  return body.value!.stagedId;
}

/** Imports package files over HTTP as the page does: staged uploads, then `packages.import` (the UI contract takes no path). */
export async function importPackageFiles<T = unknown>(app: WebApp, files: string[], decision: Record<string, unknown> = {}): Promise<T> {
  const stagedIds: string[] = [];
  for (const f of files) stagedIds.push(await stageFile(app, f));
  return callApi<T>(app, 'packages.import', { stagedIds, ...decision });
}

/**
 * Waits until what is inside `root` has stopped moving — its box and its charts' SVG the same over five animation
 * frames in a row (a drawer sliding in, charts animating) — for a screenshot of the finished screen rather than of an
 * animation half-way: an event of the page, not a fixed time.
 */
export async function settled(page: Page, root = 'body'): Promise<void> {
  await page.waitForFunction(
    (sel) => {
      const w = window as unknown as { __cfcSettled?: { seen: string; same: number } };
      const el = document.querySelector(sel);
      if (!el) return false;
      const r = el.getBoundingClientRect();
      const seen = `${r.x},${r.y},${r.width},${r.height}|` + [...el.querySelectorAll('.recharts-wrapper svg')].map((s) => s.innerHTML).join('');
      const prev = w.__cfcSettled;
      w.__cfcSettled = { seen, same: prev && prev.seen === seen ? prev.same + 1 : 0 };
      return w.__cfcSettled.same >= 5;
    },
    root,
    { polling: 'raf' },
  );
}

/** Where an exported package lies in the app's data folder (the page is told only its name: `/exports/<fileName>`). */
export function exportedFile(app: WebApp, fileName: string): string {
  return path.join(app.dataDir, 'exports', fileName);
}
