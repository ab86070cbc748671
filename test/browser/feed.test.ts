import { describe } from "vitest";
import type { Page } from "playwright-core";
import { baseUrl, expect, open, screenshot, test } from "./fixtures";

/** The page's own sideways scroll, if any (0 when it fits the viewport). */
const sidewaysScroll = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

describe("a segment's secret feed", () => {
  test("an admin enables the feed, copies its URL, an app reads it, and after revoking the URL answers 404", async ({ adminPage }) => {
    await open(adminPage, "/segments");
    // the demo's first segment with members; its row says the feed is off or revoked
    const first = adminPage.locator('[data-testid^="segment-row-"]').first();
    const state = first.getByTestId("feed-link-state");
    expect(["off", "revoked"]).toContain(await state.getAttribute("data-state"));
    await state.click();
    await adminPage.waitForURL(/\/segments\/\d+#feed$/);
    const panel = adminPage.getByTestId("feed-panel");
    expect(await panel.getByTestId("feed-warning").innerText()).toContain("Anyone who has the feed URL can read");

    await panel.getByTestId("feed-enable").click();
    const field = panel.getByTestId("feed-url");
    await field.waitFor();
    const url = await field.inputValue();
    expect(url).toMatch(new RegExp(`^${baseUrl().replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}/feeds/[A-Za-z0-9_-]{32}/members\\.csv$`));
    await expect.poll(() => panel.getByTestId("feed-state").innerText()).toBe("On");

    await adminPage.context().grantPermissions(["clipboard-read", "clipboard-write"], { origin: baseUrl() });
    await panel.getByTestId("feed-copy").click();
    await expect.poll(() => panel.getByTestId("feed-copy").innerText()).toBe("Copied");
    expect(await adminPage.evaluate(() => navigator.clipboard.readText())).toBe(url);
    await panel.scrollIntoViewIfNeeded();
    await panel.screenshot({ path: "test-results/screenshots/feed-panel.png" });

    // an app reads it without a login
    const read = await adminPage.request.get(url, { headers: { Cookie: "" } });
    expect(read.status()).toBe(200);
    expect(read.headers()["cache-control"]).toBe("no-store");
    const csv = await read.text();
    expect(csv.split("\n")[0]).toBe("external_id,first_name,last_name,email,phone,country,city,accepts_marketing,entered_at");
    expect(csv.trim().split("\n").length).toBeGreaterThan(1);

    // the read shows up under last reads; a reload never shows the URL again
    await adminPage.reload();
    await expect.poll(() => panel.getByTestId("feed-reads").innerText()).toMatch(/members \(CSV\)/);
    expect(await panel.getByTestId("feed-url").count()).toBe(0);
    expect(await adminPage.content()).not.toContain(url.split("/feeds/")[1].split("/")[0]);

    // at a phone's width the panel fits without sideways scroll
    await adminPage.setViewportSize({ width: 390, height: 844 });
    await panel.scrollIntoViewIfNeeded();
    expect(await sidewaysScroll(adminPage)).toBe(0);
    await screenshot(adminPage, "feed-panel-390");
    await adminPage.setViewportSize({ width: 1280, height: 800 });
    expect(await sidewaysScroll(adminPage)).toBe(0);

    await panel.getByRole("button", { name: "Revoke", exact: true }).click();
    await adminPage.getByRole("button", { name: "Revoke feed" }).click();
    await expect.poll(() => panel.getByTestId("feed-state").innerText()).toBe("Revoked");
    const after = await adminPage.request.get(url);
    expect(after.status()).toBe(404);
    expect(await after.text()).toBe("Not found.\n");
    await open(adminPage, "/segments");
    expect(await adminPage.locator('[data-testid^="segment-row-"]').first().getByTestId("feed-link-state").getAttribute("data-state")).toBe("revoked");
  });
});
