// Which provider each channel sends through: the settings an admin saved on the channels page,
// else the environment's variables, else the outbox (stored in the console, nothing leaves).
import type { Database } from "../../models/db";
import { CHANNELS, type ChannelName, type ChannelSender, type ProviderName } from "./channel";
import { createEmailSender, smtpSettingsFromUrl, type EmailSenderOptions, type SmtpSecurity } from "./email";
import { createMessengerSender, MESSENGER_API_VERSION, MESSENGER_RATE } from "./messenger";
import { createOutboxSender, OUTBOX_RATE } from "./outbox.server";
import { createSmsSender, twilioDefaultRate } from "./sms";
import { createViberSender, VIBER_RATE } from "./viber";
import { hasCredentials, readChannelSettings, usesSavedSettings, type ChannelSettingsRecord } from "./settings.server";

/** The channel variables of the environment (server/config.ts reads and checks them). */
export interface ChannelEnv {
  /** The console's address as providers reach it: Twilio's status callbacks go to `${publicUrl}/webhooks/twilio`. Unset: none asked for. */
  publicUrl?: string;
  email?: {
    /** SMTP_URL: smtp://user:password@host:587 or smtps://host:465. */
    smtpUrl?: string;
    /** The From of campaign email (CAMPAIGN_MAIL_FROM, else MAIL_FROM). */
    from?: string;
    ratePerSecond?: number;
  };
  sms?: {
    accountSid?: string;
    authToken?: string;
    from?: string;
    messagingServiceSid?: string;
    ratePerSecond?: number;
    /** Tests: a stand-in instead of https://api.twilio.com. */
    apiOrigin?: string;
  };
  messenger?: {
    pageAccessToken?: string;
    appSecret?: string;
    apiVersion?: string;
    ratePerSecond?: number;
    apiOrigin?: string;
  };
  viber?: {
    authToken?: string;
    senderName?: string;
    senderAvatar?: string;
    ratePerSecond?: number;
    apiOrigin?: string;
  };
}

/** Where a channel's provider settings come from. */
export type ChannelSource = "settings" | "env" | "outbox";

/** The From when neither the admin page nor the environment names one. */
export const DEFAULT_MAIL_FROM = "Segment console <console@localhost>";

/**
 * SMTP has no documented rate of its own (every server and relay plan sets one): without
 * SMTP_RATE_PER_SECOND or a rate on the admin page, 5 a second, what the console's own mail uses.
 */
export const SMTP_DEFAULT_RATE = 5;

export interface ChannelChoice {
  channel: ChannelName;
  source: ChannelSource;
  provider: ProviderName;
  /** Messages per second: the admin page's rate, else the environment's for its provider, else the provider's documented default. */
  ratePerSecond: number;
  rateSource: "settings" | "env" | "provider";
  /** The rate without the admin page's: the environment's, else the provider's (the page shows it as the default). */
  fallbackRatePerSecond: number;
  /** The saved row (secrets opened), when there is one: the page shows what it holds. */
  saved: ChannelSettingsRecord | null;
}

export interface SenderOptions {
  /** The outbox row's purpose: "campaign" (default) or "test". */
  purpose?: string;
  /** How long a provider call may take before it counts as "maybe sent" (default 30 s). */
  timeoutMs?: number;
  /** The outbox's clock (the time stored on its rows). */
  clock?: () => Date;
}

type Values = Record<string, string | number | undefined>;

function envValues(channel: ChannelName, env: ChannelEnv): Values {
  if (channel === "email") {
    if (!env.email?.smtpUrl) return {};
    return { ...smtpSettingsFromUrl(env.email.smtpUrl), from: env.email.from };
  }
  return { ...(env[channel] ?? {}) } as Values;
}

function providerOf(channel: ChannelName): ProviderName {
  return ({ email: "smtp", sms: "twilio", messenger: "messenger", viber: "viber" } as const)[channel];
}

function providerDefaultRate(channel: ChannelName, values: Values): number {
  if (channel === "email") return SMTP_DEFAULT_RATE;
  if (channel === "sms") return twilioDefaultRate({ from: values.from as string | undefined, messagingServiceSid: values.messagingServiceSid as string | undefined });
  return channel === "messenger" ? MESSENGER_RATE : VIBER_RATE;
}

async function choose(db: Database, env: ChannelEnv, secret: string, channel: ChannelName): Promise<ChannelChoice & { values: Values }> {
  const saved = await readChannelSettings(db, channel, secret);
  const fromEnv = envValues(channel, env);
  const source: ChannelSource = usesSavedSettings(channel, saved) ? "settings" : hasCredentials(channel, fromEnv) ? "env" : "outbox";
  const values: Values = source === "settings" ? saved!.values : source === "env" ? fromEnv : {};
  const envRate = env[channel]?.ratePerSecond;
  const [fallbackRatePerSecond, fallbackSource]: [number, ChannelChoice["rateSource"]] =
    source !== "outbox" && envRate ? [envRate, "env"] : [source === "outbox" ? OUTBOX_RATE : providerDefaultRate(channel, values), "provider"];
  const [ratePerSecond, rateSource]: [number, ChannelChoice["rateSource"]] = saved?.ratePerSecond ? [saved.ratePerSecond, "settings"] : [fallbackRatePerSecond, fallbackSource];
  const provider = source === "outbox" ? "outbox" : providerOf(channel);
  return { channel, source, provider, ratePerSecond, rateSource, fallbackRatePerSecond, saved, values };
}

/** Which provider a channel sends through now, and at what rate (the admin page shows it). */
export async function chooseChannel(db: Database, env: ChannelEnv, secret: string, channel: ChannelName): Promise<ChannelChoice> {
  const { values: _values, ...choice } = await choose(db, env, secret, channel);
  return choice;
}

const str = (v: string | number | undefined) => (v === undefined || v === "" ? undefined : String(v));

/** The sender of one channel, through the provider chooseChannel names. Close it when done. */
export async function channelSenderFor(db: Database, env: ChannelEnv, secret: string, channel: ChannelName, options: SenderOptions = {}): Promise<ChannelSender> {
  const choice = await choose(db, env, secret, channel);
  const v = choice.values;
  const rate = choice.ratePerSecond;
  const timeoutMs = options.timeoutMs;
  if (choice.source === "outbox") return createOutboxSender(db, channel, { purpose: options.purpose, ratePerSecond: rate, clock: options.clock });
  switch (channel) {
    case "email": {
      const smtp: EmailSenderOptions = {
        host: String(v.host),
        port: Number(v.port),
        security: (str(v.security) ?? "opportunistic") as SmtpSecurity,
        user: str(v.user),
        password: str(v.password),
        from: str(v.from) ?? env.email?.from ?? DEFAULT_MAIL_FROM,
        ratePerSecond: rate,
        timeoutMs,
      };
      return createEmailSender(smtp);
    }
    case "sms":
      return createSmsSender({
        accountSid: String(v.accountSid),
        authToken: String(v.authToken),
        from: str(v.from),
        messagingServiceSid: str(v.messagingServiceSid),
        statusCallbackUrl: env.publicUrl ? `${env.publicUrl.replace(/\/$/, "")}/webhooks/twilio` : undefined,
        apiOrigin: env.sms?.apiOrigin,
        ratePerSecond: rate,
        timeoutMs,
      });
    case "messenger":
      return createMessengerSender({
        pageAccessToken: String(v.pageAccessToken),
        appSecret: str(v.appSecret),
        apiVersion: env.messenger?.apiVersion ?? MESSENGER_API_VERSION,
        apiOrigin: env.messenger?.apiOrigin,
        ratePerSecond: rate,
        timeoutMs,
      });
    case "viber":
      return createViberSender({
        authToken: String(v.authToken),
        senderName: String(v.senderName),
        senderAvatar: str(v.senderAvatar),
        apiOrigin: env.viber?.apiOrigin,
        ratePerSecond: rate,
        timeoutMs,
      });
  }
}

/**
 * A sender for every channel: each through its saved settings, else the environment, else the
 * outbox. Each sender's defaultRatePerSecond is the channel's rate (the admin's, else the
 * provider's documented one). Close them all when the run is done.
 */
export async function channelSenders(db: Database, env: ChannelEnv, secret: string, options: SenderOptions = {}): Promise<Record<ChannelName, ChannelSender>> {
  const senders = {} as Record<ChannelName, ChannelSender>;
  try {
    for (const channel of CHANNELS) senders[channel] = await channelSenderFor(db, env, secret, channel, options);
  } catch (error) {
    await Promise.all(Object.values(senders).map((s) => s.close()));
    throw error;
  }
  return senders;
}
