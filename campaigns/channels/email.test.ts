// Campaign email through nodemailer's pooled SMTP to a real SMTP server on loopback, read back
// with mailparser: headers, Message-ID, both parts; and each way an SMTP send fails.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { SmtpPeer } from "../../test/support/stand-ins/smtp";
import { closedPort, failureOf } from "../../test/support/failure-of";
import type { ChannelSender, OutgoingMessage } from "./channel";
import { createEmailSender, messageIdDomain, smtpSettingsFromUrl } from "./email";

const unsubscribe = "https://console.shop.example/unsubscribe/abc.def";

const message = (to = "maria@example.bg", deliveryKey = "campaign-5-customer-42"): OutgoingMessage => ({
  deliveryKey,
  deliveryId: 99,
  customerId: 42,
  to,
  message: {
    channel: "email",
    subject: "Новата колекция е тук",
    html: "<p>Здравейте, <b>Мария</b>!</p>",
    text: "Здравейте, Мария!",
    headers: {
      "List-Unsubscribe": `<${unsubscribe}>`,
      "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
      // a template cannot replace the message's own headers
      "Message-ID": "<forged@elsewhere.example>",
    },
  },
});

describe("email through pooled SMTP to a real SMTP server", () => {
  const peer = new SmtpPeer({ user: "shop", password: "s3cret pass" });
  let sender: ChannelSender;

  beforeAll(async () => {
    await peer.start();
    sender = createEmailSender({
      host: "127.0.0.1",
      port: peer.port,
      security: "opportunistic",
      user: "shop",
      password: "s3cret pass",
      from: "Магазин <news@shop.example>",
      ratePerSecond: 50,
      timeoutMs: 400,
    });
  });
  beforeEach(() => peer.reset());
  afterAll(async () => {
    await sender.close();
    await peer.close();
  });

  it("arrives with subject, both parts, the List-Unsubscribe headers and a Message-ID made from the delivery key", async () => {
    const result = await sender.send(message());
    expect(result).toEqual({ provider: "smtp", providerMessageId: "<campaign-5-customer-42@shop.example>" });
    expect(peer.mails).toHaveLength(1);
    const [mail] = peer.mails;
    expect(mail.envelopeTo).toEqual(["maria@example.bg"]);
    expect(mail.envelopeFrom).toBe("news@shop.example");
    expect(mail.parsed.messageId).toBe("<campaign-5-customer-42@shop.example>");
    expect(mail.parsed.subject).toBe("Новата колекция е тук");
    expect(mail.parsed.from?.value[0]).toEqual({ address: "news@shop.example", name: "Магазин" });
    expect(mail.parsed.text?.trim()).toBe("Здравейте, Мария!");
    expect(mail.parsed.html).toContain("<b>Мария</b>");
    // mailparser reads the List-* headers into one structure
    expect(mail.parsed.headers.get("list")).toEqual({ unsubscribe: { url: unsubscribe }, "unsubscribe-post": { name: "List-Unsubscribe=One-Click" } });
    expect(mail.parsed.headerLines.filter((h) => h.key.startsWith("list-")).map((h) => h.line)).toEqual([
      `List-Unsubscribe: <${unsubscribe}>`,
      "List-Unsubscribe-Post: List-Unsubscribe=One-Click",
    ]);
    expect(mail.raw).not.toContain("forged@elsewhere.example");
  });

  it("the same delivery key always gives the same Message-ID", async () => {
    const a = await sender.send(message("a@example.bg", "campaign-6-customer-1"));
    const b = await sender.send(message("a@example.bg", "campaign-6-customer-1"));
    expect(a.providerMessageId).toBe(b.providerMessageId);
    expect(peer.mails.map((m) => m.parsed.messageId)).toEqual(["<campaign-6-customer-1@shop.example>", "<campaign-6-customer-1@shop.example>"]);
  });

  it("RCPT answered 550: rejected with the server's reply", async () => {
    peer.failNext({ kind: "rcpt", code: 550 });
    const failure = await failureOf(sender.send(message()));
    expect(failure.kind).toBe("rejected");
    expect(failure.message).toContain("550");
    expect(failure.message).toContain("No such mailbox");
    expect(peer.bodiesReceived).toHaveLength(0);
  });

  it("RCPT answered 450: not sent (the server kept nothing; later may do)", async () => {
    peer.failNext({ kind: "rcpt", code: 450 });
    expect((await failureOf(sender.send(message()))).kind).toBe("not_sent");
  });

  it("the message answered 451 after DATA: not sent; 554: rejected", async () => {
    peer.failNext({ kind: "data", code: 451 });
    expect((await failureOf(sender.send(message()))).kind).toBe("not_sent");
    peer.failNext({ kind: "data", code: 554 });
    const refused = await failureOf(sender.send(message()));
    expect(refused.kind).toBe("rejected");
    expect(refused.message).toContain("554");
    expect(peer.mails).toHaveLength(0);
  });

  it("no answer after the whole message went out: maybe sent", async () => {
    peer.failNext({ kind: "hang" });
    const failure = await failureOf(sender.send(message()));
    expect(failure.kind).toBe("maybe_sent");
    expect(peer.bodiesReceived).toHaveLength(1);
  });

  it("the connection cut after the whole message went out: maybe sent, and the pool does not send it again", async () => {
    peer.failNext({ kind: "close" });
    const failure = await failureOf(sender.send(message()));
    expect(failure.kind).toBe("maybe_sent");
    // the pool could have queued it again on a new connection: give it the time to, and see it did not
    await sender.send(message("other@example.bg", "campaign-7-customer-2"));
    expect(peer.bodiesReceived).toHaveLength(2);
    expect(peer.mails.map((m) => m.envelopeTo)).toEqual([["other@example.bg"]]);
  });

  it("a wrong password: rejected with the server's 535", async () => {
    const wrong = createEmailSender({ host: "127.0.0.1", port: peer.port, security: "opportunistic", user: "shop", password: "nope", from: "news@shop.example", ratePerSecond: 5, timeoutMs: 400 });
    try {
      const failure = await failureOf(wrong.send(message()));
      expect(failure.kind).toBe("rejected");
      expect(failure.message).toContain("535");
    } finally {
      await wrong.close();
    }
  });

  it("connection refused: not sent", async () => {
    const nowhere = createEmailSender({ host: "127.0.0.1", port: await closedPort(), security: "opportunistic", from: "news@shop.example", ratePerSecond: 5, timeoutMs: 400 });
    try {
      const failure = await failureOf(nowhere.send(message()));
      expect(failure.kind).toBe("not_sent");
      expect(failure.message).toContain("ECONNREFUSED");
    } finally {
      await nowhere.close();
    }
  });
});

describe("SMTP settings", () => {
  it("an smtp URL gives host, port, security and the decoded login", () => {
    expect(smtpSettingsFromUrl("smtp://news%40shop.example:p%40ss@mail.shop.example:2525")).toEqual({
      host: "mail.shop.example",
      port: 2525,
      security: "opportunistic",
      user: "news@shop.example",
      password: "p@ss",
    });
    expect(smtpSettingsFromUrl("smtps://mail.shop.example")).toMatchObject({ port: 465, security: "tls", user: undefined });
  });

  it("Message-IDs are named by the From address's domain", () => {
    expect(messageIdDomain("Shop <News@Shop.Example>")).toBe("shop.example");
    expect(messageIdDomain("news@mail.shop.bg")).toBe("mail.shop.bg");
    expect(messageIdDomain("console@localhost")).toBe("localhost");
  });
});
