// The webhooks check signatures with the secret the channel sends with: the one saved on the channels
// page when its credentials are saved there (saved through the page's own function), else the
// environment's. A save or a removal applies to the next request, without a restart.
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TestApp } from "../support/app";
import { testDialect } from "../support/db";
import { addChannel, addCustomers } from "../customers/factory";
import { clearChannelSettings, saveChannelSettings } from "../../campaigns/channels/settings.server";
import { SECRETS, addDelivery, delivery, hexHmac, identity, snapshot, startInboundApp, twilioSignature } from "./support";

const SAVED = {
  twilioAuthToken: "5aved7wilio7oken5aved7wilio7oken",
  messengerAppSecret: "savedMessengerAppSecret2025",
  viberAuthToken: "saved-viber-auth-token-0001",
};
const ADMIN = { userId: null };

let app: TestApp;
let customer: number;
let sequence = 0;

async function save<C extends "sms" | "messenger" | "viber">(channel: C, values: Parameters<typeof saveChannelSettings<C>>[2]) {
  const saved = await saveChannelSettings(app.db, channel, values, ADMIN, app.services.config.sessionSecret, new Date());
  expect(saved.ok, JSON.stringify(saved)).toBe(true);
}

/** Posts a webhook and asserts the answer and, for anything but 200, that no row changed. */
async function answers(send: () => Promise<request.Response>, status: number) {
  const before = await snapshot(app.db);
  const res = await send();
  expect(res.status, res.text).toBe(status);
  if (status !== 200) expect(await snapshot(app.db)).toEqual(before);
}

const twilioPost = (params: Record<string, string>, token: string) =>
  request(app.url).post("/webhooks/twilio").type("form").set("X-Twilio-Signature", twilioSignature(params, "/webhooks/twilio", token)).send(params);
const messengerPost = (body: string, secret: string) =>
  request(app.url).post("/webhooks/messenger").set("Content-Type", "application/json").set("X-Hub-Signature-256", `sha256=${hexHmac(secret, body)}`).send(body);
const viberPost = (body: string, token: string) =>
  request(app.url).post("/webhooks/viber").set("Content-Type", "application/json").set("X-Viber-Content-Signature", hexHmac(token, body)).send(body);

const twilioDelivered = async () => {
  const sid = `SM${String(++sequence).padStart(32, "0")}`;
  const id = await addDelivery(app.db, customer, { channel: "sms", address: "+359888000101", providerMessageId: sid });
  return { id, params: { MessageSid: sid, MessageStatus: "delivered" } };
};
const messengerDelivered = async () => {
  const mid = `m_saved_${++sequence}`;
  const id = await addDelivery(app.db, customer, { channel: "messenger", address: "7654321098765432", providerMessageId: mid });
  const body = JSON.stringify({ object: "page", entry: [{ id: "PAGE-1", time: Date.now(), messaging: [{ sender: { id: "7654321098765432" }, recipient: { id: "PAGE-1" }, timestamp: Date.now(), delivery: { mids: [mid], watermark: Date.now() } }] }] });
  return { id, body };
};
const viberDelivered = async () => {
  const token = String(9_100_000_000_000_000_000n + BigInt(++sequence));
  const id = await addDelivery(app.db, customer, { channel: "viber", address: "saved-viber-user==", providerMessageId: token });
  return { id, body: `{"event":"delivered","timestamp":${Date.now()},"message_token":${token},"user_id":"saved-viber-user=="}` };
};

describe(`webhook secrets saved on the channels page, on ${testDialect}`, () => {
  beforeAll(async () => {
    // the environment has secrets for every channel; the page's replace them once saved
    app = await startInboundApp(SECRETS);
    [customer] = await addCustomers(app.db, [{ externalId: "saved-secrets", phone: "+359888000101" }]);
    await addChannel(app.db, customer, "sms", true, "+359888000101");
    await addChannel(app.db, customer, "viber", true, "saved-viber-user==");
  });
  afterAll(() => app?.close());

  it("Twilio: the saved auth token signs, the environment's no longer does; removing the settings brings it back", async () => {
    const before = await twilioDelivered();
    await answers(() => twilioPost(before.params, SECRETS.twilioAuthToken!), 200);
    expect((await delivery(app.db, before.id)).status).toBe("delivered");

    await save("sms", { accountSid: `AC${"a".repeat(32)}`, authToken: SAVED.twilioAuthToken, from: "+359888999000" });
    const saved = await twilioDelivered();
    await answers(() => twilioPost(saved.params, SECRETS.twilioAuthToken!), 403);
    await answers(() => twilioPost(saved.params, "f".repeat(32)), 403);
    expect((await delivery(app.db, saved.id)).status).toBe("sent");
    await answers(() => twilioPost(saved.params, SAVED.twilioAuthToken), 200);
    expect((await delivery(app.db, saved.id)).status).toBe("delivered");
    const stop = { MessageSid: `SM${"b".repeat(32)}`, From: "+359888000101", Body: "STOP", OptOutType: "STOP" };
    await answers(() => twilioPost(stop, SECRETS.twilioAuthToken!), 403);
    expect((await identity(app.db, customer, "sms"))?.isSubscribed).toBe(true);

    await clearChannelSettings(app.db, "sms", ADMIN, new Date());
    const after = await twilioDelivered();
    await answers(() => twilioPost(after.params, SAVED.twilioAuthToken), 403);
    await answers(() => twilioPost(after.params, SECRETS.twilioAuthToken!), 200);
  });

  it("Messenger: the saved app secret signs; saved without one, the webhook is not there (404)", async () => {
    await save("messenger", { pageAccessToken: "EAAGsavedPageAccessToken0001" });
    const withoutSecret = await messengerDelivered();
    await answers(() => messengerPost(withoutSecret.body, SECRETS.messengerAppSecret!), 404);

    await save("messenger", { pageAccessToken: "EAAGsavedPageAccessToken0001", appSecret: SAVED.messengerAppSecret });
    const saved = await messengerDelivered();
    await answers(() => messengerPost(saved.body, SECRETS.messengerAppSecret!), 403);
    expect((await delivery(app.db, saved.id)).status).toBe("sent");
    await answers(() => messengerPost(saved.body, SAVED.messengerAppSecret), 200);
    expect((await delivery(app.db, saved.id)).status).toBe("delivered");
    // the verify token is the console's own, not the provider's: still the environment's
    const check = await request(app.url).get("/webhooks/messenger").query({ "hub.mode": "subscribe", "hub.verify_token": SECRETS.messengerVerifyToken, "hub.challenge": "42" });
    expect([check.status, check.text]).toEqual([200, "42"]);
  });

  it("Viber: the saved auth token signs, another gets 403 and changes nothing", async () => {
    await save("viber", { authToken: SAVED.viberAuthToken, senderName: "Saved shop" });
    const saved = await viberDelivered();
    await answers(() => viberPost(saved.body, SECRETS.viberAuthToken!), 403);
    await answers(() => viberPost(saved.body, "another-viber-token-0000"), 403);
    expect((await delivery(app.db, saved.id)).status).toBe("sent");
    await answers(() => viberPost(saved.body, SAVED.viberAuthToken), 200);
    expect((await delivery(app.db, saved.id)).status).toBe("delivered");
    const unsubscribe = `{"event":"unsubscribed","timestamp":${Date.now()},"message_token":9200000000000000001,"user_id":"saved-viber-user=="}`;
    await answers(() => viberPost(unsubscribe, SECRETS.viberAuthToken!), 403);
    expect((await identity(app.db, customer, "viber"))?.isSubscribed).toBe(true);
  });
});

describe(`webhook secrets saved on the page with none in the environment, on ${testDialect}`, () => {
  let bare: TestApp;
  beforeAll(async () => {
    bare = await startInboundApp({ twilioAuthToken: null, messengerAppSecret: null, messengerVerifyToken: null, viberAuthToken: null });
  });
  afterAll(() => bare?.close());

  it("a channel is given a webhook by saving its credentials (404 before, checked after)", async () => {
    const body = `{"event":"delivered","timestamp":${Date.now()},"message_token":9300000000000000001,"user_id":"nobody=="}`;
    const post = (token: string) => request(bare.url).post("/webhooks/viber").set("Content-Type", "application/json").set("X-Viber-Content-Signature", hexHmac(token, body)).send(body);
    expect((await post(SAVED.viberAuthToken)).status).toBe(404);
    const saved = await saveChannelSettings(bare.db, "viber", { authToken: SAVED.viberAuthToken, senderName: "Saved shop" }, ADMIN, bare.services.config.sessionSecret, new Date());
    expect(saved.ok).toBe(true);
    expect((await post("another-viber-token-0000")).status).toBe(403);
    expect((await post(SAVED.viberAuthToken)).status).toBe(200);
  });
});
