import { describe, expect, it } from "vitest";
import { httpStatusFailure, requestWasWritten, retryAfterMs, transportFailure } from "./failure";

describe("reading a provider's failure", () => {
  it("Retry-After in seconds, or as a date against the answer's own Date header", () => {
    expect(retryAfterMs("120")).toBe(120_000);
    expect(retryAfterMs(["3"])).toBe(3000);
    expect(retryAfterMs("Wed, 21 Oct 2026 07:28:30 GMT", "Wed, 21 Oct 2026 07:28:00 GMT")).toBe(30_000);
    expect(retryAfterMs("Wed, 21 Oct 2026 07:28:30 GMT")).toBeUndefined();
    expect(retryAfterMs("soon")).toBeUndefined();
    expect(retryAfterMs(undefined)).toBeUndefined();
  });

  it("HTTP statuses: 429/503/408 not sent, other 4xx rejected, other 5xx maybe sent", () => {
    expect([429, 503, 408, 400, 401, 404, 422, 500, 502, 504].map((s) => httpStatusFailure("twilio", s, "x").kind)).toEqual([
      "not_sent",
      "not_sent",
      "not_sent",
      "rejected",
      "rejected",
      "rejected",
      "rejected",
      "maybe_sent",
      "maybe_sent",
      "maybe_sent",
    ]);
    expect(httpStatusFailure("viber", 429, "slow down", 5000).retryAfterMs).toBe(5000);
  });

  it("no answer: not sent when the request never wholly left (or never connected), else maybe sent", () => {
    expect(transportFailure("twilio", { code: "ENOTFOUND", message: "getaddrinfo ENOTFOUND api.twilio.com" }).kind).toBe("not_sent");
    expect(transportFailure("messenger", { message: "timeout", request: { writableFinished: false } }).kind).toBe("not_sent");
    expect(transportFailure("messenger", { message: "timeout", request: { _currentRequest: { writableFinished: true } } }).kind).toBe("maybe_sent");
    expect(transportFailure("viber", { code: "ECONNRESET", message: "socket hang up" }).kind).toBe("maybe_sent");
    expect(requestWasWritten(undefined)).toBeUndefined();
  });
});
