/**
 * Browser mode's job channel as the page uses it, for tests: `GET /jobs/events` (Server-Sent Events) read event by
 * event, `POST /jobs/cancel`, and calls under a job id. One reader for every HTTP job test.
 */
import { expect } from 'vitest';
import type { JobEvent } from '../../src/api/jobs';
import type { RunningServer } from '../../src/server/server';

/** The headers of a script's call: the launch token as bearer and the custom header. */
export const httpAuth = (server: RunningServer) => ({ authorization: `Bearer ${server.token}`, 'x-cfc-call': '1', 'content-type': 'application/json' });

/** Reads the SSE stream; `onEvent` sees each `data:` event; resolves, with a close function, once the stream says it is ready. */
export async function jobEvents(server: RunningServer, onEvent: (e: JobEvent) => void): Promise<() => void> {
  const controller = new AbortController();
  const res = await fetch(`${server.origin}/jobs/events`, { headers: { authorization: `Bearer ${server.token}` }, signal: controller.signal });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toContain('text/event-stream');
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  let ready!: () => void;
  const isReady = new Promise<void>((r) => (ready = r));
  void (async () => {
    for (;;) {
      const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
      if (done) return;
      buffer += decoder.decode(value, { stream: true });
      let at: number;
      while ((at = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, at);
        buffer = buffer.slice(at + 2);
        if (block.startsWith('event: ready')) ready();
        else if (block.startsWith('data: ')) onEvent(JSON.parse(block.slice(6)) as JobEvent);
      }
    }
  })();
  await isReady;
  return () => controller.abort();
}

/** One call as the page makes it (`POST /api/<call>`), under a job id when given; the parsed answer. */
export async function httpCall(server: RunningServer, call: string, input: unknown, job?: string): Promise<{ ok: boolean; value?: Record<string, unknown>; error?: { code: string } }> {
  const res = await fetch(`${server.origin}/api/${call}`, { method: 'POST', headers: { ...httpAuth(server), ...(job ? { 'x-cfc-job': job } : {}) }, body: JSON.stringify(input) });
  return (await res.json()) as { ok: boolean; value?: Record<string, unknown>; error?: { code: string } };
}

/** Asks the server to cancel a job (the page's Cancel button). */
export function cancelJob(server: RunningServer, job: string): Promise<Response> {
  return fetch(`${server.origin}/jobs/cancel`, { method: 'POST', headers: httpAuth(server), body: JSON.stringify({ job }) });
}
