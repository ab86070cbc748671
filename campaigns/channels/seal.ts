// Secrets of the channel settings (SMTP password, Twilio auth token, Messenger and Viber tokens) are
// kept sealed in channel_settings: AES-256-GCM under a key derived from the server's session secret,
// so a copy of the database alone (a backup, a dump handed to support) does not hold them in clear.
import crypto from "node:crypto";

const PREFIX = "sealed:v1:";
const keys = new Map<string, Buffer>();

function keyOf(secret: string): Buffer {
  let key = keys.get(secret);
  if (!key) {
    // HKDF with its own label: this key is never the one that signs cookies or seals paging cursors
    key = Buffer.from(crypto.hkdfSync("sha256", secret, "segment-console", "channel-settings-secrets", 32));
    keys.set(secret, key);
  }
  return key;
}

/** The value sealed under a key derived from `secret`, as text that says it is sealed. */
export function sealSecret(secret: string, value: string): string {
  const iv = crypto.randomBytes(12);
  const cipher = crypto.createCipheriv("aes-256-gcm", keyOf(secret), iv);
  const body = Buffer.concat([cipher.update(value, "utf8"), cipher.final()]);
  return PREFIX + Buffer.concat([iv, cipher.getAuthTag(), body]).toString("base64url");
}

/** The value a sealed text holds, or null when it was sealed under another secret or altered. */
export function openSecret(secret: string, sealed: string): string | null {
  if (!isSealed(sealed)) return null;
  const raw = Buffer.from(sealed.slice(PREFIX.length), "base64url");
  if (raw.length < 28) return null;
  try {
    const decipher = crypto.createDecipheriv("aes-256-gcm", keyOf(secret), raw.subarray(0, 12));
    decipher.setAuthTag(raw.subarray(12, 28));
    return decipher.update(raw.subarray(28), undefined, "utf8") + decipher.final("utf8");
  } catch {
    return null;
  }
}

export function isSealed(value: unknown): value is string {
  return typeof value === "string" && value.startsWith(PREFIX);
}
