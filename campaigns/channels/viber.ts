// Viber through the REST bot API (send_message) with messaging-api-viber. Viber answers HTTP 200
// for refusals too, with a non-zero `status` in the body; the library turns those into errors that
// keep the answer.
import * as viberModule from "messaging-api-viber";
import { SendFailure, type ChannelSender, type OutgoingMessage, type SendResult } from "./channel";
import { httpStatusFailure, retryAfterMs, transportFailure, unexpectedFailure } from "./failure";

const { ViberClient } = ((viberModule as unknown as { default?: typeof viberModule }).default ?? viberModule) as typeof viberModule;

/**
 * Viber documents no per-second limit for send_message (only 100 messages an hour to one user who
 * does not reply: https://creators.viber.com/docs/bots-api/resources/messaging/send-message); the
 * one rate it publishes is the Broadcast API's "500 requests in a 10 seconds window"
 * (https://developers.viber.com/docs/guides/broadcast-rest-api/). We keep to that: 50/s.
 */
export const VIBER_RATE = 50;

/** status 12 "tooManyRequests": not now, later may do. Every other non-zero status refuses the message. */
const VIBER_TOO_MANY_REQUESTS = 12;

/** The sender name Viber shows: at most 28 characters. */
export const VIBER_SENDER_NAME_MAX = 28;

export interface ViberSenderOptions {
  authToken: string;
  senderName: string;
  senderAvatar?: string;
  /** Instead of https://chatapi.viber.com (tests: a stand-in on loopback). */
  apiOrigin?: string;
  ratePerSecond?: number;
  timeoutMs?: number;
}

export function createViberSender(options: ViberSenderOptions): ChannelSender {
  const client = new ViberClient({
    accessToken: options.authToken,
    sender: { name: options.senderName.slice(0, VIBER_SENDER_NAME_MAX), ...(options.senderAvatar ? { avatar: options.senderAvatar } : {}) },
    origin: options.apiOrigin,
  });
  client.axios.defaults.timeout = options.timeoutMs ?? 30_000;
  client.axios.defaults.maxRedirects = 0;
  // Viber's message_token is a 64-bit number: read as a JavaScript number it loses its last digits,
  // and two messages could share an id. Quoted before parsing, it stays exact.
  const parsers = client.axios.defaults.transformResponse;
  client.axios.defaults.transformResponse = [quoteMessageTokens, ...(Array.isArray(parsers) ? parsers : parsers ? [parsers] : [])];
  return {
    channel: "viber",
    provider: "viber",
    defaultRatePerSecond: options.ratePerSecond ?? VIBER_RATE,
    async send(outgoing: OutgoingMessage): Promise<SendResult> {
      try {
        // tracking_data comes back with the user's reply: it names the delivery the reply answers
        const sent = await client.sendText(outgoing.to, outgoing.message.text, { trackingData: outgoing.deliveryKey });
        return { providerMessageId: String(sent.messageToken), provider: "viber" };
      } catch (error) {
        throw viberFailure(error);
      }
    },
    async close() {},
  };
}

/** The answer's message_token digits as a JSON string, before the answer is parsed. */
export function quoteMessageTokens(data: unknown): unknown {
  return typeof data === "string" ? data.replace(/("message_token"\s*:\s*)(-?\d+)/g, '$1"$2"') : data;
}

interface WrappedAxiosError {
  message?: string;
  request?: unknown;
  response?: { status?: number; headers?: Record<string, unknown>; data?: unknown };
}

export function viberFailure(error: unknown): SendFailure {
  if (error instanceof SendFailure) return error;
  const e = (error ?? {}) as WrappedAxiosError;
  const response = e.response;
  if (response && typeof response.status === "number") {
    const retryAfter = retryAfterMs(response.headers?.["retry-after"], response.headers?.date);
    if (response.status >= 200 && response.status < 300) {
      const body = (response.data ?? {}) as { status?: unknown; status_message?: unknown; statusMessage?: unknown };
      const status = typeof body.status === "number" ? body.status : NaN;
      const said = `status ${body.status} ${String(body.status_message ?? body.statusMessage ?? "")}`.trim();
      if (status === VIBER_TOO_MANY_REQUESTS) return new SendFailure("not_sent", `Viber asked to slow down (${said})`, retryAfter);
      return new SendFailure("rejected", `Viber refused the message (${said})`);
    }
    const body = response.data as { status_message?: unknown } | undefined;
    return httpStatusFailure("viber", response.status, String(body?.status_message ?? e.message ?? ""), retryAfter);
  }
  if (e.request) return transportFailure("viber", { message: e.message, request: e.request });
  return unexpectedFailure("viber", error);
}
