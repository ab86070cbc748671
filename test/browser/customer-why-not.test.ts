// "Why isn't this customer in…?" on a customer's page in a real browser: a segment the customer is
// not in is picked, and each criterion comes back met or not with the customer's own value, at a
// phone's width as at a laptop's.
import { describe } from "vitest";
import { expect, open, screenshot, test } from "./fixtures";

describe("why a customer is not in a segment", () => {
  test("a marketer picks a segment on a customer's page and sees each criterion with the customer's value", async ({ marketerPage: page }) => {
    await open(page, "/customers");
    const href = await page.locator('main a[href^="/customers/"]').evaluateAll((links) => links.map((a) => a.getAttribute("href") ?? "").find((h) => /^\/customers\/\d+$/.test(h)));
    expect(href).toBeTruthy();
    for (const width of [390, 1280]) {
      await page.setViewportSize({ width, height: 900 });
      await open(page, href!);
      const picker = page.getByTestId("why-not");
      const select = picker.getByTestId("why-not-segment");
      // the demo store's segments with criteria: the first one this customer is not in
      const options = await select.locator("option").evaluateAll((all) => all.map((o) => (o as HTMLOptionElement).value).filter(Boolean));
      expect(options.length).toBeGreaterThan(0);
      let judged = false;
      for (const value of options) {
        await select.selectOption(value);
        const verdict = picker.getByTestId("why-not-verdict");
        await verdict.waitFor({ timeout: 15_000 });
        if ((await verdict.getByTestId("verdict").count()) === 0) continue;
        judged = true;
        expect(await picker.getByTestId("why-not-headline").innerText()).toMatch(/^(Not in: |Matches)/);
        const lines = await verdict.getByTestId("verdict").evaluateAll((items) => items.map((li) => ({ state: li.getAttribute("data-state"), text: (li as HTMLElement).innerText })));
        for (const line of lines) {
          expect(["met", "not-met"]).toContain(line.state);
          expect(line.text).toMatch(/(met|not met) · this customer: \S/);
        }
        break;
      }
      expect(judged, "a segment with criteria that this customer is not in").toBe(true);
      expect(await page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth)).toBe(true);
      await screenshot(page, `customer-why-not-${width}`);
    }
  });
});
