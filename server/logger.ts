import type { Writable } from "node:stream";
import { pino, type Logger } from "pino";
import pretty from "pino-pretty";

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
];

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
  const settings = { level, redact: { paths: REDACT, censor: "[redacted]" }, base: { pid: process.pid } };
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
