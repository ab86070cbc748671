import { describe, expect, it } from "vitest";
import { isSealed, openSecret, sealSecret } from "./seal";

const SECRET = "session-secret-for-the-seal-test-0123456789";

describe("sealed channel secrets", () => {
  it("open under the secret they were sealed with, and never read as the value", () => {
    const sealed = sealSecret(SECRET, "EAAGtoken-Παράδειγμα");
    expect(isSealed(sealed)).toBe(true);
    expect(sealed).not.toContain("EAAGtoken");
    expect(openSecret(SECRET, sealed)).toBe("EAAGtoken-Παράδειγμα");
  });

  it("the same value sealed twice reads differently (a fresh nonce each time)", () => {
    expect(sealSecret(SECRET, "x")).not.toBe(sealSecret(SECRET, "x"));
  });

  it("do not open under another secret, altered, cut short, or unsealed", () => {
    const sealed = sealSecret(SECRET, "value");
    expect(openSecret("another-session-secret-entirely-000000", sealed)).toBeNull();
    const body = sealed.slice("sealed:v1:".length);
    const flipped = body.slice(0, -2) + (body.at(-2) === "A" ? "B" : "A") + body.at(-1);
    expect(openSecret(SECRET, `sealed:v1:${flipped}`)).toBeNull();
    expect(openSecret(SECRET, sealed.slice(0, 20))).toBeNull();
    expect(openSecret(SECRET, "value")).toBeNull();
  });
});
