import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { ApiErrorShape } from '../../../api/errors';
import { api, errorOf } from '../api';
import { clearPending, readPending, removePending, writePending, type PendingField } from './pending';
import type { Detail, EvidenceItem, Pack, PackIndicator, Saved } from './types';
import { check, toDraft, type Checked, type Draft } from './values';

export type SaveState =
  | { kind: 'idle' }
  | { kind: 'saving' }
  | { kind: 'saved'; at: Date }
  /** A save failed: `offline` ones are retried; others are rejected values, shown at their field. */
  | { kind: 'error'; error: ApiErrorShape; indicatorId: string | null };

/** Per field, the time between the last keystroke and the save. */
export const DEBOUNCE_MS = 400;

type Task = () => Promise<void>;
const fkey = (indicatorId: string, field: PendingField) => `${indicatorId}:${field}`;

/** Deep equality of two JSON values (key order ignored). */
function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k) => sameJson((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

export interface Workspace {
  detail: Detail | null;
  pack: Pack | null;
  indicators: Map<string, PackIndicator>;
  error: ApiErrorShape | null;
  saveState: SaveState;
  /** Server rejections, by `<indicatorId>:value|note|override`. */
  fieldErrors: Record<string, ApiErrorShape>;
  /** The inputs' last contents per indicator (survive moving between criteria; restored from localStorage on load). */
  draftOf(ind: PackIndicator): Draft;
  noteOf(indicatorId: string): string;
  editValue(ind: PackIndicator, draft: Draft): Checked;
  editNote(indicatorId: string, note: string): void;
  setOverride(indicatorId: string, override: { points: number; reason: string } | null): Promise<ApiErrorShape | null>;
  confirmCopied(indicatorId: string): Promise<void>;
  replaceDetail(d: Detail): void;
  addEvidence(items: EvidenceItem[]): void;
  removeEvidence(evidenceId: string): void;
  /** Sends every waiting edit now. */
  flush(): void;
  retry(): void;
  reload(): Promise<void>;
}

export function useWorkspace(id: string): Workspace {
  const [detail, setDetail] = useState<Detail | null>(null);
  const [pack, setPack] = useState<Pack | null>(null);
  const [error, setError] = useState<ApiErrorShape | null>(null);
  const [saveState, setSaveState] = useState<SaveState>({ kind: 'idle' });
  const [fieldErrors, setFieldErrors] = useState<Record<string, ApiErrorShape>>({});

  const drafts = useRef(new Map<string, Draft>());
  const notes = useRef(new Map<string, string>());
  const timers = useRef(new Map<string, { timer: number; run: () => void }>());
  const versions = useRef(new Map<string, number>());
  const queue = useRef<Promise<void>>(Promise.resolve());
  const inflight = useRef(0);
  const failed = useRef(new Map<string, () => void>());
  const readOnly = useRef(false);

  const indicators = useMemo(() => {
    const m = new Map<string, PackIndicator>();
    pack?.criteria.forEach((c) => c.indicators.forEach((i) => m.set(i.id, i)));
    return m;
  }, [pack]);

  const applySaved = useCallback((indicatorId: string, s: Saved) => {
    setDetail((d) =>
      d ? { ...d, entries: { ...d.entries, [indicatorId]: s.entry }, result: s.result, progress: s.progress, updatedAt: s.updatedAt } : d,
    );
  }, []);

  const setFieldError = useCallback((k: string, e: ApiErrorShape | null) => {
    setFieldErrors((m) => {
      if (!e && !(k in m)) return m;
      const n = { ...m };
      if (e) n[k] = e;
      else delete n[k];
      return n;
    });
  }, []);

  /** Runs saves one after another, so the score shown is always the one of the latest save. */
  const enqueue = useCallback((task: Task) => {
    inflight.current++;
    setSaveState({ kind: 'saving' });
    queue.current = queue.current.then(async () => {
      try {
        await task();
      } finally {
        inflight.current--;
        if (inflight.current === 0 && timers.current.size === 0) {
          setSaveState((s) => (s.kind === 'saving' ? { kind: 'saved', at: new Date() } : s));
        }
      }
    });
  }, []);

  /** One save of one field; the localStorage copy goes only when this very edit is stored. */
  const save = useCallback(
    (indicatorId: string, field: PendingField, payload: unknown) => {
      const k = fkey(indicatorId, field);
      const version = versions.current.get(k) ?? 0;
      const run = () =>
        enqueue(async () => {
          try {
            const s =
              field === 'value'
                ? await api.call('assessments.setValue', { id, indicatorId, value: payload })
                : await api.call('assessments.setNote', { id, indicatorId, note: payload as string });
            applySaved(indicatorId, s);
            failed.current.delete(k);
            if ((versions.current.get(k) ?? 0) === version) removePending(id, indicatorId, field);
            setFieldError(k, null);
          } catch (e) {
            const err = errorOf(e);
            if (err.code === 'offline') {
              // Kept in localStorage; retried on demand or on the next load.
              failed.current.set(k, run);
            } else if ((versions.current.get(k) ?? 0) === version) {
              // Rejected: the value is shown with its message and never stored.
              removePending(id, indicatorId, field);
              setFieldError(k, err);
            }
            setSaveState({ kind: 'error', error: err, indicatorId });
          }
        });
      return run;
    },
    [applySaved, enqueue, id, setFieldError],
  );

  const schedule = useCallback(
    (indicatorId: string, field: PendingField, payload: unknown) => {
      const k = fkey(indicatorId, field);
      const old = timers.current.get(k);
      if (old) window.clearTimeout(old.timer);
      const run = save(indicatorId, field, payload);
      const timer = window.setTimeout(() => {
        timers.current.delete(k);
        run();
      }, DEBOUNCE_MS);
      timers.current.set(k, { timer, run });
      setSaveState({ kind: 'saving' });
    },
    [save],
  );

  const cancel = useCallback((k: string) => {
    const old = timers.current.get(k);
    if (old) window.clearTimeout(old.timer);
    timers.current.delete(k);
    if (timers.current.size === 0 && inflight.current === 0) setSaveState((s) => (s.kind === 'saving' ? { kind: 'idle' } : s));
  }, []);

  const flush = useCallback(() => {
    const waiting = [...timers.current.values()];
    timers.current.clear();
    for (const t of waiting) {
      window.clearTimeout(t.timer);
      t.run();
    }
  }, []);

  const load = useCallback(async () => {
    try {
      const d = await api.call('assessments.get', { id });
      const p = await api.call('packs.get', { id: d.pack.id, version: d.pack.version });
      readOnly.current = d.readOnly;
      const inds = new Map<string, PackIndicator>();
      p.pack.criteria.forEach((c) => c.indicators.forEach((i) => inds.set(i.id, i)));
      drafts.current.clear();
      notes.current.clear();
      const replay: (() => void)[] = [];
      if (d.readOnly) clearPending(id);
      else {
        for (const [indicatorId, fields] of readPending(id)) {
          const ind = inds.get(indicatorId);
          const stored = d.entries[indicatorId];
          for (const field of ['value', 'note'] as const) {
            const edit = fields[field];
            if (!edit) continue;
            // Already stored (the save went through as the page closed): nothing to replay.
            const same =
              field === 'note' ? (stored?.note ?? '') === edit.note : 'value' in edit && sameJson(stored?.value ?? null, edit.value ?? null);
            if (!ind || same) {
              removePending(id, indicatorId, field);
              continue;
            }
            if (field === 'note' && typeof edit.note === 'string') {
              notes.current.set(indicatorId, edit.note);
              replay.push(save(indicatorId, 'note', edit.note));
            } else if (field === 'value' && 'value' in edit) {
              drafts.current.set(indicatorId, toDraft(ind, edit.value));
              replay.push(save(indicatorId, 'value', edit.value ?? null));
            } else if (field === 'value' && edit.draft && typeof edit.draft === 'object' && (edit.draft as Draft).kind === ind.kind) {
              drafts.current.set(indicatorId, edit.draft as Draft);
            }
          }
        }
      }
      setPack(p.pack);
      setDetail(d);
      setError(null);
      replay.forEach((r) => r());
    } catch (e) {
      setError(errorOf(e));
    }
  }, [id, save]);

  useEffect(() => {
    setDetail(null);
    void load();
  }, [load]);

  // Whatever is still waiting goes out when the page is hidden, closed or left.
  useEffect(() => {
    const onHide = () => flush();
    const onVis = () => {
      if (document.visibilityState === 'hidden') flush();
    };
    window.addEventListener('pagehide', onHide);
    document.addEventListener('visibilitychange', onVis);
    return () => {
      window.removeEventListener('pagehide', onHide);
      document.removeEventListener('visibilitychange', onVis);
      flush();
    };
  }, [flush]);

  const draftOf = useCallback(
    (ind: PackIndicator): Draft => drafts.current.get(ind.id) ?? toDraft(ind, detail?.entries[ind.id]?.value ?? null),
    [detail],
  );
  const noteOf = useCallback((indicatorId: string) => notes.current.get(indicatorId) ?? detail?.entries[indicatorId]?.note ?? '', [detail]);

  const editValue = useCallback(
    (ind: PackIndicator, draft: Draft): Checked => {
      drafts.current.set(ind.id, draft);
      const k = fkey(ind.id, 'value');
      versions.current.set(k, (versions.current.get(k) ?? 0) + 1);
      setFieldError(k, null);
      const c = check(ind, draft);
      if (readOnly.current) return c;
      if (c.state === 'valid' || c.state === 'empty') {
        const value = c.state === 'valid' ? c.value : null;
        writePending(id, ind.id, 'value', { value });
        schedule(ind.id, 'value', value);
      } else if (c.state === 'incomplete') {
        cancel(k);
        writePending(id, ind.id, 'value', { draft });
      } else {
        cancel(k);
        removePending(id, ind.id, 'value');
      }
      return c;
    },
    [cancel, id, schedule, setFieldError],
  );

  const editNote = useCallback(
    (indicatorId: string, note: string) => {
      if (readOnly.current) return;
      notes.current.set(indicatorId, note);
      const k = fkey(indicatorId, 'note');
      versions.current.set(k, (versions.current.get(k) ?? 0) + 1);
      setFieldError(k, null);
      writePending(id, indicatorId, 'note', { note });
      schedule(indicatorId, 'note', note);
    },
    [id, schedule, setFieldError],
  );

  const immediate = useCallback(
    (indicatorId: string, k: string, call: () => Promise<Saved>): Promise<ApiErrorShape | null> =>
      new Promise((resolve) => {
        enqueue(async () => {
          try {
            applySaved(indicatorId, await call());
            setFieldError(k, null);
            resolve(null);
          } catch (e) {
            const err = errorOf(e);
            setFieldError(k, err);
            setSaveState({ kind: 'error', error: err, indicatorId });
            resolve(err);
          }
        });
      }),
    [applySaved, enqueue, setFieldError],
  );

  const setOverride = useCallback(
    (indicatorId: string, override: { points: number; reason: string } | null) =>
      immediate(indicatorId, `${indicatorId}:override`, () =>
        api.call('assessments.setOverride', { id, indicatorId, override }),
      ),
    [id, immediate],
  );

  const confirmCopied = useCallback(
    async (indicatorId: string) => {
      flush();
      await immediate(indicatorId, `${indicatorId}:copied`, () => api.call('assessments.confirmCopied', { id, indicatorId }));
    },
    [flush, id, immediate],
  );

  const retry = useCallback(() => {
    const runs = [...failed.current.values()];
    failed.current.clear();
    runs.forEach((r) => r());
  }, []);

  return {
    detail,
    pack,
    indicators,
    error,
    saveState,
    fieldErrors,
    draftOf,
    noteOf,
    editValue,
    editNote,
    setOverride,
    confirmCopied,
    replaceDetail: (d) => {
      readOnly.current = d.readOnly;
      setDetail(d);
    },
    addEvidence: (items) => setDetail((d) => (d ? { ...d, evidence: [...d.evidence, ...items] } : d)),
    removeEvidence: (eid) => setDetail((d) => (d ? { ...d, evidence: d.evidence.filter((e) => e.id !== eid) } : d)),
    flush,
    retry,
    reload: load,
  };
}
