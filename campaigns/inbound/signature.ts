import crypto from "node:crypto";

/** Whether two strings are equal, in time that depends on their length only (never on where they differ). */
export function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given, "utf8");
  const b = Buffer.from(expected, "utf8");
  // the lengths are not secret: a signature's length is fixed by its algorithm
  return a.length === b.length && crypto.timingSafeEqual(a, b);
}

/**
 * Whether `header` is `prefix` + the hex HMAC-SHA256 of the raw body under `key` (Messenger's
 * "sha256=…", Viber's bare hex). The body is the bytes as received, before any parsing.
 */
export function hasHexHmac(rawBody: Uint8Array, key: string, header: string | null, prefix = ""): boolean {
  if (!header || !key) return false;
  const given = header.trim();
  if (!given.startsWith(prefix)) return false;
  const expected = crypto.createHmac("sha256", key).update(rawBody).digest("hex");
  return sameSecret(given.slice(prefix.length).toLowerCase(), expected);
}
