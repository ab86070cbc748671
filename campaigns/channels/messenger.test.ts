// Messenger through the real messaging-api-messenger library to a Graph API stand-in on loopback.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { graphError, MessengerStandIn, TEST_MESSENGER } from "../../test/support/stand-ins/messenger";
import { closedPort, failureOf } from "../../test/support/failure-of";
import type { ChannelSender, OutgoingMessage } from "./channel";
import { createMessengerSender, MESSENGER_RATE } from "./messenger";

const message = (to = "6543210987654321"): OutgoingMessage => ({
  deliveryKey: "campaign-2-customer-9",
  to,
  message: { channel: "messenger", text: "Γεια σας! Νέα συλλογή στο κατάστημα." },
});

describe("Messenger through messaging-api-messenger to a stand-in", () => {
  const standIn = new MessengerStandIn();
  let sender: ChannelSender;

  beforeAll(async () => {
    await standIn.start();
    sender = createMessengerSender({ ...TEST_MESSENGER, apiVersion: TEST_MESSENGER.version, apiOrigin: standIn.origin, timeoutMs: 400 });
  });
  beforeEach(() => standIn.reset());
  afterAll(async () => {
    await sender.close();
    await standIn.close();
  });

  it("sends the text as a Page-started UPDATE with no message tag, with appsecret_proof, and returns the message id", async () => {
    const result = await sender.send(message());
    expect(standIn.messages).toHaveLength(1);
    const [taken] = standIn.messages;
    expect(taken).toMatchObject({ to: "6543210987654321", text: "Γεια σας! Νέα συλλογή στο κατάστημα.", messagingType: "UPDATE", tag: null });
    expect(result).toEqual({ provider: "messenger", providerMessageId: taken.messageId });
    expect(standIn.requests[0].url).toMatch(/^\/v21\.0\/me\/messages\?/);
    expect(sender.defaultRatePerSecond).toBe(MESSENGER_RATE);
  });

  it("429: not sent, with the wait asked for", async () => {
    standIn.failNext({ kind: "status", status: 429, retryAfter: "3" });
    const failure = await failureOf(sender.send(message()));
    expect(failure.kind).toBe("not_sent");
    expect(failure.retryAfterMs).toBe(3000);
  });

  it("Graph's rate-limit error code (613) under a 400 is still 'not now': not sent", async () => {
    standIn.failNext({ kind: "status", status: 400, body: graphError(613, "Calls to this api have exceeded the rate limit.") });
    const failure = await failureOf(sender.send(message()));
    expect(failure.kind).toBe("not_sent");
    expect(failure.message).toContain("613");
  });

  it("a person who cannot be messaged (400, code 551): rejected with Meta's reason", async () => {
    standIn.failNext({ kind: "status", status: 400 });
    const failure = await failureOf(sender.send(message()));
    expect(failure.kind).toBe("rejected");
    expect(failure.message).toContain("551");
    expect(failure.message).toContain("This person isn't available right now.");
  });

  it("a wrong page token: rejected, and the token itself is nowhere in the reason", async () => {
    const wrong = createMessengerSender({ pageAccessToken: `EAAG${"y".repeat(40)}`, appSecret: TEST_MESSENGER.appSecret, apiOrigin: standIn.origin });
    const failure = await failureOf(wrong.send(message()));
    expect(failure.kind).toBe("rejected");
    expect(failure.message).toContain("190");
    expect(failure.message).not.toContain("y".repeat(40));
  });

  it("500: maybe sent", async () => {
    standIn.failNext({ kind: "status", status: 500 });
    expect((await failureOf(sender.send(message()))).kind).toBe("maybe_sent");
  });

  it("no answer after the request went out (timeout) and a cut connection: both maybe sent", async () => {
    standIn.failNext({ kind: "hang" });
    expect((await failureOf(sender.send(message()))).kind).toBe("maybe_sent");
    standIn.failNext({ kind: "close" });
    expect((await failureOf(sender.send(message()))).kind).toBe("maybe_sent");
    expect(standIn.messages).toHaveLength(2);
  });

  it("connection refused: not sent", async () => {
    const nowhere = createMessengerSender({ ...TEST_MESSENGER, apiOrigin: `http://127.0.0.1:${await closedPort()}` });
    const failure = await failureOf(nowhere.send(message()));
    expect(failure.kind).toBe("not_sent");
    expect(failure.message).toContain("ECONNREFUSED");
  });
});
