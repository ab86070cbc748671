// What each channel's provider settings are, field by field: the admin page's forms, the server's
// check of them, and the environment's variables (server/config.ts) share these rules. No server
// code here: the page imports it in the browser too.
import { z } from "../../models/zod";
import type { ChannelName } from "./channel";

export const SMTP_SECURITY_CHOICES = ["starttls", "tls", "opportunistic"] as const;

/** The shapes of provider values: the page's fields and the environment's variables use the same. */
export const PATTERNS = {
  host: /^(?:[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?|\[[0-9A-Fa-f:.]+\])$/,
  mailFrom: /^(?:[^<>@]*<[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+>|[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+)$/,
  accountSid: /^AC[0-9a-fA-F]{32}$/,
  authToken: /^[A-Za-z0-9]{16,128}$/,
  /** An E.164 number (+359888123456) or an alphanumeric sender ID of up to 11 characters with a letter. */
  smsFrom: /^(?:\+[1-9]\d{6,14}|(?=[A-Za-z0-9 ]*[A-Za-z])[A-Za-z0-9 ]{1,11})$/,
  messagingServiceSid: /^MG[0-9a-fA-F]{32}$/,
  pageAccessToken: /^[A-Za-z0-9_|-]{20,1000}$/,
  appSecret: /^[A-Za-z0-9]{16,128}$/,
  viberToken: /^[A-Za-z0-9-]{20,200}$/,
  url: /^https?:\/\/[^\s]+$/,
  apiVersion: /^v\d+\.\d+$/,
} as const;

/** Field formats, each with the catalogue key of its error (admin namespace). */
export const formats = {
  host: z.string().trim().max(253, "channels.errors.host").regex(PATTERNS.host, "channels.errors.host"),
  port: z.coerce.number({ error: "channels.errors.port" }).int("channels.errors.port").min(1, "channels.errors.port").max(65_535, "channels.errors.port"),
  security: z.enum(SMTP_SECURITY_CHOICES, { error: "channels.errors.security" }),
  user: z.string().trim().max(320, "channels.errors.tooLong"),
  password: z.string().max(1000, "channels.errors.tooLong"),
  /** "news@shop.example" or "Shop <news@shop.example>". */
  mailFrom: z
    .string()
    .trim()
    .max(320, "channels.errors.tooLong")
    .regex(PATTERNS.mailFrom, "channels.errors.mailFrom"),
  accountSid: z.string().trim().regex(PATTERNS.accountSid, "channels.errors.accountSid"),
  authToken: z.string().trim().regex(PATTERNS.authToken, "channels.errors.authToken"),
  smsFrom: z.string().trim().regex(PATTERNS.smsFrom, "channels.errors.smsFrom"),
  messagingServiceSid: z.string().trim().regex(PATTERNS.messagingServiceSid, "channels.errors.messagingServiceSid"),
  pageAccessToken: z.string().trim().regex(PATTERNS.pageAccessToken, "channels.errors.pageAccessToken"),
  appSecret: z.string().trim().regex(PATTERNS.appSecret, "channels.errors.appSecret"),
  viberToken: z.string().trim().regex(PATTERNS.viberToken, "channels.errors.viberToken"),
  senderName: z.string().trim().min(1, "channels.errors.senderName").max(28, "channels.errors.senderName"),
  url: z.string().trim().max(500, "channels.errors.url").regex(PATTERNS.url, "channels.errors.url"),
  apiVersion: z.string().trim().regex(PATTERNS.apiVersion, "channels.errors.apiVersion"),
  ratePerSecond: z.coerce.number({ error: "channels.errors.rate" }).int("channels.errors.rate").min(1, "channels.errors.rate").max(10_000, "channels.errors.rate"),
};

export interface SettingField {
  name: string;
  /** Sealed in the database, never shown back: the form shows whether it is set, and blank keeps it. */
  secret: boolean;
  input: "text" | "number" | "password" | "select" | "url";
  /** Needed for the channel to send through these settings (besides the alternatives below). */
  required: boolean;
  choices?: readonly string[];
}

/** Each channel's fields in the order the page shows them. */
export const CHANNEL_FIELDS: Record<ChannelName, SettingField[]> = {
  email: [
    { name: "host", secret: false, input: "text", required: true },
    { name: "port", secret: false, input: "number", required: true },
    { name: "security", secret: false, input: "select", required: true, choices: SMTP_SECURITY_CHOICES },
    { name: "user", secret: false, input: "text", required: false },
    { name: "password", secret: true, input: "password", required: false },
    { name: "from", secret: false, input: "text", required: false },
  ],
  sms: [
    { name: "accountSid", secret: false, input: "text", required: true },
    { name: "authToken", secret: true, input: "password", required: true },
    { name: "from", secret: false, input: "text", required: false },
    { name: "messagingServiceSid", secret: false, input: "text", required: false },
  ],
  messenger: [
    { name: "pageAccessToken", secret: true, input: "password", required: true },
    { name: "appSecret", secret: true, input: "password", required: false },
  ],
  viber: [
    { name: "authToken", secret: true, input: "password", required: true },
    { name: "senderName", secret: false, input: "text", required: true },
    { name: "senderAvatar", secret: false, input: "url", required: false },
  ],
};

const blankToUndefined = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);
const optional = <T extends z.ZodType>(schema: T) => z.preprocess(blankToUndefined, schema.optional());

/** One form per channel: every field may be blank (a secret left blank is kept; others are cleared). */
export const channelFormSchemas = {
  email: z.object({
    host: optional(formats.host),
    port: optional(formats.port),
    security: optional(formats.security),
    user: optional(formats.user),
    password: optional(formats.password),
    from: optional(formats.mailFrom),
  }),
  sms: z.object({
    accountSid: optional(formats.accountSid),
    authToken: optional(formats.authToken),
    from: optional(formats.smsFrom),
    messagingServiceSid: optional(formats.messagingServiceSid),
  }),
  messenger: z.object({
    pageAccessToken: optional(formats.pageAccessToken),
    appSecret: optional(formats.appSecret),
  }),
  viber: z.object({
    authToken: optional(formats.viberToken),
    senderName: optional(formats.senderName),
    senderAvatar: optional(formats.url),
  }),
} satisfies Record<ChannelName, z.ZodType>;

export type ChannelFormValues = { [C in ChannelName]: z.infer<(typeof channelFormSchemas)[C]> };

/** The save form of one channel: its fields, and the rate (blank: the provider's default). */
export function saveFormSchema<C extends ChannelName>(channel: C) {
  const fields = channelFormSchemas[channel] as z.ZodObject<z.ZodRawShape>;
  return fields.extend({
    intent: z.literal("save"),
    channel: z.literal(channel),
    ratePerSecond: optional(formats.ratePerSecond),
  }) as unknown as z.ZodType<ChannelFormValues[C] & { intent: "save"; channel: C; ratePerSecond?: number }>;
}

/** An address to send a test message to, in the channel's own form. */
export const testAddress: Record<ChannelName, z.ZodType<string>> = {
  email: z.string().trim().max(320, "channels.errors.testEmail").regex(/^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/, "channels.errors.testEmail"),
  sms: z.string().trim().regex(/^\+[1-9]\d{6,14}$/, "channels.errors.testPhone"),
  // a Page-scoped ID: digits
  messenger: z.string().trim().regex(/^\d{5,30}$/, "channels.errors.testPsid"),
  // a Viber user id: base64 text
  viber: z.string().trim().regex(/^[A-Za-z0-9+/=_-]{8,100}$/, "channels.errors.testViberId"),
};

export function testFormSchema(channel: ChannelName) {
  return z.object({ intent: z.literal("test"), channel: z.literal(channel), address: z.preprocess((v) => v ?? "", testAddress[channel]) });
}
