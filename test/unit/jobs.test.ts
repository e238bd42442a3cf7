/**
 * The jobs' plumbing (src/api/jobs.ts) and its IPC glue (electron/jobs.ts): cancel before and during a job, the
 * progress throttle, and the Electron channels (sender checked, job id checked, progress pushed to the app window only).
 */
import { describe, expect, it } from 'vitest';
import { JobRegistry, progressThrottle, type JobEvent } from '../../src/api/jobs';
import type { Progress } from '../../src/api/context';

const p = (index: number, bytes: number, size = 1000, total = 2): Progress => ({ index, total, label: `f${index}`, bytes, size });

describe('JobRegistry', () => {
  it('a cancel aborts the running job only; a finished or unknown job is harmless', () => {
    const r = new JobRegistry();
    const a = r.begin('job-aaaaaaaa', 'x');
    const b = r.begin('job-bbbbbbbb', 'x');
    r.cancel('job-aaaaaaaa');
    expect(a.signal.aborted).toBe(true);
    expect(b.signal.aborted).toBe(false);
    b.end();
    r.cancel('job-bbbbbbbb');
    expect(b.signal.aborted).toBe(false);
    // A call without a job id is never cancelled.
    const none = r.begin(null, 'x');
    r.cancel('null');
    expect(none.signal.aborted).toBe(false);
  });

  it('ended(id) settles when that job ends, not before; at once for a job that is not running', async () => {
    const r = new JobRegistry();
    const a = r.begin('job-cccccccc', 'x');
    const b = r.begin('job-dddddddd', 'x');
    const order: string[] = [];
    const waits = [r.ended('job-cccccccc').then(() => order.push('c')), r.ended('job-cccccccc').then(() => order.push('c2'))];
    void r.ended('job-dddddddd').then(() => order.push('d'));
    await Promise.resolve();
    expect(order).toEqual([]);
    b.end();
    await Promise.resolve();
    expect(order).toEqual(['d']);
    a.end();
    await Promise.all(waits);
    expect(order).toEqual(['d', 'c', 'c2']);
    await r.ended('job-unknown-1');
    await r.ended('job-cccccccc');
  });

  it('a cancel that arrives before its call (two HTTP requests) makes the call start cancelled; a malformed id is ignored', () => {
    const r = new JobRegistry();
    r.cancel('early-job-1');
    expect(r.begin('early-job-1', 'x').signal.aborted).toBe(true);
    // Remembered once: the same id again starts fresh.
    expect(r.begin('early-job-1', 'x').signal.aborted).toBe(false);
    r.cancel('../../x');
    expect(r.begin('../../x', 'x').signal.aborted).toBe(false);
  });

  it('progress events carry the job id and the call, to the forwarder and to every subscriber until it leaves', () => {
    const forwarded: JobEvent[] = [];
    const seen: JobEvent[] = [];
    const r = new JobRegistry((e) => forwarded.push(e));
    const stop = r.subscribe((e) => seen.push(e));
    const j = r.begin('job-cccccccc', 'packages.export');
    j.progress(p(0, 0));
    stop();
    j.progress(p(1, 0));
    expect(seen).toEqual([{ job: 'job-cccccccc', call: 'packages.export', progress: p(0, 0) }]);
    expect(forwarded.map((e) => e.progress.index)).toEqual([0, 1]);
  });
});

describe('progressThrottle', () => {
  it('keeps the first and last event of each item and at most one per 1/200 of its size, in order', () => {
    const out: Progress[] = [];
    const emit = progressThrottle((x) => out.push(x));
    for (let b = 0; b <= 1000; b++) emit(p(0, b));
    for (let b = 0; b <= 1000; b += 250) emit(p(1, b));
    const first = out.filter((x) => x.index === 0);
    expect(first[0]!.bytes).toBe(0);
    expect(first.at(-1)!.bytes).toBe(1000);
    expect(first.length).toBeLessThanOrEqual(202);
    expect(first.length).toBeGreaterThan(100);
    expect(out.filter((x) => x.index === 1).map((x) => x.bytes)).toEqual([0, 250, 500, 750, 1000]);
  });
});

describe('bindJobs (Electron IPC)', () => {
  type Handler = (event: unknown, ...args: unknown[]) => unknown;
  const appEvent = { sender: { id: 7 } };

  async function setup() {
    const { bindJobs } = await import('../../electron/jobs');
    const handlers = new Map<string, Handler>();
    const sent: [string, unknown][] = [];
    const dispatched: unknown[][] = [];
    const cancelled: string[] = [];
    const registry = new JobRegistry();
    const contents = { isDestroyed: () => false, send: (channel: string, e: unknown) => sent.push([channel, e]) };
    const unbind = bindJobs({
      ipc: { handle: (c: string, f: Handler) => void handlers.set(c, f), removeHandler: (c: string) => void handlers.delete(c) } as never,
      service: {
        dispatch: async (...args: unknown[]) => (dispatched.push(args), { ok: true, value: null }),
        jobs: { cancel: (id: string) => void cancelled.push(id), subscribe: (l: (e: JobEvent) => void) => registry.subscribe(l) },
      } as never,
      trustedContents: () => contents as never,
      isTrusted: (event) => (event as unknown as typeof appEvent).sender.id === 7,
    });
    return { handlers, sent, dispatched, cancelled, registry, unbind };
  }

  it('runs a UI call as a job with its id beside the input; refuses another sender or a malformed id', async () => {
    const s = await setup();
    const call = s.handlers.get('cfc-jobs:call')!;
    expect(await call(appEvent, 'packages.export', { id: 'x' }, 'job-dddddddd')).toEqual({ ok: true, value: null });
    expect(s.dispatched).toEqual([['packages.export', { id: 'x' }, 'ui', 'job-dddddddd']]);
    expect(await call({ sender: { id: 8 } }, 'app.info', {}, 'job-dddddddd')).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    expect(await call(appEvent, 'app.info', {}, 'bad id')).toMatchObject({ ok: false, error: { code: 'invalid_input', field: 'job' } });
    expect(s.dispatched).toHaveLength(1);
    s.unbind();
  });

  it('cancels only for the app window; pushes job progress (not untagged progress) to it; unbind removes everything', async () => {
    const s = await setup();
    const cancel = s.handlers.get('cfc-jobs:cancel')!;
    cancel({ sender: { id: 8 } }, 'job-eeeeeeee');
    cancel(appEvent, 'job-eeeeeeee');
    expect(s.cancelled).toEqual(['job-eeeeeeee']);
    s.registry.begin('job-eeeeeeee', 'backup.start').progress(p(0, 5));
    s.registry.begin(null, 'backup.create').progress(p(0, 5));
    expect(s.sent).toEqual([['cfc-jobs:progress', { job: 'job-eeeeeeee', call: 'backup.start', progress: p(0, 5) }]]);
    s.unbind();
    expect(s.handlers.size).toBe(0);
    s.registry.begin('job-ffffffff', 'x').progress(p(0, 1));
    expect(s.sent).toHaveLength(1);
  });
});
