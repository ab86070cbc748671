// Paging cursors that carry a customer id, sealed (AES-256-GCM under a key derived from the session
// secret): a manager pages through members whose ids they may not see, so the URL must not show them.
import crypto from "node:crypto";
import type { AppLoadContext } from "@remix-run/node";

const keys = new Map<string, Buffer>();

function keyOf(context: AppLoadContext): Buffer {
  const secret = context.services.config.sessionSecret;
  let key = keys.get(secret);
  if (!key) {
    key = crypto.createHash("sha256").update(`paging-cursor|${secret}`).digest();
    keys.set(secret, key);
  }
  return key;
}

export function sealCursor(context: AppLoadContext, id: number): string {
  const iv = crypto.randomBytes(12);
  const cipher = crypto.createCipheriv("aes-256-gcm", keyOf(context), iv);
  const body = Buffer.concat([cipher.update(String(id), "utf8"), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]).toString("base64url");
}

/** The id a cursor sealed here carries, or undefined for anything else (hand-edited, another secret's). */
export function openCursor(context: AppLoadContext, text: string | null): number | undefined {
  if (!text || text.length > 200) return undefined;
  const raw = Buffer.from(text, "base64url");
  if (raw.length < 29) return undefined;
  try {
    const decipher = crypto.createDecipheriv("aes-256-gcm", keyOf(context), raw.subarray(0, 12));
    decipher.setAuthTag(raw.subarray(12, 28));
    const id = decipher.update(raw.subarray(28), undefined, "utf8") + decipher.final("utf8");
    return /^\d{1,10}$/.test(id) ? Number(id) : undefined;
  } catch {
    return undefined;
  }
}
