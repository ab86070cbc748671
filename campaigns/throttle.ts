// Per-channel sending rates. A token bucket rather than rate-limiter-flexible's fixed one-second
// windows: a window hands out its whole second's budget in its first milliseconds, and providers
// that measure over shorter or sliding windows answer such bursts with 429s. The bucket refills by
// the time that has really passed (not by timer ticks), so late timers cost no tokens and the rate
// holds over a minute; it holds at most a quarter of a second's worth, so a pause between batches
// (claiming, writing outcomes) is caught up without a burst that a provider would notice.
import { performance } from "node:perf_hooks";
import type { ChannelName } from "./channels/channel";

export interface ThrottleOptions {
  /** Monotonic milliseconds; performance.now() unless a test drives the clock. */
  now?: () => number;
  /** The most tokens the bucket holds, in seconds of the rate (default 0.25 s, at least 2 tokens). */
  burstSeconds?: number;
}

/** Hands out permission to send at most `ratePerSecond` messages a second, first come first served. */
export class Throttle {
  private ratePerMs: number;
  private capacity: number;
  private tokens = 1;
  private last: number;
  private readonly waiting: Array<() => void> = [];
  private timer: NodeJS.Timeout | null = null;
  private readonly now: () => number;
  private readonly burstSeconds: number;

  constructor(ratePerSecond: number, options: ThrottleOptions = {}) {
    this.now = options.now ?? (() => performance.now());
    this.burstSeconds = options.burstSeconds ?? 0.25;
    this.last = this.now();
    this.ratePerMs = 0;
    this.capacity = 2;
    this.setRate(ratePerSecond);
  }

  get ratePerSecond(): number {
    return this.ratePerMs * 1000;
  }

  /** Changes the rate from now on (an admin changed the channel's settings). */
  setRate(ratePerSecond: number): void {
    if (!(ratePerSecond > 0) || !Number.isFinite(ratePerSecond)) throw new Error(`a sending rate must be a positive number of messages per second (got ${ratePerSecond})`);
    this.refill();
    this.ratePerMs = ratePerSecond / 1000;
    this.capacity = Math.max(2, ratePerSecond * this.burstSeconds);
    this.tokens = Math.min(this.tokens, this.capacity);
  }

  /** Resolves when one more message may go. */
  acquire(): Promise<void> {
    if (this.waiting.length === 0) {
      this.refill();
      if (this.tokens >= 1) {
        this.tokens -= 1;
        return Promise.resolve();
      }
    }
    return new Promise<void>((resolve) => {
      this.waiting.push(resolve);
      this.schedule();
    });
  }

  /** Messages waiting for a token. */
  get queued(): number {
    return this.waiting.length;
  }

  private refill(): void {
    const at = this.now();
    this.tokens = Math.min(this.capacity, this.tokens + (at - this.last) * this.ratePerMs);
    this.last = at;
  }

  private schedule(): void {
    if (this.timer) return;
    const waitMs = Math.max(0, (1 - this.tokens) / this.ratePerMs);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.release();
    }, waitMs);
  }

  private release(): void {
    this.refill();
    while (this.waiting.length > 0 && this.tokens >= 1) {
      this.tokens -= 1;
      this.waiting.shift()!();
    }
    if (this.waiting.length > 0) this.schedule();
  }
}

/**
 * One throttle per channel for a whole process, so campaigns sending at once share their channel's
 * rate instead of each taking all of it.
 */
export class ChannelThrottles {
  private readonly byChannel = new Map<ChannelName, Throttle>();

  constructor(private readonly options: ThrottleOptions = {}) {}

  /** The channel's throttle, at `ratePerSecond` from now on. */
  for(channel: ChannelName, ratePerSecond: number): Throttle {
    let throttle = this.byChannel.get(channel);
    if (!throttle) {
      throttle = new Throttle(ratePerSecond, this.options);
      this.byChannel.set(channel, throttle);
    } else if (throttle.ratePerSecond !== ratePerSecond) {
      throttle.setRate(ratePerSecond);
    }
    return throttle;
  }
}
