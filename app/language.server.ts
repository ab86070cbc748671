// The reader's language of a request, settled once the route knows who reads: the user's own
// choice, else the browser's first language the console speaks, else the store's. It is also the
// language of the request's error messages (models/messages.ts).
import type { AppLoadContext } from "@remix-run/node";
import { pickLanguage, supportedLngs } from "./i18n";
import type { Database } from "../models/db";
import { getStoreSettings, storeSettingsVersion } from "../models/store.server";
import { setRequestLanguage } from "../models/request-scope.server";

/** The Accept-Language header's languages, most wanted first (a q=0 one is refused, not wanted). */
export function browserLanguages(request: Request): string[] {
  const header = request.headers.get("accept-language") ?? "";
  return header
    .split(",")
    .map((part, order) => {
      const [tag, ...params] = part.trim().split(";");
      const q = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
      const weight = q ? Number(q.slice(2)) : 1;
      return { tag: tag.trim(), weight: Number.isFinite(weight) ? weight : 0, order };
    })
    .filter((l) => l.tag && l.tag !== "*" && l.weight > 0)
    .sort((a, b) => b.weight - a.weight || a.order - b.order)
    .map((l) => l.tag);
}

/**
 * The reader's language for a request whose user (or its absence) is known: set as the language of
 * the request's error messages, and returned.
 */
export async function settleLanguage(request: Request, context: AppLoadContext, user: { locale?: string | null } | null): Promise<string> {
  let language: string;
  if (user?.locale) language = pickLanguage([user.locale]);
  else {
    // the store is read only when the browser asks for no language the console speaks
    const spoken = browserLanguages(request).find((tag) => (supportedLngs as readonly string[]).includes(tag.toLowerCase().split(/[-_]/)[0]));
    language = pickLanguage([spoken ?? (await storeLocale(context.services.db))]);
  }
  setRequestLanguage(language);
  return language;
}

const STORE_LOCALE_FRESH_MS = 5_000;
/** Per database, so consoles on different stores in one process never read each other's. */
const cachedLocales = new WeakMap<Database, { locale: string | null; at: number; version: number }>();

/** The store's locale, read again after a few seconds or at once when this process saved the settings. */
async function storeLocale(db: Database): Promise<string | null> {
  const now = Date.now();
  const cached = cachedLocales.get(db);
  if (cached && now - cached.at < STORE_LOCALE_FRESH_MS && cached.version === storeSettingsVersion()) return cached.locale;
  const store = await getStoreSettings(db).catch(() => null);
  const fresh = { locale: store?.locale ?? null, at: now, version: storeSettingsVersion() };
  cachedLocales.set(db, fresh);
  return fresh.locale;
}

/**
 * An API call's language: the first of its Accept-Language the console speaks, else English (an
 * integration reads the API's messages, and its developers asked in no other language).
 */
export function settleApiLanguage(request: Request): string {
  const language = pickLanguage(browserLanguages(request));
  setRequestLanguage(language);
  return language;
}
