/**
 * Browser mode's HTTP transport (src/renderer/src/api.ts): a connection that breaks, before the answer or while its
 * body is read, is `offline` (the autosave retries it), never an unexplained error taken for the core's refusal.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiCallError } from '../../src/api/errors';
import type { api as Api } from '../../src/renderer/src/api';

const g = globalThis as unknown as { window?: object; fetch: typeof fetch };
const realFetch = g.fetch;
let api: typeof Api;
let next: () => Promise<Response>;

beforeAll(async () => {
  g.window = {}; // browser mode: no bridge
  g.fetch = (() => next()) as typeof fetch;
  ({ api } = await import('../../src/renderer/src/api'));
});
afterAll(() => {
  g.fetch = realFetch;
  delete g.window;
});

const failure = async (): Promise<ApiCallError> => (await api.call('units.search', { query: 'cang long' }).catch((e: unknown) => e)) as ApiCallError;

describe('the HTTP transport', () => {
  it('answers as the core said when the answer arrives whole', async () => {
    next = async () => new Response(JSON.stringify({ ok: false, error: { code: 'invalid_input', field: 'query', message: { vi: 'x', en: 'x' } } }));
    expect((await failure()).error).toMatchObject({ code: 'invalid_input', field: 'query' });
    next = async () => new Response(JSON.stringify({ ok: true, value: { items: [] } }));
    expect(await api.call('units.search', { query: 'cang long' })).toEqual({ items: [] });
  });

  it('no connection, or one broken while the body is read, is offline', async () => {
    next = async () => Promise.reject(new TypeError('Failed to fetch'));
    expect((await failure()).error.code).toBe('offline');
    next = async () => ({ ok: true, status: 200, json: () => Promise.reject(new TypeError('Failed to fetch')) }) as unknown as Response;
    expect((await failure()).error.code).toBe('offline');
  });
});
