// Email through nodemailer: pooled SMTP, rate-limited, when SMTP_URL is set.
import nodemailer from "nodemailer";

export interface MailerConfig {
  /** smtp://user:pass@host:587 or smtps://…:465; without it, email stays in the outbox. */
  smtpUrl?: string;
  /** The From header, e.g. "Segment console <console@shop.example>". */
  from: string;
  /** Messages per second at most. */
  ratePerSecond: number;
}

export interface OutgoingEmail {
  to: string;
  subject: string;
  text: string;
  html?: string | null;
}

export interface Mailer {
  send(message: OutgoingEmail): Promise<{ messageId: string }>;
  close(): void;
}

/** A pooled SMTP mailer, or null when no SMTP server is configured (messages are kept in the outbox). */
export function createMailer(config: MailerConfig): Mailer | null {
  if (!config.smtpUrl) return null;
  const url = new URL(config.smtpUrl);
  if (url.protocol !== "smtp:" && url.protocol !== "smtps:") throw new Error("SMTP_URL must start with smtp:// or smtps://");
  const secure = url.protocol === "smtps:";
  const transport = nodemailer.createTransport({
    pool: true,
    host: url.hostname,
    port: Number(url.port || (secure ? 465 : 587)),
    secure,
    auth: url.username ? { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } : undefined,
    maxConnections: 2,
    rateDelta: 1000,
    rateLimit: Math.max(1, config.ratePerSecond),
    connectionTimeout: 15_000,
    greetingTimeout: 15_000,
    socketTimeout: 30_000,
  });
  return {
    async send(message) {
      const info = await transport.sendMail({ from: config.from, to: message.to, subject: message.subject, text: message.text, html: message.html ?? undefined });
      return { messageId: String(info.messageId ?? "") };
    },
    close: () => transport.close(),
  };
}
