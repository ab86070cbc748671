// Viber through the real messaging-api-viber library to a REST bot API stand-in on loopback.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { TEST_VIBER, ViberStandIn } from "../../test/support/stand-ins/viber";
import { closedPort, failureOf } from "../../test/support/failure-of";
import type { ChannelSender, OutgoingMessage } from "./channel";
import { createViberSender, VIBER_RATE } from "./viber";

const message = (to = "01234567890A="): OutgoingMessage => ({
  deliveryKey: "campaign-3-customer-4",
  to,
  message: { channel: "viber", text: "Привет! Скидки до воскресенья." },
});

describe("Viber through messaging-api-viber to a stand-in", () => {
  const standIn = new ViberStandIn();
  let sender: ChannelSender;

  beforeAll(async () => {
    await standIn.start();
    sender = createViberSender({ ...TEST_VIBER, senderAvatar: "https://shop.example/logo.png", apiOrigin: standIn.origin, timeoutMs: 400 });
  });
  beforeEach(() => standIn.reset());
  afterAll(async () => {
    await sender.close();
    await standIn.close();
  });

  it("sends the text with the sender's name and avatar and the delivery key as tracking data", async () => {
    await sender.send(message());
    expect(standIn.messages).toHaveLength(1);
    expect(standIn.messages[0]).toMatchObject({
      to: "01234567890A=",
      text: "Привет! Скидки до воскресенья.",
      senderName: "Test Shop",
      senderAvatar: "https://shop.example/logo.png",
      trackingData: "campaign-3-customer-4",
    });
    expect(sender.defaultRatePerSecond).toBe(VIBER_RATE);
  });

  it("returns Viber's 64-bit message token digit for digit: two messages in a row keep ids one apart", async () => {
    const first = await sender.send(message());
    const second = await sender.send(message("98765432100B="));
    expect(first.providerMessageId).toBe(standIn.messages[0].messageToken);
    expect(second.providerMessageId).toBe(standIn.messages[1].messageToken);
    expect(BigInt(second.providerMessageId) - BigInt(first.providerMessageId)).toBe(1n);
  });

  it("a receiver who is not subscribed (HTTP 200, status 6): rejected with Viber's status", async () => {
    standIn.unsubscribed.add("gone-user-123==");
    const failure = await failureOf(sender.send(message("gone-user-123==")));
    expect(failure.kind).toBe("rejected");
    expect(failure.message).toContain("receiverNotSubscribed");
  });

  it("status 12 (too many requests) in a 200: not sent", async () => {
    standIn.failNext({ kind: "status", status: 200, body: { status: 12, status_message: "tooManyRequests" } });
    expect((await failureOf(sender.send(message()))).kind).toBe("not_sent");
  });

  it("HTTP 429 with Retry-After: not sent with the wait; 400: rejected; 500: maybe sent", async () => {
    standIn.failNext({ kind: "status", status: 429, retryAfter: "4" });
    const limited = await failureOf(sender.send(message()));
    expect([limited.kind, limited.retryAfterMs]).toEqual(["not_sent", 4000]);
    standIn.failNext({ kind: "status", status: 400 });
    expect((await failureOf(sender.send(message()))).kind).toBe("rejected");
    standIn.failNext({ kind: "status", status: 500 });
    expect((await failureOf(sender.send(message()))).kind).toBe("maybe_sent");
  });

  it("a wrong auth token: rejected", async () => {
    const wrong = createViberSender({ authToken: "0000000000000000-0000000000000000-0000000000000000", senderName: "Shop", apiOrigin: standIn.origin });
    const failure = await failureOf(wrong.send(message()));
    expect(failure.kind).toBe("rejected");
    expect(failure.message).toContain("invalidAuthToken");
  });

  it("timeout and a cut connection after the request went out: maybe sent", async () => {
    standIn.failNext({ kind: "hang" });
    expect((await failureOf(sender.send(message()))).kind).toBe("maybe_sent");
    standIn.failNext({ kind: "close" });
    expect((await failureOf(sender.send(message()))).kind).toBe("maybe_sent");
  });

  it("connection refused: not sent", async () => {
    const nowhere = createViberSender({ ...TEST_VIBER, apiOrigin: `http://127.0.0.1:${await closedPort()}` });
    expect((await failureOf(nowhere.send(message()))).kind).toBe("not_sent");
  });
});
