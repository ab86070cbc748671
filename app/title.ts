// Page titles in the reader's language: a route's meta names its page by catalogue keys (and data,
// such as a segment's name, as it is), read in the language the root loader chose. The server's
// global i18next holds every language (app/i18n.server.ts); the browser's holds the page's.
import i18next from "i18next";

type Part = string | null | undefined | { key: string };

/** A catalogue key in common.json's `titles`, for pageTitle. */
export const titled = (key: string): { key: string } => ({ key: `titles.${key}` });

/** "Part · Part · Segment console", the parts in the reader's language; empty parts are left out. */
export function pageTitle(matches: ReadonlyArray<{ id: string; data?: unknown }>, ...parts: Part[]): string {
  return titleIn(matches, [...parts, { key: "appName" }]);
}

/** A title of the given parts alone (a page for customers, not for the console's users). */
export function titleIn(matches: ReadonlyArray<{ id: string; data?: unknown }>, parts: Part[]): string {
  const root = matches.find((m) => m.id === "root")?.data as { locale?: string } | undefined;
  const t = i18next.getFixedT(root?.locale ?? "en", "common");
  return parts.flatMap((p) => (p === null || p === undefined || p === "" ? [] : [typeof p === "string" ? p : t(p.key)])).join(" · ");
}
