// Words the server writes for a user outside a page (emails, and later exports' files): in the
// user's own language, else the store's, from the console's catalogues.
import { createInstance, type TFunction } from "i18next";
import { i18nConfig, pickLanguage, type Language } from "../app/i18n";
import { allResources } from "../app/locales/all.server";

const instance = createInstance();
// the resources are at hand, so this finishes before it returns
void instance.init({ ...i18nConfig, resources: allResources, initImmediate: false });

/** The language to write to a user in: their choice on the account page, else the store's. */
export function languageOf(user: { locale?: string | null } | null, store: { locale?: string | null } | null): Language {
  return pickLanguage([user?.locale, store?.locale]);
}

/** A translator fixed to a language and namespace. */
export function translator(language: string, ns = "emails"): TFunction {
  return instance.getFixedT(pickLanguage([language]), ns);
}

/** A BCP 47 tag for Intl in a language, with the store's region when the store's locale has one in that language. */
export function intlLocale(language: string, storeLocale: string | null | undefined): string {
  const store = storeLocale ?? "";
  return store.toLowerCase().split(/[-_]/)[0] === language ? store.replace("_", "-") : language;
}
