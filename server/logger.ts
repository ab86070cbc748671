import type { Writable } from "node:stream";
import { pino, type Logger } from "pino";
import pretty from "pino-pretty";
import { loggableError } from "./loggable-error";

export type { Logger };

/** json: one JSON object a line, for log collectors; pretty: a readable line each, for a person at a terminal. */
export type LogFormat = "json" | "pretty";

/** Keys whose values never reach a log line: credentials, and the personal data a customer record carries. */
const REDACT = [
  "password",
  "*.password",
  "token",
  "*.token",
  "secret",
  "*.secret",
  "email",
  "*.email",
  "phone",
  "*.phone",
  "req.headers.authorization",
  "req.headers.cookie",
  'res.headers["set-cookie"]',
  // the channels' provider credentials (campaigns/channels), under the names their options, the
  // environment and the saved settings give them
  "authToken",
  "*.authToken",
  "accessToken",
  "*.accessToken",
  "pageAccessToken",
  "*.pageAccessToken",
  "appSecret",
  "*.appSecret",
  "smtpUrl",
  "*.smtpUrl",
  "settings",
  "*.settings",
  "SMTP_URL",
  "TWILIO_AUTH_TOKEN",
  "MESSENGER_PAGE_ACCESS_TOKEN",
  "MESSENGER_APP_SECRET",
  "VIBER_AUTH_TOKEN",
  "*.SMTP_URL",
  "*.TWILIO_AUTH_TOKEN",
  "*.MESSENGER_PAGE_ACCESS_TOKEN",
  "*.MESSENGER_APP_SECRET",
  "*.VIBER_AUTH_TOKEN",
  // an axios error of a provider call carries the request's headers and URL
  "config.headers",
  "*.config.headers",
  'headers["x-viber-auth-token"]',
  '*.headers["x-viber-auth-token"]',
];

// Emails and phone numbers also hide in messages, URLs (%40, %2B), error strings and statements,
// under keys no redact path names: every finished line is masked once, as a string. A phone is a
// + with 7 to 15 digits, a national number starting with 0 (9 to 15 digits), or (555) 123-4567 /
// 555-123-4567; a bare run of digits without those marks stays (ids, times, counts).
const SEP = String.raw`(?:[ ().\-]|%20)`;
const NOT_AFTER = String.raw`(?<![\p{L}\p{N}.:+\-])`;
const EMAIL = String.raw`(?<![\p{L}\p{N}._%+\-])[\p{L}\p{N}._%+\-]+(?:@|%40)(?:[\p{L}\p{N}\-]+\.)+\p{L}{2,}`;
const PHONE = [
  String.raw`(?<![\p{L}\p{N}+])(?:\+|%2B)\(?\d(?:${SEP}{0,2}\d){6,14}(?!\d)`,
  String.raw`${NOT_AFTER}0\d(?:${SEP}{0,2}\d){7,13}(?!\d)`,
  String.raw`${NOT_AFTER}(?:\(\d{3}\)${SEP}?|\d{3}[ .\-])\d{3}[ .\-]\d{4}(?!\d)`,
];
const PERSONAL = new RegExp([EMAIL, ...PHONE].join("|"), "giu");

// Credentials that travel in URLs and headers rather than under a named key: Graph API calls carry
// the Page token (and its proof) in the query, SMTP URLs a password, Viber its token in a header.
const SECRET_IN_TEXT = /((?:access_token|appsecret_proof|input_token)=)[^&\s"'\\]+|(smtps?:\/\/[^:/@\s"']*:)[^@\s"']+(@)|(x-viber-auth-token(?:\\?")?\s*[:=]\s*(?:\\?")?)[^"\\\s,}]+/gi;

/** A log line with every email-like and phone-like substring replaced. */
export function maskPersonalData(line: string): string {
  return line.replace(PERSONAL, "[redacted]");
}

/** A log line with credentials in URLs and header dumps replaced. */
export function maskSecrets(line: string): string {
  return line.replace(SECRET_IN_TEXT, (_match, query?: string, smtp?: string, at?: string, header?: string) =>
    query ? `${query}[redacted]` : smtp ? `${smtp}[redacted]${at}` : `${header}[redacted]`,
  );
}

/** LOG_FORMAT when set; otherwise readable lines on a terminal and JSON anywhere else (a pipe, a file, a log collector). */
export function logFormatOf(requested: LogFormat | undefined, isTerminal: boolean): LogFormat {
  return requested ?? (isTerminal ? "pretty" : "json");
}

interface RequestLog {
  req?: { method?: string; url?: string };
  res?: { statusCode?: number };
  responseTime?: number;
}

/** A request's line reads "GET /segments 200 12 ms"; any other line is its message. */
function messageOf(log: Record<string, unknown>, messageKey: string): string {
  const { req, res, responseTime } = log as RequestLog;
  if (req?.method && res?.statusCode !== undefined) return `${req.method} ${req.url ?? ""} ${res.statusCode}${responseTime === undefined ? "" : ` ${responseTime} ms`}`;
  return String(log[messageKey] ?? "");
}

export function createLogger(level: string, destination?: pino.DestinationStream | Writable, format: LogFormat = "json", options: { colorize?: boolean } = {}): Logger {
  const settings = {
    level,
    redact: { paths: REDACT, censor: "[redacted]" },
    serializers: { err: loggableError },
    // masks each finished line, the JSON a pretty line is made from included
    hooks: { streamWrite: (line: string) => maskPersonalData(maskSecrets(line)) },
    base: { pid: process.pid },
  };
  if (format === "json") return pino(settings, destination as pino.DestinationStream | undefined);
  const stream = pretty({
    colorize: options.colorize ?? Boolean(process.stdout.isTTY),
    translateTime: "SYS:HH:MM:ss",
    ignore: "pid,hostname,req,res,responseTime",
    singleLine: true,
    messageFormat: messageOf,
    ...(destination ? { destination: destination as Writable } : {}),
  });
  return pino(settings, stream);
}
