// The admin channels page through the real app: who may open it, saving settings (secrets sealed
// and never shown back, not even after a failed save), the environment's part, test messages
// through the real libraries to stand-ins, and the audit log.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../support/app";
import { testDialect } from "../support/db";
import { signIn } from "../imports/http";
import { TEST_VIBER, ViberStandIn } from "../support/stand-ins/viber";
import { TEST_TWILIO, TwilioStandIn } from "../support/stand-ins/twilio";
import { MessengerStandIn, TEST_MESSENGER } from "../support/stand-ins/messenger";
import type { ChannelEnv } from "../../campaigns/channels/senders.server";

type Visitor = Awaited<ReturnType<typeof signIn>>;

/** The card of one channel in the page's HTML. */
function card(html: string, channel: string): string {
  const start = html.indexOf(`data-testid="channel-${channel}"`);
  expect(start, `the ${channel} card`).toBeGreaterThan(-1);
  const end = html.indexOf("</section>", start);
  return html.slice(start, end);
}
const sourceOf = (html: string, channel: string) => /data-source="(\w+)"/.exec(card(html, channel))?.[1];

describe(`the admin channels page on ${testDialect}`, () => {
  let app: TestApp;
  let admin: Visitor;
  const viber = new ViberStandIn();
  const twilio = new TwilioStandIn();
  const messenger = new MessengerStandIn();
  let env: ChannelEnv;

  beforeAll(async () => {
    app = await startTestApp();
    await Promise.all([viber.start(), twilio.start(), messenger.start()]);
    admin = await signIn(app, "admin");
  });
  beforeEach(async () => {
    viber.reset();
    twilio.reset();
    messenger.reset();
    await app.db.models.ChannelSettings.destroy({ where: {} });
    // the environment: the stand-ins' origins, and Messenger's credentials
    env = {
      sms: { apiOrigin: twilio.origin },
      viber: { apiOrigin: viber.origin },
      messenger: { apiOrigin: messenger.origin, pageAccessToken: TEST_MESSENGER.pageAccessToken, appSecret: TEST_MESSENGER.appSecret, apiVersion: TEST_MESSENGER.version },
    };
    app.services.config.channels = env;
  });
  afterAll(async () => {
    await Promise.all([viber.close(), twilio.close(), messenger.close()]);
    await app?.close();
  });

  it("marketers and managers get 403 and see no link to it; admins see the link and every channel", async () => {
    for (const role of ["marketer", "manager"] as const) {
      const visitor = await signIn(app, role);
      const page = await visitor.get("/admin/channels");
      expect(page.status, role).toBe(403);
      await page.text();
      const home = await (await visitor.get("/")).text();
      expect(home).not.toContain('href="/admin/channels"');
      const post = await visitor.submit("/admin/channels", { intent: "save", channel: "viber", authToken: TEST_VIBER.authToken, senderName: "Intruder" }, "/");
      expect(post.status, role).toBe(403);
      await post.text();
    }
    expect(await app.db.models.ChannelSettings.count()).toBe(0);
    const res = await admin.get("/admin/channels");
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('href="/admin/channels"');
    expect([sourceOf(html, "email"), sourceOf(html, "sms"), sourceOf(html, "messenger"), sourceOf(html, "viber")]).toEqual(["outbox", "outbox", "env", "outbox"]);
  });

  it("the environment's secrets show as 'set', never as their value", async () => {
    const html = await (await admin.get("/admin/channels")).text();
    const messengerCard = card(html, "messenger");
    expect(messengerCard).toContain("MESSENGER_PAGE_ACCESS_TOKEN");
    expect(messengerCard).toMatch(/MESSENGER_APP_SECRET<\/dt><dd[^>]*>set<\/dd>/);
    expect(html).not.toContain(TEST_MESSENGER.pageAccessToken);
    expect(html).not.toContain(TEST_MESSENGER.appSecret);
  });

  it("saving Viber's settings switches it to them; the token is sealed, shown as 'set' and kept when left blank", async () => {
    const saved = await admin.submit("/admin/channels", { intent: "save", channel: "viber", authToken: TEST_VIBER.authToken, senderName: "Магазин", senderAvatar: "", ratePerSecond: "20" });
    expect(saved.status).toBe(200);
    const afterSave = await saved.text();
    expect(afterSave).toContain("Viber: saved, 3 changes.");
    expect(afterSave).not.toContain(TEST_VIBER.authToken);

    const html = await (await admin.get("/admin/channels")).text();
    expect(sourceOf(html, "viber")).toBe("settings");
    expect(card(html, "viber")).toContain('data-state="set"');
    expect(card(html, "viber")).toContain("Rate: 20 messages a second");
    expect(html).not.toContain(TEST_VIBER.authToken);
    const row = (await app.db.models.ChannelSettings.findByPk("viber", { raw: true }))!;
    expect(row.settings).not.toContain(TEST_VIBER.authToken);

    // a second save with the token left blank keeps it: the channel still sends
    const again = await admin.submit("/admin/channels", { intent: "save", channel: "viber", authToken: "", senderName: "Магазин БГ", ratePerSecond: "20" });
    expect(again.status).toBe(200);
    expect(await again.text()).toContain("Viber: saved, 1 change.");
    const test = await admin.submit("/admin/channels", { intent: "test", channel: "viber", address: "AbCdEf0123456789==" });
    expect(await test.text()).toContain("Viber: test message sent through Viber bot API");
    expect(viber.messages).toEqual([expect.objectContaining({ to: "AbCdEf0123456789==", senderName: "Магазин БГ" })]);

    const audit = await app.db.models.AuditEntry.findAll({ where: { targetType: "channel" }, order: [["id", "ASC"]], raw: true });
    expect(audit.map((a) => a.action)).toEqual(["channel.settings.update", "channel.settings.update", "channel.test"]);
    expect(JSON.parse(audit[0].detail!)).toEqual({ authToken: "set", senderName: { from: null, to: "Магазин" }, ratePerSecond: { from: null, to: 20 } });
    expect(audit.map((a) => a.detail).join()).not.toContain(TEST_VIBER.authToken);
  });

  it("a refused save names the fields, changes nothing, and does not send the typed secret back", async () => {
    const typedToken = "c0ffee".repeat(5) + "ab";
    const auditBefore = await app.db.models.AuditEntry.count();
    const res = await admin.submit("/admin/channels", { intent: "save", channel: "sms", accountSid: TEST_TWILIO.accountSid, authToken: typedToken, from: "", messagingServiceSid: "", ratePerSecond: "" });
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain("SMS: not saved.");
    expect(card(html, "sms")).toContain("From: enter a number or sender ID, or a Messaging Service SID.");
    expect(html).not.toContain(typedToken);
    // the plain field the admin typed is kept in the form
    expect(card(html, "sms")).toContain(TEST_TWILIO.accountSid);
    const noToken = await admin.submit("/admin/channels", { intent: "save", channel: "viber", authToken: "", senderName: "Shop" });
    expect(noToken.status).toBe(400);
    expect(card(await noToken.text(), "viber")).toContain("Auth token: required to send with these settings.");
    const malformed = await admin.submit("/admin/channels", { intent: "save", channel: "email", host: "mail shop", port: "99999", security: "starttls", ratePerSecond: "0" });
    expect(malformed.status).toBe(400);
    const emailCard = card(await malformed.text(), "email");
    expect(emailCard).toContain("SMTP host: a host name such as mail.shop.example, or an address.");
    expect(emailCard).toContain("Port: a whole number from 1 to 65535.");
    expect(emailCard).toContain("Messages a second: a whole number from 1 to 10000");
    expect(await app.db.models.ChannelSettings.count()).toBe(0);
    expect(await app.db.models.AuditEntry.count()).toBe(auditBefore);
  });

  it("SMS saved here sends through Twilio; a failing provider is reported with its kind and reason", async () => {
    const saved = await admin.submit("/admin/channels", { intent: "save", channel: "sms", ...TEST_TWILIO, from: "+15005550006", messagingServiceSid: "", ratePerSecond: "" });
    expect(saved.status).toBe(200);
    await saved.text();
    const ok = await admin.submit("/admin/channels", { intent: "test", channel: "sms", address: "+359888765432" });
    expect(await ok.text()).toContain(`SMS: test message sent through Twilio (${twilio.messages[0]?.sid})`);
    expect(twilio.messages[0]).toMatchObject({ to: "+359888765432", from: "+15005550006" });
    twilio.failNext({ kind: "status", status: 429, retryAfter: "5" });
    const limited = await (await admin.submit("/admin/channels", { intent: "test", channel: "sms", address: "+359888765432" })).text();
    expect(limited).toContain("SMS: the test message failed through Twilio: not sent:");
    expect(limited).toContain("20429");
  });

  it("with no credentials the test message goes to the outbox, marked as a test", async () => {
    const res = await admin.submit("/admin/channels", { intent: "test", channel: "email", address: "me@shop.example" });
    const html = await res.text();
    const row = (await app.db.models.OutboxMessage.findOne({ where: { purpose: "test", channel: "email" }, order: [["id", "DESC"]], raw: true }))!;
    expect(html).toContain(`Email: test message sent through Outbox (outbox-${row.id})`);
    expect(row).toMatchObject({ recipient: "me@shop.example", status: "stored", subject: "Test message from the segment console" });
  });

  it("a test address of the wrong form is refused with the field's message, and nothing is sent", async () => {
    const before = await app.db.models.OutboxMessage.count();
    const res = await admin.submit("/admin/channels", { intent: "test", channel: "sms", address: "0888 123" });
    expect(res.status).toBe(400);
    expect(card(await res.text(), "sms")).toContain("Enter a phone number in E.164 form");
    expect(await app.db.models.OutboxMessage.count()).toBe(before);
  });

  it("removing the saved credentials goes back to the environment, keeping the rate", async () => {
    const env2 = await admin.submit("/admin/channels", { intent: "save", channel: "messenger", pageAccessToken: `EAAG${"k".repeat(30)}`, appSecret: "", ratePerSecond: "7" });
    expect(env2.status).toBe(200);
    await env2.text();
    expect(sourceOf(await (await admin.get("/admin/channels")).text(), "messenger")).toBe("settings");
    const removed = await admin.submit("/admin/channels", { intent: "clear", channel: "messenger" });
    expect(await removed.text()).toContain("Messenger: saved credentials removed.");
    const html = await (await admin.get("/admin/channels")).text();
    expect(sourceOf(html, "messenger")).toBe("env");
    expect(card(html, "messenger")).toContain("Rate: 7 messages a second");
    const gone = await admin.submit("/admin/channels", { intent: "clear", channel: "messenger" });
    expect(gone.status).toBe(409);
    await gone.text();
  });

  it("a form without a valid token changes nothing", async () => {
    const body = new URLSearchParams({ csrf: "forged", intent: "save", channel: "viber", authToken: TEST_VIBER.authToken, senderName: "Forged" });
    const res = await admin.post("/admin/channels", body);
    expect(res.status).toBe(403);
    await res.text();
    expect(await app.db.models.ChannelSettings.count()).toBe(0);
  });
});
