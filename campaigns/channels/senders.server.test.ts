// Which provider each channel sends through (saved settings, else the environment, else the
// outbox), on the test database, sending through the real libraries to stand-ins on loopback.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createTestDatabase, testDialect } from "../../test/support/db";
import { TEST_TWILIO, TwilioStandIn } from "../../test/support/stand-ins/twilio";
import { MessengerStandIn, TEST_MESSENGER } from "../../test/support/stand-ins/messenger";
import { TEST_VIBER, ViberStandIn } from "../../test/support/stand-ins/viber";
import { SmtpPeer } from "../../test/support/stand-ins/smtp";
import { CHANNELS, type ChannelName, type OutgoingMessage } from "./channel";
import { channelSenderFor, channelSenders, chooseChannel, SMTP_DEFAULT_RATE, type ChannelEnv } from "./senders.server";
import { clearChannelSettings, readChannelSettings, saveChannelSettings } from "./settings.server";
import { OUTBOX_RATE } from "./outbox.server";
import { MESSENGER_RATE } from "./messenger";
import { TWILIO_RATE } from "./sms";

const SECRET = "the-session-secret-of-this-test-run-1234";
const now = new Date("2026-04-02T08:00:00.000Z");
const admin = { userId: null, ip: "127.0.0.1" };

const outgoing = (channel: ChannelName, to: string): OutgoingMessage => ({
  deliveryKey: `campaign-1-customer-${to.length}`,
  to,
  message: { channel, text: `Hello on ${channel}`, ...(channel === "email" ? { subject: "Hello", html: "<p>Hello</p>" } : {}) },
});

describe(`choosing each channel's provider on ${testDialect}`, () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  const twilio = new TwilioStandIn();
  const messenger = new MessengerStandIn();
  const viber = new ViberStandIn();
  const smtp = new SmtpPeer();
  let env: ChannelEnv;

  beforeAll(async () => {
    db = await createTestDatabase();
    await Promise.all([twilio.start(), messenger.start(), viber.start(), smtp.start()]);
    // the origins only: no credentials in the environment yet
    env = { sms: { apiOrigin: twilio.origin }, messenger: { apiOrigin: messenger.origin }, viber: { apiOrigin: viber.origin }, email: { from: "Shop <news@shop.example>" } };
  });
  beforeEach(async () => {
    for (const standIn of [twilio, messenger, viber]) standIn.reset();
    smtp.reset();
    await db.models.ChannelSettings.destroy({ where: {} });
  });
  afterAll(async () => {
    await Promise.all([twilio.close(), messenger.close(), viber.close(), smtp.close()]);
    await db.drop();
  });

  it("with nothing configured every channel keeps its messages in the outbox", async () => {
    const senders = await channelSenders(db, {}, SECRET);
    for (const channel of CHANNELS) {
      expect(senders[channel].provider).toBe("outbox");
      expect(senders[channel].channel).toBe(channel);
      expect(senders[channel].defaultRatePerSecond).toBe(OUTBOX_RATE);
    }
    const { providerMessageId } = await senders.sms.send(outgoing("sms", "+359888000222"));
    expect(await db.models.OutboxMessage.count({ where: { providerMessageId, channel: "sms", status: "stored", purpose: "campaign" } })).toBe(1);
    await Promise.all(Object.values(senders).map((s) => s.close()));
  });

  it("credentials in the environment send through the provider, with the status callback under the public URL", async () => {
    const withEnv: ChannelEnv = {
      ...env,
      publicUrl: "https://console.shop.example/",
      sms: { ...env.sms, ...TEST_TWILIO, from: "+15005550006" },
      messenger: { ...env.messenger, pageAccessToken: TEST_MESSENGER.pageAccessToken, appSecret: TEST_MESSENGER.appSecret },
      viber: { ...env.viber, authToken: TEST_VIBER.authToken, senderName: "Env Shop" },
      email: { ...env.email, smtpUrl: `smtp://127.0.0.1:${smtp.port}` },
    };
    const outboxBefore = await db.models.OutboxMessage.count();
    const senders = await channelSenders(db, withEnv, SECRET, { timeoutMs: 2000 });
    expect(Object.fromEntries(CHANNELS.map((c) => [c, senders[c].provider]))).toEqual({ email: "smtp", sms: "twilio", messenger: "messenger", viber: "viber" });
    expect(senders.sms.defaultRatePerSecond).toBe(TWILIO_RATE.phoneNumber);
    expect(senders.messenger.defaultRatePerSecond).toBe(MESSENGER_RATE);
    expect(senders.email.defaultRatePerSecond).toBe(SMTP_DEFAULT_RATE);
    await senders.sms.send(outgoing("sms", "+359888000333"));
    await senders.messenger.send(outgoing("messenger", "1234567890"));
    await senders.viber.send(outgoing("viber", "viber-user-1=="));
    await senders.email.send(outgoing("email", "elena@example.gr"));
    expect(twilio.messages[0]).toMatchObject({ to: "+359888000333", statusCallback: "https://console.shop.example/webhooks/twilio" });
    expect(messenger.messages[0]).toMatchObject({ to: "1234567890" });
    expect(viber.messages[0]).toMatchObject({ to: "viber-user-1==", senderName: "Env Shop" });
    expect(smtp.mails[0].parsed.from?.value[0].address).toBe("news@shop.example");
    expect(await db.models.OutboxMessage.count()).toBe(outboxBefore);
    await Promise.all(Object.values(senders).map((s) => s.close()));
  });

  it("settings saved on the admin page win over the environment, and their rate over the provider's", async () => {
    const withEnv: ChannelEnv = { ...env, viber: { ...env.viber, authToken: "0000000000000000-0000000000000000-0000000000000000", senderName: "Env Shop" } };
    const saved = await saveChannelSettings(db, "viber", { authToken: TEST_VIBER.authToken, senderName: "Saved Shop", ratePerSecond: 12 }, admin, SECRET, now);
    expect(saved).toEqual({ ok: true, changed: ["authToken", "senderName", "ratePerSecond"] });
    const choice = await chooseChannel(db, withEnv, SECRET, "viber");
    expect(choice).toMatchObject({ source: "settings", provider: "viber", ratePerSecond: 12, rateSource: "settings" });
    const sender = await channelSenderFor(db, withEnv, SECRET, "viber");
    await sender.send(outgoing("viber", "viber-user-2=="));
    expect(viber.messages[0]).toMatchObject({ to: "viber-user-2==", senderName: "Saved Shop" });
    expect(sender.defaultRatePerSecond).toBe(12);
  });

  it("a rate alone on the page keeps the environment's provider, or the outbox, at that rate", async () => {
    await saveChannelSettings(db, "sms", { ratePerSecond: 3 }, admin, SECRET, now);
    expect(await chooseChannel(db, env, SECRET, "sms")).toMatchObject({ source: "outbox", ratePerSecond: 3, rateSource: "settings" });
    const withEnv: ChannelEnv = { ...env, sms: { ...env.sms, ...TEST_TWILIO, messagingServiceSid: `MG${"3".repeat(32)}`, ratePerSecond: 40 } };
    expect(await chooseChannel(db, withEnv, SECRET, "sms")).toMatchObject({ source: "env", provider: "twilio", ratePerSecond: 3 });
    await saveChannelSettings(db, "sms", {}, admin, SECRET, now);
    expect(await chooseChannel(db, withEnv, SECRET, "sms")).toMatchObject({ source: "env", ratePerSecond: 40, rateSource: "env" });
  });

  it("secrets are sealed in the row; a blank secret keeps the saved one; the audit names fields, never secret values", async () => {
    await saveChannelSettings(db, "messenger", { pageAccessToken: TEST_MESSENGER.pageAccessToken, appSecret: TEST_MESSENGER.appSecret }, admin, SECRET, now);
    const row = (await db.models.ChannelSettings.findByPk("messenger", { raw: true }))!;
    expect(row.settings).not.toContain(TEST_MESSENGER.pageAccessToken);
    expect(row.settings).not.toContain(TEST_MESSENGER.appSecret);
    expect(Object.values(JSON.parse(row.settings))).toEqual([expect.stringMatching(/^sealed:v1:/), expect.stringMatching(/^sealed:v1:/)]);

    expect(await saveChannelSettings(db, "messenger", { ratePerSecond: 100 }, admin, SECRET, now)).toEqual({ ok: true, changed: ["ratePerSecond"] });
    const reread = await readChannelSettings(db, "messenger", SECRET);
    expect(reread?.values).toEqual({ pageAccessToken: TEST_MESSENGER.pageAccessToken, appSecret: TEST_MESSENGER.appSecret });
    const sender = await channelSenderFor(db, env, SECRET, "messenger");
    await sender.send(outgoing("messenger", "5550001112"));
    expect(messenger.messages).toHaveLength(1);

    const audit = await db.models.AuditEntry.findAll({ where: { action: "channel.settings.update", targetId: "messenger" }, order: [["id", "ASC"]], raw: true });
    expect(audit.map((a) => JSON.parse(a.detail!))).toEqual([{ pageAccessToken: "set", appSecret: "set" }, { ratePerSecond: { from: null, to: 100 } }]);
    expect(audit.map((a) => a.detail).join()).not.toContain(TEST_MESSENGER.pageAccessToken);
  });

  it("half a configuration is refused naming the missing field, and nothing is written", async () => {
    expect(await saveChannelSettings(db, "sms", { accountSid: TEST_TWILIO.accountSid }, admin, SECRET, now)).toEqual({
      ok: false,
      errors: { authToken: "channels.errors.missing.authToken", from: "channels.errors.smsSender" },
    });
    expect(await saveChannelSettings(db, "email", { from: "news@shop.example", port: 587, security: "starttls" }, admin, SECRET, now)).toEqual({
      ok: false,
      errors: { host: "channels.errors.missing.host" },
    });
    expect(await db.models.ChannelSettings.count()).toBe(0);
  });

  it("secrets sealed under another session secret do not open: the channel falls back, and saving asks for them again", async () => {
    await saveChannelSettings(db, "viber", { authToken: TEST_VIBER.authToken, senderName: "Saved Shop" }, admin, "an-older-session-secret-that-was-replaced", now);
    const choice = await chooseChannel(db, env, SECRET, "viber");
    expect(choice.source).toBe("outbox");
    expect(choice.saved?.unreadable).toEqual(["authToken"]);
    expect(await saveChannelSettings(db, "viber", { senderName: "Saved Shop" }, admin, SECRET, now)).toEqual({ ok: false, errors: { authToken: "channels.errors.secretUnreadable" } });
  });

  it("clearing the saved credentials goes back to the environment and keeps the rate", async () => {
    const withEnv: ChannelEnv = { ...env, email: { ...env.email, smtpUrl: `smtp://127.0.0.1:${smtp.port}` } };
    await saveChannelSettings(db, "email", { host: "mail.saved.example", port: 2525, security: "starttls", ratePerSecond: 9 }, admin, SECRET, now);
    expect(await chooseChannel(db, withEnv, SECRET, "email")).toMatchObject({ source: "settings", ratePerSecond: 9 });
    expect(await clearChannelSettings(db, "email", admin, now)).toEqual({ cleared: true });
    expect(await chooseChannel(db, withEnv, SECRET, "email")).toMatchObject({ source: "env", provider: "smtp", ratePerSecond: 9 });
    expect(await clearChannelSettings(db, "email", admin, now)).toEqual({ cleared: false });
    const entry = (await db.models.AuditEntry.findOne({ where: { action: "channel.settings.clear" }, raw: true }))!;
    expect(JSON.parse(entry.detail!)).toEqual({ removed: ["host", "port", "security"] });
  });
});
