import { useCallback, useEffect, useRef, useState } from 'react';
import { createClient, type JobEvent, type JobTransport, type Transport } from '../../api/client';
import type { UiCallInput as CallInput, UiCallName as CallName, UiCallOutput as CallOutput } from '../../api/contract';
import { ApiCallError, type ApiErrorShape, type CallResult } from '../../api/errors';

/** Electron: the preload's IPC bridge. Browser mode: HTTP to the same origin (the token lives in an HttpOnly cookie). */
const ipcTransport: Transport | null = window.cfc ? (name, input) => window.cfc!.call(name, input) : null;

const OFFLINE: CallResult<never> = {
  ok: false,
  error: {
    code: 'offline',
    message: {
      vi: 'Không kết nối được với phần lõi của ứng dụng. Ứng dụng còn đang chạy không?',
      en: 'Cannot reach the app core. Is the app still running?',
    },
  },
};

/**
 * One call over HTTP. A connection that breaks — before the answer, or while its body is read (Chromium then rejects
 * `res.json()` with "TypeError: Failed to fetch") — is `offline`: the autosave keeps the edit and tries it again,
 * instead of taking a lost answer for the core's refusal.
 */
const httpCall = async (name: string, input: unknown, job?: string): Promise<CallResult<unknown>> => {
  try {
    const res = await fetch(`/api/${encodeURIComponent(name)}`, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json', 'x-cfc-call': '1', ...(job ? { 'x-cfc-job': job } : {}) },
      body: JSON.stringify(input ?? {}),
    });
    return (await res.json()) as CallResult<unknown>;
  } catch {
    return OFFLINE;
  }
};

const httpTransport: Transport = (name, input) => httpCall(name, input);

/** Electron: the bridge's job channels (progress pushed by the main process). */
const ipcJobs: JobTransport | null = window.cfc
  ? {
      call: (name, input, job) => window.cfc!.callJob(name, input, job),
      cancel: (job) => window.cfc!.cancelJob(job),
      subscribe: async (listener) => window.cfc!.onJobProgress(listener),
    }
  : null;

/**
 * Browser mode: one Server-Sent Events stream (`/jobs/events`, the session cookie) for every job's progress, opened on
 * the first job and kept; the cancel is `POST /jobs/cancel`.
 */
const listeners = new Set<(e: JobEvent) => void>();
let stream: Promise<void> | null = null;
function openStream(): Promise<void> {
  return (stream ??= new Promise<void>((resolve) => {
    const source = new EventSource('/jobs/events', { withCredentials: true });
    source.addEventListener('ready', () => resolve());
    source.onmessage = (m: MessageEvent<string>) => {
      const e = JSON.parse(m.data) as JobEvent;
      for (const l of listeners) l(e);
    };
    // Not reachable: jobs still run, without progress.
    source.onerror = () => resolve();
  }));
}
const httpJobs: JobTransport = {
  call: (name, input, job) => httpCall(name, input, job),
  async cancel(job) {
    await fetch('/jobs/cancel', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json', 'x-cfc-call': '1' },
      body: JSON.stringify({ job }),
    }).catch(() => undefined);
  },
  async subscribe(listener) {
    listeners.add(listener);
    await openStream();
    return () => listeners.delete(listener);
  },
};

export const transportKind: 'ipc' | 'http' = ipcTransport ? 'ipc' : 'http';
export const api = createClient(ipcTransport ?? httpTransport, ipcJobs ?? httpJobs);

export function errorOf(e: unknown): ApiErrorShape {
  if (e instanceof ApiCallError) return e.error;
  return { code: 'internal', message: { vi: String(e), en: String(e) } };
}

export interface Query<T> {
  data: T | undefined;
  error: ApiErrorShape | null;
  loading: boolean;
  reload(): Promise<void>;
}

/** Runs a call when its input changes (compared as JSON) and keeps the latest answer. */
export function useCall<N extends CallName>(name: N, input: CallInput<N> | null): Query<CallOutput<N>> {
  const [data, setData] = useState<CallOutput<N>>();
  const [error, setError] = useState<ApiErrorShape | null>(null);
  const [loading, setLoading] = useState(input !== null);
  const key = input === null ? null : JSON.stringify(input);
  const seq = useRef(0);

  const load = useCallback(async () => {
    if (key === null) return;
    const mine = ++seq.current;
    setLoading(true);
    try {
      const value = await api.call(name, JSON.parse(key) as CallInput<N>);
      if (mine === seq.current) {
        setData(value);
        setError(null);
      }
    } catch (e) {
      if (mine === seq.current) setError(errorOf(e));
    } finally {
      if (mine === seq.current) setLoading(false);
    }
  }, [name, key]);

  useEffect(() => {
    void load();
  }, [load]);

  return { data, error, loading, reload: load };
}
