import { describe, expect, it } from 'vitest';
import type { ApiErrorShape } from '../../../src/api/errors';
import { Autosave, PENDING_PREFIX, type Clock, type KeyValue } from '../../../src/renderer/src/autosave/queue';

/** A clock whose timers run only when the test advances it. */
function fakeClock() {
  let now = 1_000_000;
  let seq = 0;
  const timers = new Map<number, { at: number; fn: () => void }>();
  const clock: Clock = {
    now: () => now,
    setTimeout: (fn, ms) => {
      timers.set(++seq, { at: now + ms, fn });
      return seq;
    },
    clearTimeout: (h) => void timers.delete(h as number),
  };
  return {
    clock,
    pendingTimers: () => timers.size,
    /** Moves time forward, running every timer that falls due, in order. */
    async advance(ms: number) {
      const end = now + ms;
      for (;;) {
        const due = [...timers.entries()].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
        if (!due) break;
        timers.delete(due[0]);
        now = due[1].at;
        due[1].fn();
        await settle();
      }
      now = end;
      await settle();
    },
  };
}

function memoryStorage(): KeyValue & { map: Map<string, string> } {
  const map = new Map<string, string>();
  return {
    map,
    get length() {
      return map.size;
    },
    key: (i) => [...map.keys()][i] ?? null,
    getItem: (k) => map.get(k) ?? null,
    setItem: (k, v) => void map.set(k, v),
    removeItem: (k) => void map.delete(k),
  };
}

const settle = async () => {
  for (let i = 0; i < 20; i++) await Promise.resolve();
};

interface Call {
  key: string;
  payload: unknown;
  resolve(v?: unknown): void;
  reject(e: ApiErrorShape): void;
}

/** A `send` the test answers by hand, recording each call and how many run at once. */
function manualSend() {
  const calls: Call[] = [];
  let open = 0;
  let maxOpen = 0;
  const send = (key: string, payload: unknown) =>
    new Promise<unknown>((resolve, reject) => {
      open++;
      maxOpen = Math.max(maxOpen, open);
      calls.push({
        key,
        payload,
        resolve: (v) => {
          open--;
          resolve(v ?? { stored: payload });
        },
        reject: (e) => {
          open--;
          reject(e);
        },
      });
    });
  return { calls, send, maxOpen: () => maxOpen };
}

const offline: ApiErrorShape = { code: 'offline', message: { vi: 'Mất kết nối', en: 'Offline' } };
const readOnly: ApiErrorShape = { code: 'read_only', message: { vi: 'Đã nộp', en: 'Submitted' }, field: 'id' };
const errorOf = (e: unknown) => e as ApiErrorShape;

function setup() {
  const c = fakeClock();
  const s = manualSend();
  const storage = memoryStorage();
  const a = new Autosave({ scope: 'rev1', send: s.send, errorOf, clock: c.clock, storage, debounceMs: 400, retryMs: { first: 500, max: 4000 } });
  const stored: [string, unknown, boolean][] = [];
  a.onStored((k, r, latest) => stored.push([k, r, latest]));
  return { c, s, storage, a, stored, local: (k: string) => storage.map.get(`${PENDING_PREFIX}rev1.${k}`) };
}

describe('autosave queue', () => {
  it('waits for the debounce, keeps a local copy until stored, then removes it', async () => {
    const { c, s, a, local, stored } = setup();
    a.edit('1.1.value', true);
    expect(JSON.parse(local('1.1.value')!)).toMatchObject({ payload: true });
    expect(a.getSnapshot()).toMatchObject({ status: 'saving', pending: 1 });
    await c.advance(399);
    expect(s.calls).toHaveLength(0);
    await c.advance(1);
    expect(s.calls.map((x) => [x.key, x.payload])).toEqual([['1.1.value', true]]);
    expect(local('1.1.value')).toBeDefined();
    s.calls[0]!.resolve();
    await settle();
    expect(local('1.1.value')).toBeUndefined();
    expect(stored).toEqual([['1.1.value', { stored: true }, true]]);
    expect(a.getSnapshot()).toMatchObject({ status: 'saved', pending: 0, savedAt: expect.any(Number) });
  });

  it('sends one call at a time, in the order the fields were queued', async () => {
    const { c, s, a } = setup();
    a.edit('a', 1);
    await c.advance(100);
    a.edit('b', 2);
    a.edit('c', 3, { now: true });
    await settle();
    expect(s.calls.map((x) => x.key)).toEqual(['c']);
    await c.advance(400);
    expect(s.calls.map((x) => x.key)).toEqual(['c']); // a and b wait for c
    s.calls[0]!.resolve();
    await settle();
    expect(s.calls.map((x) => x.key)).toEqual(['c', 'a']);
    s.calls[1]!.resolve();
    await settle();
    s.calls[2]!.resolve();
    await settle();
    expect(s.calls.map((x) => x.key)).toEqual(['c', 'a', 'b']);
    expect(s.maxOpen()).toBe(1);
  });

  it('a later edit supersedes an unsent earlier one: only the last value is sent', async () => {
    const { c, s, a } = setup();
    a.edit('x', 'a');
    await c.advance(300);
    a.edit('x', 'ab');
    await c.advance(300);
    a.edit('x', 'abc');
    await c.advance(400);
    expect(s.calls.map((x) => x.payload)).toEqual(['abc']);
  });

  it('an edit typed while the older one is in flight is sent after it, and the older answer keeps its local copy', async () => {
    const { c, s, a, local, stored } = setup();
    a.edit('x', 1, { now: true });
    await settle();
    a.edit('x', 2);
    s.calls[0]!.resolve();
    await settle();
    // The answer to 1 arrived after 2 was typed: it is not the latest and the copy of 2 stays.
    expect(stored).toEqual([['x', { stored: 1 }, false]]);
    expect(JSON.parse(local('x')!)).toMatchObject({ payload: 2 });
    expect(a.latest('x')).toMatchObject({ payload: 2 });
    await c.advance(400);
    s.calls[1]!.resolve();
    await settle();
    expect(s.calls.map((x) => x.payload)).toEqual([1, 2]);
    expect(local('x')).toBeUndefined();
    expect(a.latest('x')).toBeUndefined();
  });

  it('flush sends the waiting edits at once and resolves only when all are stored', async () => {
    const { s, a } = setup();
    a.edit('a', 1);
    a.edit('b', 2);
    let done = false;
    const p = a.flush().then((r) => {
      done = true;
      return r;
    });
    await settle();
    expect(s.calls.map((x) => x.key)).toEqual(['a']); // no debounce wait
    s.calls[0]!.resolve();
    await settle();
    expect(done).toBe(false);
    s.calls[1]!.resolve();
    const r = await p;
    expect(r).toEqual({ ok: true, rejected: [], held: [] });
  });

  it('flush on an idle store resolves at once', async () => {
    const { a } = setup();
    await expect(a.flush()).resolves.toEqual({ ok: true, rejected: [], held: [] });
  });

  it('retries an offline failure with growing waits, and flush waits until it is stored', async () => {
    const { c, s, a, local } = setup();
    a.edit('x', 'v', { now: true });
    await settle();
    s.calls[0]!.reject(offline);
    await settle();
    expect(a.getSnapshot()).toMatchObject({ status: 'retrying', retry: { attempt: 1, error: offline } });
    expect(local('x')).toBeDefined();
    await c.advance(499);
    expect(s.calls).toHaveLength(1);
    await c.advance(1);
    expect(s.calls).toHaveLength(2);
    s.calls[1]!.reject(offline);
    await settle();
    expect(a.getSnapshot().retry?.attempt).toBe(2);
    await c.advance(999);
    expect(s.calls).toHaveLength(2);
    await c.advance(1);
    expect(s.calls).toHaveLength(3);
    // A flush during the retries is not resolved by the failure: it waits for the store.
    let done = false;
    const p = a.flush().then(() => (done = true));
    s.calls[2]!.reject(offline);
    await settle();
    expect(done).toBe(false);
    // flush skips the backoff once: the next attempt goes now.
    const q = a.flush();
    await settle();
    expect(s.calls).toHaveLength(4);
    s.calls[3]!.resolve();
    await p;
    await q;
    expect(a.getSnapshot()).toMatchObject({ status: 'saved', retry: null });
    expect(local('x')).toBeUndefined();
  });

  it('the backoff stops growing at its maximum', async () => {
    const { c, s, a } = setup();
    a.edit('x', 'v', { now: true });
    for (let i = 0; i < 6; i++) {
      await settle();
      s.calls[i]!.reject(offline);
      await settle();
      await c.advance(Math.min(4000, 500 * 2 ** i));
    }
    expect(s.calls).toHaveLength(7);
    s.calls[6]!.reject(offline);
    await settle();
    await c.advance(3999);
    expect(s.calls).toHaveLength(7);
    await c.advance(1);
    expect(s.calls).toHaveLength(8);
  });

  it('a retry sends the newest edit typed while offline', async () => {
    const { c, s, a } = setup();
    a.edit('x', 'old', { now: true });
    await settle();
    s.calls[0]!.reject(offline);
    await settle();
    a.edit('x', 'new');
    await c.advance(500);
    expect(s.calls.map((x) => x.payload)).toEqual(['old', 'new']);
    s.calls[1]!.resolve();
    await settle();
    expect(s.calls).toHaveLength(2);
  });

  it('a refusal is kept with its value and reason, reported, in the local copy, and flush says so', async () => {
    const { s, a, local } = setup();
    const seen: unknown[] = [];
    a.onRejected((r) => seen.push([r.key, r.payload, r.error.code]));
    a.edit('x', 42);
    const p = a.flush();
    await settle();
    s.calls[0]!.reject(readOnly);
    const r = await p;
    expect(r.ok).toBe(false);
    expect(r.rejected).toEqual([expect.objectContaining({ key: 'x', payload: 42, error: readOnly })]);
    expect(seen).toEqual([['x', 42, 'read_only']]);
    expect(a.getSnapshot()).toMatchObject({ status: 'refused', rejected: [expect.objectContaining({ key: 'x' })] });
    expect(JSON.parse(local('x')!)).toMatchObject({ payload: 42, rejected: { code: 'read_only' } });
    // Not retried.
    await a.flush();
    expect(s.calls).toHaveLength(1);
    // Dismissed: gone from memory and storage.
    a.discard('x');
    expect(a.getSnapshot().rejected).toEqual([]);
    expect(local('x')).toBeUndefined();
  });

  it('the refusal of an older edit does not count when a newer one was typed: the newer is sent', async () => {
    const { c, s, a } = setup();
    const seen: unknown[] = [];
    a.onRejected((r) => seen.push(r.payload));
    a.edit('x', 'bad', { now: true });
    await settle();
    a.edit('x', 'good');
    s.calls[0]!.reject({ code: 'invalid_input', message: { vi: 'sai', en: 'bad' } });
    await settle();
    expect(seen).toEqual([]);
    await c.advance(400);
    s.calls[1]!.resolve();
    await expect(a.flush()).resolves.toMatchObject({ ok: true });
    expect(s.calls.map((x) => x.payload)).toEqual(['bad', 'good']);
  });

  it('hold withdraws an unsent edit and keeps the draft locally; flush reports it as held', async () => {
    const { c, s, a, local } = setup();
    a.edit('x', { n: 1, d: 2 });
    a.hold('x', { n: '1', d: '' });
    await c.advance(1000);
    expect(s.calls).toHaveLength(0);
    expect(JSON.parse(local('x')!)).toMatchObject({ draft: { n: '1', d: '' } });
    await expect(a.flush()).resolves.toEqual({ ok: true, rejected: [], held: ['x'] });
  });

  it('restore gives back copies of an earlier session (new and older formats), not the fields it holds', () => {
    const { storage, a } = setup();
    storage.setItem(`${PENDING_PREFIX}rev1.1.1.value`, JSON.stringify({ at: '2026-01-01T00:00:00Z', value: 5 }));
    storage.setItem(`${PENDING_PREFIX}rev1.1.1.note`, JSON.stringify({ at: '2026-01-01T00:00:00Z', note: 'n' }));
    storage.setItem(`${PENDING_PREFIX}rev1.2.1.value`, JSON.stringify({ at: '2026-01-01T00:00:00Z', draft: { a: 1 } }));
    storage.setItem(`${PENDING_PREFIX}rev1.3.1.value`, JSON.stringify({ at: '2026-01-01T00:00:00Z', payload: 7, rejected: readOnly }));
    storage.setItem(`${PENDING_PREFIX}rev1.4.1.value`, 'not json');
    storage.setItem(`${PENDING_PREFIX}rev2.1.1.value`, JSON.stringify({ at: '2026-01-01T00:00:00Z', value: 9 }));
    a.edit('1.1.note', 'typed now');
    const r = a.restore();
    expect([...r.keys()].sort()).toEqual(['1.1.value', '2.1.value', '3.1.value']);
    expect(r.get('1.1.value')).toEqual({ at: '2026-01-01T00:00:00Z', payload: 5 });
    expect(r.get('2.1.value')).toEqual({ at: '2026-01-01T00:00:00Z', draft: { a: 1 } });
    expect(r.get('3.1.value')).toMatchObject({ payload: 7, rejected: { code: 'read_only' } });
  });

  it('run() executes a one-off call in turn with the saves and passes its error to the caller', async () => {
    const { s, a } = setup();
    const order: string[] = [];
    a.edit('x', 1, { now: true });
    const ok = a.run(async () => {
      order.push(`task after ${s.calls.length} call(s)`);
      return 'done';
    });
    const bad = a.run(async () => {
      throw new Error('nope');
    });
    await settle();
    expect(order).toEqual([]);
    s.calls[0]!.resolve();
    await expect(ok).resolves.toBe('done');
    await expect(bad).rejects.toThrow('nope');
    expect(order).toEqual(['task after 1 call(s)']);
  });

  it('a storage that throws only loses the crash protection', async () => {
    const c = fakeClock();
    const s = manualSend();
    const broken: KeyValue = {
      length: 0,
      key: () => null,
      getItem: () => null,
      setItem: () => {
        throw new Error('QuotaExceededError');
      },
      removeItem: () => {
        throw new Error('SecurityError');
      },
    };
    const a = new Autosave({ scope: 's', send: s.send, errorOf, clock: c.clock, storage: broken });
    a.edit('x', 1, { now: true });
    await settle();
    s.calls[0]!.resolve();
    await expect(a.flush()).resolves.toMatchObject({ ok: true });
  });
  it('flush waits for an edit typed while it runs, and retryNow skips the backoff', async () => {
    const { c, s, a } = setup();
    a.edit('a', 1);
    let done = false;
    const p = a.flush().then(() => (done = true));
    await settle();
    a.edit('b', 2); // typed after the flush began: still waited for
    s.calls[0]!.resolve();
    await settle();
    expect(done).toBe(false);
    await c.advance(400);
    s.calls[1]!.reject(offline);
    await settle();
    expect(a.getSnapshot().status).toBe('retrying');
    a.retryNow();
    await settle();
    expect(s.calls.map((x) => [x.key, x.payload])).toEqual([
      ['a', 1],
      ['b', 2],
      ['b', 2],
    ]);
    s.calls[2]!.resolve();
    await p;
    expect(done).toBe(true);
  });

  it('reject() records a refusal decided by the page, and latest() gives back the unsent edit', async () => {
    const { s, a, local } = setup();
    a.edit('x', 'typed');
    expect(a.latest('x')).toMatchObject({ payload: 'typed' });
    a.reject('x', 'typed', readOnly);
    await a.flush();
    expect(s.calls).toHaveLength(0);
    expect(a.getSnapshot().rejected).toEqual([expect.objectContaining({ key: 'x', payload: 'typed', error: readOnly })]);
    expect(JSON.parse(local('x')!)).toMatchObject({ payload: 'typed', rejected: { code: 'read_only' } });
    // A new edit of the field replaces the refusal and is sent.
    a.edit('x', 'again', { now: true });
    await settle();
    expect(a.getSnapshot().rejected).toEqual([]);
    expect(s.calls.map((x) => x.payload)).toEqual(['again']);
  });
});
