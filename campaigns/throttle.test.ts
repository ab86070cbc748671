// The token bucket on a simulated clock: what it hands out, and when.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ChannelThrottles, Throttle } from "./throttle";

describe("a channel's throttle", () => {
  beforeEach(() => vi.useFakeTimers({ now: 0 }));
  afterEach(() => vi.useRealTimers());

  /** Starts `count` acquisitions and returns how many have been granted so far, as time is advanced. */
  function ask(throttle: Throttle, count: number) {
    let granted = 0;
    for (let i = 0; i < count; i++) void throttle.acquire().then(() => granted++);
    return () => granted;
  }

  it("lets one message go at once, then one per 1/rate seconds", async () => {
    const granted = ask(new Throttle(10, { now: () => Date.now() }), 5);
    await vi.advanceTimersByTimeAsync(0);
    expect(granted()).toBe(1);
    await vi.advanceTimersByTimeAsync(99);
    expect(granted()).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(granted()).toBe(2);
    await vi.advanceTimersByTimeAsync(300);
    expect(granted()).toBe(5);
  });

  it("holds its rate over a minute, whatever the timers' lateness", async () => {
    const throttle = new Throttle(200, { now: () => Date.now() });
    const granted = ask(throttle, 20_000);
    // timers that fire late (here in steps of 37 ms) cost no tokens: the bucket counts real time
    for (let t = 37; t <= 60_000; t += 37) await vi.advanceTimersByTimeAsync(37);
    await vi.advanceTimersByTimeAsync(60_000 - Math.floor(60_000 / 37) * 37);
    expect(granted()).toBeGreaterThanOrEqual(12_000);
    expect(granted()).toBeLessThanOrEqual(12_001);
  });

  it("after a pause, sends the pause's worth at once only up to a quarter of a second of its rate", async () => {
    const throttle = new Throttle(100, { now: () => Date.now() });
    await throttle.acquire();
    await vi.advanceTimersByTimeAsync(10_000);
    const granted = ask(throttle, 100);
    await vi.advanceTimersByTimeAsync(0);
    expect(granted()).toBe(25);
  });

  it("takes a new rate from the moment it is set", async () => {
    const throttle = new Throttle(10, { now: () => Date.now() });
    const granted = ask(throttle, 50);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(granted()).toBe(11);
    throttle.setRate(40);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(granted()).toBeGreaterThanOrEqual(50);
  });

  it("refuses a rate that is not a positive number", () => {
    expect(() => new Throttle(0)).toThrow(/positive/);
    expect(() => new Throttle(Number.NaN)).toThrow(/positive/);
  });

  it("is one per channel in a process, at the channel's latest rate", () => {
    const throttles = new ChannelThrottles({ now: () => Date.now() });
    const sms = throttles.for("sms", 5);
    expect(throttles.for("sms", 5)).toBe(sms);
    expect(throttles.for("email", 5)).not.toBe(sms);
    expect(throttles.for("sms", 8).ratePerSecond).toBe(8);
  });
});
