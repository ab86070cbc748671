import fs from "node:fs";
import path from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, inject } from "vitest";
import { openDatabase, type Database } from "../../models/db";
import { createUser } from "../../models/users.server";
import { expect, open, overflowAt, signIn, test } from "./fixtures";

// The console in each of the stores' languages, at 1280 px: an admin who chose the language on their
// account reads the main pages with no English left in the interface (names and data aside) and no
// text cut short. The dashboard, the segment builder and a customer's page are photographed in each
// language: into docs/screenshots/languages when SCREENSHOTS=docs, test-results otherwise.
const LANGUAGES = ["bg", "el", "ru", "uk"] as const;
const PAGES = ["/", "/customers", "/segments", "/segments/new", "/segments/compare", "/products", "/exports", "/admin/fields", "/admin/questions", "/admin/questions/new", "/campaigns", "/campaigns/new", "/automations", "/automations/new", "/tasks", "/outbox", "/imports", "/imports/new", "/notifications", "/account", "/admin/users", "/admin/api-keys", "/admin/audit", "/admin/jobs", "/admin/store", "/admin/channels"];
const SHOTS = process.env.SCREENSHOTS === "docs" ? "docs/screenshots/languages" : "test-results/screenshots/languages";
const PASSWORD = "a long enough password 42";
/** Providers' own names for their credentials and ids, as their consoles show them to the admin who copies them. */
const PROVIDER_TERMS = ["Viber user ID", "Page-scoped ID", "Auth Token", "Auth token", "Account SID", "Messaging Service SID", "Messaging Service"];

/** Names that are the same in every language: channels, formats, protocols and providers. */
const SAME_EVERYWHERE = new Set(
  // Twilio's own names for its credentials, as its console shows them to the admin who copies them
  "Email email Messenger Viber APIs Twilio OpenAPI Liquid IDs Excel Google Facebook Meta Bearer Webhook webhook Webhooks Remix Agenda MariaDB SQLite MySQL Account Auth token Messaging Service Windows Unicode English IANA Europe zip worker bot storefront pending processing completed refunded".split(" "),
);

let db: Database;
/** Every word of the store's own data (names, titles, addresses): data is shown as written. */
const dataWords = new Set<string>();

beforeAll(async () => {
  db = await openDatabase(inject("databaseUrl"));
  for (const language of LANGUAGES) {
    const email = `admin-${language}@languages.test`;
    if (!(await db.models.User.findOne({ where: { email } }))) await createUser(db, { email, name: `Admin ${language.toUpperCase()}`, password: PASSWORD, role: "admin" });
    await db.models.User.update({ locale: language }, { where: { email } });
  }
  const texts: Array<string | null> = [];
  const add = async (table: string, columns: string[]) => {
    const rows = (await db.sequelize.query(`SELECT ${columns.join(", ")} FROM ${table}`, { type: "SELECT" })) as Array<Record<string, string | null>>;
    for (const row of rows) for (const c of columns) texts.push(row[c]);
  };
  await add("customers", ["first_name", "last_name", "email", "city", "external_id"]);
  await add("segments", ["name", "code", "description"]).catch(() => add("segments", ["name", "code"]));
  for (const [table, columns] of [["campaigns", ["name"]], ["automations", ["name", "task_title"]], ["tasks", ["title", "description"]], ["users", ["name", "email"]], ["tags", ["name"]], ["customer_groups", ["name"]], ["products", ["name"]], ["categories", ["name"]], ["store_settings", ["name", "time_zone"]], ["custom_fields", ["label", "key"]], ["registration_questions", ["text", "key"]], ["registration_options", ["label", "key"]], ["imports", ["file_name"]], ["api_keys", ["name"]], ["outbox_messages", ["subject", "text_body", "recipient"]], ["agenda_jobs", ["name"]]] as const)
    await add(table, [...columns]).catch(() => {});
  for (const text of texts) for (const word of (text ?? "").split(/[^\p{L}\p{N}]+/u)) if (word) dataWords.add(word.toLowerCase());
});

afterAll(async () => {
  await db?.close();
});

/** Visible words of the interface that are still English: runs of Latin-script words that are not the store's data or a name used everywhere. */
async function englishLeft(page: Page): Promise<string[]> {
  const texts = await page.evaluate(() => {
    const out: string[] = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const el = node.parentElement;
      if (!el || el.closest("script, style, code, pre, iframe, [translate='no'], dialog:not([open])")) continue;
      const style = getComputedStyle(el);
      if (style.display === "none" || style.visibility === "hidden") continue;
      const text = node.textContent?.trim();
      if (text) out.push(text);
    }
    // what the page says without text nodes: labels of controls, placeholders, titles
    for (const el of Array.from(document.querySelectorAll<HTMLElement>("[aria-label], [placeholder], [title]"))) {
      for (const attribute of ["aria-label", "placeholder", "title"]) {
        const value = el.getAttribute(attribute)?.trim();
        if (value) out.push(value);
      }
    }
    out.push(document.title);
    return out;
  });
  const left: string[] = [];
  for (const text of texts) {
    // an address, a code or a template is data however it reads
    if (/@|https?:|\{\{|\{%|\/[a-z]/.test(text)) continue;
    // an audit record's details and codes (customers:read, segment.create) are data
    if (/^[\[{]/.test(text) || /^[a-z_]+[.:][a-z_.:-]+$/.test(text) || /^[a-z][a-zA-Z]*: \S/.test(text)) continue;
    // a time zone's name (Europe/Sofia) and a provider's own term are data, whatever the language
    let said = text.replace(/\b[A-Z][A-Za-z]+\/[A-Za-z_]+(?:\/[A-Za-z_]+)?/g, " ");
    for (const term of PROVIDER_TERMS) said = said.replaceAll(term, " ");
    const words = said.split(/[^\p{L}\p{N}]+/u).filter(Boolean);
    // a word in capitals is a code or an abbreviation (EUR, SMS, TLS, GSM)
    const english = words.filter((w) => /^[A-Za-z]+$/.test(w) && w !== w.toUpperCase() && !SAME_EVERYWHERE.has(w) && !dataWords.has(w.toLowerCase()));
    if (english.some((w) => w.length >= 3)) left.push(text);
  }
  return [...new Set(left)];
}

describe("the console in the stores' languages", () => {
  for (const language of LANGUAGES) {
    test(`in ${language}: the main pages have no English left and no text cut short`, async ({ newContext }) => {
      const page = await (await newContext()).newPage();
      await signIn(page, { email: `admin-${language}@languages.test`, password: PASSWORD });
      await open(page, "/customers");
      expect(await page.evaluate(() => document.documentElement.lang)).toBe(language);
      const customer = (await page.locator('main a[href^="/customers/"]').evaluateAll((links) => links.map((a) => a.getAttribute("href") ?? ""))).find((h) => /^\/customers\/\d+$/.test(h));
      await open(page, "/segments");
      const segment = (await page.locator('main a[href^="/segments/"]').evaluateAll((links) => links.map((a) => a.getAttribute("href") ?? ""))).find((h) => /^\/segments\/\d+$/.test(h));
      expect(customer && segment).toBeTruthy();
      const found: Array<{ pathname: string; english: string[]; cut: string[] }> = [];
      for (const pathname of [...PAGES, customer!, segment!, `${segment}/edit`]) {
        const response = await open(page, pathname);
        expect({ pathname, status: response!.status() }).toEqual({ pathname, status: 200 });
        await page.waitForLoadState("networkidle");
        const [english, overflow] = await Promise.all([englishLeft(page), overflowAt(page)]);
        if (english.length || overflow.cut.length) found.push({ pathname, english, cut: overflow.cut });
        const shot = pathname === "/" ? "dashboard" : pathname === "/segments/new" ? "segment-builder" : pathname === customer ? "customer" : null;
        if (shot) {
          fs.mkdirSync(SHOTS, { recursive: true });
          await page.screenshot({ path: path.join(SHOTS, `${shot}-${language}.png`), fullPage: true });
        }
      }
      expect(found).toEqual([]);
    }, 300_000);
  }
});
