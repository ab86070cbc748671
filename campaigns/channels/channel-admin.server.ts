// What the admin's channels page shows and does: per channel, the provider it sends through now
// and why, the saved settings without their secrets, the environment's part (names and plain
// values only), and a test message to an address.
import crypto from "node:crypto";
import type { Database } from "../../models/db";
import { recordAudit, type AuditActor } from "../../models/audit.server";
import { CHANNELS, SendFailure, type ChannelName, type ProviderName, type SendFailureKind } from "./channel";
import { CHANNEL_FIELDS } from "./settings-schema";
import { channelSenderFor, chooseChannel, type ChannelEnv, type ChannelSource } from "./senders.server";

export interface ChannelView {
  channel: ChannelName;
  source: ChannelSource;
  provider: ProviderName;
  ratePerSecond: number;
  rateSource: "settings" | "env" | "provider";
  /** The rate when the page sets none. */
  fallbackRatePerSecond: number;
  /** The rate saved on the page, if any. */
  savedRatePerSecond: number | null;
  /** Saved plain values (what the form shows); never a secret. */
  fields: Record<string, string>;
  /** Each secret field: saved, not saved, or saved under another session secret (enter it again). */
  secrets: Record<string, "set" | "unset" | "unreadable">;
  /** Whether the page holds credentials (the "remove" button). */
  hasSavedCredentials: boolean;
  /** The environment's variables for this channel: plain values, and "set" for secrets. */
  environment: Array<{ variable: string; value: string }>;
  updatedAt: Date | null;
}

const SET = "set";

/** The environment's part of one channel, as variable names with plain values; secrets only say that they are set. */
export function environmentSummary(channel: ChannelName, env: ChannelEnv): Array<{ variable: string; value: string }> {
  const out: Array<{ variable: string; value: string }> = [];
  const add = (variable: string, value: string | number | undefined, secret = false) => {
    if (value !== undefined && value !== "") out.push({ variable, value: secret ? SET : String(value) });
  };
  if (channel === "email" && env.email) {
    if (env.email.smtpUrl) {
      // the URL without its user and password
      const url = new URL(env.email.smtpUrl);
      add("SMTP_URL", `${url.protocol}//${url.host}${url.username ? " (with login)" : ""}`);
    }
    add("CAMPAIGN_MAIL_FROM / MAIL_FROM", env.email.from);
  }
  if (channel === "sms" && env.sms) {
    add("TWILIO_ACCOUNT_SID", env.sms.accountSid);
    add("TWILIO_AUTH_TOKEN", env.sms.authToken, true);
    add("TWILIO_FROM", env.sms.from);
    add("TWILIO_MESSAGING_SERVICE_SID", env.sms.messagingServiceSid);
    add("SMS_RATE_PER_SECOND", env.sms.ratePerSecond);
    add("TWILIO_API_ORIGIN", env.sms.apiOrigin);
  }
  if (channel === "messenger" && env.messenger) {
    add("MESSENGER_PAGE_ACCESS_TOKEN", env.messenger.pageAccessToken, true);
    add("MESSENGER_APP_SECRET", env.messenger.appSecret, true);
    add("MESSENGER_RATE_PER_SECOND", env.messenger.ratePerSecond);
    add("MESSENGER_API_ORIGIN", env.messenger.apiOrigin);
  }
  if (channel === "viber" && env.viber) {
    add("VIBER_AUTH_TOKEN", env.viber.authToken, true);
    add("VIBER_SENDER_NAME", env.viber.senderName);
    add("VIBER_SENDER_AVATAR", env.viber.senderAvatar);
    add("VIBER_RATE_PER_SECOND", env.viber.ratePerSecond);
    add("VIBER_API_ORIGIN", env.viber.apiOrigin);
  }
  return out;
}

/** Every channel as the admin page shows it. Nothing returned holds a secret's value. */
export async function describeChannels(db: Database, env: ChannelEnv, secret: string): Promise<ChannelView[]> {
  const views: ChannelView[] = [];
  for (const channel of CHANNELS) {
    const choice = await chooseChannel(db, env, secret, channel);
    const saved = choice.saved;
    const fields: Record<string, string> = {};
    const secrets: Record<string, "set" | "unset" | "unreadable"> = {};
    for (const field of CHANNEL_FIELDS[channel]) {
      if (field.secret) secrets[field.name] = saved?.unreadable.includes(field.name) ? "unreadable" : saved?.values[field.name] !== undefined ? "set" : "unset";
      else if (saved?.values[field.name] !== undefined) fields[field.name] = String(saved.values[field.name]);
    }
    views.push({
      channel,
      source: choice.source,
      provider: choice.provider,
      ratePerSecond: choice.ratePerSecond,
      rateSource: choice.rateSource,
      fallbackRatePerSecond: choice.fallbackRatePerSecond,
      savedRatePerSecond: saved?.ratePerSecond ?? null,
      fields,
      secrets,
      hasSavedCredentials: Boolean(saved && (Object.keys(saved.values).length > 0 || saved.unreadable.length > 0)),
      environment: environmentSummary(channel, env),
      updatedAt: saved?.updatedAt ?? null,
    });
  }
  return views;
}

export type TestSendResult =
  | { ok: true; provider: ProviderName; providerMessageId: string }
  | { ok: false; provider: ProviderName; kind: SendFailureKind; reason: string };

/**
 * Sends one test message through the channel as it is configured now (to the outbox when it has
 * no credentials), and audits that it was sent and how it went. The address is not logged.
 */
export async function sendTestMessage(
  db: Database,
  env: ChannelEnv,
  secret: string,
  channel: ChannelName,
  address: string,
  actor: AuditActor,
  now: Date,
  options: { timeoutMs?: number } = {},
): Promise<TestSendResult> {
  const sender = await channelSenderFor(db, env, secret, channel, { purpose: "test", timeoutMs: options.timeoutMs ?? 15_000, clock: () => now });
  const text = `Test message from the segment console: ${channel} is connected (${now.toISOString()}).`;
  let result: TestSendResult;
  try {
    const sent = await sender.send({
      deliveryKey: `test-${channel}-${now.getTime()}-${crypto.randomBytes(4).toString("hex")}`,
      to: address,
      message: channel === "email" ? { channel, subject: "Test message from the segment console", text, html: `<p>${text}</p>` } : { channel, text },
    });
    result = { ok: true, provider: sent.provider, providerMessageId: sent.providerMessageId };
  } catch (error) {
    const failure = error instanceof SendFailure ? error : new SendFailure("maybe_sent", error instanceof Error ? error.message : String(error));
    result = { ok: false, provider: sender.provider, kind: failure.kind, reason: failure.message };
  } finally {
    await sender.close();
  }
  await recordAudit(db, actor, "channel.test", { type: "channel", id: channel, detail: result.ok ? { provider: result.provider, sent: true } : { provider: result.provider, sent: false, kind: result.kind } }, undefined, now);
  return result;
}
