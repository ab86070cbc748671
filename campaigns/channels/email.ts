// Campaign email through nodemailer: one pooled SMTP transport, rate-limited, with a Message-ID
// made from the delivery key so a message can always be matched to its delivery (and a bounce to
// its campaign).
import nodemailer from "nodemailer";
import { SendFailure, type ChannelSender, type OutgoingMessage, type SendResult } from "./channel";
import { unexpectedFailure } from "./failure";

/** tls: implicit TLS (usually port 465); starttls: STARTTLS required (587); opportunistic: STARTTLS when the server offers it. */
export const SMTP_SECURITY = ["tls", "starttls", "opportunistic"] as const;
export type SmtpSecurity = (typeof SMTP_SECURITY)[number];

export interface EmailSenderOptions {
  host: string;
  port: number;
  security: SmtpSecurity;
  user?: string;
  password?: string;
  /** The From header: "Shop <news@shop.example>". Its domain names the Message-IDs. */
  from: string;
  /**
   * Messages per second. SMTP has no one documented limit: each server (and each relay plan) sets
   * its own, so the rate is a setting: SMTP_RATE_PER_SECOND (default 5) or the admin page's.
   */
  ratePerSecond: number;
  /** Connection, greeting and socket-idle timeouts (default 15 s, 15 s and 30 s). */
  timeoutMs?: number;
  maxConnections?: number;
}

/** Headers the message itself owns: a template's headers never replace them. */
const OWN_HEADERS = new Set(["from", "to", "cc", "bcc", "subject", "message-id", "date", "mime-version", "content-type", "content-transfer-encoding", "sender", "reply-to"]);

/** The settings an smtp:// or smtps:// URL holds (SMTP_URL). */
export function smtpSettingsFromUrl(smtpUrl: string): Pick<EmailSenderOptions, "host" | "port" | "security" | "user" | "password"> {
  const url = new URL(smtpUrl);
  if (url.protocol !== "smtp:" && url.protocol !== "smtps:") throw new Error("an SMTP URL starts with smtp:// or smtps://");
  const security: SmtpSecurity = url.protocol === "smtps:" ? "tls" : "opportunistic";
  return {
    host: url.hostname,
    port: Number(url.port || (security === "tls" ? 465 : 587)),
    security,
    user: url.username ? decodeURIComponent(url.username) : undefined,
    password: url.password ? decodeURIComponent(url.password) : undefined,
  };
}

/** The domain of the From address ("Shop <news@shop.example>" → "shop.example"). */
export function messageIdDomain(from: string): string {
  const domain = /@([A-Za-z0-9.-]+)>?\s*$/.exec(from.trim())?.[1];
  return domain && domain.includes(".") ? domain.toLowerCase() : "localhost";
}

/** A delivery key as the left part of a Message-ID: only characters every mail system keeps. */
const idPart = (deliveryKey: string) => deliveryKey.replace(/[^A-Za-z0-9._-]/g, "-").slice(0, 180);

interface Tracked {
  /** The whole message was read by the SMTP connection (it went out after DATA). */
  bodyHandedOver: boolean;
}

export function createEmailSender(options: EmailSenderOptions): ChannelSender {
  const timeout = options.timeoutMs ?? 15_000;
  const transport = nodemailer.createTransport({
    pool: true,
    host: options.host,
    port: options.port,
    secure: options.security === "tls",
    requireTLS: options.security === "starttls",
    auth: options.user ? { user: options.user, pass: options.password ?? "" } : undefined,
    maxConnections: options.maxConnections ?? 2,
    rateDelta: 1000,
    rateLimit: Math.max(1, Math.floor(options.ratePerSecond)),
    // a dropped connection must not make the pool send the same message again on its own
    maxRequeues: 0,
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: options.timeoutMs ? options.timeoutMs * 2 : 30_000,
  });
  const domain = messageIdDomain(options.from);
  const inFlight = new Map<string, Tracked>();
  // The one way to know whether an error came before or after the message went over the wire:
  // watch the compiled message being read by the connection.
  transport.use("stream", (mail, done) => {
    const tracked = inFlight.get(String(mail.data.messageId ?? ""));
    if (tracked) {
      mail.message.processFunc((input) => {
        input.once("end", () => (tracked.bodyHandedOver = true));
        return input;
      });
    }
    done();
  });

  return {
    channel: "email",
    provider: "smtp",
    defaultRatePerSecond: options.ratePerSecond,
    async send(outgoing: OutgoingMessage): Promise<SendResult> {
      const { message } = outgoing;
      const messageId = `<${idPart(outgoing.deliveryKey)}@${domain}>`;
      const headers = Object.fromEntries(Object.entries(message.headers ?? {}).filter(([name]) => !OWN_HEADERS.has(name.toLowerCase())));
      const tracked: Tracked = { bodyHandedOver: false };
      inFlight.set(messageId, tracked);
      try {
        const info = await transport.sendMail({
          from: options.from,
          to: outgoing.to,
          subject: message.subject ?? "",
          text: message.text,
          html: message.html || undefined,
          headers,
          messageId,
        });
        return { providerMessageId: String(info.messageId || messageId), provider: "smtp" };
      } catch (error) {
        throw smtpFailure(error, tracked.bodyHandedOver);
      } finally {
        inFlight.delete(messageId);
      }
    },
    async close() {
      transport.close();
    },
  };
}

interface SmtpError {
  code?: string;
  responseCode?: number;
  response?: string;
  command?: string;
  message?: string;
}

/**
 * An SMTP reply decides: 4xx is "not now" (the server kept nothing), 5xx is "never". Without a
 * reply, what counts is whether the message had been handed over: before that nothing can have
 * been accepted; after it, the server may have queued it before the connection failed.
 */
export function smtpFailure(error: unknown, bodyHandedOver: boolean): SendFailure {
  if (error instanceof SendFailure) return error;
  if (!error || typeof error !== "object") return unexpectedFailure("smtp", error);
  const e = error as SmtpError;
  const reply = (e.response ?? e.message ?? "").slice(0, 500);
  const step = e.command ? ` at ${e.command}` : "";
  if (typeof e.responseCode === "number" && e.responseCode >= 400 && e.responseCode < 500) {
    return new SendFailure("not_sent", `the SMTP server deferred the message${step}: ${reply}`);
  }
  if (typeof e.responseCode === "number" && e.responseCode >= 500) {
    return new SendFailure("rejected", `the SMTP server refused the message${step}: ${reply}`);
  }
  if (e.code === "EENVELOPE" || e.code === "EMESSAGE" || e.code === "EMAXRECIPIENTS") {
    return new SendFailure("rejected", `the message cannot be sent as it is${step}: ${e.message ?? e.code}`);
  }
  if (bodyHandedOver) return new SendFailure("maybe_sent", `the SMTP connection failed after the message was handed over (${e.code ?? "error"}: ${e.message ?? ""}); it may have been sent`);
  return new SendFailure("not_sent", `the SMTP server was not reached or gave up before the message (${e.code ?? "error"}: ${e.message ?? ""}); nothing was sent`);
}
