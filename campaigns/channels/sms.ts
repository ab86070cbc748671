// SMS through Twilio's Messages API with the twilio library. The library's own HTTP client is
// subclassed only to reach another origin (a local stand-in in tests) and to read Retry-After,
// which Twilio's exceptions do not carry.
import twilio from "twilio";
import { SendFailure, type ChannelSender, type OutgoingMessage, type SendResult } from "./channel";
import { httpStatusFailure, retryAfterMs, transportFailure, unexpectedFailure } from "./failure";

/**
 * Twilio queues what a sender cannot pass on at once, at the sender's rate: "a US long code number
 * can send one message segment per second, and a short code may send over 100"
 * (https://www.twilio.com/docs/api/errors/30001); an alphanumeric sender ID "up to 10 message
 * segments per second by default" (https://support.twilio.com/hc/en-us/articles/360057082693).
 * A Messaging Service sends from its pool of senders: we assume 10/s (one alphanumeric ID or ten
 * long codes, what a European shop usually has); an admin with short codes raises it.
 */
export const TWILIO_RATE = { phoneNumber: 1, alphanumericSender: 10, messagingService: 10 } as const;

export interface SmsSenderOptions {
  accountSid: string;
  authToken: string;
  /** An E.164 number or an alphanumeric sender ID; or instead a Messaging Service. */
  from?: string;
  messagingServiceSid?: string;
  /** Where Twilio posts status callbacks (`${publicUrl}/webhooks/twilio`); none when unset. */
  statusCallbackUrl?: string;
  /** Instead of https://api.twilio.com (tests: a stand-in on loopback). */
  apiOrigin?: string;
  ratePerSecond?: number;
  timeoutMs?: number;
}

/** The documented default rate of this way of sending. */
export function twilioDefaultRate(options: Pick<SmsSenderOptions, "from" | "messagingServiceSid">): number {
  if (options.messagingServiceSid) return TWILIO_RATE.messagingService;
  return options.from && !options.from.startsWith("+") ? TWILIO_RATE.alphanumericSender : TWILIO_RATE.phoneNumber;
}

type RequestOptions<TData> = Parameters<typeof twilio.RequestClient.prototype.request<TData>>[0];
type RequestAnswer<TData> = Awaited<ReturnType<typeof twilio.RequestClient.prototype.request<TData>>>;

/** Twilio's RequestClient, sent to another origin, with 429 and 503 answered as "not sent, retry after". */
class SendingClient extends twilio.RequestClient {
  constructor(
    private readonly origin: string | undefined,
    timeoutMs: number,
  ) {
    super({ timeout: timeoutMs, autoRetry: false });
  }

  override async request<TData>(opts: RequestOptions<TData>): Promise<RequestAnswer<TData>> {
    let uri = opts.uri;
    if (this.origin) {
      const url = new URL(uri);
      uri = this.origin.replace(/\/$/, "") + url.pathname + url.search;
    }
    const response = await super.request<TData>({ ...opts, uri });
    if (response.statusCode === 429 || response.statusCode === 503) {
      const headers = (response.headers ?? {}) as Record<string, unknown>;
      throw httpStatusFailure("twilio", response.statusCode, twilioMessage(response.body), retryAfterMs(headers["retry-after"], headers.date));
    }
    return response;
  }
}

function twilioMessage(body: unknown): string {
  const parsed = typeof body === "string" ? safeJson(body) : body;
  if (parsed && typeof parsed === "object") {
    const b = parsed as { message?: unknown; code?: unknown; detail?: unknown };
    const text = typeof b.message === "string" ? b.message : typeof b.detail === "string" ? b.detail : "";
    return b.code !== undefined ? `${b.code} ${text}`.trim() : text;
  }
  return typeof body === "string" ? body.slice(0, 200) : "";
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

export function createSmsSender(options: SmsSenderOptions): ChannelSender {
  if (!options.from && !options.messagingServiceSid) throw new Error("an SMS sender needs a From number or sender ID, or a Messaging Service SID");
  const client = twilio(options.accountSid, options.authToken, {
    httpClient: new SendingClient(options.apiOrigin, options.timeoutMs ?? 30_000),
    autoRetry: false,
  });
  return {
    channel: "sms",
    provider: "twilio",
    defaultRatePerSecond: options.ratePerSecond ?? twilioDefaultRate(options),
    async send(outgoing: OutgoingMessage): Promise<SendResult> {
      try {
        const created = await client.messages.create({
          to: outgoing.to,
          body: outgoing.message.text,
          ...(options.messagingServiceSid ? { messagingServiceSid: options.messagingServiceSid } : { from: options.from! }),
          ...(options.statusCallbackUrl ? { statusCallback: options.statusCallbackUrl } : {}),
        });
        return { providerMessageId: created.sid, provider: "twilio" };
      } catch (error) {
        throw twilioFailure(error);
      }
    },
    async close() {},
  };
}

/** A Twilio REST exception by its HTTP status; an axios error by how far the request got. */
export function twilioFailure(error: unknown): SendFailure {
  if (error instanceof SendFailure) return error;
  const e = (error ?? {}) as { status?: unknown; message?: unknown; code?: unknown; request?: unknown; isAxiosError?: boolean; response?: unknown };
  if (typeof e.status === "number" && !e.isAxiosError) {
    const message = `${e.code !== undefined ? `${e.code} ` : ""}${typeof e.message === "string" ? e.message : ""}`;
    return httpStatusFailure("twilio", e.status, message);
  }
  if (e.isAxiosError || e.request) return transportFailure("twilio", e);
  return unexpectedFailure("twilio", error);
}
