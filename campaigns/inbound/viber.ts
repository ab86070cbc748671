// Viber's callbacks, signed with the bot's auth token: delivery receipts (delivered, seen, failed)
// and the subscription events (subscribed, unsubscribed). The rest (webhook, conversation_started,
// message, …) is acknowledged and ignored.
import { z } from "../../models/zod";
import type { InboundEvent, ParsedWebhook } from "./events";
import { hasHexHmac } from "./signature";
import { parseBody } from "./zod-problem";

/** Whether X-Viber-Content-Signature is the hex HMAC-SHA256 of the raw body under the auth token. */
export function isSignedByViber(authToken: string, signature: string | null, rawBody: Uint8Array): boolean {
  return hasHexHmac(rawBody, authToken, signature);
}

/**
 * The callback's JSON with message_token kept as written: it is a 64-bit number, which JSON.parse
 * would round (4912661846655238145 becomes 4912661846655238000).
 */
export function readViberJson(text: string): unknown {
  return JSON.parse(text.replace(/("message_token"\s*:\s*)(-?\d+)/g, '$1"$2"'));
}

const Token = z.string({ error: "must be a number" }).regex(/^\d{1,20}$/, "must be a whole number");
const UserId = z.string({ error: "must be a Viber user id (text)" }).min(1, "must not be empty").max(64, "must be at most 64 characters");
const Millis = z.number({ error: "must be a time in milliseconds" }).int("must be a whole number of milliseconds").positive("must be positive").max(1e14, "must be a time in milliseconds");

const Envelope = z.object({ event: z.string({ error: "must be text" }).max(64, "must be at most 64 characters") });
const Receipt = z.object({ timestamp: Millis, message_token: Token, user_id: UserId, desc: z.string().max(1000).optional() });
const Subscribed = z.object({ timestamp: Millis, message_token: Token, user: z.object({ id: UserId }) });
const Unsubscribed = z.object({ timestamp: Millis, message_token: Token, user_id: UserId });

const RECEIPTS = { delivered: "delivered", seen: "read", failed: "failed" } as const;

/**
 * A token as Viber wrote it, and as a client that read it through JSON.parse stored it (the send
 * API answers with a number too): a receipt finds its delivery either way.
 */
function tokenSpellings(token: string): string[] {
  return [...new Set([token, String(Number(token))])];
}

/** The event in a verified Viber callback (from readViberJson). */
export function parseViber(body: unknown): ParsedWebhook {
  const envelope = parseBody(Envelope, body);
  if (!envelope.ok) return envelope;
  const event = envelope.value.event;
  if (event === "delivered" || event === "seen" || event === "failed") {
    const parsed = parseBody(Receipt, body);
    if (!parsed.ok) return parsed;
    const { timestamp, message_token: token, user_id: userId, desc } = parsed.value;
    const report = RECEIPTS[event];
    const receipt: InboundEvent = {
      kind: "status",
      provider: "viber",
      eventKey: `${event}:${token}:${userId}`,
      occurredAt: new Date(timestamp),
      channel: "viber",
      report,
      providerMessageIds: tokenSpellings(token),
      address: userId,
      error: report === "failed" ? `Viber: ${desc?.trim() || "failed"}` : null,
    };
    return { ok: true, events: [receipt], ignored: 0 };
  }
  if (event === "subscribed" || event === "unsubscribed") {
    const parsed = event === "subscribed" ? parseBody(Subscribed, body) : parseBody(Unsubscribed, body);
    if (!parsed.ok) return parsed;
    const value = parsed.value as { timestamp: number; message_token: string; user?: { id: string }; user_id?: string };
    const change: InboundEvent = {
      kind: "subscription",
      provider: "viber",
      eventKey: `${event}:${value.message_token}`,
      occurredAt: new Date(value.timestamp),
      channel: "viber",
      address: value.user?.id ?? value.user_id!,
      isSubscribed: event === "subscribed",
    };
    return { ok: true, events: [change], ignored: 0 };
  }
  return { ok: true, events: [], ignored: 1 };
}
