import type { Page } from "playwright-core";
import { SENT_NAME } from "../../server/demo-campaigns";
import { expect, open, screenshot, test } from "./fixtures";

// The demo store's sent campaign (made on the first start) on a laptop and a phone: its chart of
// sends, deliveries and failures fits the width, and its numbers are there as a table for screen
// readers; the campaign shows on a recipient's customer page.

async function sentDemoCampaign(page: Page): Promise<string> {
  // by its name: other browser tests finish campaigns of their own in the same store
  await open(page, `/campaigns?status=finished&q=${encodeURIComponent(SENT_NAME)}`);
  const href = await page.getByTestId("campaigns-table").getByRole("link", { name: SENT_NAME, exact: true }).first().getAttribute("href");
  expect(href, "the first start made a finished campaign").toMatch(/^\/campaigns\/\d+$/);
  return href!;
}

test("the campaign report's chart fits 1280 and 390 px, with its numbers as a table", async ({ marketerPage: page }) => {
  const href = await sentDemoCampaign(page);
  for (const width of [1280, 390]) {
    await page.setViewportSize({ width, height: 900 });
    await open(page, href);
    const chart = page.getByTestId("report-chart");
    await expect.poll(() => chart.isVisible()).toBe(true);
    const box = (await chart.boundingBox())!;
    expect(box.x).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width).toBeLessThanOrEqual(width);
    const svg = (await page.getByTestId("report-svg").boundingBox())!;
    expect(svg.width).toBeGreaterThan(width === 390 ? 250 : 600);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
    // the table a screen reader reads: a row per bucket, numbers that add up to the legend's
    const rows = page.getByTestId("report-table").locator("tbody tr");
    expect(await rows.count()).toBeGreaterThan(3);
    await expect.poll(() => page.getByTestId("report-bucket").textContent()).toMatch(/^per .+, Europe\/Sofia time$/);
    await chart.scrollIntoViewIfNeeded();
    await screenshot(page, `campaign-report-${width}`);
    // the chart alone, to look at closely
    await chart.screenshot({ path: `test-results/screenshots/campaign-report-chart-${width}.png` });
  }
});

test("a recipient's customer page lists the demo campaign, linked to it", async ({ marketerPage: page }) => {
  const href = await sentDemoCampaign(page);
  await open(page, `${href}?status=delivered`);
  const customer = await page.getByTestId("recipients-table").locator('a[href^="/customers/"]').first().getAttribute("href");
  await page.setViewportSize({ width: 390, height: 900 });
  await open(page, customer!);
  const card = page.getByTestId("customer-campaigns");
  await expect.poll(() => card.locator(`a[href="${href}"]`).count()).toBe(1);
  await card.scrollIntoViewIfNeeded();
  await screenshot(page, "customer-campaigns-390");
  await card.screenshot({ path: "test-results/screenshots/customer-campaigns-card-390.png" });
});
