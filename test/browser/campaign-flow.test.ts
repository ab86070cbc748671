// A campaign from first keystroke to report in a real browser: the marketer writes an email for a
// demo segment, previews it on a customer (the customer's own first name in the rendered message),
// sends themselves a test, saves, sees the reach per channel, sends it now, watches the progress
// reach the end without reloading, and reads the recipients and the outbox. A manager is refused
// the pages and the posts.
import { describe } from "vitest";
import type { Page } from "playwright-core";
import { baseUrl, expect, loginOf, open, screenshot, test } from "./fixtures";

const SEGMENT = "Bought twice or more, nothing for six months";

/**
 * The campaign form as it stands with a customer picked: full page at 1280 px and at 390 px, and the
 * preview panel alone (Chromium leaves a sandboxed iframe blank in full-page pictures; an element's
 * picture shows it).
 */
async function formScreens(page: Page, name: string) {
  for (const width of [1280, 390]) {
    await page.setViewportSize({ width, height: width > 400 ? 800 : 844 });
    await expect.poll(() => page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
    await screenshot(page, `${name}-${width}`);
    await page.getByTestId("try-out").screenshot({ path: `test-results/screenshots/${name}-panel-${width}.png` });
  }
  await page.setViewportSize({ width: 1280, height: 800 });
}

describe("a campaign from the form to its report", () => {
  test("a marketer previews an email on a customer, sends it to a demo segment and follows it to the end", async ({ marketerPage: page }) => {
    const marketer = loginOf("marketer");
    const name = `Spring flow ${Date.now().toString(36)}`;
    await open(page, "/campaigns/new");
    await page.getByLabel("Name").fill(name);
    await page.getByTestId("picker-includeSegmentIds").getByLabel(SEGMENT).check();
    const email = page.getByTestId("template-email");
    await email.getByLabel("Subject").fill("Spring is here, {{ customer.first_name }}!");
    await email.getByLabel("HTML").fill("<h1>Hello {{ customer.first_name }}</h1>\n<p>Everything in {{ store.name }} is 20% off this week.</p>");

    // preview: find a customer, pick them, and the message is theirs
    await page.getByTestId("preview-search").fill("a");
    await page.getByTestId("preview-pick").first().click();
    const customerName = (await page.getByTestId("preview-customer-name").innerText()).trim();
    await expect.poll(() => page.getByTestId("preview-subject").innerText()).toMatch(/^Spring is here, .+!$/);
    const firstName = /^Spring is here, (.+)!$/.exec(await page.getByTestId("preview-subject").innerText())![1];
    expect(customerName.startsWith(firstName), `${customerName} / ${firstName}`).toBe(true);
    const frame = page.frameLocator('[data-testid="preview-html"]');
    await expect.poll(() => frame.locator("h1").innerText()).toBe(`Hello ${firstName}`);
    expect(await page.getByTestId("preview-html").getAttribute("sandbox")).toBe("");

    // an unsaved edit shows in the preview a moment later; a mistake names its line and variable
    await email.getByLabel("HTML").fill("<h1>Hello {{ customer.first_name }}</h1>\n<p>{{ customer.frist_name }}</p>");
    await expect.poll(() => page.getByTestId("preview-problems-email").innerText()).toMatch(/line 2.*customer\.frist_name/);
    await email.getByLabel("HTML").fill("<h1>Hello {{ customer.first_name }}</h1>\n<p>Everything is 20% off this week.</p>");
    await expect.poll(() => frame.locator("p").innerText()).toBe("Everything is 20% off this week.");
    await formScreens(page, "campaign-preview");

    // a test to the marketer's own address: no credentials, so it is kept in the outbox as a test
    await page.getByTestId("open-test-send").click();
    const dialog = page.getByTestId("test-send");
    await expect.poll(() => dialog.getByTestId("test-email-to").innerText()).toContain(marketer.email);
    await screenshot(page, "campaign-test-send");
    await dialog.getByTestId("test-send-button").click();
    await expect.poll(() => dialog.getByTestId("test-result").innerText()).toContain(`Kept in the outbox for ${marketer.email}`);
    await dialog.getByRole("button", { name: "Close" }).click();

    // save: the campaign page counts who it would reach, per channel
    await Promise.all([page.waitForURL(/\/campaigns\/\d+\?saved=1/, { timeout: 30_000 }), page.getByTestId("save-campaign").click()]);
    const campaignId = Number(/\/campaigns\/(\d+)/.exec(page.url())![1]);
    await expect.poll(() => page.getByTestId("campaign-status").innerText()).toBe("Draft");
    await expect.poll(() => page.getByTestId("reach-total").isVisible(), { timeout: 20_000 }).toBe(true);
    const reachEmail = Number((await page.getByTestId("reach-email").innerText()).replace(/\D+/g, " ").trim().split(" ").at(-1));
    expect(reachEmail, await page.getByTestId("reach-email").innerText()).toBeGreaterThan(0);

    // send now, and the progress panel follows it to the end without a reload
    await page.evaluate(() => ((window as unknown as { stayed: boolean }).stayed = true));
    await page.getByTestId("campaign-controls").getByRole("button", { name: "Send now" }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Send now" }).click();
    await expect.poll(() => page.getByTestId("campaign-status").innerText(), { timeout: 60_000 }).toBe("Finished");
    expect(await page.evaluate(() => (window as unknown as { stayed?: boolean }).stayed)).toBe(true);
    await expect.poll(() => page.getByTestId("progress-queued").innerText()).toMatch(/\b0\b/);
    await expect.poll(() => page.getByTestId("progress-sentAll").innerText()).toContain(String(reachEmail));

    // the report: recipients with their statuses; the outbox holds the messages
    await open(page, `/campaigns/${campaignId}`);
    const statuses = await page.getByTestId("recipients-table").locator("tbody tr").allInnerTexts();
    expect(statuses.length).toBeGreaterThan(0);
    expect(statuses.some((row) => row.includes("Sent"))).toBe(true);
    await screenshot(page, "campaign-finished");
    await open(page, `/outbox?channel=email&purpose=campaign&q=${encodeURIComponent("Spring is here")}`);
    await expect.poll(() => page.getByTestId("outbox-message-link").count()).toBeGreaterThan(0);
    expect(await page.getByTestId("outbox-message-link").first().innerText()).toMatch(/^Spring is here, .+!$/);
    await open(page, "/outbox?purpose=test");
    await expect.poll(() => page.getByTestId("outbox-table").innerText()).toContain(`[Test] Spring is here, ${firstName}!`);
  });

  test("a manager is refused the campaign form and every campaign post", async ({ managerPage: page }) => {
    const response = await open(page, "/campaigns/new");
    expect(response!.status()).toBe(403);
    const accountHtml = await (await page.request.get(`${baseUrl()}/account`)).text();
    const csrf = /name="csrf" value="([^"]+)"/.exec(accountHtml)![1];
    for (const path of ["/campaigns/new", "/campaigns/preview", "/campaigns/test-send", "/campaigns/1", "/campaigns/1/edit"]) {
      const res = await page.request.post(`${baseUrl()}${path}`, {
        form: { csrf, name: "Manager's", channels: "sms", channel: "sms", to: "+359888123456", "templates.sms.textBody": "Hi", intent: "start" },
        maxRedirects: 0,
      });
      expect(res.status(), path).toBe(403);
    }
  });
});
