// How a failed HTTP call to a provider maps to a SendFailure kind. The question every mapping
// answers is the never-twice rule's: could the provider have taken this message? A request that
// never wholly left this process (connection refused, no such host) certainly was not taken; an
// answer from the provider says what it did; anything that went wrong after the request was
// written (a timeout waiting for the answer, the connection cut) may have been taken.
import { SendFailure, type ProviderName } from "./channel";

/** Codes of a connection that never opened: nothing reached the provider. */
const NEVER_CONNECTED = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH", "EADDRNOTAVAIL", "ERR_INVALID_URL"]);

const PROVIDER_LABEL: Record<ProviderName, string> = { smtp: "SMTP", twilio: "Twilio", messenger: "Messenger", viber: "Viber", outbox: "Outbox" };

/**
 * Retry-After as milliseconds: delta seconds, or an HTTP date measured against the answer's own
 * Date header (the provider's clock against the provider's clock, so ours never enters). Undefined
 * when absent or unreadable.
 */
export function retryAfterMs(value: unknown, responseDate?: unknown): number | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  if (typeof text !== "string" && typeof text !== "number") return undefined;
  const trimmed = String(text).trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  const sent = typeof responseDate === "string" ? Date.parse(responseDate) : NaN;
  if (Number.isNaN(at) || Number.isNaN(sent)) return undefined;
  return Math.max(0, at - sent);
}

interface RequestLike {
  writableFinished?: boolean;
  /** follow-redirects' wrapper (axios 0.x) keeps the real ClientRequest here. */
  _currentRequest?: RequestLike;
}

/**
 * Whether the whole request left this process (Node's ClientRequest.writableFinished: ended, and
 * nothing left in its own or its socket's buffer). Undefined when the error carries no request.
 */
export function requestWasWritten(request: unknown): boolean | undefined {
  if (!request || typeof request !== "object") return undefined;
  const current = (request as RequestLike)._currentRequest ?? (request as RequestLike);
  return typeof current.writableFinished === "boolean" ? current.writableFinished : undefined;
}

/** A call that got no HTTP answer: not sent when the request never wholly left, else maybe sent. */
export function transportFailure(provider: ProviderName, error: { code?: unknown; message?: unknown; request?: unknown }): SendFailure {
  const label = PROVIDER_LABEL[provider];
  const code = typeof error.code === "string" ? error.code : undefined;
  const what = `${code ? `${code}: ` : ""}${typeof error.message === "string" ? error.message : "request failed"}`;
  if ((code && NEVER_CONNECTED.has(code)) || requestWasWritten(error.request) === false) {
    return new SendFailure("not_sent", `${label} could not be reached (${what}); nothing was sent`);
  }
  return new SendFailure("maybe_sent", `${label} did not answer after the message was handed over (${what}); it may have been sent`);
}

/**
 * An HTTP answer other than success. 429 and 503 say the provider took nothing and to come back
 * later; 408 that it gave up before the request was whole; any other 4xx refuses this message for
 * good; any other 5xx happened while the provider held the request, so the message may be out.
 */
export function httpStatusFailure(provider: ProviderName, status: number, providerMessage: string, retryAfter?: number): SendFailure {
  const label = PROVIDER_LABEL[provider];
  const said = providerMessage.trim().slice(0, 500) || "no reason given";
  if (status === 429 || status === 503) return new SendFailure("not_sent", `${label} asked to slow down (HTTP ${status}): ${said}`, retryAfter);
  if (status === 408) return new SendFailure("not_sent", `${label} timed out reading the request (HTTP 408): ${said}`, retryAfter);
  if (status >= 400 && status < 500) return new SendFailure("rejected", `${label} refused the message (HTTP ${status}): ${said}`);
  return new SendFailure("maybe_sent", `${label} failed while handling the message (HTTP ${status}): ${said}; it may have been sent`);
}

/** Anything thrown that is not already a SendFailure, as one: the caller could not tell what happened. */
export function unexpectedFailure(provider: ProviderName, error: unknown): SendFailure {
  if (error instanceof SendFailure) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new SendFailure("maybe_sent", `${PROVIDER_LABEL[provider]}: ${message.slice(0, 500)}`);
}
