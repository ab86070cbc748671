// A customer's rights in a real browser: an admin opens a customer whose consent changed through the
// API, reads the consent history, downloads the JSON export, erases the customer behind the typed
// confirmation, and the page then shows the erased tombstone; at a laptop's width and at a phone's
// without sideways scrolling.
import { afterAll, beforeAll, describe, inject } from "vitest";
import { openDatabase, type Database } from "../../models/db";
import { createApiKey } from "../../models/api-keys.server";
import { expect, open, screenshot, test } from "./fixtures";

describe("a customer's consent history, export and erasure", () => {
  let db: Database;
  let key = "";
  const stamp = Date.now().toString(36);
  const externalId = `PRIV-${stamp}`;
  let customerId = 0;

  const api = async (path: string, body: unknown) => {
    const response = await fetch(`${inject("baseUrl")}/api/v1${path}`, {
      method: "POST",
      headers: { Authorization: `Bearer ${key}`, "Content-Type": "application/json" },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  beforeAll(async () => {
    db = await openDatabase(inject("databaseUrl"));
    key = (await createApiKey(db, { name: `privacy ${stamp}`, scopes: ["customers:write"] }, { userId: null })).secret;
    const made = await api("/customers", {
      externalId,
      firstName: "Radostina",
      lastName: "Privacheva",
      email: `radostina.${stamp}@privacy.test`,
      country: "BG",
      acceptsMarketing: true,
      channels: { email: { subscribed: true, changedAt: "2026-01-10T09:00:00Z" }, viber: { address: `vb-${stamp}`, subscribed: true, changedAt: "2026-01-11T09:00:00Z" } },
    });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    customerId = Number(made.body.id);
    expect((await api("/subscriptions", { customerExternalId: externalId, channel: "email", subscribed: false, at: "2026-02-01T09:00:00Z" })).status).toBe(200);
  });
  afterAll(async () => {
    await db?.close();
  });

  test("an admin reads the history, downloads the export and erases the customer", async ({ adminPage: page }) => {
    for (const width of [390, 1280]) {
      await page.setViewportSize({ width, height: 900 });
      await open(page, `/customers/${customerId}`);
      const history = page.getByTestId("consent-history");
      await expect.poll(() => history.getByTestId("consent-email").locator("li").allInnerTexts()).toEqual([expect.stringMatching(/^Withdrawn/), expect.stringMatching(/^Granted/)]);
      await expect.poll(() => history.getByTestId("consent-viber").locator("li").count()).toBe(1);
      await expect.poll(() => history.getByTestId("consent-marketing").locator("li").count()).toBe(1);
      expect(await page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth)).toBe(true);
      await history.screenshot({ path: `test-results/screenshots/privacy-consent-history-${width}.png` });
      await page.getByTestId("privacy").screenshot({ path: `test-results/screenshots/privacy-card-${width}.png` });
    }

    const [download] = await Promise.all([page.waitForEvent("download"), page.getByTestId("export-json").click()]);
    expect(download.suggestedFilename()).toMatch(new RegExp(`^customer-${customerId}-\\d{4}-\\d\\d-\\d\\d\\.json$`));
    const doc = JSON.parse(await streamText(await download.createReadStream()));
    expect(doc.customer).toMatchObject({ externalId, firstName: "Radostina" });
    expect(doc.channels.find((c: { channel: string }) => c.channel === "email").consentHistory).toHaveLength(2);

    await page.getByTestId("erase-open").click();
    const dialog = page.getByTestId("erase-dialog");
    await expect.poll(() => dialog.isVisible()).toBe(true);
    // the button waits for the external id, typed exactly
    await dialog.getByTestId("erase-confirmation").fill("not it");
    expect(await dialog.getByTestId("erase-submit").isDisabled()).toBe(true);
    await dialog.getByTestId("erase-confirmation").fill(externalId);
    await dialog.screenshot({ path: "test-results/screenshots/privacy-erase-dialog-1280.png" });
    await dialog.getByTestId("erase-submit").click();

    await expect.poll(() => page.getByTestId("erased-notice").isVisible()).toBe(true);
    expect(await page.getByTestId("customer-name").innerText()).toBe("Erased customer");
    const text = await page.locator("main").innerText();
    expect(text).not.toContain("Radostina");
    expect(text).not.toContain(externalId);
    expect(await page.getByTestId("erase-open").count()).toBe(0);
    await screenshot(page, "privacy-erased-customer-1280");
    await page.setViewportSize({ width: 390, height: 900 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth)).toBe(true);
    await screenshot(page, "privacy-erased-customer-390");
  });
});

async function streamText(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks).toString("utf8");
}
