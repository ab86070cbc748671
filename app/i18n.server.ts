import type { AppLoadContext } from "@remix-run/node";
import i18next from "i18next";
import { RemixI18Next } from "remix-i18next/server";
import { fallbackLng, i18nConfig, intlLocale, pickLanguage, supportedLngs } from "./i18n";
import { allResources } from "./locales/all.server";
import { getUser } from "./auth/session.server";
import { getStoreSettings } from "../models/store.server";
import { requestLanguage } from "../models/request-scope.server";
import { browserLanguages, settleLanguage } from "./language.server";

export { browserLanguages, settleLanguage };
// error messages in the request's language (models/messages.ts)
import "../models/i18n.server";

export const remixI18n = new RemixI18Next({
  detection: { supportedLanguages: [...supportedLngs], fallbackLanguage: fallbackLng },
  i18next: { ...i18nConfig, resources: allResources },
});

// The global instance names pages (app/title.ts: routes' meta) in any language the server is asked for.
if (!i18next.isInitialized) void i18next.init({ ...i18nConfig, resources: allResources, initImmediate: false });

/** The user's own choice (account page), else the first language the browser asks for that the console speaks, else the store's. */
export async function resolveLocale(request: Request, context: AppLoadContext): Promise<string> {
  const settled = requestLanguage();
  if (settled) return settled;
  const user = await getUser(request, context).catch(() => null);
  return settleLanguage(request, context, user);
}




/** A translator for use inside loaders and actions (error messages, emails). */
export async function getFixedT(request: Request, context: AppLoadContext, ns = "common") {
  const locale = await resolveLocale(request, context);
  return remixI18n.getFixedT(locale, ns);
}

/**
 * The store's settings as a page shows them to this reader: `locale` is what dates, numbers and
 * money are written in (the reader's language, with the store's region where the store speaks it);
 * `storeLocale` is the store's own setting.
 */
export async function getStoreForReader(request: Request, context: AppLoadContext) {
  const [store, language] = await Promise.all([getStoreSettings(context.services.db), resolveLocale(request, context)]);
  return { ...store, locale: intlLocale(language, store.locale), storeLocale: store.locale };
}
