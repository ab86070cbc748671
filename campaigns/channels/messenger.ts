// Messenger through the Send API with messaging-api-messenger.
//
// Which messaging type: Meta lets a Page send promotional content only inside the standard
// messaging window ("Messages sent within the 24 hour window may contain promotional content",
// https://developers.facebook.com/docs/messenger-platform/policy/policy-overview-aug-2019), and
// "Message tags can not be used to send promotional content" (Send API reference). So a campaign
// message goes as messaging_type UPDATE (a message the Page starts, not a reply) with no tag, and
// the audience skips customers outside the window (skip reason "messenger_window").
import * as messengerModule from "messaging-api-messenger";
import { SendFailure, type ChannelSender, type OutgoingMessage, type SendResult } from "./channel";
import { httpStatusFailure, retryAfterMs, transportFailure, unexpectedFailure } from "./failure";

// CommonJS with its exports behind getters: Node's ESM loader finds them only on the default export
const { MessengerClient } = ((messengerModule as unknown as { default?: typeof messengerModule }).default ?? messengerModule) as typeof messengerModule;

/**
 * "Your app can make 300 calls per second per Facebook Page for messages that contain text, links,
 * reactions, and stickers" (https://developers.facebook.com/documentation/business-messaging/messenger-platform/overview/rate-limiting).
 */
export const MESSENGER_RATE = 300;

/** The library defaults to Graph API 6.0, long retired. */
export const MESSENGER_API_VERSION = "v21.0";

/**
 * Graph API error codes that mean "too many calls now", whatever the HTTP status they come with:
 * 4 application limit, 17 user limit, 32 Page limit, 613 calls over the rate limit, 80006 the
 * Messenger business use case limit.
 */
const RATE_LIMIT_CODES = new Set([4, 17, 32, 613, 80006]);

export interface MessengerSenderOptions {
  pageAccessToken: string;
  /** With it every call carries appsecret_proof (required when the app enforces it). */
  appSecret?: string;
  apiVersion?: string;
  /** Instead of https://graph.facebook.com (tests: a stand-in on loopback). */
  apiOrigin?: string;
  ratePerSecond?: number;
  timeoutMs?: number;
}

export function createMessengerSender(options: MessengerSenderOptions): ChannelSender {
  const client = new MessengerClient({
    accessToken: options.pageAccessToken,
    appSecret: options.appSecret,
    version: options.apiVersion ?? MESSENGER_API_VERSION,
    origin: options.apiOrigin,
  });
  client.axios.defaults.timeout = options.timeoutMs ?? 30_000;
  // a redirect would send the message body to wherever it points: never follow one
  client.axios.defaults.maxRedirects = 0;
  return {
    channel: "messenger",
    provider: "messenger",
    defaultRatePerSecond: options.ratePerSecond ?? MESSENGER_RATE,
    async send(outgoing: OutgoingMessage): Promise<SendResult> {
      try {
        const sent = await client.sendText(outgoing.to, outgoing.message.text, { messagingType: "UPDATE" });
        return { providerMessageId: sent.messageId, provider: "messenger" };
      } catch (error) {
        throw messengerFailure(error);
      }
    },
    async close() {},
  };
}

interface WrappedAxiosError {
  message?: string;
  request?: unknown;
  response?: { status?: number; headers?: Record<string, unknown>; data?: unknown };
}

/** The library wraps axios errors (keeping request and response, dropping the code). */
export function messengerFailure(error: unknown): SendFailure {
  if (error instanceof SendFailure) return error;
  const e = (error ?? {}) as WrappedAxiosError;
  const response = e.response;
  if (response && typeof response.status === "number") {
    const graph = graphError(response.data);
    const said = graph ? `${graph.code ?? ""}${graph.subcode ? `/${graph.subcode}` : ""} ${graph.message ?? ""}`.trim() : "";
    const retryAfter = retryAfterMs(response.headers?.["retry-after"], response.headers?.date);
    if (graph?.code !== undefined && RATE_LIMIT_CODES.has(graph.code)) return httpStatusFailure("messenger", 429, said, retryAfter);
    return httpStatusFailure("messenger", response.status, said || (e.message ?? ""), retryAfter);
  }
  if (e.request) return transportFailure("messenger", { message: e.message, request: e.request });
  return unexpectedFailure("messenger", error);
}

function graphError(data: unknown): { code?: number; subcode?: number; message?: string } | null {
  if (!data || typeof data !== "object") return null;
  const err = (data as { error?: Record<string, unknown> }).error;
  if (!err || typeof err !== "object") return null;
  const num = (v: unknown) => (typeof v === "number" ? v : undefined);
  // the library camel-cases the answer: error_subcode arrives as errorSubcode
  return { code: num(err.code), subcode: num(err.errorSubcode ?? err.error_subcode), message: typeof err.message === "string" ? err.message : undefined };
}
