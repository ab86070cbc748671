import common from "./locales/en/common.json";
import auth from "./locales/en/auth.json";
import customers from "./locales/en/customers.json";
import imports from "./locales/en/imports.json";
import admin from "./locales/en/admin.json";
import segments from "./locales/en/segments.json";
import unsubscribe from "./locales/en/unsubscribe.json";
import campaigns from "./locales/en/campaigns.json";
import tasks from "./locales/en/tasks.json";
import automations from "./locales/en/automations.json";
import exportPages from "./locales/en/exports.json";

/** Languages with a complete catalogue. Bulgarian, Greek, Russian and Ukrainian follow. */
export const supportedLngs = ["en"] as const;
export const fallbackLng = "en";
export const defaultNS = "common";

export const resources = {
  en: { common, auth, customers, imports, admin, segments, unsubscribe, campaigns, automations, tasks, exports: exportPages },
};

export const i18nConfig = {
  supportedLngs: [...supportedLngs],
  fallbackLng,
  defaultNS,
  ns: Object.keys(resources.en),
  interpolation: { escapeValue: false },
  react: { useSuspense: false },
};

export function pickLanguage(candidates: Array<string | null | undefined>): string {
  for (const c of candidates) {
    if (!c) continue;
    const base = c.toLowerCase().split(/[-_]/)[0];
    if ((supportedLngs as readonly string[]).includes(base)) return base;
  }
  return fallbackLng;
}
