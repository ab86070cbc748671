// What one request (or one job) is answered in, for code deep below the route that cannot be handed
// it: the language of its error messages (models/messages.ts). A scope is opened per request by the
// web server and per job by the worker; the route settles the language once it knows the reader.
//
// On Node 20 an enabled AsyncLocalStorage puts a hook on every promise of the process (measured:
// a promise-heavy loop ran about twice as long, and the storefront lookup's p95 went from 3.5 to
// 5.9 ms), so the storage is enabled only while a scope is open and disabled when the last one ends.
import { AsyncLocalStorage } from "node:async_hooks";

export interface RequestScope {
  language?: string;
}

interface Shared {
  storage: AsyncLocalStorage<RequestScope>;
  open: number;
}

// one store for the process: the Remix build holds its own copy of this module
const SLOT = Symbol.for("segment-console.request-scope");
const slots = globalThis as { [SLOT]?: Shared };
const shared: Shared = (slots[SLOT] ??= { storage: new AsyncLocalStorage<RequestScope>(), open: 0 });

function opened(): () => void {
  shared.open++;
  let closed = false;
  return () => {
    if (closed) return;
    closed = true;
    shared.open--;
    // no scope open: the promise hook goes until the next one
    if (shared.open === 0) shared.storage.disable();
  };
}

/** Runs `work` in a scope of its own, in `language` when it is already known; the scope ends when `work` (or its promise) does. */
export function inRequestScope<T>(work: () => T, language?: string): T {
  const close = opened();
  let result: T;
  try {
    result = shared.storage.run(language ? { language } : {}, work);
  } catch (error) {
    close();
    throw error;
  }
  if (result instanceof Promise) return result.finally(close) as T;
  close();
  return result;
}

/** Runs `work` (an HTTP request's handling) in a scope that stays open until `until` calls back (the response is done). */
export function inScopeUntil(work: () => void, until: (done: () => void) => void): void {
  const close = opened();
  until(close);
  shared.storage.run({}, work);
}

/** The language messages of the current scope are written in; undefined outside a scope or before it is settled. */
export function requestLanguage(): string | undefined {
  return shared.storage.getStore()?.language;
}

/** Settles the current scope's language (a no-op outside a scope). */
export function setRequestLanguage(language: string): void {
  const scope = shared.storage.getStore();
  if (scope) scope.language = language;
}
