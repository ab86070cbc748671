// One webhook request from verification to its answer, the same order for every provider:
//   no secret configured for the channel → 404 (the webhook does not exist);
//   signature missing or wrong → 403;
//   body of the wrong shape → 400 naming the field;
//   events of kinds we do not act on → 200, ignored (a non-2xx answer would only make the
//   provider retry, and Meta disables a webhook that keeps failing);
//   otherwise each event applied once → 200.
// The signature is checked on the raw bytes, before anything reads them as JSON or a form.
import type { Database } from "../../models/db";
import { applyInboundEvents } from "./apply.server";
import type { ParsedWebhook } from "./events";
import { answerMessengerChallenge, isSignedByMessenger, parseMessenger } from "./messenger";
import { isSignedByTwilio, parseTwilio, twilioParams } from "./twilio";
import { isSignedByViber, parseViber, readViberJson } from "./viber";

export interface WebhookRequest {
  /** The body exactly as received. */
  rawBody: Uint8Array;
  header(name: string): string | null;
  /** The path and query string as received ("/webhooks/twilio?x=1"). */
  pathAndQuery: string;
}

export interface WebhookAnswer {
  status: number;
  contentType: string;
  body: string;
}

const asJson = (status: number, value: unknown): WebhookAnswer => ({ status, contentType: "application/json; charset=utf-8", body: JSON.stringify(value) });

const notConfigured = (channel: string) =>
  asJson(404, { error: { code: "not_found", message: `No ${channel} webhook here: the channel has no credentials in this console.` } });

const badSignature = (header: string) => asJson(403, { error: { code: "bad_signature", message: `${header} is missing or does not sign this request.` } });

const badBody = (field: string, reason: string) => asJson(400, { error: { code: "bad_request", message: `${field} ${reason}`, fields: [{ field, reason }] } });

const text = (raw: Uint8Array) => new TextDecoder().decode(raw);

function readJson(raw: Uint8Array, read: (text: string) => unknown = JSON.parse): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: read(text(raw)) };
  } catch {
    return { ok: false };
  }
}

async function apply(db: Database, parsed: ParsedWebhook, now: Date, answer: (counts: { applied: number; duplicates: number; ignored: number }) => WebhookAnswer) {
  if (!parsed.ok) return badBody(parsed.field, parsed.reason);
  const result = await applyInboundEvents(db, parsed.events, now);
  return answer({ ...result, ignored: parsed.ignored });
}

/** Twilio: status callbacks and incoming messages (STOP, START), signed over the console's public URL. */
export async function receiveTwilioWebhook(db: Database, authToken: string | null, publicUrl: string, request: WebhookRequest, now: Date): Promise<WebhookAnswer> {
  if (!authToken) return notConfigured("Twilio");
  const params = twilioParams(text(request.rawBody));
  const url = publicUrl.replace(/\/+$/, "") + request.pathAndQuery;
  if (!isSignedByTwilio(authToken, request.header("x-twilio-signature"), url, params, request.header("x-twilio-webhooks-signature-settings"))) {
    return badSignature("X-Twilio-Signature");
  }
  // an empty TwiML answer: Twilio sends nothing back to the person (its own opt-out reply aside)
  return apply(db, parseTwilio(params), now, () => ({ status: 200, contentType: "text/xml; charset=utf-8", body: '<?xml version="1.0" encoding="UTF-8"?><Response></Response>' }));
}

/** Messenger: the page's events, signed with the app secret. */
export async function receiveMessengerWebhook(db: Database, appSecret: string | null, request: WebhookRequest, now: Date): Promise<WebhookAnswer> {
  if (!appSecret) return notConfigured("Messenger");
  if (!isSignedByMessenger(appSecret, request.header("x-hub-signature-256"), request.rawBody)) return badSignature("X-Hub-Signature-256");
  const body = readJson(request.rawBody);
  if (!body.ok) return badBody("body", "must be JSON");
  return apply(db, parseMessenger(body.value), now, (counts) => asJson(200, { received: true, ...counts }));
}

/** Messenger's check of the webhook address: the challenge back when the verify token matches. */
export function answerMessengerVerification(verifyToken: string | null, query: URLSearchParams): WebhookAnswer {
  if (!verifyToken) return notConfigured("Messenger");
  const answer = answerMessengerChallenge(verifyToken, query);
  if (answer.status === 200) return { status: 200, contentType: "text/plain; charset=utf-8", body: answer.challenge };
  return asJson(answer.status, { error: { code: answer.status === 403 ? "bad_verify_token" : "bad_request", message: answer.reason } });
}

/** Viber: receipts and subscription events, signed with the bot's auth token. */
export async function receiveViberWebhook(db: Database, authToken: string | null, request: WebhookRequest, now: Date): Promise<WebhookAnswer> {
  if (!authToken) return notConfigured("Viber");
  if (!isSignedByViber(authToken, request.header("x-viber-content-signature"), request.rawBody)) return badSignature("X-Viber-Content-Signature");
  const body = readJson(request.rawBody, readViberJson);
  if (!body.ok) return badBody("body", "must be JSON");
  return apply(db, parseViber(body.value), now, (counts) => asJson(200, { received: true, ...counts }));
}
