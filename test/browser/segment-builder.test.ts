// The segment builder in a real browser: an unfinished criterion (the preview counts the rest and
// says so; no red until the criterion is left), a rolling time frame, duplicating a segment, and
// searching and filtering the list.
import { describe } from "vitest";
import { expect, open, screenshot, test } from "./fixtures";

describe("the segment builder", () => {
  test("an unfinished criterion is left out of the count, red only once left; the saved segment is duplicated and found in the list", async ({ marketerPage: page }) => {
    const name = `Builder test ${Date.now().toString(36)}`;
    await open(page, "/segments/new");
    await page.getByTestId("segment-name").fill(name);
    await page.getByTestId("criterion-0-min").fill("1");
    await page.getByTestId("criterion-0-timeframe-add").click();
    await page.getByTestId("criterion-0-timeframe-lastDays").check();
    await page.getByTestId("criterion-0-timeframe-days").fill("365");
    await expect.poll(() => page.getByTestId("preview-state").innerText(), { timeout: 15_000 }).toBe("Up to date");
    const counted = await page.getByTestId("preview-count").innerText();

    // a new criterion 2 (last order, in the last N days) with no N yet
    await page.getByTestId("add-criterion").click();
    await page.getByTestId("criterion-1-date-days").focus();
    await expect.poll(() => page.getByTestId("preview-not-counting").innerText(), { timeout: 15_000 }).toContain("Not yet counting criterion 2");
    expect(await page.getByTestId("preview-count").innerText()).toBe(counted);
    expect(await page.getByTestId("criterion-1").getByTestId("field-error").count()).toBe(0);
    // leaving it shows what is missing
    await page.getByTestId("segment-name").focus();
    await expect.poll(() => page.getByTestId("criterion-1").getByTestId("field-error").count()).toBeGreaterThan(0);
    await screenshot(page, "segment-builder-unfinished");
    await page.getByTestId("criterion-1-date-days").fill("3650");
    await expect.poll(() => page.getByTestId("preview-not-counting").count(), { timeout: 15_000 }).toBe(0);

    await Promise.all([page.waitForURL(/\/segments\/\d+\?saved=1/, { timeout: 30_000 }), page.getByTestId("save-segment").click()]);
    await page.getByTestId("duplicate-segment").waitFor({ timeout: 15_000 });
    expect(await page.evaluate(() => document.body.textContent)).toContain(name);

    // duplicate: the editor opens as a copy under a free code
    await page.getByTestId("duplicate-segment").click();
    await page.waitForURL(/\/segments\/new\?from=\d+/);
    await expect.poll(() => page.getByTestId("segment-name").inputValue()).toBe(`Copy of ${name}`);
    expect(await page.getByTestId("segment-code").inputValue()).toMatch(/-copy$/);
    expect(await page.getByTestId("criterion-0-timeframe-days").inputValue()).toBe("365");

    // the list, searched by name and filtered by type and activity
    const query = encodeURIComponent(name.toLowerCase());
    await open(page, `/segments?q=${query}`);
    expect(await page.getByTestId("segments-shown").innerText()).toMatch(/^1 of \d+ segments$/);
    await page.getByTestId("segments-type").selectOption("manual");
    await page.waitForURL(/type=manual/);
    await expect.poll(() => page.getByTestId("segments-no-match").count()).toBe(1);
    await page.getByTestId("segments-type").selectOption("dynamic");
    await page.waitForURL(/type=dynamic/);
    await expect.poll(() => page.locator('[data-testid^="segment-row-"]').count()).toBe(1);
    await screenshot(page, "segment-list-filtered");
  });

  test("a country is chosen by its name or code, and a value that is not a country says why in text beside it", async ({ marketerPage: page }) => {
    await open(page, "/segments/new");
    await page.getByTestId("criterion-0-field").selectOption("country");
    const values = page.getByTestId("criterion-0-values");
    const box = values.getByRole("combobox");
    await box.fill("Bulgaria");
    await box.press("Enter");
    await expect.poll(() => values.getByTestId("value-chip").first().innerText()).toContain("Bulgaria (BG)");
    await box.fill("gr");
    await box.press("Enter");
    await expect.poll(() => values.getByTestId("value-chip").nth(1).innerText()).toContain("Greece (GR)");
    await box.fill("Narnia");
    await box.press("Enter");
    await page.getByTestId("segment-name").focus();
    const error = values.getByTestId("value-error");
    await expect.poll(() => error.count(), { timeout: 15_000 }).toBe(1);
    expect(await error.innerText()).toContain("“Narnia”: must be an ISO 3166-1 alpha-2 country code");
    const chip = values.getByTestId("value-chip").nth(2);
    expect(await chip.getAttribute("aria-describedby")).toBe(await error.getAttribute("id"));
    await screenshot(page, "segment-builder-country");
  });
});
