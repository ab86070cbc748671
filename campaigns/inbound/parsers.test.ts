// The pure parts of the inbound side: what each provider's verified body means, and how a report
// moves a delivery. The HTTP tests (test/inbound/) run the same through the app and the database.
import crypto from "node:crypto";
import twilio from "twilio";
import { describe, expect, it } from "vitest";
import { progressAfter, type DeliveryProgress } from "./delivery-progress";
import { answerMessengerChallenge, isSignedByMessenger, parseMessenger } from "./messenger";
import { isSignedByTwilio, parseTwilio, twilioParams } from "./twilio";
import { isSignedByViber, parseViber, readViberJson } from "./viber";
import type { DeliveryStatus } from "../../models/campaign-models";

const SID = "SM" + "0123456789abcdef".repeat(2);

describe("Twilio", () => {
  it("reads STOP and START whether Advanced Opt-Out names them or the body is the keyword", () => {
    const kind = (params: Record<string, string>) => {
      const parsed = parseTwilio({ MessageSid: SID, From: "+359888000001", ...params });
      if (!parsed.ok) throw new Error(parsed.reason);
      return parsed.events.map((e) => (e.kind === "subscription" ? e.isSubscribed : e.kind));
    };
    expect(kind({ Body: "whatever", OptOutType: "STOP" })).toEqual([false]);
    expect(kind({ Body: "whatever", OptOutType: "START" })).toEqual([true]);
    expect(kind({ Body: "HELP", OptOutType: "HELP" })).toEqual([]);
    for (const word of ["STOP", "stop", " Stop. ", "unsubscribe", "STOP ALL", "quit!"]) expect(kind({ Body: word })).toEqual([false]);
    for (const word of ["start", "YES", "unstop"]) expect(kind({ Body: word })).toEqual([true]);
    for (const text of ["please stop sending", "yes please", ""]) expect(kind({ Body: text })).toEqual([]);
  });

  it("maps Twilio's statuses onto delivery reports and ignores the rest", () => {
    const report = (status: string) => {
      const parsed = parseTwilio({ MessageSid: SID, MessageStatus: status });
      return parsed.ok ? (parsed.events[0]?.kind === "status" ? parsed.events[0].report : "ignored") : "bad";
    };
    expect(["queued", "sent", "delivered", "undelivered", "failed", "read", "accepted", "sending", "canceled"].map(report)).toEqual([
      "queued", "sent", "delivered", "failed", "failed", "read", "ignored", "ignored", "ignored",
    ]);
  });

  it("keeps repeated form fields as Twilio signs them, and verifies through twilio.validateRequest", () => {
    const params = twilioParams("MessageSid=" + SID + "&MessageStatus=sent&Tag=a&Tag=b+c");
    expect(params).toEqual({ MessageSid: SID, MessageStatus: "sent", Tag: ["a", "b c"] });
    const url = "https://console.example.com/webhooks/twilio";
    const signature = twilio.getExpectedTwilioSignature("token-1", url, params);
    expect(isSignedByTwilio("token-1", signature, url, params, null)).toBe(true);
    expect(isSignedByTwilio("token-2", signature, url, params, null)).toBe(false);
    // the SHA-256 variant Twilio names in its settings header
    const sha256 = twilio.getExpectedTwilioSignature("token-1", url, params, "HMAC_SHA256");
    expect(isSignedByTwilio("token-1", sha256, url, params, "algorithm=HMAC_SHA256")).toBe(true);
    expect(isSignedByTwilio("token-1", sha256, url, params, "algorithm=HMAC_MD5")).toBe(false);
    expect(isSignedByTwilio("", signature, url, params, null)).toBe(false);
  });
});

describe("Messenger", () => {
  const body = Buffer.from('{"object":"page","entry":[]}');
  const signature = "sha256=" + crypto.createHmac("sha256", "app-secret").update(body).digest("hex");

  it("checks X-Hub-Signature-256 over the raw bytes", () => {
    expect(isSignedByMessenger("app-secret", signature, body)).toBe(true);
    expect(isSignedByMessenger("app-secret", signature.toUpperCase().replace("SHA256=", "sha256="), body)).toBe(true);
    expect(isSignedByMessenger("app-secret", signature, Buffer.from('{"object":"page","entry":[] }'))).toBe(false);
    expect(isSignedByMessenger("other", signature, body)).toBe(false);
    expect(isSignedByMessenger("app-secret", signature.slice("sha256=".length), body)).toBe(false);
    expect(isSignedByMessenger("app-secret", null, body)).toBe(false);
  });

  it("answers the challenge only to the verify token", () => {
    const query = (token: string) => new URLSearchParams({ "hub.mode": "subscribe", "hub.verify_token": token, "hub.challenge": "42" });
    expect(answerMessengerChallenge("verify-1", query("verify-1"))).toEqual({ status: 200, challenge: "42" });
    expect(answerMessengerChallenge("verify-1", query("verify-2")).status).toBe(403);
    expect(answerMessengerChallenge("verify-1", query("verify-")).status).toBe(403);
  });

  it("a delivery names its mids and watermark; a read its watermark; an event per messaging item", () => {
    const parsed = parseMessenger({
      object: "page",
      entry: [
        {
          id: "1",
          time: 1,
          messaging: [
            { sender: { id: "U1" }, recipient: { id: "P" }, timestamp: 1_700_000_000_500, delivery: { mids: ["m_1", "m_1", "m_2"], watermark: 1_700_000_000_000 } },
            { sender: { id: "U1" }, recipient: { id: "P" }, timestamp: 1_700_000_001_000, read: { watermark: 1_700_000_000_900 } },
            { sender: { id: "U1" }, recipient: { id: "P" }, timestamp: 1_700_000_002_000, message: { mid: "m_3", text: "hi" } },
          ],
        },
      ],
    });
    expect(parsed.ok && parsed.events.map((e) => [e.kind, e.eventKey, e.kind === "watermark" ? e.providerMessageIds : null])).toEqual([
      ["watermark", "delivery:U1:1700000000000", ["m_1", "m_2"]],
      ["watermark", "read:U1:1700000000900", []],
    ]);
    expect(parsed.ok && parsed.ignored).toBe(1);
  });
});

describe("Viber", () => {
  it("keeps a 64-bit message token exactly, and offers the rounded spelling a JSON client would have stored", () => {
    const body = readViberJson('{"event":"delivered","timestamp":1457764197627,"message_token":4912661846655238145,"user_id":"01234567890A="}');
    const parsed = parseViber(body);
    expect(parsed.ok && parsed.events[0]).toMatchObject({ kind: "status", report: "delivered", providerMessageIds: ["4912661846655238145", "4912661846655238000"], address: "01234567890A=" });
  });

  it("a token-like text inside a string is left alone", () => {
    expect(readViberJson('{"message":{"text":"\\"message_token\\":12"},"message_token":5}')).toEqual({ message: { text: '"message_token":12' }, message_token: "5" });
  });

  it("checks X-Viber-Content-Signature over the raw bytes", () => {
    const body = Buffer.from('{"event":"webhook","timestamp":1,"message_token":2}');
    const hex = crypto.createHmac("sha256", "auth-token").update(body).digest("hex");
    expect(isSignedByViber("auth-token", hex, body)).toBe(true);
    expect(isSignedByViber("auth-token", "sha256=" + hex, body)).toBe(false);
    expect(isSignedByViber("auth-token", hex.slice(1), body)).toBe(false);
  });
});

describe("how a report moves a delivery", () => {
  const at = new Date("2025-03-01T10:00:00Z");
  const row = (status: DeliveryStatus): DeliveryProgress => ({ status, deliveredAt: null, readAt: null, failedAt: null, error: null });
  const after = (status: DeliveryStatus, report: "delivered" | "read" | "failed" | "sent" | "queued") => progressAfter(row(status), report, at, "boom")?.status ?? "unchanged";

  it("forward only: sent → delivered → read; failed only from sent; arrival outranks a failure", () => {
    expect(after("sent", "delivered")).toBe("delivered");
    expect(after("delivered", "read")).toBe("read");
    expect(after("sent", "read")).toBe("read");
    expect(after("read", "delivered")).toBe("unchanged");
    expect(after("delivered", "failed")).toBe("unchanged");
    expect(after("sent", "failed")).toBe("failed");
    expect(after("failed", "delivered")).toBe("delivered");
    expect(after("sent", "sent")).toBe("unchanged");
    expect(after("sent", "queued")).toBe("unchanged");
  });

  it("rows never handed to a provider do not move", () => {
    for (const status of ["queued", "in_flight", "skipped", "unknown", "cancelled"] as const) {
      for (const report of ["delivered", "read", "failed"] as const) expect(after(status, report)).toBe("unchanged");
    }
  });

  it("read fills in a missing delivered time; an earlier time is kept", () => {
    const read = progressAfter(row("sent"), "read", at, null)!;
    expect(read).toMatchObject({ deliveredAt: at, readAt: at });
    const earlier = new Date("2025-03-01T09:00:00Z");
    expect(progressAfter({ ...row("delivered"), deliveredAt: earlier }, "read", at, null)).toMatchObject({ deliveredAt: earlier, readAt: at });
  });
});
