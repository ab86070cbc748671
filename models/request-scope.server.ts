// What one request (or one job) is answered in, for code deep below the route that cannot be handed
// it: the language of its error messages (models/messages.ts). A scope is opened per request by the
// web server and per job by the worker; the route settles the language once it knows the reader.
import { AsyncLocalStorage } from "node:async_hooks";

export interface RequestScope {
  language?: string;
}

// one store for the process: the Remix build holds its own copy of this module
const SLOT = Symbol.for("segment-console.request-scope");
const slots = globalThis as { [SLOT]?: AsyncLocalStorage<RequestScope> };
const storage: AsyncLocalStorage<RequestScope> = (slots[SLOT] ??= new AsyncLocalStorage<RequestScope>());

/** Runs `work` in a scope of its own, in `language` when it is already known. */
export function inRequestScope<T>(work: () => T, language?: string): T {
  return storage.run(language ? { language } : {}, work);
}

/** The language messages of the current scope are written in; undefined outside a scope or before it is settled. */
export function requestLanguage(): string | undefined {
  return storage.getStore()?.language;
}

/** Settles the current scope's language (a no-op outside a scope). */
export function setRequestLanguage(language: string): void {
  const scope = storage.getStore();
  if (scope) scope.language = language;
}
