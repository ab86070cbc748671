import type { Page } from "playwright-core";
import { describe } from "vitest";
import { expect, open, screenshot, submit, test } from "./fixtures";

// The demo store's first start leaves call tasks in the demo manager's inbox (server/demo-automations.ts):
// the manager sees them with their customers, opens one with the customer's cards beside it, and
// completes it, on a phone and on a laptop.
async function fitsWidth(page: Page) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow).toBeLessThanOrEqual(0);
}

describe("the manager's task inbox", () => {
  for (const width of [1280, 390] as const) {
    test(`at ${width} px the demo manager sees their tasks with the customer, opens one beside its customer, and completes it`, async ({ managerPage: page }) => {
      await page.setViewportSize({ width, height: 900 });
      await open(page, "/");
      // the dashboard counts the open tasks and leads to the inbox; the nav badge agrees
      const openTile = page.getByTestId("tasks-open");
      const open0 = Number(await openTile.innerText());
      expect(open0).toBeGreaterThan(0);
      if (width === 1280) expect(await page.getByTestId("nav-open-tasks").innerText()).toBe(String(open0));
      await screenshot(page, `tasks-dashboard-${width}`);
      await Promise.all([page.waitForURL("**/tasks"), openTile.getByRole("link").click()]);

      const rows = page.getByTestId("task-row");
      await expect.poll(() => rows.count()).toBe(open0);
      const first = rows.first();
      const customer = (await first.getByTestId("task-customer").innerText()).trim();
      expect(customer.length).toBeGreaterThan(0);
      expect(await first.getByTestId("task-link").innerText()).toBe("Thank a new VIP by phone");
      await fitsWidth(page);
      await screenshot(page, `tasks-inbox-${width}`);

      await Promise.all([page.waitForURL(/\/tasks\/\d+$/), first.getByTestId("task-link").click()]);
      await expect.poll(() => page.getByTestId("task-title").innerText()).toBe("Thank a new VIP by phone");
      // beside the task: why (the segment it entered, with the criteria against their values) and the customer's cards
      await expect.poll(() => page.getByTestId("task-event").innerText()).toContain("entered “Big spenders of the last year”");
      expect(await page.getByTestId("task-reasons").getByTestId("segment-reason").count()).toBeGreaterThan(0);
      expect(await page.getByTestId("task-customer-name").innerText()).toBe(customer);
      for (const card of ["channels", "orders", "customer-segments"]) expect(await page.getByTestId(card).isVisible(), card).toBe(true);
      await fitsWidth(page);
      await screenshot(page, `tasks-page-${width}`);

      // a comment, then done
      await page.getByTestId("task-comment-body").fill(`Called at ${width} px: happy with the order`);
      expect(await submit(page, page.getByTestId("task-comment-submit"))).toBe(200);
      await expect.poll(() => page.getByTestId("task-comment").last().innerText()).toContain(`Called at ${width} px`);
      await page.getByRole("button", { name: "Mark as done" }).click();
      const dialog = page.getByRole("dialog");
      await expect.poll(() => dialog.isVisible()).toBe(true);
      await screenshot(page, `tasks-complete-dialog-${width}`);
      await Promise.all([page.waitForURL(/\/tasks\?completed=\d+$/), dialog.getByRole("button", { name: "Mark as done" }).click()]);
      await expect.poll(() => page.getByTestId("task-notice").innerText()).toBe("Completed “Thank a new VIP by phone”.");
      await expect.poll(() => rows.count()).toBe(open0 - 1);
      await screenshot(page, `tasks-after-complete-${width}`);
      // the done list has it
      await page.getByText("Done", { exact: true }).click();
      await expect.poll(() => page.url()).toContain("status=done");
      await expect.poll(() => rows.count()).toBeGreaterThan(0);
    });
  }
});
