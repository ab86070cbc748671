// What the providers' webhooks say, once verified and parsed: a few kinds of event in one shape,
// whichever provider sent them, for the one applier (apply.server.ts).
import type { ChannelName } from "../channels/channel";

/** Who reported an event: a provider, or the console's own unsubscribe link. */
export type InboundProvider = "twilio" | "messenger" | "viber" | "unsubscribe-link";

/** What a provider reports about a message it took. */
export type DeliveryReport = "queued" | "sent" | "delivered" | "read" | "failed";

interface EventBase {
  provider: InboundProvider;
  /** The provider's id for this event (or what makes it one): each (provider, key) is applied once. */
  eventKey: string;
  /** When the provider says it happened; null when it does not say (the moment it arrives is used). */
  occurredAt: Date | null;
}

/** A report about messages the provider names by its own message ids. */
export interface StatusEvent extends EventBase {
  kind: "status";
  channel: ChannelName;
  report: DeliveryReport;
  providerMessageIds: string[];
  /** The recipient, when the report names one (a Viber broadcast shares one token between recipients). */
  address: string | null;
  /** The provider's reason for a failure. */
  error: string | null;
}

/** Messenger: everything sent to `address` up to `watermark` is delivered (or read). */
export interface WatermarkEvent extends EventBase {
  kind: "watermark";
  channel: "messenger";
  report: "delivered" | "read";
  address: string;
  watermark: Date;
  /** Messages the report also names by id. */
  providerMessageIds: string[];
}

/** The person behind `address` on `channel` opted out (STOP, unsubscribed) or back in (START, subscribed). */
export interface SubscriptionEvent extends EventBase {
  kind: "subscription";
  channel: ChannelName;
  address: string;
  isSubscribed: boolean;
}

export type InboundEvent = StatusEvent | WatermarkEvent | SubscriptionEvent;

/** What parsing a verified body gives: the events to apply (none when every event was of a kind we ignore), or the field that was wrong. */
export type ParsedWebhook = { ok: true; events: InboundEvent[]; ignored: number } | { ok: false; field: string; reason: string };
