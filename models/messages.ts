// Error messages in the reader's language (browser-safe). Code names a message by its key in the
// `errors` catalogue (app/locales/<language>/errors.json) and gets the text in the language of
// whoever is being answered: on the server the request's language (models/request-scope.server.ts:
// the user's choice, else the browser's, else the store's; an API call's Accept-Language, else the
// store's), in the browser the page's own. Outside a request (a job, a test calling code directly)
// messages are English.
//
// Schemas are built once, when their module loads, before any reader is known: they take `zmsg`,
// which zod asks for the text only when an issue is raised, so a schema shared by the browser and
// the server speaks each reader's language.
import i18next, { createInstance, type i18n } from "i18next";
import en from "../app/locales/en";

/** How the server puts messages in a request's language (installed by models/i18n.server.ts). */
export interface MessageTranslator {
  language(): string | undefined;
  t(language: string, key: string, params?: Record<string, unknown>): string;
}

// One slot for the whole process: the Remix build carries its own copy of this module beside the
// one the server and the worker load, and both must answer in the same request's language.
const SLOT = Symbol.for("segment-console.messages");
type Slots = { [SLOT]?: MessageTranslator };

export function installMessageTranslator(translator: MessageTranslator): void {
  (globalThis as Slots)[SLOT] = translator;
}

let english: i18n | null = null;
function englishOnly(): i18n {
  if (!english) {
    english = createInstance();
    void english.init({ lng: "en", fallbackLng: "en", ns: ["errors"], defaultNS: "errors", resources: { en: { errors: en.errors } }, interpolation: { escapeValue: false }, initImmediate: false });
  }
  return english;
}

/** The message `key` of the errors catalogue with its `{{variables}}`, in the reader's language. */
export function msg(key: string, params?: Record<string, unknown>): string {
  const server = (globalThis as Slots)[SLOT];
  if (server) return server.t(server.language() ?? "en", key, params);
  if (typeof document !== "undefined" && i18next.isInitialized) return i18next.t(key, { ns: "errors", ...params });
  return englishOnly().t(key, params);
}

/**
 * The same message for a zod schema built ahead of its readers: `.min(1, zmsg("…"))`,
 * `z.number(zmsg("…"))`, `.refine(check, { ...zmsg("…"), path: ["to"] })`.
 */
export function zmsg(key: string, params?: Record<string, unknown>): { error: () => string } {
  return { error: () => msg(key, params) };
}
