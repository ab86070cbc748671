// The console's languages (browser-safe). English is bundled with the page as the fallback; the
// other languages' catalogues are loaded on demand in the browser (loadLanguage), and all of them
// at once on the server (app/locales/all.server.ts).
import en from "./locales/en";

/** The languages the console speaks, each with a complete catalogue (test/i18n/catalogues.test.ts). */
export const supportedLngs = ["en", "bg", "el", "ru", "uk"] as const;
export type Language = (typeof supportedLngs)[number];
export const fallbackLng = "en";
export const defaultNS = "common";

/** Each language's own name, as the account page offers it. */
export const LANGUAGE_NAMES: Record<string, string> = { en: "English", bg: "Български", el: "Ελληνικά", ru: "Русский", uk: "Українська" };

/** A language's catalogues by namespace (plural forms differ by language, so not English's own type). */
export type Catalogue = Record<string, object>;

/** The catalogues of one language, fetched as a chunk of their own (English is already here). */
const loaders: Record<Language, () => Promise<{ default: Catalogue }>> = {
  en: async () => ({ default: en }),
  bg: () => import("./locales/bg"),
  el: () => import("./locales/el"),
  ru: () => import("./locales/ru"),
  uk: () => import("./locales/uk"),
};

/** Resources for i18next holding `language` and the English fallback. */
export async function loadLanguage(language: string): Promise<Record<string, Catalogue>> {
  const load = loaders[language as Language];
  if (!load || language === fallbackLng) return { en };
  return { en, [language]: (await load()).default };
}

/** English only, for code (tests, the fallback) that needs a resource object at once. */
export const resources = { en };

export const i18nConfig = {
  supportedLngs: [...supportedLngs],
  fallbackLng,
  defaultNS,
  ns: Object.keys(en),
  interpolation: { escapeValue: false },
  react: { useSuspense: false },
};

/**
 * The Intl locale that dates, numbers and money are written in for a reader of `language`: the
 * store's own locale when it is in that language (bg-BG for a Bulgarian reader of a Bulgarian store),
 * else the language alone (a Greek reader of that store gets el).
 */
export function intlLocale(language: string, storeLocale: string | null | undefined): string {
  const store = (storeLocale ?? "").replace("_", "-");
  return store.toLowerCase().split("-")[0] === language ? store : language;
}

export function pickLanguage(candidates: Array<string | null | undefined>): Language {
  for (const c of candidates) {
    if (!c) continue;
    const base = c.toLowerCase().split(/[-_]/)[0];
    if ((supportedLngs as readonly string[]).includes(base)) return base as Language;
  }
  return fallbackLng;
}
