import fs from "node:fs";
import path from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, inject } from "vitest";
import { openDatabase, type Database } from "../../models/db";
import { unsubscribeToken } from "../../campaigns/inbound/unsubscribe-token";
import { expect, open, screenshot, test } from "./fixtures";

// The page a customer reaches from a message's unsubscribe link: public, at a phone's width, and it
// changes nothing until its button is pressed.
describe("the unsubscribe page", () => {
  let db: Database;
  let link: string;
  let customerId: number;

  beforeAll(async () => {
    const databaseUrl = inject("databaseUrl");
    db = await openDatabase(databaseUrl);
    // the server made its session secret on first start, in its data directory beside the database
    const secret = fs.readFileSync(path.join(path.dirname(databaseUrl.slice("sqlite:".length)), "session-secret"), "utf8").trim();
    const subscribed = await db.models.ChannelIdentity.findOne({ where: { channel: "email", isSubscribed: true }, order: [["customerId", "ASC"]], raw: true });
    customerId = subscribed!.customerId;
    link = `/unsubscribe/${unsubscribeToken(secret, customerId, "email")}`;
  });
  afterAll(() => db.close());

  const isSubscribed = async () => Boolean((await db.models.ChannelIdentity.findOne({ where: { customerId, channel: "email" }, raw: true }))!.isSubscribed);

  async function fitsTheWidth(page: Page) {
    return page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth);
  }

  test("signed out, on a phone: the page asks first, the button unsubscribes, and the page says so", async ({ page }) => {
    const problems: string[] = [];
    page.on("console", (message) => {
      if (message.type() === "error") problems.push(message.text());
    });
    await page.setViewportSize({ width: 390, height: 800 });
    const response = await open(page, link);
    expect(response!.status()).toBe(200);
    await expect.poll(() => page.getByRole("heading", { name: "Unsubscribe from email messages?" }).isVisible()).toBe(true);
    expect(await fitsTheWidth(page)).toBe(true);
    expect(await isSubscribed()).toBe(true);
    await screenshot(page, "unsubscribe-390");

    await page.getByRole("button", { name: "Unsubscribe" }).click();
    await expect.poll(() => page.getByRole("status").getByRole("heading", { name: "You are unsubscribed" }).isVisible()).toBe(true);
    expect(await fitsTheWidth(page)).toBe(true);
    await expect.poll(isSubscribed).toBe(false);
    expect(problems).toEqual([]);
  });

  test("a link with a changed character shows why it does not work, at a phone's width", async ({ page }) => {
    await page.setViewportSize({ width: 390, height: 800 });
    const broken = link.slice(0, -3) + (link.endsWith("AAA") ? "BBB" : "AAA");
    const response = await open(page, broken);
    expect(response!.status()).toBe(404);
    await expect.poll(() => page.getByRole("alert").getByRole("heading", { name: "This unsubscribe link does not work" }).isVisible()).toBe(true);
    expect(await fitsTheWidth(page)).toBe(true);
  });
});
