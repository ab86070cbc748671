// Words the server writes for a user outside a page (emails, exports' files) and the error
// messages of every request (models/messages.ts): in the reader's own language, else the store's,
// from the console's catalogues.
import { createInstance, type TFunction } from "i18next";
import { i18nConfig, intlLocale, pickLanguage, type Language } from "../app/i18n";
import { allResources } from "../app/locales/all.server";
import { installMessageTranslator } from "./messages";
import { requestLanguage } from "./request-scope.server";

const instance = createInstance();
// the resources are at hand, so this finishes before it returns
void instance.init({ ...i18nConfig, resources: allResources, initImmediate: false });

const errors = new Map<string, TFunction>();
installMessageTranslator({
  language: requestLanguage,
  t(language, key, params) {
    let t = errors.get(language);
    if (!t) errors.set(language, (t = instance.getFixedT(pickLanguage([language]), "errors")));
    return t(key, params);
  },
});

/** The language to write to a user in: their choice on the account page, else the store's. */
export function languageOf(user: { locale?: string | null } | null, store: { locale?: string | null } | null): Language {
  return pickLanguage([user?.locale, store?.locale]);
}

/** A translator fixed to a language and namespace. */
export function translator(language: string, ns = "emails"): TFunction {
  return instance.getFixedT(pickLanguage([language]), ns);
}

export { intlLocale };
