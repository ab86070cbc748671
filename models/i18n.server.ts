// Words the server writes for a user outside a page (emails, and later exports' files): in the
// user's own language, else the store's, from the console's catalogues.
import { createInstance, type TFunction } from "i18next";
import { i18nConfig, intlLocale, pickLanguage, type Language } from "../app/i18n";
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

export { intlLocale };
