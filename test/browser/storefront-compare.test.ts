import type { Page } from "playwright-core";
import { expect, open, screenshot, submit, test } from "./fixtures";

// Issue 17's storefront half on the demo store: an admin shows a product variant only to one
// segment from the product page, and a marketer compares two demo segments, with the chart and the
// table fitting a laptop and a phone.

const BIG_SPENDERS = "Big spenders of the last year";
const LAPSED = "Bought twice or more, nothing for six months";

async function noSidewaysScroll(page: Page, width: number) {
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
}

test("an admin restricts a variant to a segment on the product page, at 1280 and 390 px", async ({ adminPage: page }) => {
  await open(page, "/products");
  const first = page.getByTestId("products-table").locator('a[href^="/products/"]').first();
  const href = await first.getAttribute("href");
  expect(href).toMatch(/^\/products\/\d+$/);
  await open(page, href!);
  const row = page.getByTestId("variants-table").locator("tbody tr").first();
  const variantId = (await row.getAttribute("data-testid"))!.replace(/^variant-row-/, "");
  await page.getByTestId(`restrict-${variantId}`).click();
  const dialog = page.locator("dialog[open]");
  await expect.poll(() => dialog.isVisible()).toBe(true);
  await dialog.getByLabel(new RegExp(BIG_SPENDERS)).check();
  expect(await submit(page, dialog.getByRole("button", { name: "Save" }))).toBe(200);
  await expect.poll(() => page.getByTestId("restriction-saved").textContent()).toContain(`is now shown to ${BIG_SPENDERS}`);
  await expect.poll(() => page.getByTestId(`variant-row-${variantId}`).getByTestId("shown-to").textContent()).toContain(BIG_SPENDERS);
  await expect.poll(() => dialog.count()).toBe(0);
  for (const width of [1280, 390]) {
    await page.setViewportSize({ width, height: 900 });
    await open(page, href!);
    await noSidewaysScroll(page, width);
    await screenshot(page, `product-restricted-${width}`);
  }
  // the list now counts it among the restricted products
  await open(page, "/products?restricted=yes");
  expect(await page.getByTestId("products-table").locator(`a[href="${href}"]`).count()).toBe(1);
  // and the dialog at a phone's width
  await page.setViewportSize({ width: 390, height: 900 });
  await open(page, href!);
  await page.getByTestId(`restrict-${variantId}`).click();
  await expect.poll(() => page.locator("dialog[open]").isVisible()).toBe(true);
  await screenshot(page, "product-restrict-dialog-390");
  await page.locator("dialog[open]").getByRole("button", { name: "Cancel" }).click();
});

test("a marketer compares two demo segments from the segment list and sees the chart and the table, at 1280 and 390 px", async ({ marketerPage: page }) => {
  await open(page, "/segments");
  await page.getByTestId("compare-segments").click();
  await page.waitForURL((url) => url.pathname === "/segments/compare");
  const form = page.getByTestId("compare-form");
  await form.getByLabel(new RegExp(BIG_SPENDERS)).check();
  await form.getByLabel(new RegExp(LAPSED)).check();
  await page.getByTestId("compare-from").fill("2020-01-01");
  await Promise.all([page.waitForURL((url) => url.searchParams.getAll("code").length === 2), page.getByTestId("compare-submit").click()]);
  const url = page.url();
  for (const width of [1280, 390]) {
    await page.setViewportSize({ width, height: 900 });
    await page.goto(url);
    const chart = page.getByTestId("compare-chart");
    await expect.poll(() => chart.isVisible()).toBe(true);
    // a bar per segment in each of the five panels
    expect(await chart.getByTestId("compare-bar").count()).toBe(10);
    const table = page.getByTestId("compare-table");
    await expect.poll(() => table.locator("tbody tr").count()).toBe(2);
    await expect.poll(() => table.textContent()).toContain(BIG_SPENDERS);
    await expect.poll(() => table.textContent()).toContain(LAPSED);
    const box = (await chart.boundingBox())!;
    expect(box.x + box.width).toBeLessThanOrEqual(width);
    await noSidewaysScroll(page, width);
    await screenshot(page, `segments-compare-${width}`);
    await chart.screenshot({ path: `test-results/screenshots/segments-compare-chart-${width}.png` });
  }
  // asking for one segment says what is wrong, naming the field
  await open(page, "/segments/compare?code=vip-big-spenders&from=2020-01-01&to=2020-12-31");
  await expect.poll(() => page.getByTestId("compare-errors").textContent()).toContain("Segments (2 to 5): name at least 2 segments to compare");
});
