import i18next from "i18next";
import { QueryTypes } from "sequelize";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { countUnreadNotifications, getNotifyByEmail, listNotifications, markNotificationsRead, setNotifyByEmail } from "../../app/domain/notifications.server";
import { notificationText } from "../../app/components/notifications/words";
import { i18nConfig, resources } from "../../app/i18n";
import { createNotification } from "../../models/notifications/notifications.server";
import { createUser } from "../../models/users.server";
import { createTestDatabase, testDialect } from "../support/db";

describe(`the notification bell and page on ${testDialect}`, () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let ada: number;
  let bob: number;
  const t0 = Date.parse("2025-03-01T09:00:00Z");
  const at = (minutes: number) => new Date(t0 + minutes * 60_000);
  const formed = (userId: number, i: number) =>
    createNotification(db, { userId, kind: "segment.formed", params: { segmentId: i, name: `Segment ${i}`, size: 1000 + i, seconds: 12.5 }, link: `/segments/${i}` }, at(i));

  beforeAll(async () => {
    db = await createTestDatabase();
    ada = (await createUser(db, { email: "ada@shop.test", name: "Ada", password: "ada-password-1", role: "marketer" })).id;
    bob = (await createUser(db, { email: "bob@shop.test", name: "Bob", password: "bob-password-1", role: "manager" })).id;
    for (let i = 1; i <= 25; i++) await formed(ada, i);
    await formed(bob, 100);
  });
  afterAll(() => db.drop());

  it("lists a user's own notifications newest first, a page at a time, with no gaps or repeats", async () => {
    const first = await listNotifications(db, ada, { limit: 20 });
    expect(first.notifications).toHaveLength(20);
    expect(first.notifications[0]).toMatchObject({ kind: "segment.formed", params: { segmentId: 25, name: "Segment 25", size: 1025, seconds: 12.5 }, link: "/segments/25", readAt: null });
    expect(first.notifications[0].createdAt).toEqual(at(25));
    const second = await listNotifications(db, ada, { limit: 20, before: first.olderCursor! });
    expect(second.olderCursor).toBeNull();
    const names = [...first.notifications, ...second.notifications].map((n) => n.params.name);
    expect(names).toEqual(Array.from({ length: 25 }, (_, i) => `Segment ${25 - i}`));
    expect((await listNotifications(db, bob, { limit: 20 })).notifications.map((n) => n.params.name)).toEqual(["Segment 100"]);
  });

  it("counts the unread ones with one COUNT that reads the (user_id, read_at) index", async () => {
    expect(await countUnreadNotifications(db, ada)).toBe(25);
    const statements: string[] = [];
    const options = (db.sequelize as unknown as { options: { logging: unknown } }).options;
    const logging = options.logging;
    options.logging = (sql: string) => statements.push(sql.replace(/^Executing \([^)]*\): /, ""));
    try {
      await countUnreadNotifications(db, ada);
    } finally {
      options.logging = logging;
    }
    expect(statements).toHaveLength(1);
    const plan = await db.sequelize.query<Record<string, unknown>>(`EXPLAIN ${testDialect === "sqlite" ? "QUERY PLAN " : ""}${statements[0]}`, { type: QueryTypes.SELECT });
    // SQLite: "SEARCH notifications USING COVERING INDEX notifications_user_id_read_at_id (…)"; MariaDB: the row's key
    const used = plan.map((row) => String(testDialect === "sqlite" ? row.detail : row.key));
    expect(used).toEqual([expect.stringMatching(/notifications_user_id_read_at/)]);
  });

  it("marks one read only for its owner, then all; the count follows and nothing is marked twice", async () => {
    const [newest, next] = (await listNotifications(db, ada, { limit: 2 })).notifications;
    const bobs = (await listNotifications(db, bob, { limit: 1 })).notifications[0];
    // someone else's notification is not theirs to mark
    expect(await markNotificationsRead(db, ada, [bobs.id], at(60))).toBe(0);
    expect(await countUnreadNotifications(db, bob)).toBe(1);
    expect(await markNotificationsRead(db, ada, [newest.id], at(60))).toBe(1);
    expect(await markNotificationsRead(db, ada, [newest.id], at(61))).toBe(0);
    expect(await countUnreadNotifications(db, ada)).toBe(24);
    const [readOne, unreadOne] = (await listNotifications(db, ada, { limit: 2 })).notifications;
    expect(readOne).toMatchObject({ id: newest.id, readAt: at(60) });
    expect(unreadOne).toMatchObject({ id: next.id, readAt: null });
    expect((await listNotifications(db, ada, { limit: 50, unreadOnly: true })).notifications).toHaveLength(24);
    expect(await markNotificationsRead(db, ada, "all", at(62))).toBe(24);
    expect(await countUnreadNotifications(db, ada)).toBe(0);
    expect(await countUnreadNotifications(db, bob)).toBe(1);
    expect(await markNotificationsRead(db, ada, [], at(63))).toBe(0);
  });

  it("keeps each user's choice of email notifications", async () => {
    const before = await getNotifyByEmail(db, ada);
    await setNotifyByEmail(db, ada, !before, at(70));
    expect(await getNotifyByEmail(db, ada)).toBe(!before);
    expect(await getNotifyByEmail(db, bob)).toBe(before);
    await setNotifyByEmail(db, ada, before, at(71));
    expect(await getNotifyByEmail(db, ada)).toBe(before);
  });

  it("words a notification from the catalogue by its kind, with numbers in the store's locale", async () => {
    const i18n = i18next.createInstance();
    await i18n.init({ ...i18nConfig, lng: "en", resources });
    const text = notificationText({ kind: "segment.formed", params: { name: "Big spenders", size: 12345, seconds: 12.5 } }, i18n.t, "de-DE");
    expect(text).toBe("Segment “Big spenders” is formed: 12.345 customers, took 12,5 s.");
    expect(notificationText({ kind: "campaign.sent", params: {} }, i18n.t, "en")).toBe("Something happened (campaign.sent).");
    // the automations' kinds: a task for a manager, and a notice when a customer enters or leaves
    expect(notificationText({ kind: "task.assigned", params: { title: "Call Ana about her order" } }, i18n.t, "en")).toBe("New task for you: “Call Ana about her order”.");
    expect(notificationText({ kind: "automation.notice", params: { name: "Lapsed VIP", event: "left" } }, i18n.t, "en")).toBe("Automation “Lapsed VIP”: a customer left its segment.");
    expect(notificationText({ kind: "automation.notice", params: { name: "Lapsed VIP", event: "entered" } }, i18n.t, "en")).toBe("Automation “Lapsed VIP”: a customer entered its segment.");
  });
});
