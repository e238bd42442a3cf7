import { notifications } from '@mantine/notifications';
import i18next from 'i18next';
import { useEffect, useState, useSyncExternalStore } from 'react';
import type { ApiErrorShape } from '../../../api/errors';
import { errorOf } from '../api';
import { pick } from '../i18n';
import { Autosave, type AutosaveSnapshot, type FlushResult, type KeyValue } from './queue';

/**
 * Binds the autosave queue to a page (the workspace, the review screen). The page owns it, so it outlives the steps
 * inside the page; when the page goes away (route change), its queue keeps sending what was typed and is dropped only
 * once everything is stored or refused. Refusals of a page no longer on screen are announced and stay in local storage,
 * where the page shows them again when it is opened.
 */

const registry = new Map<string, { store: Autosave; users: number }>();

function storage(): KeyValue | null {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

function acquire(scope: string, send: (key: string, payload: unknown) => Promise<unknown>) {
  let entry = registry.get(scope);
  if (!entry) {
    const store = new Autosave({ scope, send, errorOf, storage: storage() });
    const e = { store, users: 0 };
    store.onRejected((r) => {
      if (e.users === 0) notifications.show({ color: 'red', title: i18next.t('autosave.refusedTitle'), message: i18next.t('autosave.away', { why: pick(r.error.message) }), autoClose: false });
    });
    registry.set(scope, e);
    entry = e;
  }
  return entry;
}

/** The page's autosave for `scope` (one per revision or review), created on first use. */
export function useAutosave(scope: string, send: (key: string, payload: unknown) => Promise<unknown>): Autosave {
  const [entry] = useState(() => acquire(scope, send));
  const store = entry.store;
  useEffect(() => {
    entry.users++;
    if (registry.get(scope) !== entry) registry.set(scope, entry);
    // Hidden or closed: send what waits now. Closing with unsent edits asks first in a browser (the desktop window
    // closes at once; the local copies are replayed at the next start).
    const onHide = () => void store.flush();
    const onVisibility = () => {
      if (document.visibilityState === 'hidden') void store.flush();
    };
    const onBeforeUnload = (e: BeforeUnloadEvent) => {
      if (!store.busy()) return;
      void store.flush();
      if (!window.cfc) {
        e.preventDefault();
        e.returnValue = '';
      }
    };
    window.addEventListener('pagehide', onHide);
    window.addEventListener('beforeunload', onBeforeUnload);
    document.addEventListener('visibilitychange', onVisibility);
    return () => {
      window.removeEventListener('pagehide', onHide);
      window.removeEventListener('beforeunload', onBeforeUnload);
      document.removeEventListener('visibilitychange', onVisibility);
      entry.users--;
      // Leaving the page: everything typed goes out now; the queue is forgotten once it has nothing left.
      void store.flush().then(() => {
        if (entry.users === 0 && registry.get(scope) === entry) registry.delete(scope);
      });
    };
  }, [entry, scope, store]);
  return store;
}

export function useAutosaveState(store: Autosave): AutosaveSnapshot {
  return useSyncExternalStore(store.subscribe, store.getSnapshot);
}

/**
 * Waits until everything typed is stored, then says whether an action that reads it (submit, report, decide, export,
 * reopen) may go on: null, or the message naming the fields refused or only partly entered.
 */
export async function settleBefore(store: Autosave, label: (key: string) => string): Promise<string | null> {
  const r: FlushResult = await store.flush();
  if (r.rejected.length > 0) {
    return i18next.t('autosave.blockedRefused', { count: r.rejected.length, fields: r.rejected.map((x) => label(x.key)).join('; ') });
  }
  if (r.held.length > 0) return i18next.t('autosave.blockedHeld', { fields: r.held.map(label).join('; ') });
  return null;
}

/** A refusal decided here rather than by the core, in both languages. */
export function localRefusal(code: string, messageKey: string): ApiErrorShape {
  return { code, message: { vi: i18next.t(messageKey, { lng: 'vi' }), en: i18next.t(messageKey, { lng: 'en' }) } };
}
