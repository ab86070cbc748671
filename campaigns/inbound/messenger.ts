// Messenger's webhooks: the subscription check (GET with hub.challenge), and the page's events
// (POST, signed with the app secret), of which delivery and read receipts concern campaigns.
import { z } from "../../models/zod";
import type { InboundEvent, ParsedWebhook } from "./events";
import { hasHexHmac, sameSecret } from "./signature";
import { parseBody } from "./zod-problem";

/** Whether X-Hub-Signature-256 is "sha256=" + the HMAC-SHA256 of the raw body under the app secret. */
export function isSignedByMessenger(appSecret: string, signature: string | null, rawBody: Uint8Array): boolean {
  return hasHexHmac(rawBody, appSecret, signature, "sha256=");
}

export type ChallengeAnswer = { status: 200; challenge: string } | { status: 400 | 403; reason: string };

/**
 * Meta checks a webhook address by a GET with hub.mode=subscribe, the verify token the admin typed
 * in both places, and a challenge to echo back.
 */
export function answerMessengerChallenge(verifyToken: string, query: URLSearchParams): ChallengeAnswer {
  const mode = query.get("hub.mode");
  const token = query.get("hub.verify_token");
  const challenge = query.get("hub.challenge");
  if (mode !== "subscribe") return { status: 400, reason: "hub.mode must be subscribe" };
  if (!token || !sameSecret(token, verifyToken)) return { status: 403, reason: "hub.verify_token is not this console's verify token" };
  if (!challenge || !/^[A-Za-z0-9_-]{1,200}$/.test(challenge)) return { status: 400, reason: "hub.challenge must be 1 to 200 letters, digits, _ or -" };
  return { status: 200, challenge };
}

const Id = z.string({ error: "must be an id (text)" }).min(1, "must not be empty").max(64, "must be at most 64 characters");
const MessageId = z.string({ error: "must be a message id (text)" }).min(1, "must not be empty").max(255, "must be at most 255 characters");
const Millis = z.number({ error: "must be a time in milliseconds" }).int("must be a whole number of milliseconds").positive("must be positive").max(1e14, "must be a time in milliseconds");

const MessagingEvent = z.object({
  sender: z.object({ id: Id }),
  recipient: z.object({ id: Id }),
  timestamp: Millis.optional(),
  delivery: z
    .object({
      mids: z.array(MessageId, { error: "must be a list of message ids" }).max(1000, "must list at most 1000 ids").optional(),
      watermark: Millis,
    })
    .optional(),
  read: z.object({ watermark: Millis }).optional(),
});

const PageWebhook = z.object({
  object: z.string({ error: "must be text" }),
  entry: z
    .array(
      z.object({
        messaging: z.array(MessagingEvent, { error: "must be a list of events" }).max(1000, "must hold at most 1000 events").optional(),
      }),
      { error: "must be a list" },
    )
    .max(1000, "must hold at most 1000 entries"),
});

/**
 * The delivery and read receipts in a verified page webhook. Other events (messages, postbacks,
 * opt-ins, …) and other objects than "page" are ignored.
 */
export function parseMessenger(body: unknown): ParsedWebhook {
  const parsed = parseBody(PageWebhook, body);
  if (!parsed.ok) return parsed;
  if (parsed.value.object !== "page") return { ok: true, events: [], ignored: 1 };
  const events: InboundEvent[] = [];
  let ignored = 0;
  for (const entry of parsed.value.entry) {
    for (const item of entry.messaging ?? []) {
      const psid = item.sender.id;
      if (item.delivery) {
        const watermark = item.delivery.watermark;
        events.push({
          kind: "watermark",
          provider: "messenger",
          eventKey: `delivery:${psid}:${watermark}`,
          occurredAt: item.timestamp ? new Date(item.timestamp) : new Date(watermark),
          channel: "messenger",
          report: "delivered",
          address: psid,
          watermark: new Date(watermark),
          providerMessageIds: [...new Set(item.delivery.mids ?? [])],
        });
      } else if (item.read) {
        const watermark = item.read.watermark;
        events.push({
          kind: "watermark",
          provider: "messenger",
          eventKey: `read:${psid}:${watermark}`,
          occurredAt: item.timestamp ? new Date(item.timestamp) : new Date(watermark),
          channel: "messenger",
          report: "read",
          address: psid,
          watermark: new Date(watermark),
          providerMessageIds: [],
        });
      } else ignored++;
    }
  }
  return { ok: true, events, ignored };
}
