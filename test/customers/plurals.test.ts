// Every English message that shows a count has a singular and a plural form, so i18next never
// writes "1 customers".
import fs from "node:fs";
import path from "node:path";
import i18next from "i18next";
import { describe, expect, it } from "vitest";
import { i18nConfig, resources } from "../../app/i18n";

const dir = path.resolve(__dirname, "../../app/locales/en");

function flatten(value: unknown, prefix = ""): Array<[string, string]> {
  if (typeof value === "string") return [[prefix, value]];
  return Object.entries(value as Record<string, unknown>).flatMap(([k, v]) => flatten(v, prefix ? `${prefix}.${k}` : k));
}

const catalogues = () => fs.readdirSync(dir).map((file) => ({ file, entries: flatten(JSON.parse(fs.readFileSync(path.join(dir, file), "utf8"))) }));

/** Nouns that follow a number in the console's sentences; "{{x}} members" in a message without plural forms is a bug. */
const COUNTED = /\{\{\w+\}\} (members?|minutes?|segments?|customers?|orders?|items?|rows?|days?|problems?|ids?|jobs?|settings?|notifications?)\b/;

async function english() {
  const i18n = i18next.createInstance();
  await i18n.init({ ...i18nConfig, lng: "en", resources });
  return i18n;
}

describe("English messages with a count", () => {
  it("each {{count}} message has its _one and _other forms", () => {
    const lacking: string[] = [];
    for (const { file, entries } of catalogues()) {
      const keys = new Set(entries.map(([k]) => k));
      for (const [key, text] of entries) {
        // {{count}} or a formatted {{count, number}}, not {{country}}
        if (!/\{\{count[,}]/.test(text)) continue;
        const base = key.replace(/_(zero|one|two|few|many|other)$/, "");
        if (base === key || !keys.has(`${base}_one`) || !keys.has(`${base}_other`)) lacking.push(`${file} ${key}`);
      }
    }
    expect(lacking).toEqual([]);
  });

  it("no message puts a number before a counted noun without plural forms", () => {
    const found = catalogues().flatMap(({ file, entries }) => entries.filter(([key, text]) => !/_(one|other)$/.test(key) && COUNTED.test(text)).map(([key, text]) => `${file} ${key}: ${text}`));
    expect(found).toEqual([]);
  });

  it("the editor's preview says member or members by the number of members", async () => {
    const t = (await english()).getFixedT("en", "segments");
    expect(t("preview.impact", { count: 1, entering: "0", leaving: "1", formatted: "1" })).toBe("0 would enter and 1 would leave (now 1 member).");
    expect(t("preview.impact", { count: 1204, entering: "3", leaving: "0", formatted: "1,204" })).toBe("3 would enter and 0 would leave (now 1,204 members).");
    expect(t("preview.impactNone", { count: 1, formatted: "1" })).toBe("Nobody would enter or leave: the one member stays.");
    expect(t("preview.impactNone", { count: 2, formatted: "2" })).toBe("Nobody would enter or leave: the 2 members stay as they are.");
    expect(t("preview.customers", { count: 1 })).toBe("customer matches");
    expect(t("list.shown", { count: 1, shown: 1, formatted: "1" })).toBe("1 of 1 segment");
    expect(t("list.shown", { count: 7, shown: 1, formatted: "7" })).toBe("1 of 7 segments");
  });

  it("the login page's wait says minute or minutes", async () => {
    const t = (await english()).getFixedT("en", "auth");
    expect(t("login.tooMany", { count: 1 })).toBe("Too many attempts. Try again in 1 minute.");
    expect(t("login.tooMany", { count: 15 })).toBe("Too many attempts. Try again in 15 minutes.");
  });
});
