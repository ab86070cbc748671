import fs from "node:fs";
import path from "node:path";
import crypto from "node:crypto";
import "dotenv/config";
import { z } from "zod/v4";
import { PATTERNS } from "../campaigns/channels/settings-schema";
import type { ChannelEnv } from "../campaigns/channels/senders.server";

const flag = z
  .enum(["1", "0", "true", "false", "yes", "no", ""])
  .transform((v) => v === "1" || v === "true" || v === "yes");

/** An optional variable: unset or empty is absent; set, it must match. */
const optional = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (v === "" ? undefined : v), schema.optional());
const matching = (pattern: RegExp, what: string) => optional(z.string().trim().regex(pattern, what));
const rate = optional(z.coerce.number().int().min(1, "must be a whole number from 1 to 10000").max(10_000, "must be a whole number from 1 to 10000"));
const origin = optional(z.string().regex(/^https?:\/\/[^/?#\s]+\/?$/, "must be an origin like http://127.0.0.1:4010 (scheme, host and port only)"));

const EnvSchema = z.object({
  NODE_ENV: z.enum(["production", "development", "test"]).default("production"),
  /** Without it: the SQLite file console.sqlite in DATA_DIR. */
  DATABASE_URL: z
    .string()
    .min(1)
    .optional()
    .or(z.literal("").transform(() => undefined)),
  DATA_DIR: z.string().min(1).default("./data"),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default("0.0.0.0"),
  PUBLIC_URL: z.string().url().optional(),
  SESSION_SECRET: z.string().min(32).optional(),
  SECURE_COOKIES: flag.default(false),
  TRUST_PROXY: flag.default(false),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  /** json or pretty; unset: pretty on a terminal, json anywhere else. */
  LOG_FORMAT: z
    .enum(["json", "pretty"])
    .optional()
    .or(z.literal("").transform(() => undefined)),
  DEMO_STORE: flag.default(true),
  DEMO_CUSTOMERS: z.coerce.number().int().min(0).default(5000),
  DEMO_SEED: z.coerce.number().int().default(42),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(0).default(10_000),
  /** How often a worker looks for due jobs. */
  JOBS_POLL_MS: z.coerce.number().int().min(50).max(60_000).default(1_000),
  /** smtp://user:pass@host:587 or smtps://…:465. Without it, email is kept in the outbox, readable in the console. */
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\/[^/]+/, "must look like smtp://user:password@host:587 or smtps://host:465")
    .optional()
    .or(z.literal("").transform(() => undefined)),
  MAIL_FROM: z.string().min(3).default("Segment console <console@localhost>"),
  SMTP_RATE_PER_SECOND: z.coerce.number().int().min(1).max(1000).default(5),
  /** Reads of one segment's secret feed allowed per minute, per web process. */
  FEED_READS_PER_MINUTE: z.coerce.number().int().min(1, "must be a whole number from 1 to 100000").max(100_000, "must be a whole number from 1 to 100000").default(60),
  /** The token typed both here and in Meta's webhook settings; Meta's GET check of /webhooks/messenger echoes only with it. */
  MESSENGER_VERIFY_TOKEN: z
    .string()
    .min(8, "must be at least 8 characters")
    .max(200)
    .regex(/^[\x21-\x7e]+$/, "must be printable ASCII without spaces")
    .optional()
    .or(z.literal("").transform(() => undefined)),
  /** The From of campaign email; unset: MAIL_FROM. */
  CAMPAIGN_MAIL_FROM: matching(PATTERNS.mailFrom, 'must be an address, e.g. news@shop.example or "Shop <news@shop.example>"'),
  TWILIO_ACCOUNT_SID: matching(PATTERNS.accountSid, "must be AC followed by 32 hexadecimal digits (Twilio console → Account info)"),
  TWILIO_AUTH_TOKEN: matching(PATTERNS.authToken, "must be the account's auth token: 16 to 128 letters and digits"),
  TWILIO_FROM: matching(PATTERNS.smsFrom, "must be an E.164 number like +359888123456 or an alphanumeric sender ID of up to 11 characters"),
  TWILIO_MESSAGING_SERVICE_SID: matching(PATTERNS.messagingServiceSid, "must be MG followed by 32 hexadecimal digits"),
  SMS_RATE_PER_SECOND: rate,
  TWILIO_API_ORIGIN: origin,
  MESSENGER_PAGE_ACCESS_TOKEN: matching(PATTERNS.pageAccessToken, "must be a Page access token: 20 or more letters, digits, - or _"),
  MESSENGER_APP_SECRET: matching(PATTERNS.appSecret, "must be the app secret: 16 to 128 letters and digits"),
  MESSENGER_API_VERSION: z.string().regex(PATTERNS.apiVersion, "must look like v21.0").default("v21.0"),
  MESSENGER_RATE_PER_SECOND: rate,
  MESSENGER_API_ORIGIN: origin,
  VIBER_AUTH_TOKEN: matching(PATTERNS.viberToken, "must be the bot's token: 20 to 200 letters, digits and -"),
  VIBER_SENDER_NAME: optional(z.string().trim().min(1).max(28, "must be at most 28 characters (Viber's limit)")),
  VIBER_SENDER_AVATAR: matching(PATTERNS.url, "must be an http(s) URL of an image"),
  VIBER_RATE_PER_SECOND: rate,
  VIBER_API_ORIGIN: origin,
}).superRefine((env, ctx) => {
  // half a provider is a mistake worth stopping for: name what is missing
  const need = (when: boolean, path: string, message: string) => when && ctx.addIssue({ code: "custom", path: [path], message });
  need(Boolean(env.TWILIO_ACCOUNT_SID) && !env.TWILIO_AUTH_TOKEN, "TWILIO_AUTH_TOKEN", "is needed with TWILIO_ACCOUNT_SID");
  need(Boolean(env.TWILIO_AUTH_TOKEN) && !env.TWILIO_ACCOUNT_SID, "TWILIO_ACCOUNT_SID", "is needed with TWILIO_AUTH_TOKEN");
  need(Boolean(env.TWILIO_ACCOUNT_SID) && !env.TWILIO_FROM && !env.TWILIO_MESSAGING_SERVICE_SID, "TWILIO_FROM", "or TWILIO_MESSAGING_SERVICE_SID is needed with TWILIO_ACCOUNT_SID: whom the SMS come from");
  need(Boolean(env.MESSENGER_APP_SECRET) && !env.MESSENGER_PAGE_ACCESS_TOKEN, "MESSENGER_PAGE_ACCESS_TOKEN", "is needed with MESSENGER_APP_SECRET");
  need(Boolean(env.VIBER_AUTH_TOKEN) && !env.VIBER_SENDER_NAME, "VIBER_SENDER_NAME", "is needed with VIBER_AUTH_TOKEN: the name Viber shows as the sender");
});

export type Config = Omit<z.infer<typeof EnvSchema>, "DATABASE_URL"> & {
  DATABASE_URL: string;
  sessionSecret: string;
  dataDir: string;
  publicUrl: string;
  /** The channels' provider variables, for the campaign senders and the channels page. */
  channels: ChannelEnv;
};

/** Reads the environment once; a bad variable stops the start with its name. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new Error(`Bad environment:\n${lines.join("\n")}`);
  }
  const c = parsed.data;
  const dataDir = path.resolve(c.DATA_DIR);
  fs.mkdirSync(dataDir, { recursive: true });
  return {
    ...c,
    DATABASE_URL: c.DATABASE_URL ?? `sqlite:${path.join(dataDir, "console.sqlite")}`,
    dataDir,
    sessionSecret: c.SESSION_SECRET ?? persistedSecret(dataDir),
    publicUrl: c.PUBLIC_URL ?? `http://localhost:${c.PORT}`,
    channels: channelEnvOf(c),
  };
}

/** The channel variables as the campaign senders take them. */
function channelEnvOf(c: z.infer<typeof EnvSchema>): ChannelEnv {
  return {
    // providers can call back only to an address they can reach: the one PUBLIC_URL names
    publicUrl: c.PUBLIC_URL,
    email: { smtpUrl: c.SMTP_URL, from: c.CAMPAIGN_MAIL_FROM ?? c.MAIL_FROM, ratePerSecond: c.SMTP_RATE_PER_SECOND },
    sms: {
      accountSid: c.TWILIO_ACCOUNT_SID,
      authToken: c.TWILIO_AUTH_TOKEN,
      from: c.TWILIO_FROM,
      messagingServiceSid: c.TWILIO_MESSAGING_SERVICE_SID,
      ratePerSecond: c.SMS_RATE_PER_SECOND,
      apiOrigin: c.TWILIO_API_ORIGIN,
    },
    messenger: {
      pageAccessToken: c.MESSENGER_PAGE_ACCESS_TOKEN,
      appSecret: c.MESSENGER_APP_SECRET,
      apiVersion: c.MESSENGER_API_VERSION,
      ratePerSecond: c.MESSENGER_RATE_PER_SECOND,
      apiOrigin: c.MESSENGER_API_ORIGIN,
    },
    viber: {
      authToken: c.VIBER_AUTH_TOKEN,
      senderName: c.VIBER_SENDER_NAME,
      senderAvatar: c.VIBER_SENDER_AVATAR,
      ratePerSecond: c.VIBER_RATE_PER_SECOND,
      apiOrigin: c.VIBER_API_ORIGIN,
    },
  };
}

/** Without SESSION_SECRET, a random one is made on first start and kept in the data directory. */
function persistedSecret(dataDir: string): string {
  const file = path.join(dataDir, "session-secret");
  try {
    return fs.readFileSync(file, "utf8").trim();
  } catch {
    const secret = crypto.randomBytes(32).toString("base64url");
    fs.writeFileSync(file, secret + "\n", { mode: 0o600, flag: "wx" });
    return secret;
  }
}
