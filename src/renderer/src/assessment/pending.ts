/**
 * Edits typed but not yet confirmed saved, kept in localStorage the moment they are typed, so closing or reloading the
 * window never loses them. Key: `cfc.pending.<revisionId>.<indicatorId>.<field>`; removed when the save succeeds,
 * replayed when the revision is opened again.
 */

export type PendingField = 'value' | 'note';

export interface PendingEdit {
  /** When it was typed (ISO). A stored entry newer than this already holds it. */
  at: string;
  /** A checked value, ready to save (null clears). */
  value?: unknown;
  /** An incomplete draft (e.g. a numerator without its denominator): restored into the inputs, not saved. */
  draft?: unknown;
  note?: string;
}

const PREFIX = 'cfc.pending.';
const key = (rev: string, indicatorId: string, field: PendingField) => `${PREFIX}${rev}.${indicatorId}.${field}`;

function storage(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

export function writePending(rev: string, indicatorId: string, field: PendingField, edit: Omit<PendingEdit, 'at'>): void {
  try {
    storage()?.setItem(key(rev, indicatorId, field), JSON.stringify({ at: new Date().toISOString(), ...edit }));
  } catch {
    // A full or disabled storage only loses the crash protection; the save itself still runs.
  }
}

export function removePending(rev: string, indicatorId: string, field: PendingField): void {
  storage()?.removeItem(key(rev, indicatorId, field));
}

/** Every pending edit of a revision: indicatorId → field → edit. */
export function readPending(rev: string): Map<string, Partial<Record<PendingField, PendingEdit>>> {
  const out = new Map<string, Partial<Record<PendingField, PendingEdit>>>();
  const s = storage();
  if (!s) return out;
  const p = `${PREFIX}${rev}.`;
  for (let i = 0; i < s.length; i++) {
    const k = s.key(i);
    if (!k || !k.startsWith(p)) continue;
    const rest = k.slice(p.length);
    const dot = rest.lastIndexOf('.');
    const indicatorId = rest.slice(0, dot);
    const field = rest.slice(dot + 1);
    if (field !== 'value' && field !== 'note') continue;
    try {
      const edit = JSON.parse(s.getItem(k) ?? 'null') as PendingEdit | null;
      if (!edit || typeof edit.at !== 'string') continue;
      const m = out.get(indicatorId) ?? {};
      m[field] = edit;
      out.set(indicatorId, m);
    } catch {
      // Unreadable: ignore it.
    }
  }
  return out;
}

export function clearPending(rev: string): void {
  const s = storage();
  if (!s) return;
  const p = `${PREFIX}${rev}.`;
  const keys: string[] = [];
  for (let i = 0; i < s.length; i++) {
    const k = s.key(i);
    if (k?.startsWith(p)) keys.push(k);
  }
  keys.forEach((k) => s.removeItem(k));
}
