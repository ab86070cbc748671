import type { AppLoadContext } from "@remix-run/node";
import { RemixI18Next } from "remix-i18next/server";
import { fallbackLng, i18nConfig, pickLanguage, resources, supportedLngs } from "./i18n";
import { getUser } from "./auth/session.server";
import { getStoreSettings } from "../models/store.server";

export const remixI18n = new RemixI18Next({
  detection: { supportedLanguages: [...supportedLngs], fallbackLanguage: fallbackLng },
  i18next: { ...i18nConfig, resources },
});

/** The user's own language, else the store's, else what the browser asks for. */
export async function resolveLocale(request: Request, context: AppLoadContext): Promise<string> {
  const user = await getUser(request, context).catch(() => null);
  const store = await getStoreSettings(context.services.db).catch(() => null);
  const browser = await remixI18n.getLocale(request);
  return pickLanguage([user?.locale, store?.locale, browser]);
}

/** A translator for use inside loaders and actions (error messages, emails). */
export async function getFixedT(request: Request, context: AppLoadContext, ns = "common") {
  const locale = await resolveLocale(request, context);
  return remixI18n.getFixedT(locale, ns);
}
