// The segment builder in a real browser: an unfinished criterion (the preview counts the rest and
// says so; no red until the criterion is left), a rolling time frame, duplicating a segment,
// searching and filtering the list, and checking one customer against the unsaved draft.
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

  test("a customer picked in the preview is judged by the draft as it changes, an unfinished criterion not counted yet", async ({ marketerPage: page }) => {
    await open(page, "/segments/new");
    // total spent at least 1.00: someone of the first customers matches
    await page.getByTestId("criterion-0-min").fill("1");
    await expect.poll(() => page.getByTestId("preview-state").innerText(), { timeout: 15_000 }).toBe("Up to date");
    const first = page.getByTestId("preview-customers").getByRole("link").first();
    const name = (await first.innerText()).trim();
    expect(name).not.toBe("");

    const check = page.getByTestId("customer-check");
    await check.getByTestId("check-search").fill(name);
    const pick = check.getByRole("button", { name: `Check ${name}` }).first();
    await pick.waitFor({ timeout: 15_000 });
    await pick.click();
    await expect.poll(() => check.getByTestId("check-headline").innerText(), { timeout: 15_000 }).toBe("Would be in this segment.");
    expect(await check.getByTestId("check-name").innerText()).toBe(name);
    const verdict = check.getByTestId("verdict").first();
    expect(await verdict.getAttribute("data-state")).toBe("met");
    expect(await verdict.innerText()).toMatch(/Total spent at least .*1\.00[\s\S]*met · this customer: /);

    // raised out of reach: the same customer, judged again without saving, with their own value
    await page.getByTestId("criterion-0-min").fill("99999999");
    await expect.poll(() => check.getByTestId("check-headline").innerText(), { timeout: 15_000 }).toBe("Would not be in this segment.");
    expect(await verdict.getAttribute("data-state")).toBe("not-met");
    expect(await verdict.innerText()).toMatch(/not met · this customer: \S*\d/);

    // a second criterion with no number of days yet is not counted, and says so
    await page.getByTestId("add-criterion").click();
    await page.getByTestId("criterion-1-date-days").focus();
    await expect.poll(() => check.getByTestId("verdict").count(), { timeout: 15_000 }).toBe(2);
    await expect.poll(() => check.getByTestId("verdict").nth(1).getAttribute("data-state")).toBe("pending");
    expect(await check.getByTestId("verdict").nth(1).innerText()).toContain("Criterion 2");
    expect(await check.getByTestId("verdict").nth(1).innerText()).toContain("not counted yet");
    expect(await check.getByTestId("check-headline").innerText()).toContain("Counting only the finished criteria.");

    // leaving the unfinished criterion marks it red (and moves what is below it) before the clicks below
    await page.getByTestId("segment-name").focus();
    await expect.poll(() => page.getByTestId("criterion-1").getByTestId("field-error").count()).toBeGreaterThan(0);

    // at a laptop's, a tablet's and a phone's width the verdict fits: the page does not scroll sideways
    for (const width of [1280, 768, 390]) {
      await page.setViewportSize({ width, height: 900 });
      await check.scrollIntoViewIfNeeded();
      expect({ width, fits: await page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth) }).toEqual({ width, fits: true });
      await screenshot(page, `segment-builder-check-customer-${width}`);
    }

    // another customer: the search comes back
    await check.getByTestId("check-another").click();
    await expect.poll(() => check.getByTestId("check-search").isVisible()).toBe(true);
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
