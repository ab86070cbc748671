// SMS through the real twilio library to a Twilio stand-in on loopback: what arrives, and how each
// way of failing maps to a SendFailure kind.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { TEST_TWILIO, TwilioStandIn } from "../../test/support/stand-ins/twilio";
import { closedPort, failureOf } from "../../test/support/failure-of";
import type { ChannelSender, OutgoingMessage } from "./channel";
import { createSmsSender, TWILIO_RATE } from "./sms";

const message = (to = "+359888123456", text = "Здравейте! -20% до неделя."): OutgoingMessage => ({
  deliveryKey: "campaign-1-customer-7",
  deliveryId: 11,
  customerId: 7,
  to,
  message: { channel: "sms", text },
});

describe("SMS through twilio to a stand-in", () => {
  const standIn = new TwilioStandIn();
  let sender: ChannelSender;

  beforeAll(async () => {
    await standIn.start();
    sender = createSmsSender({
      ...TEST_TWILIO,
      from: "+15005550006",
      statusCallbackUrl: "https://console.shop.example/webhooks/twilio",
      apiOrigin: standIn.origin,
      timeoutMs: 400,
    });
  });
  beforeEach(() => standIn.reset());
  afterAll(async () => {
    await sender.close();
    await standIn.close();
  });

  it("sends the text from the number with the status callback, and returns Twilio's message SID", async () => {
    const result = await sender.send(message());
    expect(result.provider).toBe("twilio");
    expect(standIn.messages).toHaveLength(1);
    const [taken] = standIn.messages;
    expect(result.providerMessageId).toBe(taken.sid);
    expect(taken).toMatchObject({ to: "+359888123456", from: "+15005550006", messagingServiceSid: null, body: "Здравейте! -20% до неделя.", statusCallback: "https://console.shop.example/webhooks/twilio" });
  });

  it("a Messaging Service sends instead of a number, and without a public URL no status callback is asked for", async () => {
    const service = createSmsSender({ ...TEST_TWILIO, messagingServiceSid: `MG${"2".repeat(32)}`, apiOrigin: standIn.origin });
    await service.send(message());
    expect(standIn.messages[0]).toMatchObject({ from: null, messagingServiceSid: `MG${"2".repeat(32)}`, statusCallback: null });
    expect(service.defaultRatePerSecond).toBe(TWILIO_RATE.messagingService);
    expect(sender.defaultRatePerSecond).toBe(TWILIO_RATE.phoneNumber);
    expect(createSmsSender({ ...TEST_TWILIO, from: "MyShop", apiOrigin: standIn.origin }).defaultRatePerSecond).toBe(TWILIO_RATE.alphanumericSender);
  });

  it("429 with Retry-After: not sent, to be tried after the wait Twilio asked for", async () => {
    standIn.failNext({ kind: "status", status: 429, retryAfter: "7" });
    const failure = await failureOf(sender.send(message()));
    expect(failure.kind).toBe("not_sent");
    expect(failure.retryAfterMs).toBe(7000);
    expect(failure.message).toContain("20429");
    expect(standIn.messages).toHaveLength(0);
  });

  it("400 for a bad number: rejected with Twilio's own reason", async () => {
    const failure = await failureOf(sender.send(message("+1")));
    expect(failure.kind).toBe("rejected");
    expect(failure.message).toContain("21211");
    expect(failure.message).toContain("is not a valid phone number");
  });

  it("wrong credentials: rejected (401), naming Twilio's reason", async () => {
    const wrong = createSmsSender({ ...TEST_TWILIO, authToken: "f".repeat(32), from: "+15005550006", apiOrigin: standIn.origin });
    const failure = await failureOf(wrong.send(message()));
    expect(failure.kind).toBe("rejected");
    expect(failure.message).toContain("HTTP 401");
  });

  it("500 while Twilio held the request: maybe sent", async () => {
    standIn.failNext({ kind: "status", status: 500 });
    expect((await failureOf(sender.send(message()))).kind).toBe("maybe_sent");
  });

  it("503 says Twilio took nothing: not sent", async () => {
    standIn.failNext({ kind: "status", status: 503, retryAfter: "2" });
    const failure = await failureOf(sender.send(message()));
    expect(failure.kind).toBe("not_sent");
    expect(failure.retryAfterMs).toBe(2000);
  });

  it("no answer within the timeout after the request went out: maybe sent (and the stand-in did get it)", async () => {
    standIn.failNext({ kind: "hang" });
    const failure = await failureOf(sender.send(message()));
    expect(failure.kind).toBe("maybe_sent");
    expect(standIn.messages).toHaveLength(1);
  });

  it("the connection cut after the request went out: maybe sent", async () => {
    standIn.failNext({ kind: "close" });
    const failure = await failureOf(sender.send(message()));
    expect(failure.kind).toBe("maybe_sent");
    expect(failure.message).toMatch(/socket hang up|ECONNRESET/);
  });

  it("connection refused: not sent", async () => {
    const nowhere = createSmsSender({ ...TEST_TWILIO, from: "+15005550006", apiOrigin: `http://127.0.0.1:${await closedPort()}`, timeoutMs: 400 });
    const failure = await failureOf(nowhere.send(message()));
    expect(failure.kind).toBe("not_sent");
    expect(failure.message).toContain("ECONNREFUSED");
  });
});
