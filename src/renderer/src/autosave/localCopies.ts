import type { ApiErrorShape } from '../../../api/errors';

/**
 * The autosave's copies in local storage: one per field, written the moment it is typed and removed when the core has
 * stored it, so a reload, a crash or a closed window loses nothing. Key: `cfc.pending.<scope>.<field key>`.
 */

export const PENDING_PREFIX = 'cfc.pending.';

/** The part of `Storage` the autosave uses (window.localStorage in the app, a Map in tests). */
export interface KeyValue {
  readonly length: number;
  key(index: number): string | null;
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/** What local storage holds for one field until the core stores it. */
export interface LocalCopy {
  /** When it was typed (ISO). */
  at: string;
  /** A value ready to send. */
  payload?: unknown;
  /** Something typed that cannot be sent yet (an incomplete value): restored into the inputs, never sent. */
  draft?: unknown;
  /** The core refused `payload`: shown to the user, not sent again. */
  rejected?: ApiErrorShape;
}

const storageKey = (scope: string, key: string) => `${PENDING_PREFIX}${scope}.${key}`;

export function writeLocalCopy(storage: KeyValue | null, scope: string, key: string, copy: LocalCopy): void {
  try {
    storage?.setItem(storageKey(scope, key), JSON.stringify(copy));
  } catch {
    // A full or disabled storage only loses the crash protection; the save itself still runs.
  }
}

export function removeLocalCopy(storage: KeyValue | null, scope: string, key: string): void {
  try {
    storage?.removeItem(storageKey(scope, key));
  } catch {
    // As above.
  }
}

/** Every readable copy of `scope`, by field key, except those `skip` names. */
export function readLocalCopies(storage: KeyValue | null, scope: string, skip: (key: string) => boolean): Map<string, LocalCopy> {
  const out = new Map<string, LocalCopy>();
  if (!storage) return out;
  const p = storageKey(scope, '');
  const keys: string[] = [];
  for (let i = 0; i < storage.length; i++) {
    const k = storage.key(i);
    if (k?.startsWith(p)) keys.push(k);
  }
  for (const k of keys) {
    const key = k.slice(p.length);
    if (skip(key)) continue;
    try {
      const c = JSON.parse(storage.getItem(k) ?? 'null') as (LocalCopy & { value?: unknown; note?: unknown }) | null;
      if (!c || typeof c !== 'object' || typeof c.at !== 'string') continue;
      // Copies written before the shared autosave (`{ value }` / `{ note }`) carry the payload under the field's name.
      const payload = 'payload' in c ? c.payload : 'value' in c ? c.value : 'note' in c ? c.note : undefined;
      const copy: LocalCopy = { at: c.at };
      if (payload !== undefined) copy.payload = payload;
      if (c.draft !== undefined && payload === undefined) copy.draft = c.draft;
      if (c.rejected) copy.rejected = c.rejected;
      if (copy.payload === undefined && copy.draft === undefined) continue;
      out.set(key, copy);
    } catch {
      // Unreadable: ignored.
    }
  }
  return out;
}
