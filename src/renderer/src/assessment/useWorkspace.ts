import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import i18next from 'i18next';
import type { ApiErrorShape } from '../../../api/errors';
import { api, errorOf } from '../api';
import type { Describe } from '../autosave/AutosaveStatus';
import type { Autosave, FlushResult } from '../autosave/queue';
import { localRefusal, settleBefore, useAutosave, useAutosaveState } from '../autosave/useAutosave';
import type { Detail, EvidenceItem, Pack, PackIndicator, Saved } from './types';
import { check, describeDraft, describeValue, toDraft, type Checked, type Draft } from './values';

/** Autosave keys of the workspace: `<indicatorId>.value` and `<indicatorId>.note` (as the local copies always were). */
type WsField = 'value' | 'note';
const fkey = (indicatorId: string, field: WsField) => `${indicatorId}.${field}`;
function parseKey(key: string): { indicatorId: string; field: WsField } | null {
  const dot = key.lastIndexOf('.');
  const field = key.slice(dot + 1);
  return dot > 0 && (field === 'value' || field === 'note') ? { indicatorId: key.slice(0, dot), field } : null;
}

/** Deep equality of two JSON values (key order ignored). */
function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k) => sameJson((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

const isDraftOf = (ind: PackIndicator, d: unknown): d is Draft => typeof d === 'object' && d !== null && (d as Draft).kind === ind.kind;

export interface Workspace {
  detail: Detail | null;
  pack: Pack | null;
  indicators: Map<string, PackIndicator>;
  error: ApiErrorShape | null;
  /** The page's autosave (shared mechanism: `src/renderer/src/autosave`). */
  autosave: Autosave;
  /** Names a field and the value typed into it (for refusals). */
  describe: Describe;
  /** Refusals and failed calls, by `<indicatorId>:value|note|override|copied`. */
  fieldErrors: Record<string, ApiErrorShape>;
  /** The inputs' last contents per indicator (survive moving between criteria; restored from local storage on load). */
  draftOf(ind: PackIndicator): Draft;
  noteOf(indicatorId: string): string;
  editValue(ind: PackIndicator, draft: Draft): Checked;
  editNote(indicatorId: string, note: string): void;
  setOverride(indicatorId: string, override: { points: number; reason: string } | null): Promise<ApiErrorShape | null>;
  confirmCopied(indicatorId: string): Promise<void>;
  replaceDetail(d: Detail): void;
  addEvidence(items: EvidenceItem[]): void;
  removeEvidence(evidenceId: string): void;
  /** Sends every waiting edit now; resolves when each is stored or refused. */
  flush(): Promise<FlushResult>;
  /** Waits for the autosave, then null or why an action reading the data (submit, report, …) may not go on. */
  settle(): Promise<string | null>;
  reload(): Promise<void>;
}

export function useWorkspace(id: string): Workspace {
  const [detail, setDetail] = useState<Detail | null>(null);
  const [pack, setPack] = useState<Pack | null>(null);
  const [error, setError] = useState<ApiErrorShape | null>(null);
  const [callErrors, setCallErrors] = useState<Record<string, ApiErrorShape>>({});

  const drafts = useRef(new Map<string, Draft>());
  const notes = useRef(new Map<string, string>());
  const readOnly = useRef(false);

  const autosave = useAutosave(id, (key, payload) => {
    const k = parseKey(key);
    if (!k) return Promise.reject(new Error(`unknown field ${key}`));
    return k.field === 'value'
      ? api.call('assessments.setValue', { id, indicatorId: k.indicatorId, value: payload })
      : api.call('assessments.setNote', { id, indicatorId: k.indicatorId, note: String(payload ?? '') });
  });
  const saveState = useAutosaveState(autosave);

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

  // Each stored save updates the score shown (saves run one at a time, so the last answer is the latest state).
  useEffect(
    () =>
      autosave.onStored((key, result) => {
        const k = parseKey(key);
        if (k) applySaved(k.indicatorId, result as Saved);
      }),
    [autosave, applySaved],
  );

  // Refused because the revision was submitted meanwhile (another window, the CLI): show it as it now is, read-only.
  useEffect(
    () =>
      autosave.onRejected((r) => {
        if (r.error.code !== 'read_only') return;
        void api
          .call('assessments.get', { id })
          .then((d) => {
            readOnly.current = d.readOnly;
            setDetail(d);
          })
          .catch(() => undefined);
      }),
    [autosave, id],
  );

  const setCallError = useCallback((k: string, e: ApiErrorShape | null) => {
    setCallErrors((m) => {
      if (!e && !(k in m)) return m;
      const n = { ...m };
      if (e) n[k] = e;
      else delete n[k];
      return n;
    });
  }, []);

  const fieldErrors = useMemo(() => {
    const m: Record<string, ApiErrorShape> = { ...callErrors };
    for (const r of saveState.rejected) {
      const k = parseKey(r.key);
      if (k) m[`${k.indicatorId}:${k.field}`] = r.error;
    }
    return m;
  }, [callErrors, saveState.rejected]);

  const load = useCallback(async () => {
    try {
      const d = await api.call('assessments.get', { id });
      const p = await api.call('packs.get', { id: d.pack.id, version: d.pack.version });
      readOnly.current = d.readOnly;
      const inds = new Map<string, PackIndicator>();
      p.pack.criteria.forEach((c) => c.indicators.forEach((i) => inds.set(i.id, i)));
      drafts.current.clear();
      notes.current.clear();
      // What an earlier session typed and did not see stored: replayed, or shown as refused on a read-only revision.
      const replay: (() => void)[] = [];
      for (const [key, copy] of autosave.restore()) {
        const k = parseKey(key);
        const ind = k ? inds.get(k.indicatorId) : undefined;
        if (!k || !ind) {
          autosave.discard(key);
          continue;
        }
        const stored = d.entries[k.indicatorId];
        if (copy.rejected) {
          autosave.reject(key, copy.payload, copy.rejected);
          continue;
        }
        if (copy.payload === undefined) {
          // A partly entered value: back into its input (never sent).
          if (k.field === 'value' && isDraftOf(ind, copy.draft)) {
            if (d.readOnly) autosave.reject(key, copy.draft, localRefusal('read_only', 'autosave.readOnlyLocal'));
            else {
              drafts.current.set(k.indicatorId, copy.draft);
              autosave.hold(key, copy.draft);
            }
          } else autosave.discard(key);
          continue;
        }
        const same = k.field === 'note' ? (stored?.note ?? '') === copy.payload : sameJson(stored?.value ?? null, copy.payload ?? null);
        if (same) autosave.discard(key);
        else if (d.readOnly) autosave.reject(key, copy.payload, localRefusal('read_only', 'autosave.readOnlyLocal'));
        else {
          if (k.field === 'note') notes.current.set(k.indicatorId, String(copy.payload ?? ''));
          else drafts.current.set(k.indicatorId, toDraft(ind, copy.payload));
          replay.push(() => autosave.edit(key, copy.payload, { now: true }));
        }
      }
      setPack(p.pack);
      setDetail(d);
      setError(null);
      replay.forEach((r) => r());
    } catch (e) {
      setError(errorOf(e));
    }
  }, [autosave, id]);

  useEffect(() => {
    setDetail(null);
    void load();
  }, [load]);

  const draftOf = useCallback(
    (ind: PackIndicator): Draft => {
      const mine = drafts.current.get(ind.id);
      if (mine) return mine;
      // A step left and reopened while its save was still on its way: what was typed, not what is stored.
      const latest = autosave.latest(fkey(ind.id, 'value'));
      if (latest && !latest.rejected) {
        if (latest.payload !== undefined) return toDraft(ind, latest.payload);
        if (isDraftOf(ind, latest.draft)) return latest.draft;
      }
      return toDraft(ind, detail?.entries[ind.id]?.value ?? null);
    },
    [autosave, detail],
  );
  const noteOf = useCallback(
    (indicatorId: string) => {
      const mine = notes.current.get(indicatorId);
      if (mine !== undefined) return mine;
      const latest = autosave.latest(fkey(indicatorId, 'note'));
      if (latest && !latest.rejected && typeof latest.payload === 'string') return latest.payload;
      return detail?.entries[indicatorId]?.note ?? '';
    },
    [autosave, detail],
  );

  const editValue = useCallback(
    (ind: PackIndicator, draft: Draft): Checked => {
      drafts.current.set(ind.id, draft);
      const c = check(ind, draft);
      if (readOnly.current) return c;
      const k = fkey(ind.id, 'value');
      if (c.state === 'valid' || c.state === 'empty') autosave.edit(k, c.state === 'valid' ? c.value : null);
      else if (c.state === 'incomplete') autosave.hold(k, draft);
      // A value that cannot be right is shown with its message and never saved.
      else autosave.discard(k);
      return c;
    },
    [autosave],
  );

  const editNote = useCallback(
    (indicatorId: string, note: string) => {
      if (readOnly.current) return;
      notes.current.set(indicatorId, note);
      autosave.edit(fkey(indicatorId, 'note'), note);
    },
    [autosave],
  );

  /** A call that changes one indicator at once, in turn with the saves typed before it. */
  const immediate = useCallback(
    async (indicatorId: string, k: string, call: () => Promise<Saved>): Promise<ApiErrorShape | null> => {
      void autosave.flush();
      try {
        applySaved(indicatorId, await autosave.run(call));
        setCallError(k, null);
        return null;
      } catch (e) {
        const err = errorOf(e);
        setCallError(k, err);
        return err;
      }
    },
    [applySaved, autosave, setCallError],
  );

  const setOverride = useCallback(
    (indicatorId: string, override: { points: number; reason: string } | null) =>
      immediate(indicatorId, `${indicatorId}:override`, () => api.call('assessments.setOverride', { id, indicatorId, override })),
    [id, immediate],
  );

  const confirmCopied = useCallback(
    async (indicatorId: string) => {
      await immediate(indicatorId, `${indicatorId}:copied`, () => api.call('assessments.confirmCopied', { id, indicatorId }));
    },
    [id, immediate],
  );

  const describe: Describe = useCallback(
    (key, payload) => {
      const k = parseKey(key);
      const ind = k ? indicators.get(k.indicatorId) : undefined;
      const lang = i18next.language;
      if (!k) return { field: key, value: JSON.stringify(payload) };
      if (k.field === 'note') return { field: i18next.t('autosave.field.note', { id: k.indicatorId }), value: String(payload ?? '') };
      const value = ind && isDraftOf(ind, payload) ? describeDraft(payload) : describeValue(payload, lang, ind);
      return { field: i18next.t('autosave.field.value', { id: k.indicatorId }), value };
    },
    [indicators],
  );

  const settle = useCallback(() => settleBefore(autosave, (key) => describe(key, undefined).field), [autosave, describe]);

  return {
    detail,
    pack,
    indicators,
    error,
    autosave,
    describe,
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
    flush: () => autosave.flush(),
    settle,
    reload: load,
  };
}
