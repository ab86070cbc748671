// `node --import tsx test/customers/look.ts [--database-url URL] [--out DIR] [--width PX]`:
// screenshots of the customer pages in Debian's chromium, to look at. Without --database-url it
// builds the showcase store in a temporary SQLite file; with one it shows that store (a seeded demo
// store): it signs in with users it adds and lends its manager 40 customers, and puts both back
// afterwards. Run `npx remix build` first.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { AddressInfo } from "node:net";
import { parseArgs } from "node:util";
import pino from "pino";
import { chromium, type Page } from "playwright-core";
import { QueryTypes } from "sequelize";
import { openDatabase } from "../../models/db";
import { createUser } from "../../models/users.server";
import { getStoreSettings, saveStoreSettings } from "../../models/store.server";
import { createServices } from "../../server/services";
import { createWebApp } from "../../server/web";
import { buildShowcaseStore } from "./showcase";

const { values } = parseArgs({ options: { "database-url": { type: "string" }, out: { type: "string" }, width: { type: "string" } } });
const out = path.resolve(values.out ?? "test-results/screenshots");
fs.mkdirSync(out, { recursive: true });
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "customers-look-"));
const url = values["database-url"] ?? `sqlite:${path.join(tmp, "store.sqlite")}`;
const db = await openDatabase(url, { migrate: true });
const suffix = Date.now().toString(36);
const password = "look-at-the-customer-pages";
const admin = await createUser(db, { email: `look-admin-${suffix}@test.store`, name: "Look Admin", password, role: "admin" });
const manager = await createUser(db, { email: `look-manager-${suffix}@test.store`, name: "Look Manager", password, role: "manager" });
let ids: { rich: string; noOrders: string; longName: string; nameless: string } = { rich: "", noOrders: "", longName: "", nameless: "" };
if (!values["database-url"]) {
  await saveStoreSettings(db, { name: "Showcase Store", timeZone: "Europe/Sofia", currency: "EUR", locale: "en" });
  ids = await buildShowcaseStore(db, { now: new Date(), managerEmail: manager.email });
  await db.models.Customer.update({ managerId: manager.id }, { where: { externalId: [ids.rich, ids.longName] } });
}
let lent: Array<{ id: number; manager_id: number | null }> = [];
if (values["database-url"]) {
  const pick = async (name: keyof typeof ids, sql: string) => {
    const [row] = await db.sequelize.query<{ external_id: string }>(sql, { type: QueryTypes.SELECT });
    if (row) ids[name] = row.external_id;
  };
  await pick("rich", "SELECT c.external_id FROM customers c JOIN (SELECT customer_id, COUNT(*) AS n FROM orders GROUP BY customer_id ORDER BY n DESC LIMIT 1) o ON o.customer_id = c.id");
  await pick("noOrders", "SELECT external_id FROM customers c WHERE NOT EXISTS (SELECT 1 FROM orders o WHERE o.customer_id = c.id) ORDER BY id DESC LIMIT 1");
  await pick("longName", "SELECT external_id FROM customers ORDER BY LENGTH(search_name) DESC LIMIT 1");
  await pick("nameless", "SELECT external_id FROM customers WHERE first_name IS NULL AND last_name IS NULL ORDER BY id DESC LIMIT 1");
  lent = await db.sequelize.query<{ id: number; manager_id: number | null }>("SELECT id, manager_id FROM customers WHERE manager_id IS NOT NULL ORDER BY id DESC LIMIT 40", {
    type: QueryTypes.SELECT,
  });
  await db.models.Customer.update({ managerId: manager.id }, { where: { id: lent.map((l) => l.id) } });
}
const store = await getStoreSettings(db);

const app = await createWebApp({
  services: createServices(db, pino({ level: "silent" }), { dataDir: tmp, publicUrl: "http://127.0.0.1", sessionSecret: "x".repeat(40), secureCookies: false }),
  trustProxy: false,
});
const server = app.listen(0, "127.0.0.1");
await new Promise((resolve) => server.once("listening", resolve));
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});

async function signIn(email: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: Number(values.width ?? 1440), height: 900 } });
  const page = await context.newPage();
  await page.goto(`${base}/login`);
  await page.fill("input[name=email]", email);
  await page.fill("input[name=password]", password);
  await Promise.all([page.waitForURL((u) => !u.pathname.startsWith("/login"), { timeout: 15_000 }), page.click("button[type=submit]")]);
  return page;
}

async function shoot(page: Page, name: string, to: string) {
  const started = performance.now();
  const response = await page.goto(`${base}${to}`);
  await page.waitForLoadState("networkidle");
  const ms = performance.now() - started;
  await page.screenshot({ path: path.join(out, `customers-${name}.png`), fullPage: true });
  console.log(`${name.padEnd(22)} ${String(response?.status()).padEnd(4)} ${ms.toFixed(0).padStart(6)} ms  ${to}`);
}

async function customerHref(externalId: string) {
  const row = await db.models.Customer.findOne({ where: { externalId }, attributes: ["id"] });
  return row ? `/customers/${row.id}` : null;
}

try {
  const page = await signIn(admin.email);
  await shoot(page, "list", "/customers");
  await shoot(page, "list-by-name", "/customers?sort=name");
  const next = await page.getAttribute("a[rel=next]", "href");
  if (next) await shoot(page, "list-page-2", next);
  await shoot(page, "search-cyrillic", `/customers?q=${encodeURIComponent("ИВАН")}`);
  await shoot(page, "search-greek", `/customers?q=${encodeURIComponent("ΠΑΠΑΔΟΠ")}`);
  await shoot(page, "search-phone", `/customers?q=${encodeURIComponent("0888")}`);
  await shoot(page, "filter-country", "/customers?country=GR&marketing=yes");
  await shoot(page, "no-match", `/customers?q=${encodeURIComponent("zzz-nobody")}`);
  await shoot(page, "bad-filter", "/customers?country=Greece&tag=x");
  for (const [name, externalId] of Object.entries(ids)) {
    const href = externalId ? await customerHref(externalId) : null;
    if (href) await shoot(page, `page-${name}`, href);
  }
  if (!ids.rich) {
    const first = await page.goto(`${base}/customers`).then(() => page.getAttribute("[data-testid=customer-table] tbody a", "href"));
    if (first) await shoot(page, "page-first", first);
  }
  const richHref = ids.rich ? await customerHref(ids.rich) : null;
  if (richHref) {
    await page.goto(`${base}${richHref}`);
    const older = await page.getAttribute("[data-testid=timeline] a:has-text('Older')", "href").catch(() => null);
    if (older) await shoot(page, "page-rich-history-2", older);
  }
  const managerPage = await signIn(manager.email);
  await shoot(managerPage, "manager-list", "/customers");
  const notTheirs = await db.models.Customer.findOne({ where: { managerId: null }, attributes: ["id"] });
  if (notTheirs) await shoot(managerPage, "manager-403", `/customers/${notTheirs.id}`);
  await shoot(managerPage, "not-found", "/customers/999999999");
  console.log(`store: ${store.name}, ${store.timeZone}, ${store.currency}, ${store.locale}; screenshots in ${out}`);
} finally {
  await browser.close();
  server.close();
  for (const l of lent) await db.models.Customer.update({ managerId: l.manager_id }, { where: { id: l.id } });
  await db.models.User.destroy({ where: { id: [admin.id, manager.id] } }).catch(() => {});
  await db.close();
  fs.rmSync(tmp, { recursive: true, force: true });
}
