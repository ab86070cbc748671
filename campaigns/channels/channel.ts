// One interface for every way a message leaves the console: SMTP, Twilio, Messenger, Viber, and the
// outbox that keeps the message in the console when a channel has no credentials.

import type { Channel } from "../../models/models";

export { CHANNELS } from "../../models/models";
export type ChannelName = Channel;

/** A message rendered for one customer, ready for a channel. */
export interface RenderedMessage {
  channel: ChannelName;
  /** Email only. */
  subject?: string;
  /** Email only. */
  html?: string;
  /** Email's text part; the whole message on SMS, Messenger and Viber. */
  text: string;
  /** Email only: extra headers (List-Unsubscribe, List-Unsubscribe-Post). */
  headers?: Record<string, string>;
}

export interface OutgoingMessage {
  /**
   * Deterministic per delivery ("campaign-12-customer-345"): the email Message-ID and, where a
   * provider takes one, its idempotency key, so a retry can never become a second message.
   */
  deliveryKey: string;
  /** The delivery row this message is, when it is one (the outbox links back to it). */
  deliveryId?: number;
  customerId?: number;
  /** The address on the channel: email, E.164 phone, Messenger PSID, Viber user id. */
  to: string;
  message: RenderedMessage;
}

export interface SendResult {
  /** The provider's id for the message (SMTP Message-ID, Twilio SID, Messenger message_id, Viber message_token), or "outbox-<id>". */
  providerMessageId: string;
  /** Where it went: "smtp", "twilio", "messenger", "viber" or "outbox". */
  provider: ProviderName;
}

export type ProviderName = "smtp" | "twilio" | "messenger" | "viber" | "outbox";

/**
 * How a send failed, which decides what happens to the delivery:
 * - "not_sent": the provider certainly did not take it (connection refused, 429, 503 before
 *   acceptance): it may be tried again later;
 * - "rejected": the provider refused it for good (bad address, 4xx): failed, with the reason;
 * - "maybe_sent": the request may have reached the provider (timeout or connection lost after
 *   sending): unknown, never re-sent without the marketer asking.
 */
export type SendFailureKind = "not_sent" | "rejected" | "maybe_sent";

export class SendFailure extends Error {
  constructor(
    readonly kind: SendFailureKind,
    message: string,
    /** For "not_sent": wait at least this long before the next try (a 429's Retry-After). */
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = "SendFailure";
  }
}

export interface ChannelSender {
  readonly channel: ChannelName;
  readonly provider: ProviderName;
  /** Messages per second this sender allows by default (the provider's documented limit). */
  readonly defaultRatePerSecond: number;
  /** Sends one message; throws SendFailure (anything else thrown counts as "maybe_sent"). */
  send(message: OutgoingMessage): Promise<SendResult>;
  close(): Promise<void>;
}
