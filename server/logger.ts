import { pino, type Logger } from "pino";
import { loggableError } from "./loggable-error";

export type { Logger };

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

/** A log line with every email-like and phone-like substring replaced. */
export function maskPersonalData(line: string): string {
  return line.replace(PERSONAL, "[redacted]");
}

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      redact: { paths: REDACT, censor: "[redacted]" },
      serializers: { err: loggableError },
      hooks: { streamWrite: maskPersonalData },
      base: { pid: process.pid },
    },
    destination,
  );
}
