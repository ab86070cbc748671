// Twilio's webhooks on one URL: status callbacks of the messages we sent, and the messages people
// send back, of which STOP and START (and their synonyms) change the SMS subscription.
import twilio from "twilio";
import { z } from "../../models/zod";
import type { InboundEvent, ParsedWebhook, DeliveryReport } from "./events";
import { parseBody } from "./zod-problem";

export type TwilioParams = Record<string, string | string[]>;

/** The form-encoded body as Twilio signs it: each name with its value, or its values when repeated. */
export function twilioParams(rawBody: string): TwilioParams {
  const params: TwilioParams = {};
  for (const [name, value] of new URLSearchParams(rawBody)) {
    const have = params[name];
    params[name] = have === undefined ? value : Array.isArray(have) ? [...have, value] : [have, value];
  }
  return params;
}

const SIGNATURE_ALGORITHMS = new Set(["HMAC_SHA1", "HMAC_SHA256"]);

/**
 * Whether X-Twilio-Signature signs these parameters at `url`, the address Twilio was given (the
 * console's public URL: behind a proxy, not the one this process sees). twilio.validateRequest
 * compares in constant time.
 */
export function isSignedByTwilio(authToken: string, signature: string | null, url: string, params: TwilioParams, signatureSettings: string | null): boolean {
  if (!authToken || !signature) return false;
  const algorithm = twilio.getSignatureAlgorithm(signatureSettings ?? undefined);
  // an algorithm this library does not know is a forged or future header: refused without its console warning
  if (!SIGNATURE_ALGORITHMS.has(algorithm.toUpperCase())) return false;
  return twilio.validateRequest(authToken, signature, url, params, algorithm);
}

const Sid = z
  .string({ error: "must be a Twilio message SID" })
  .regex(/^[A-Z]{2}[0-9a-f]{32}$/i, "must be a Twilio message SID (two letters and 32 hex digits)");
const Text = (max: number) => z.string({ error: "must be text" }).max(max, `must be at most ${max} characters`);

const StatusCallback = z.object({
  MessageSid: Sid,
  MessageStatus: Text(32).min(1, "must not be empty"),
  ErrorCode: Text(16).optional(),
});

const InboundMessage = z.object({
  MessageSid: Sid,
  From: Text(64).min(1, "must not be empty"),
  Body: Text(1600).optional(),
  OptOutType: Text(16).optional(),
});

const REPORTS: Record<string, DeliveryReport> = {
  queued: "queued",
  sent: "sent",
  delivered: "delivered",
  read: "read",
  undelivered: "failed",
  failed: "failed",
};

// Twilio's own default keywords (Advanced Opt-Out names the kind in OptOutType instead)
const STOP_WORDS = new Set(["STOP", "STOPALL", "STOP ALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "OPTOUT", "OPT OUT", "REVOKE"]);
const START_WORDS = new Set(["START", "YES", "UNSTOP"]);

function optOutOf(message: z.infer<typeof InboundMessage>): boolean | null {
  const type = message.OptOutType?.trim().toUpperCase();
  if (type === "STOP") return false;
  if (type === "START") return true;
  if (type) return null; // HELP, or a kind we do not act on
  const word = (message.Body ?? "").trim().replace(/[.!]+$/, "").replace(/\s+/g, " ").toUpperCase();
  if (STOP_WORDS.has(word)) return false;
  if (START_WORDS.has(word)) return true;
  return null;
}

/**
 * The events in a verified Twilio request. A request with a Body (or OptOutType) is a message from
 * a person; any other is a status callback. Statuses we do not track (accepted, sending, …) and
 * messages that are neither STOP nor START are ignored.
 */
export function parseTwilio(params: TwilioParams): ParsedWebhook {
  const single = Object.fromEntries(Object.entries(params).map(([name, value]) => [name, Array.isArray(value) ? value[0] : value]));
  if ("Body" in single || "OptOutType" in single) {
    const parsed = parseBody(InboundMessage, single);
    if (!parsed.ok) return parsed;
    const isSubscribed = optOutOf(parsed.value);
    if (isSubscribed === null) return { ok: true, events: [], ignored: 1 };
    const event: InboundEvent = {
      kind: "subscription",
      provider: "twilio",
      eventKey: `inbound:${parsed.value.MessageSid}`,
      occurredAt: null,
      channel: "sms",
      address: parsed.value.From.trim(),
      isSubscribed,
    };
    return { ok: true, events: [event], ignored: 0 };
  }
  const parsed = parseBody(StatusCallback, single);
  if (!parsed.ok) return parsed;
  const status = parsed.value.MessageStatus.toLowerCase();
  const report = REPORTS[status];
  if (!report) return { ok: true, events: [], ignored: 1 };
  const code = parsed.value.ErrorCode?.trim();
  const event: InboundEvent = {
    kind: "status",
    provider: "twilio",
    eventKey: `status:${parsed.value.MessageSid}:${status}`,
    occurredAt: null,
    channel: "sms",
    report,
    providerMessageIds: [parsed.value.MessageSid],
    address: null,
    error: report === "failed" ? (code ? `Twilio ${status}, error ${code}` : `Twilio ${status}`) : null,
  };
  return { ok: true, events: [event], ignored: 0 };
}
