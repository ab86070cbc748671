// Every English message that shows a count has a singular and a plural form, so i18next never
// writes "1 customers".
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const dir = path.resolve(__dirname, "../../app/locales/en");

function flatten(value: unknown, prefix = ""): Array<[string, string]> {
  if (typeof value === "string") return [[prefix, value]];
  return Object.entries(value as Record<string, unknown>).flatMap(([k, v]) => flatten(v, prefix ? `${prefix}.${k}` : k));
}

describe("English messages with a count", () => {
  it("each {{count}} message has its _one and _other forms", () => {
    const lacking: string[] = [];
    for (const file of fs.readdirSync(dir)) {
      const entries = flatten(JSON.parse(fs.readFileSync(path.join(dir, file), "utf8")));
      const keys = new Set(entries.map(([k]) => k));
      for (const [key, text] of entries) {
        if (!text.includes("{{count")) continue;
        const base = key.replace(/_(zero|one|two|few|many|other)$/, "");
        if (base === key || !keys.has(`${base}_one`) || !keys.has(`${base}_other`)) lacking.push(`${file} ${key}`);
      }
    }
    expect(lacking).toEqual([]);
  });
});
