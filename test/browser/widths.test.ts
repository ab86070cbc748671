import fs from "node:fs";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, inject } from "vitest";
import { openDatabase, type Database } from "../../models/db";
import { createCampaign } from "../../campaigns/campaigns.server";
import { expect, open, overflowAt, test, type Role } from "./fixtures";

// Every role's main pages at a phone, a tablet and a laptop: the page never scrolls sideways (a
// wide table scrolls inside its own box), no text is cut short, and the menu works by keyboard.
const WIDTHS = [390, 768, 1280] as const;
/** Each role's walk opens 15-odd pages and checks each at three widths: minutes on a loaded machine, not the default minute. */
const WALK_MS = 300_000;
const PAGES: Record<Role, string[]> = {
  admin: ["/", "/customers", "/segments", "/segments/new", "/segments/compare", "/products", "/campaigns", "/campaigns/new", "/automations", "/automations/new", "/outbox", "/imports", "/imports/new", "/notifications", "/account", "/admin/users", "/admin/api-keys", "/admin/audit", "/admin/jobs", "/admin/store", "/admin/fields", "/admin/questions", "/admin/questions/new", "/exports"],
  marketer: ["/", "/customers", "/segments", "/segments/new", "/segments/compare", "/products", "/campaigns", "/campaigns/new", "/automations", "/automations/new", "/outbox", "/imports", "/tasks", "/notifications", "/account", "/admin/fields", "/admin/questions"],
  manager: ["/", "/tasks", "/customers", "/segments", "/automations", "/notifications", "/account"],
};
/**
 * One picture per width of the marketer's daily pages: kept in docs/screenshots/widths (README)
 * when SCREENSHOTS=docs, in test-results otherwise, so an ordinary run leaves the tree clean.
 */
const DOCS = process.env.SCREENSHOTS === "docs" ? "docs/screenshots/widths" : "test-results/screenshots/widths";

/** The first link to a record of this kind on a list page, so each role opens a real one. */
async function firstRecord(page: Page, list: string, prefix: string): Promise<string | null> {
  await open(page, list);
  const hrefs = await page.locator(`main a[href^="${prefix}"]`).evaluateAll((links) => links.map((a) => a.getAttribute("href") ?? ""));
  return hrefs.find((h) => /^\/[a-z]+\/\d+$/.test(h)) ?? null;
}

/**
 * The demo store has no campaigns yet: one that went out (with recipients, long addresses among
 * them) and a draft on every channel are written as the campaign pages and the sending part would
 * leave them, with a message of each kind in the outbox.
 */
const seeded = { sent: 0, draft: 0, email: 0, sms: 0 };
let db: Database | null = null;

beforeAll(async () => {
  db = await openDatabase(inject("databaseUrl"));
  const segment = (await db.models.Segment.findOne({ order: [["id", "ASC"]], raw: true }))!;
  const html = '<table width="900"><tr><td><h1 style="font-size:40px">A wide newsletter</h1><p>' + "Spring sale on everything. ".repeat(40) + "</p></td></tr></table>";
  const channels = ["viber", "sms", "messenger", "email"];
  const templates = { viber: { textBody: "Здравей, {{ customer.first_name }}! Пролетна разпродажба." }, sms: { textBody: "Spring sale: 20% off today only. Reply STOP to opt out." }, messenger: { textBody: "Spring sale" }, email: { subject: "Пролетна разпродажба: всичко с 20% отстъпка само днес, за вас и семейството ви", htmlBody: html } };
  const now = new Date();
  const sent = await createCampaign(db, { name: "Пролетна разпродажба за най-верните ни клиенти от София и Пловдив", channels, includeSegmentIds: [segment.id], templates }, { userId: null }, now);
  const draft = await createCampaign(db, { name: "Weekend newsletter", channels, includeSegmentIds: [segment.id], schedule: { kind: "at", timeZoneMode: "customer", localSendAt: "2031-05-01T10:00" }, quietHours: { start: "21:00", end: "09:00" }, templates }, { userId: null }, now);
  if (!sent.ok || !draft.ok) throw new Error(JSON.stringify([sent, draft]));
  seeded.sent = sent.campaign.id;
  seeded.draft = draft.campaign.id;
  await db.models.Campaign.update({ status: "finished", startedAt: now, finishedAt: now }, { where: { id: seeded.sent } });
  const customers = await db.models.Customer.findAll({ attributes: ["id"], order: [["id", "ASC"]], limit: 30, raw: true });
  const statuses = ["sent", "delivered", "read", "failed", "skipped", "unknown"] as const;
  await db.models.CampaignDelivery.bulkCreate(
    customers.map((c, i) => {
      const status = statuses[i % statuses.length];
      return {
        campaignId: seeded.sent,
        customerId: c.id,
        channel: status === "skipped" ? null : "email",
        address: status === "skipped" ? null : `a.very.long.address.of.customer.number.${c.id}@a-long-company-domain-name.example.com`,
        status,
        skipReason: status === "skipped" ? ("messenger_window" as const) : null,
        error: status === "failed" ? "550 5.1.1 The email account that you tried to reach does not exist; please check the address" : null,
        dueAt: now,
        sentAt: status === "failed" || status === "skipped" ? null : now,
        createdAt: now,
        updatedAt: now,
      };
    }),
  );
  const message = (fields: Record<string, unknown>) =>
    db!.models.OutboxMessage.create({ purpose: "campaign", userId: null, customerId: customers[0].id, subject: null, textBody: null, htmlBody: null, status: "stored", createdAt: now, updatedAt: now, channel: "email", recipient: "x", ...fields });
  seeded.email = Number((await message({ channel: "email", recipient: `a.very.long.address.of.customer.number.1@a-long-company-domain-name.example.com`, subject: templates.email.subject, htmlBody: html, textBody: "Spring sale on everything. ".repeat(40) })).id);
  seeded.sms = Number((await message({ channel: "sms", recipient: "+359888123456", textBody: templates.sms.textBody })).id);
});

afterAll(async () => {
  await db?.close();
});

async function checkPages(page: Page, role: Role) {
  const paths = [...PAGES[role]];
  if (role !== "manager") paths.push(`/campaigns/${seeded.sent}`, `/campaigns/${seeded.draft}`, `/campaigns/${seeded.draft}/edit`, `/outbox/${seeded.email}`, `/outbox/${seeded.sms}`);
  const segment = await firstRecord(page, "/segments", "/segments/");
  const customer = await firstRecord(page, "/customers", "/customers/");
  if (segment) paths.push(segment);
  if (customer) paths.push(customer);
  if (segment && role !== "manager") paths.push(`${segment}/edit`);
  expect(segment, "a segment to open").not.toBeNull();
  expect(customer, "a customer to open").not.toBeNull();

  // each page is loaded once, at a phone's width, then widened as a turned tablet or a resized window
  // would be: the layout is CSS and observers, so every width is checked at a third of the loads
  for (const pathname of paths) {
    await page.setViewportSize({ width: WIDTHS[0], height: 900 });
    const response = await open(page, pathname);
    expect({ pathname, status: response!.status() }).toEqual({ pathname, status: 200 });
    await page.waitForLoadState("networkidle");
    for (const width of WIDTHS) {
      if (width !== WIDTHS[0]) {
        await page.setViewportSize({ width, height: 900 });
        // two frames: the resize's layout, then what observers of it rendered
        await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
      }
      const found = await overflowAt(page);
      expect({ role, width, pathname, ...found }).toEqual({ role, width, pathname, pageScrollWidth: found.viewportWidth, viewportWidth: found.viewportWidth, cut: [] });
      if (role === "marketer" && ["/", "/segments", "/customers", segment, customer].includes(pathname)) {
        fs.mkdirSync(DOCS, { recursive: true });
        const name = pathname === "/" ? "dashboard" : pathname === segment ? "segment" : pathname === customer ? "customer" : pathname.slice(1);
        await page.screenshot({ path: `${DOCS}/${name}-${width}.png`, fullPage: false });
      }
    }
  }
}

describe("every width", () => {
  test("an admin's pages fit a phone, a tablet and a laptop", async ({ adminPage }) => {
    await checkPages(adminPage, "admin");
  }, WALK_MS);
  test("a marketer's pages fit a phone, a tablet and a laptop", async ({ marketerPage }) => {
    await checkPages(marketerPage, "marketer");
  }, WALK_MS);
  test("a manager's pages fit a phone, a tablet and a laptop", async ({ managerPage }) => {
    await checkPages(managerPage, "manager");
  }, WALK_MS);

  test("on a phone the menu opens and closes from the keyboard", async ({ marketerPage: page }) => {
    await page.setViewportSize({ width: 390, height: 800 });
    await open(page, "/segments");
    const nav = page.locator('nav[aria-label="Main"]');
    const button = page.getByRole("button", { name: "Menu" });
    await expect.poll(() => nav.isVisible()).toBe(false);
    await button.focus();
    await page.keyboard.press("Enter");
    await expect.poll(() => nav.isVisible()).toBe(true);
    expect(await button.getAttribute("aria-expanded")).toBe("true");
    // focus moved into the menu, on its first link
    await expect.poll(() => page.evaluate(() => document.activeElement?.closest("#main-menu") !== null)).toBe(true);
    await page.keyboard.press("Escape");
    await expect.poll(() => nav.isVisible()).toBe(false);
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute("aria-controls"))).toBe("main-menu");
    // open again and follow a link: the menu closes on the new page
    await page.keyboard.press("Enter");
    await nav.getByRole("link", { name: "Customers" }).click();
    await page.waitForURL((url) => url.pathname === "/customers");
    await expect.poll(() => nav.isVisible()).toBe(false);
  });

  test("at 1280 px the navigation is a sidebar with no menu button", async ({ marketerPage: page }) => {
    await open(page, "/");
    expect(await page.locator('nav[aria-label="Main"]').isVisible()).toBe(true);
    expect(await page.getByRole("button", { name: "Menu" }).isVisible()).toBe(false);
  });
});
