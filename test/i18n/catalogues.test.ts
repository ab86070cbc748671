// The message catalogues kept whole: every language has every English key (with the plural forms
// its own rules ask for, no more), the same {{variables}} as English, and no English key is left
// that no code uses. Keys are found in the source through TypeScript's own parser: string
// literals, and the fixed start of a template literal (`statuses.${status}` uses every status).
import fs from "node:fs";
import path from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { supportedLngs } from "../../app/i18n";
import { allResources } from "../../app/locales/all.server";

const ROOT = new URL("../..", import.meta.url).pathname;
const LOCALES = path.join(ROOT, "app/locales");
const SOURCE_DIRS = ["app", "models", "campaigns", "automations", "segments", "server", "jobs"];
const PLURAL = /_(zero|one|two|few|many|other)$/;

type Catalogue = Record<string, string>;

/** A language's catalogues, flattened to "namespace:dotted.key" → text. */
function catalogue(language: string): Catalogue {
  const out: Catalogue = {};
  const dir = path.join(LOCALES, language);
  const walk = (ns: string, node: unknown, prefix: string) => {
    for (const [key, value] of Object.entries(node as Record<string, unknown>)) {
      const at = prefix ? `${prefix}.${key}` : key;
      if (value !== null && typeof value === "object") walk(ns, value, at);
      else out[`${ns}:${at}`] = String(value);
    }
  };
  for (const file of fs.readdirSync(dir).filter((f) => f.endsWith(".json"))) walk(file.replace(/\.json$/, ""), JSON.parse(fs.readFileSync(path.join(dir, file), "utf8")), "");
  return out;
}

const variables = (text: string) => new Set([...text.matchAll(/\{\{\s*([^,}\s]+)[^}]*\}\}/g)].map((m) => m[1]));
const sorted = (set: Set<string>) => [...set].sort();

/** Plural groups ("ns:base" → forms present) and the keys that are not plural. */
function shape(c: Catalogue) {
  const plurals = new Map<string, Set<string>>();
  const plain = new Set<string>();
  for (const key of Object.keys(c)) {
    const m = PLURAL.exec(key);
    if (m) {
      const base = key.slice(0, -m[0].length);
      plurals.set(base, (plurals.get(base) ?? new Set()).add(m[1]));
    } else plain.add(key);
  }
  return { plurals, plain };
}

const english = catalogue("en");
const others = supportedLngs.filter((l) => l !== "en");

describe("the message catalogues", () => {
  it("lists the five languages the stores sell in, each with a catalogue directory", () => {
    for (const language of supportedLngs) expect(fs.existsSync(path.join(LOCALES, language)), language).toBe(true);
  });

  it("every language's bundle holds every namespace English has, as the pages load them", () => {
    const namespaces = Object.keys(allResources.en).sort();
    for (const language of supportedLngs) expect(Object.keys(allResources[language] ?? {}).sort(), language).toEqual(namespaces);
    // and every catalogue file of English is in its bundle
    expect(fs.readdirSync(path.join(LOCALES, "en")).filter((f) => f.endsWith(".json")).map((f) => f.replace(/\.json$/, "")).sort()).toEqual(namespaces);
  });

  for (const language of others) {
    it(`${language} has every English key, with its own plural forms, and nothing else`, () => {
      const mine = catalogue(language);
      const en = shape(english);
      const own = shape(mine);
      const categories = new Set<string>(new Intl.PluralRules(language).resolvedOptions().pluralCategories);
      const problems: string[] = [];
      for (const key of en.plain) if (!(key in mine)) problems.push(`missing ${key}`);
      for (const key of own.plain) if (!(key in english)) problems.push(`not in English: ${key}`);
      for (const [base, forms] of en.plurals) {
        // i18next asks for _zero in every language when the key has one
        const wanted = new Set([...categories, ...(forms.has("zero") ? ["zero"] : [])]);
        const have = own.plurals.get(base) ?? new Set<string>();
        for (const form of wanted) if (!have.has(form)) problems.push(`missing ${base}_${form}`);
        for (const form of have) if (!wanted.has(form)) problems.push(`plural form ${language} has no use for: ${base}_${form}`);
      }
      for (const base of own.plurals.keys()) if (!en.plurals.has(base)) problems.push(`not in English: ${base}_*`);
      expect(problems).toEqual([]);
    });

    it(`${language} uses the same {{variables}} as English`, () => {
      const mine = catalogue(language);
      const problems: string[] = [];
      for (const [key, text] of Object.entries(mine)) {
        const m = PLURAL.exec(key);
        if (!m) {
          if (key in english && sorted(variables(text)).join() !== sorted(variables(english[key])).join()) problems.push(`${key}: ${sorted(variables(text))} ≠ ${sorted(variables(english[key]))}`);
          continue;
        }
        // a plural form may leave out {{count}} ("one customer") but names nothing English does not
        const base = key.slice(0, -m[0].length);
        const forms = Object.keys(english).filter((k) => k.startsWith(`${base}_`) && PLURAL.test(k.slice(base.length)));
        const allowed = new Set(["count", ...forms.flatMap((k) => [...variables(english[k])])]);
        for (const name of variables(text)) if (!allowed.has(name)) problems.push(`${key}: {{${name}}} is not in English`);
        const other = english[`${base}_other`];
        if (m[1] === "other" && other !== undefined && sorted(variables(text)).join() !== sorted(variables(other)).join()) problems.push(`${key}: ${sorted(variables(text))} ≠ ${sorted(variables(other))}`);
      }
      expect(problems).toEqual([]);
    });
  }

  it("has no English key that no code uses", () => {
    const literals = new Set<string>();
    const prefixes = new Set<string>();
    const visit = (node: ts.Node) => {
      if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) literals.add(node.text);
      else if (ts.isTemplateExpression(node) && node.head.text) prefixes.add(node.head.text);
      ts.forEachChild(node, visit);
    };
    const walk = (dir: string) => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const at = path.join(dir, entry.name);
        if (entry.isDirectory()) {
          if (entry.name !== "locales" && entry.name !== "node_modules") walk(at);
        } else if (/\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name)) {
          visit(ts.createSourceFile(at, fs.readFileSync(at, "utf8"), ts.ScriptTarget.Latest, false, entry.name.endsWith(".tsx") ? ts.ScriptKind.TSX : ts.ScriptKind.TS));
        }
      }
    };
    for (const dir of SOURCE_DIRS) walk(path.join(ROOT, dir));
    const isUsed = (full: string) => {
      const ns = full.slice(0, full.indexOf(":"));
      const key = full.slice(ns.length + 1).replace(PLURAL, "");
      // the key itself, with or without its namespace, or an object above it read whole; a key
      // with a context (`anyOf_set`, asked for as `anyOf` with { context: "set" }) as its base
      const parts = key.replace(/_[a-z]+$/i, "").split(".");
      if (literals.has(key) || literals.has(`${ns}:${key}`)) return true;
      for (let i = parts.length; i > 0; i--) {
        const at = parts.slice(0, i).join(".");
        if (literals.has(at) || literals.has(`${ns}:${at}`)) return true;
      }
      // `prefix.${value}`: every key under the prefix
      for (const prefix of prefixes) {
        const bare = prefix.includes(":") ? prefix.slice(prefix.indexOf(":") + 1) : prefix;
        if (prefix.includes(":") && !prefix.startsWith(`${ns}:`)) continue;
        if (bare.includes(".") && key.startsWith(bare)) return true;
      }
      return false;
    };
    expect(Object.keys(english).filter((key) => !isUsed(key))).toEqual([]);
  });
});
