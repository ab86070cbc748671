// The campaign form in a real browser: the channel chain is built with its buttons (add, reorder,
// remove) and each channel's message editor follows it; a problem comes back beside its field and
// in the list on top, with what was typed kept; the saved draft shows its chain on its page.
import { describe } from "vitest";
import { expect, open, screenshot, test } from "./fixtures";

describe("the campaign form", () => {
  test("a marketer builds a Viber-then-SMS chain, fixes what the server names, and saves a draft", async ({ marketerPage: page }) => {
    const name = `Chain test ${Date.now().toString(36)}`;
    await open(page, "/campaigns/new");
    await page.getByLabel("Name").fill(name);
    // email is the first channel of a new campaign; add SMS and Viber, put Viber first, drop email
    await page.getByTestId("add-sms").click();
    await page.getByTestId("add-viber").click();
    await page.getByRole("button", { name: "Move Viber up" }).click();
    await page.getByRole("button", { name: "Move Viber up" }).click();
    await page.getByRole("button", { name: "Remove Email" }).click();
    await expect.poll(() => page.locator('[data-testid^="chain-"]').evaluateAll((rows) => rows.map((r) => r.getAttribute("data-testid")))).toEqual(["chain-viber", "chain-sms"]);
    await expect.poll(() => page.locator('[data-testid^="template-"]').evaluateAll((cards) => cards.map((c) => c.getAttribute("data-testid")))).toEqual(["template-viber", "template-sms"]);
    await page.getByTestId("picker-includeSegmentIds").locator('input[type="checkbox"]').first().check();
    // the picked segment cannot also be excluded
    expect(await page.getByTestId("picker-excludeSegmentIds").locator('input[type="checkbox"]').first().isDisabled()).toBe(true);
    await page.getByTestId("template-viber").getByLabel("Message").fill("Здравей! Пролетна разпродажба.");
    await page.getByTestId("template-sms").getByLabel("Message").fill("Spring sale");
    await expect.poll(() => page.getByTestId("sms-counter").innerText()).toMatch(/^11 characters/);
    // a time that has passed
    await page.getByTestId("schedule-at").check();
    await page.getByLabel("Date and time", { exact: true }).fill("2020-01-01T10:00");
    const [answer] = await Promise.all([page.waitForResponse((r) => r.request().method() === "POST"), page.getByTestId("save-campaign").click()]);
    expect(answer.status()).toBe(400);
    await expect.poll(() => page.getByTestId("campaign-errors").innerText()).toContain("schedule.sendAt");
    await expect.poll(() => page.locator(".field-error").allInnerTexts()).toContain("is in the past: choose a later moment, or send now");
    // what was typed is still there
    expect(await page.getByTestId("template-viber").getByLabel("Message").inputValue()).toBe("Здравей! Пролетна разпродажба.");
    await screenshot(page, "campaign-form-error");

    await page.getByLabel("As soon as it is sent").check();
    await Promise.all([page.waitForURL(/\/campaigns\/\d+\?saved=1/, { timeout: 30_000 }), page.getByTestId("save-campaign").click()]);
    await expect.poll(() => page.getByTestId("campaign-name").innerText()).toBe(name);
    await expect.poll(() => page.getByTestId("campaign-status").innerText()).toBe("Draft");
    expect(await page.getByTestId("channel-chain").first().innerText()).toMatch(/Viber\s*→\s*SMS/);
    // a draft counts who it would reach now, per channel of its chain
    await expect.poll(() => page.getByTestId("reach-total").isVisible()).toBe(true);
    expect(await page.getByTestId("reach-rows").locator('[data-testid^="reach-"]').evaluateAll((rows) => rows.slice(0, 2).map((r) => r.getAttribute("data-testid")))).toEqual(["reach-viber", "reach-sms"]);
    await expect.poll(() => page.getByTestId("reach-sms-parts").innerText()).toMatch(/1 part per message \(GSM-7\)/);
    await screenshot(page, "campaign-draft");

    // the list finds it by a part of its name
    await open(page, `/campaigns?q=${encodeURIComponent(name.slice(0, 10).toUpperCase())}`);
    await expect.poll(() => page.getByTestId("campaigns-table").getByRole("link", { name, exact: true }).count()).toBe(1);
  });
});
