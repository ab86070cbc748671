import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CHANNELS } from "../channels/channel";
import { readUnsubscribeToken, unsubscribeToken } from "./unsubscribe-token";

const SECRET = "a-session-secret-of-at-least-32-characters";

describe("unsubscribe tokens", () => {
  it("a token reads back as the customer and channel it was made for, in 30 URL-safe characters", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 0xffffffff }), fc.constantFrom(...CHANNELS), (customerId, channel) => {
        const token = unsubscribeToken(SECRET, customerId, channel);
        expect(token).toMatch(/^[A-Za-z0-9_-]{30}$/);
        expect(readUnsubscribeToken(SECRET, token)).toEqual({ customerId, channel });
      }),
    );
  });

  it("any one character changed makes the token name no one", () => {
    const token = unsubscribeToken(SECRET, 4242, "email");
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    for (let i = 0; i < token.length; i++) {
      for (const c of alphabet) {
        if (c === token[i]) continue;
        expect(readUnsubscribeToken(SECRET, token.slice(0, i) + c + token.slice(i + 1))).toBeNull();
      }
    }
  });

  it("a token for one customer cannot be turned into another's or another channel's", () => {
    const mine = Buffer.from(unsubscribeToken(SECRET, 17, "email"), "base64url");
    const theirs = Buffer.from(mine);
    theirs.writeUInt32BE(18, 2);
    expect(readUnsubscribeToken(SECRET, theirs.toString("base64url"))).toBeNull();
    const sms = Buffer.from(mine);
    sms.writeUInt8(1, 1);
    expect(readUnsubscribeToken(SECRET, sms.toString("base64url"))).toBeNull();
  });

  it("another secret's token, a cut or padded one, and junk name no one", () => {
    const token = unsubscribeToken(SECRET, 99, "viber");
    expect(readUnsubscribeToken("another-session-secret-of-32-characters!", token)).toBeNull();
    expect(readUnsubscribeToken(SECRET, token.slice(0, 29))).toBeNull();
    expect(readUnsubscribeToken(SECRET, token + "A")).toBeNull();
    expect(readUnsubscribeToken(SECRET, token + "=")).toBeNull();
    expect(readUnsubscribeToken(SECRET, "")).toBeNull();
    expect(readUnsubscribeToken(SECRET, "x".repeat(30))).toBeNull();
    expect(readUnsubscribeToken(SECRET, "../../etc/passwd")).toBeNull();
  });

  it("a token is the same every time it is made, so every message of a customer carries one link", () => {
    expect(unsubscribeToken(SECRET, 5, "sms")).toBe(unsubscribeToken(SECRET, 5, "sms"));
    expect(unsubscribeToken(SECRET, 5, "sms")).not.toBe(unsubscribeToken(SECRET, 5, "email"));
  });

  it("refuses to make a token for what is not a customer id or a channel", () => {
    expect(() => unsubscribeToken(SECRET, 0, "email")).toThrow();
    expect(() => unsubscribeToken(SECRET, 1.5, "email")).toThrow();
    expect(() => unsubscribeToken(SECRET, 1, "fax" as never)).toThrow();
  });
});
