// The providers' webhooks through the real Express app and Remix build (run `npx remix build`
// first; `npm test` does): signed callbacks apply once; forged, unsigned, replayed, unknown and
// malformed ones change nothing.
import crypto from "node:crypto";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TestApp } from "../support/app";
import { testDialect } from "../support/db";
import { addChannel, addCustomers } from "../customers/factory";
import {
  SECRETS,
  addDelivery,
  changesOf,
  delivery,
  eventsOf,
  hexHmac,
  identity,
  snapshot,
  startInboundApp,
  twilioSignature,
} from "./support";

let app: TestApp;
const customer: Record<string, number> = {};

const sid = () => `SM${crypto.randomBytes(16).toString("hex")}`;

beforeAll(async () => {
  app = await startInboundApp();
  const ids = await addCustomers(app.db, [
    { externalId: "ana", phone: "+359888000001", country: "BG" },
    { externalId: "boris", phone: "+359888000002", country: "BG" },
    { externalId: "vera", email: "vera@shop.test" },
    { externalId: "petar", email: "petar@shop.test" },
    { externalId: "mila" },
  ]);
  ["ana", "boris", "vera", "petar", "mila"].forEach((name, i) => (customer[name] = ids[i]));
  await addChannel(app.db, customer.ana, "sms", true, "+359888000001");
  await addChannel(app.db, customer.boris, "sms", true, "+359888000002");
  await addChannel(app.db, customer.vera, "viber", true, "vEr4+viber/user==");
  await addChannel(app.db, customer.petar, "messenger", true, "6543210987654321");
  await addChannel(app.db, customer.mila, "viber", true, "mila-viber-id==");
});
afterAll(() => app?.close());

/** Asserts that `send` answers `status` and that no row of the store changed. */
async function changesNothing(send: () => Promise<request.Response>, status: number) {
  const before = await snapshot(app.db);
  const res = await send();
  expect(res.status, res.text).toBe(status);
  expect(await snapshot(app.db)).toEqual(before);
  return res;
}

describe(`POST /webhooks/twilio on ${testDialect}`, () => {
  const post = (params: Record<string, string>, signature: string | null = twilioSignature(params)) => {
    const call = request(app.url).post("/webhooks/twilio").type("form");
    return (signature === null ? call : call.set("X-Twilio-Signature", signature)).send(params);
  };

  it("a signed status callback moves the delivery forward: delivered, then read", async () => {
    const messageSid = sid();
    const id = await addDelivery(app.db, customer.ana, { channel: "sms", address: "+359888000001", providerMessageId: messageSid });
    const res = await post({ MessageSid: messageSid, MessageStatus: "delivered", AccountSid: "AC" + "0".repeat(32), To: "+359888000001" });
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toMatch(/text\/xml/);
    let row = await delivery(app.db, id);
    expect(row.status).toBe("delivered");
    expect(row.deliveredAt).not.toBeNull();
    expect((await post({ MessageSid: messageSid, MessageStatus: "read" })).status).toBe(200);
    row = await delivery(app.db, id);
    expect(row.status).toBe("read");
    expect(row.readAt).not.toBeNull();
    const events = (await eventsOf(app.db, "twilio")).filter((e) => e.eventKey.includes(messageSid));
    expect(events).toEqual([
      { eventKey: `status:${messageSid}:delivered`, type: "delivered", deliveryId: id },
      { eventKey: `status:${messageSid}:read`, type: "read", deliveryId: id },
    ]);
  });

  it("a late report never moves a delivery back: sent after delivered changes nothing but the log", async () => {
    const messageSid = sid();
    const id = await addDelivery(app.db, customer.boris, { channel: "sms", address: "+359888000002", providerMessageId: messageSid });
    await post({ MessageSid: messageSid, MessageStatus: "delivered" }).expect(200);
    await post({ MessageSid: messageSid, MessageStatus: "sent" }).expect(200);
    await post({ MessageSid: messageSid, MessageStatus: "failed", ErrorCode: "30003" }).expect(200);
    expect((await delivery(app.db, id)).status).toBe("delivered");
  });

  it("undelivered marks the delivery failed with Twilio's error code", async () => {
    const messageSid = sid();
    const id = await addDelivery(app.db, customer.boris, { channel: "sms", address: "+359888000002", providerMessageId: messageSid });
    await post({ MessageSid: messageSid, MessageStatus: "undelivered", ErrorCode: "30005" }).expect(200);
    const row = await delivery(app.db, id);
    expect(row).toMatchObject({ status: "failed", error: "Twilio undelivered, error 30005" });
    expect(row.failedAt).not.toBeNull();
  });

  it("the same callback twice is applied once", async () => {
    const messageSid = sid();
    const id = await addDelivery(app.db, customer.ana, { channel: "sms", address: "+359888000001", providerMessageId: messageSid });
    const params = { MessageSid: messageSid, MessageStatus: "delivered" };
    await post(params).expect(200);
    const first = await delivery(app.db, id);
    await changesNothing(() => post(params), 200);
    expect(await delivery(app.db, id)).toEqual(first);
    expect((await eventsOf(app.db, "twilio")).filter((e) => e.eventKey.includes(messageSid))).toHaveLength(1);
  });

  it("retries arriving at once are applied once, and two reports on one message both count", async () => {
    const messageSid = sid();
    const id = await addDelivery(app.db, customer.boris, { channel: "sms", address: "+359888000002", providerMessageId: messageSid });
    const delivered = { MessageSid: messageSid, MessageStatus: "delivered" };
    const read = { MessageSid: messageSid, MessageStatus: "read" };
    const stop = { MessageSid: sid(), From: "+359888000002", Body: "STOP", OptOutType: "STOP" };
    const changesBefore = (await changesOf(app.db, customer.boris)).length;
    const answers = await Promise.all([delivered, read, stop, delivered, read, stop, delivered, read, stop].map((params) => post(params)));
    expect(answers.map((a) => a.status)).toEqual(new Array(9).fill(200));
    expect((await delivery(app.db, id)).status).toBe("read");
    expect((await eventsOf(app.db, "twilio")).filter((e) => e.eventKey.includes(messageSid) || e.eventKey === `inbound:${stop.MessageSid}`)).toHaveLength(3);
    expect((await identity(app.db, customer.boris, "sms"))?.isSubscribed).toBe(false);
    expect((await changesOf(app.db, customer.boris)).length).toBe(changesBefore + 1);
    // Boris opts back in for the tests after this one
    await post({ MessageSid: sid(), From: "+359888000002", Body: "START", OptOutType: "START" }).expect(200);
    expect((await identity(app.db, customer.boris, "sms"))?.isSubscribed).toBe(true);
  });

  it("a forged, a missing or another URL's signature gets 403 and changes nothing", async () => {
    const messageSid = sid();
    const id = await addDelivery(app.db, customer.ana, { channel: "sms", address: "+359888000001", providerMessageId: messageSid });
    const params = { MessageSid: messageSid, MessageStatus: "delivered" };
    await changesNothing(() => post(params, twilioSignature(params, "/webhooks/twilio", "f".repeat(32))), 403);
    await changesNothing(() => post(params, null), 403);
    await changesNothing(() => post(params, ""), 403);
    // signed for the address this process listens on, not the public one Twilio was given
    await changesNothing(() => post(params, twilioSignature(params, "/webhooks/twilio?x=1")), 403);
    // a valid signature over other parameters
    await changesNothing(() => post({ ...params, MessageStatus: "read" }, twilioSignature(params)), 403);
    expect((await delivery(app.db, id)).status).toBe("sent");
  });

  it("the signature covers the query string Twilio was given", async () => {
    const messageSid = sid();
    const id = await addDelivery(app.db, customer.ana, { channel: "sms", address: "+359888000001", providerMessageId: messageSid });
    const params = { MessageSid: messageSid, MessageStatus: "delivered" };
    await request(app.url).post("/webhooks/twilio?campaign=7").type("form").set("X-Twilio-Signature", twilioSignature(params, "/webhooks/twilio?campaign=7")).send(params).expect(200);
    expect((await delivery(app.db, id)).status).toBe("delivered");
  });

  it("a signed body of the wrong shape gets 400 naming the field, and changes nothing", async () => {
    const bad = { MessageSid: "not-a-sid", MessageStatus: "delivered" };
    const res = await changesNothing(() => post(bad), 400);
    expect(res.body.error.fields).toEqual([{ field: "MessageSid", reason: expect.stringMatching(/Twilio message SID/) }]);
    const missing = await changesNothing(() => post({ MessageSid: sid() }), 400);
    expect(missing.body.error.fields).toEqual([{ field: "MessageStatus", reason: "is required" }]);
    await changesNothing(() => post({}), 400);
  });

  it("statuses and messages we do not act on are answered 200 and ignored", async () => {
    const messageSid = sid();
    await addDelivery(app.db, customer.ana, { channel: "sms", address: "+359888000001", providerMessageId: messageSid });
    await changesNothing(() => post({ MessageSid: messageSid, MessageStatus: "accepted" }), 200);
    await changesNothing(() => post({ MessageSid: sid(), From: "+359888000001", To: "+15550001111", Body: "What time do you open?" }), 200);
    await changesNothing(() => post({ MessageSid: sid(), From: "+359888000001", Body: "HELP", OptOutType: "HELP" }), 200);
  });

  it("STOP unsubscribes the sender's SMS identity and logs the change; START brings it back", async () => {
    const before = await changesOf(app.db, customer.ana);
    const stop = { MessageSid: sid(), From: "+359888000001", To: "+15550001111", Body: "Stop", OptOutType: "STOP" };
    await post(stop).expect(200);
    expect(await identity(app.db, customer.ana, "sms")).toMatchObject({ address: "+359888000001", isSubscribed: false });
    const after = await changesOf(app.db, customer.ana);
    expect(after.slice(before.length)).toEqual([{ source: "webhook", fields: { channels: ["sms"] } }]);
    // Boris's phone said nothing
    expect((await identity(app.db, customer.boris, "sms"))?.isSubscribed).toBe(true);
    // Twilio retries: once only
    await changesNothing(() => post(stop), 200);

    // the keyword alone counts too, without Advanced Opt-Out's OptOutType
    await post({ MessageSid: sid(), From: "+359888000001", Body: " start " }).expect(200);
    expect((await identity(app.db, customer.ana, "sms"))?.isSubscribed).toBe(true);
    expect((await changesOf(app.db, customer.ana)).length).toBe(before.length + 2);
  });

  it("a forged STOP changes nothing", async () => {
    const stop = { MessageSid: sid(), From: "+359888000002", Body: "STOP", OptOutType: "STOP" };
    await changesNothing(() => post(stop, twilioSignature(stop, "/webhooks/twilio", "e".repeat(32))), 403);
    expect((await identity(app.db, customer.boris, "sms"))?.isSubscribed).toBe(true);
  });

  it("without a Twilio auth token the webhook is not there (404), and GET is refused", async () => {
    const secrets = app.services.config.webhooks!;
    app.services.config.webhooks = { ...secrets, twilioAuthToken: null };
    try {
      const params = { MessageSid: sid(), MessageStatus: "delivered" };
      await changesNothing(() => post(params), 404);
    } finally {
      app.services.config.webhooks = secrets;
    }
    await request(app.url).get("/webhooks/twilio").expect(405);
  });
});

describe(`/webhooks/messenger on ${testDialect}`, () => {
  const PSID = "6543210987654321";
  const signed = (body: string, secret = SECRETS.messengerAppSecret!) => `sha256=${hexHmac(secret, body)}`;
  const post = (body: string, signature: string | null = signed(body)) => {
    const call = request(app.url).post("/webhooks/messenger").set("Content-Type", "application/json");
    return (signature === null ? call : call.set("X-Hub-Signature-256", signature)).send(body);
  };
  const page = (...messaging: unknown[]) => JSON.stringify({ object: "page", entry: [{ id: "PAGE-1", time: Date.now(), messaging }] });
  const from = (extra: Record<string, unknown>) => ({ sender: { id: PSID }, recipient: { id: "PAGE-1" }, timestamp: Date.parse("2025-03-01T09:01:00Z"), ...extra });

  it("GET answers Meta's challenge with the right verify token only", async () => {
    const ok = await request(app.url).get("/webhooks/messenger").query({ "hub.mode": "subscribe", "hub.verify_token": SECRETS.messengerVerifyToken, "hub.challenge": "1158201444" });
    expect([ok.status, ok.text]).toEqual([200, "1158201444"]);
    const wrong = await request(app.url).get("/webhooks/messenger").query({ "hub.mode": "subscribe", "hub.verify_token": "guess", "hub.challenge": "1158201444" });
    expect(wrong.status).toBe(403);
    expect(wrong.text).not.toContain("1158201444");
    await request(app.url).get("/webhooks/messenger").query({ "hub.mode": "subscribe", "hub.verify_token": SECRETS.messengerVerifyToken }).expect(400);
    await request(app.url).get("/webhooks/messenger").expect(400);
  });

  it("a delivery receipt with message ids marks those deliveries delivered", async () => {
    const id = await addDelivery(app.db, customer.petar, { channel: "messenger", address: PSID, providerMessageId: "m_AG5Hz2Uq7tuwNEhXfYYKj8mJEM_QPpz5jdCK48PnKAjSdjfipqxqMvK8ma6AC8fplwlqLP_5cgXIbu7I3rBN0P" });
    const body = page(from({ delivery: { mids: ["m_AG5Hz2Uq7tuwNEhXfYYKj8mJEM_QPpz5jdCK48PnKAjSdjfipqxqMvK8ma6AC8fplwlqLP_5cgXIbu7I3rBN0P"], watermark: Date.parse("2025-03-01T09:00:30Z") } }));
    const res = await post(body);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ received: true, applied: 1, duplicates: 0 });
    expect((await delivery(app.db, id)).status).toBe("delivered");
    const again = await changesNothing(() => post(body), 200);
    expect(again.body).toMatchObject({ applied: 0, duplicates: 1 });
  });

  it("a read watermark marks read what was sent to that person up to it, and nothing after", async () => {
    const early = await addDelivery(app.db, customer.petar, { channel: "messenger", address: PSID, providerMessageId: "m_early", sentAt: new Date("2025-03-02T10:00:00Z") });
    const late = await addDelivery(app.db, customer.petar, { channel: "messenger", address: PSID, providerMessageId: "m_late", sentAt: new Date("2025-03-02T12:00:00Z") });
    await post(page(from({ read: { watermark: Date.parse("2025-03-02T11:00:00Z") } }))).expect(200);
    expect((await delivery(app.db, early)).status).toBe("read");
    expect((await delivery(app.db, late)).status).toBe("sent");
  });

  it("forged and missing signatures get 403 and change nothing", async () => {
    const id = await addDelivery(app.db, customer.petar, { channel: "messenger", address: PSID, providerMessageId: "m_forged" });
    const body = page(from({ delivery: { mids: ["m_forged"], watermark: Date.now() } }));
    await changesNothing(() => post(body, signed(body, "not-the-app-secret")), 403);
    await changesNothing(() => post(body, null), 403);
    await changesNothing(() => post(body, hexHmac(SECRETS.messengerAppSecret!, body)), 403); // without "sha256="
    await changesNothing(() => post(body.replace("m_forged", "m_forgeD"), signed(body)), 403);
    expect((await delivery(app.db, id)).status).toBe("sent");
  });

  it("a signed body of the wrong shape gets 400 naming the field", async () => {
    const res = await changesNothing(() => post(page(from({ delivery: { mids: ["m_x"], watermark: "yesterday" } }))), 400);
    expect(res.body.error.fields).toEqual([{ field: "entry.0.messaging.0.delivery.watermark", reason: expect.stringMatching(/number/) }]);
    await changesNothing(() => post(JSON.stringify({ object: "page", entry: "all" })), 400);
    await changesNothing(() => post("{not json"), 400);
  });

  it("events of other kinds are answered 200 and ignored", async () => {
    const res = await changesNothing(() => post(page(from({ message: { mid: "m_in", text: "hello" } }), from({ postback: { payload: "START" } }))), 200);
    expect(res.body).toMatchObject({ applied: 0, ignored: 2 });
    await changesNothing(() => post(JSON.stringify({ object: "instagram", entry: [] })), 200);
  });

  it("without the app secret the webhook is not there (404); without the verify token the check neither", async () => {
    const secrets = app.services.config.webhooks!;
    app.services.config.webhooks = { ...secrets, messengerAppSecret: null, messengerVerifyToken: null };
    try {
      await changesNothing(() => post(page(from({ read: { watermark: Date.now() } }))), 404);
      await request(app.url).get("/webhooks/messenger").query({ "hub.mode": "subscribe", "hub.verify_token": SECRETS.messengerVerifyToken, "hub.challenge": "1" }).expect(404);
    } finally {
      app.services.config.webhooks = secrets;
    }
  });
});

describe(`POST /webhooks/viber on ${testDialect}`, () => {
  const VERA = "vEr4+viber/user==";
  const post = (body: string, signature: string | null = hexHmac(SECRETS.viberAuthToken!, body)) => {
    const call = request(app.url).post("/webhooks/viber").set("Content-Type", "application/json");
    return (signature === null ? call : call.set("X-Viber-Content-Signature", signature)).send(body);
  };
  // Viber writes message_token as a bare 64-bit number
  const callback = (event: string, token: string, rest: string) => `{"event":"${event}","timestamp":${Date.now()},"chat_hostname":"SN-CHAT-05_","message_token":${token}${rest}}`;

  it("delivered and seen find the delivery by the exact 64-bit token, and a token stored rounded too", async () => {
    const exact = await addDelivery(app.db, customer.vera, { channel: "viber", address: VERA, providerMessageId: "4912661846655238145" });
    await post(callback("delivered", "4912661846655238145", `,"user_id":"${VERA}"`)).expect(200);
    expect((await delivery(app.db, exact)).status).toBe("delivered");
    await post(callback("seen", "4912661846655238145", `,"user_id":"${VERA}"`)).expect(200);
    expect((await delivery(app.db, exact)).status).toBe("read");

    // a sender that read Viber's answer through JSON.parse stored the token rounded
    const rounded = await addDelivery(app.db, customer.vera, { channel: "viber", address: VERA, providerMessageId: String(Number("5012661846655238147")) });
    await post(callback("delivered", "5012661846655238147", `,"user_id":"${VERA}"`)).expect(200);
    expect((await delivery(app.db, rounded)).status).toBe("delivered");
  });

  it("a receipt for one recipient of a shared token moves only that recipient's delivery", async () => {
    const mine = await addDelivery(app.db, customer.vera, { channel: "viber", address: VERA, providerMessageId: "6000000000000000001" });
    const hers = await addDelivery(app.db, customer.mila, { channel: "viber", address: "mila-viber-id==", providerMessageId: "6000000000000000001" });
    await post(callback("delivered", "6000000000000000001", `,"user_id":"${VERA}"`)).expect(200);
    expect((await delivery(app.db, mine)).status).toBe("delivered");
    expect((await delivery(app.db, hers)).status).toBe("sent");
  });

  it("failed marks the delivery failed with Viber's reason; a replay is counted once", async () => {
    const id = await addDelivery(app.db, customer.vera, { channel: "viber", address: VERA, providerMessageId: "7000000000000000002" });
    const body = callback("failed", "7000000000000000002", `,"user_id":"${VERA}","desc":"user is not subscribed"`);
    const res = await post(body);
    expect(res.body).toMatchObject({ applied: 1, duplicates: 0 });
    expect(await delivery(app.db, id)).toMatchObject({ status: "failed", error: "Viber: user is not subscribed" });
    const again = await changesNothing(() => post(body), 200);
    expect(again.body).toMatchObject({ applied: 0, duplicates: 1 });
    expect((await eventsOf(app.db, "viber")).filter((e) => e.eventKey.startsWith("failed:7000000000000000002"))).toEqual([
      { eventKey: `failed:7000000000000000002:${VERA}`, type: "failed", deliveryId: id },
    ]);
  });

  it("unsubscribed leaves the Viber identity and logs the change; subscribed comes back", async () => {
    const before = await changesOf(app.db, customer.mila);
    await post(callback("unsubscribed", "8000000000000000003", `,"user_id":"mila-viber-id=="`)).expect(200);
    expect(await identity(app.db, customer.mila, "viber")).toMatchObject({ isSubscribed: false });
    expect((await changesOf(app.db, customer.mila)).slice(before.length)).toEqual([{ source: "webhook", fields: { channels: ["viber"] } }]);
    await changesNothing(() => post(callback("unsubscribed", "8000000000000000003", `,"user_id":"mila-viber-id=="`)), 200);
    await post(callback("subscribed", "8000000000000000004", `,"user":{"id":"mila-viber-id==","name":"Mila","country":"BG","language":"bg","api_version":8}`)).expect(200);
    expect(await identity(app.db, customer.mila, "viber")).toMatchObject({ isSubscribed: true });
    expect((await identity(app.db, customer.vera, "viber"))?.isSubscribed).toBe(true);
  });

  it("forged and missing signatures get 403 and change nothing", async () => {
    const body = callback("unsubscribed", "8100000000000000005", `,"user_id":"${VERA}"`);
    await changesNothing(() => post(body, hexHmac("another-token", body)), 403);
    await changesNothing(() => post(body, null), 403);
    await changesNothing(() => post(body, "zz"), 403);
    expect((await identity(app.db, customer.vera, "viber"))?.isSubscribed).toBe(true);
  });

  it("a signed body of the wrong shape gets 400 naming the field", async () => {
    const res = await changesNothing(() => post(callback("delivered", "8200000000000000006", "")), 400);
    expect(res.body.error.fields).toEqual([{ field: "user_id", reason: "is required" }]);
    await changesNothing(() => post(`{"event":"seen","timestamp":"soon","message_token":1,"user_id":"x"}`), 400);
    await changesNothing(() => post(`{"timestamp":1}`), 400);
    await changesNothing(() => post(`[1,2`), 400);
  });

  it("the webhook check, conversation starts, messages and unknown events are answered 200 and ignored", async () => {
    await changesNothing(() => post(callback("webhook", "8300000000000000007", "")), 200);
    await changesNothing(() => post(callback("conversation_started", "8300000000000000008", `,"type":"open","user":{"id":"${VERA}"},"subscribed":false`)), 200);
    await changesNothing(() => post(callback("message", "8300000000000000009", `,"sender":{"id":"${VERA}"},"message":{"type":"text","text":"hi"}`)), 200);
    await changesNothing(() => post(callback("something_new", "8300000000000000010", "")), 200);
  });

  it("without the auth token the webhook is not there (404)", async () => {
    const secrets = app.services.config.webhooks!;
    app.services.config.webhooks = { ...secrets, viberAuthToken: null };
    try {
      await changesNothing(() => post(callback("delivered", "8400000000000000011", `,"user_id":"${VERA}"`)), 404);
    } finally {
      app.services.config.webhooks = secrets;
    }
  });
});
