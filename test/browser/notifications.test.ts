import { afterAll, beforeAll, describe, inject } from "vitest";
import { openDatabase, type Database } from "../../models/db";
import { countUnreadNotifications, createNotification, markNotificationsRead } from "../../models/notifications/notifications.server";
import { expect, loginOf, open, screenshot, submit, test } from "./fixtures";

// A long formation (over 10 s) is what makes a notification; the demo store forms in milliseconds,
// so the test writes the notifications as the worker would (models/notifications/segment-formed).
describe("the notification bell", () => {
  let db: Database;
  let marketerId: number;
  let segment: { id: number; name: string };
  let formed: (name: string, size: number, seconds: number, id: number, minutesAgo: number) => Promise<number>;

  beforeAll(async () => {
    db = await openDatabase(inject("databaseUrl"));
    const marketer = await db.models.User.findOne({ where: { email: loginOf("marketer").email }, raw: true });
    marketerId = marketer!.id;
    const demo = await db.models.Segment.findOne({ where: { createdById: marketerId }, order: [["id", "ASC"]], raw: true });
    segment = { id: demo!.id, name: demo!.name };
    await markNotificationsRead(db, marketerId, "all", new Date());
    // the admin's bell must be quiet too: other files' work (an export that ran as a job) rings it
    const admin = await db.models.User.findOne({ where: { email: loginOf("admin").email }, raw: true });
    await markNotificationsRead(db, admin!.id, "all", new Date());
    formed = (name: string, size: number, seconds: number, id: number, minutesAgo: number) =>
      createNotification(db, { userId: marketerId, kind: "segment.formed", params: { segmentId: id, name, size, seconds }, link: `/segments/${id}` }, new Date(Date.now() - minutesAgo * 60_000));
    await formed("Lapsed VIPs", 18_250, 41.3, segment.id, 90);
    await formed("Weekend shoppers", 512, 10.4, segment.id, 30);
    await formed(segment.name, 1_234, 12, segment.id, 2);
  });
  afterAll(() => db.close());

  test("a marketer sees the unread count, opens a notification from the bell, marks one and then all read, and the badge goes away", async ({ marketerPage: page, adminPage }) => {
    await open(page, "/");
    const badge = page.getByTestId("notification-count");
    await expect.poll(() => badge.innerText()).toBe("3");
    await expect.poll(() => page.getByTestId("notification-bell").getAttribute("aria-label")).toBe("Notifications: 3 unread");
    // another user's bell does not count them
    await open(adminPage, "/");
    await expect.poll(() => adminPage.getByTestId("notification-bell").isVisible()).toBe(true);
    expect(await adminPage.getByTestId("notification-count").count()).toBe(0);

    await page.getByTestId("notification-bell").click();
    const panel = page.getByTestId("notification-panel");
    const newest = `Segment “${segment.name}” is formed: 1,234 customers, took 12 s.`;
    await expect.poll(() => panel.locator("li").allInnerTexts()).toEqual([
      `${newest}\n2 minutes ago`,
      "Segment “Weekend shoppers” is formed: 512 customers, took 10.4 s.\n30 minutes ago",
      "Segment “Lapsed VIPs” is formed: 18,250 customers, took 41.3 s.\n2 hours ago",
    ]);
    await screenshot(page, "notifications-bell-open");

    // opening one leads to its segment and marks it read
    await Promise.all([page.waitForURL(`**/segments/${segment.id}`), panel.getByText(newest).click()]);
    await expect.poll(() => page.getByTestId("segment-name").innerText()).toBe(segment.name);
    await expect.poll(() => badge.innerText()).toBe("2");
    // the segment page says when its recompute job runs next (demo segments recompute every 5 minutes)
    await expect.poll(() => page.getByTestId("next-recompute").innerText()).toMatch(/^(next in \d+ (seconds?|minutes?)|next now|recomputing now|due now: .*)$/);
    await screenshot(page, "segment-page");
    // its figures fit their cards at 1280 px: none is cut short with an ellipsis
    await expect.poll(() => page.locator("dl dd").evaluateAll((dds) => dds.filter((d) => d.scrollWidth > d.clientWidth).map((d) => d.textContent))).toEqual([]);
    await expect.poll(() => page.getByTestId("page-created").innerText()).toMatch(/\b20\d\d\b/);

    await open(page, "/notifications");
    const items = page.getByTestId("notifications").locator("li");
    await expect.poll(() => items.count()).toBe(3);
    const unread = () => items.evaluateAll((li) => li.map((e) => e.getAttribute("data-unread")));
    await expect.poll(unread).toEqual(["false", "true", "true"]);
    await screenshot(page, "notifications-page");
    // one by hand
    expect(await submit(page, items.nth(1).getByRole("button", { name: "Mark read" }))).toBe(200);
    await expect.poll(unread).toEqual(["false", "false", "true"]);
    await expect.poll(() => badge.innerText()).toBe("1");
    // the rest at once
    expect(await submit(page, page.getByTestId("mark-all-read"))).toBe(200);
    await expect.poll(() => page.getByText("1 notification marked read.").isVisible()).toBe(true);
    await expect.poll(unread).toEqual(["false", "false", "false"]);
    await expect.poll(() => badge.count()).toBe(0);
    await expect.poll(() => page.getByTestId("notification-bell").getAttribute("aria-label")).toBe("Notifications");
    expect(await countUnreadNotifications(db, marketerId)).toBe(0);
    // and it stays gone on the next page
    await open(page, "/segments");
    expect(await badge.count()).toBe(0);

    // a new one comes; "mark all read" in the bell's panel clears it without leaving the page
    await formed("Birthday this week", 87, 15, segment.id, 0);
    await open(page, "/segments");
    await expect.poll(() => badge.innerText()).toBe("1");
    await page.getByTestId("notification-bell").click();
    await expect.poll(() => panel.locator("li").first().innerText()).toMatch(/^Segment “Birthday this week” is formed: 87 customers, took 15 s\.\n/);
    expect(await submit(page, panel.getByRole("button", { name: "Mark all read" }))).toBe(200);
    await expect.poll(() => badge.count()).toBe(0);
    expect(new URL(page.url()).pathname).toBe("/segments");
    expect(await countUnreadNotifications(db, marketerId)).toBe(0);
  });
});
