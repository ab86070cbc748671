import { isUtf8 } from "node:buffer";
import type { FieldError } from "../../models/ingest/schemas";
import type { ErrorCode } from "./reply.server";
import { msg } from "../../models/messages";

export type BodyOutcome =
  | { ok: true; bytes: Uint8Array; value: unknown }
  | { ok: false; code: ErrorCode; message: string; fields: FieldError[] };

// Past its limit a body is still read (and thrown away) up to this much more, so that the client,
// which is usually still sending, gets the 413 instead of a reset connection.
const DRAIN_EXTRA_BYTES = 32 * 1024 * 1024;

// a field path this long is in a body nested beyond any record; the start says enough
const MAX_FIELD_PATH = 200;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

const body = (code: ErrorCode, message: string, reason: string, field = "(body)"): BodyOutcome => ({ ok: false, code, message, fields: [{ field, reason }] });

/** Whether the Content-Type is JSON in UTF-8 (the only encoding JSON over HTTP may use). */
export function isJsonContentType(header: string | null): boolean {
  if (!header) return false;
  const [type, ...params] = header.split(";").map((s) => s.trim().toLowerCase());
  if (type !== "application/json") return false;
  const charset = params.find((p) => p.startsWith("charset="))?.slice("charset=".length).replace(/"/g, "");
  return charset === undefined || charset === "utf-8" || charset === "utf8";
}

/**
 * Reads a JSON request body of at most `limitBytes`: refuses other content types (415), larger
 * bodies (413), bytes that are not UTF-8 (400) and text that is not JSON (400), each with a
 * reason a developer can act on.
 */
export async function readJsonBody(request: Request, limitBytes: number): Promise<BodyOutcome> {
  if (!isJsonContentType(request.headers.get("content-type"))) {
    await discardBody(request);
    return body("unsupported_media_type", msg("api.sendJson"), msg("api.sendJsonReason"), "Content-Type");
  }
  const declared = Number(request.headers.get("content-length"));
  const tooLarge = () => body("payload_too_large", msg("api.bodyTooLarge", { limit: limitBytes }), msg("api.bodyTooLargeReason", { limit: limitBytes }));
  if (Number.isFinite(declared) && declared > limitBytes) {
    await discardBody(request);
    return tooLarge();
  }

  const chunks: Uint8Array[] = [];
  let size = 0;
  if (request.body) {
    const reader = request.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > limitBytes + DRAIN_EXTRA_BYTES) {
        await reader.cancel().catch(() => {});
        break;
      }
      if (size <= limitBytes) chunks.push(value);
    }
  }
  if (size > limitBytes) return tooLarge();

  const bytes = Buffer.concat(chunks, size);
  if (!isUtf8(bytes)) {
    return body("invalid_encoding", msg("api.notUtf8"), msg("api.notUtf8Reason", { offset: firstInvalidUtf8Byte(bytes) }));
  }
  let text = bytes.toString("utf8");
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (text.trim() === "") return body("malformed_json", msg("api.bodyEmpty"), msg("api.bodyEmptyReason"));
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return body("malformed_json", msg("api.notJson"), msg("api.notJsonReason", { detail: (error as Error).message }));
  }
  // JSON may spell half of a UTF-16 pair as an escape ("\ud800"); such a string has no UTF-8 form
  if (/\\u[dD][89a-fA-F]/.test(text)) {
    const at = pathOfBrokenString(value);
    const field = at === null ? null : at.length > MAX_FIELD_PATH ? `${at.slice(0, MAX_FIELD_PATH)}…` : at || "(body)";
    if (field !== null) return body("invalid_encoding", msg("api.notUnicode"), msg("api.loneSurrogate"), field);
  }
  return { ok: true, bytes, value };
}

/** Reads and drops what is left of a body the endpoint will not use, so the connection stays usable. */
export async function discardBody(request: Request): Promise<void> {
  if (!request.body || request.bodyUsed) return;
  const reader = request.body.getReader();
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      size += value.byteLength;
      if (size > DRAIN_EXTRA_BYTES) {
        await reader.cancel();
        return;
      }
    }
  } catch {
    // the client went away: nothing to drain
  }
}

/** Where in the value a string (or key) holds a lone surrogate; walked without recursion, as JSON may nest deeply. */
function pathOfBrokenString(root: unknown): string | null {
  const stack: Array<[unknown, string]> = [[root, ""]];
  while (stack.length) {
    const [value, path] = stack.pop()!;
    if (typeof value === "string") {
      if (LONE_SURROGATE.test(value)) return path;
    } else if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) stack.push([value[i], `${path}[${i}]`]);
    } else if (value && typeof value === "object") {
      const entries = Object.entries(value);
      for (let i = entries.length - 1; i >= 0; i--) {
        const [key, item] = entries[i];
        const at = path ? `${path}.${key}` : key;
        if (LONE_SURROGATE.test(key)) return at;
        stack.push([item, at]);
      }
    }
  }
  return null;
}

/** Offset of the first byte that breaks UTF-8 (only called once a body is known to be broken). */
function firstInvalidUtf8Byte(bytes: Uint8Array): number {
  for (let i = 0; i < bytes.length; ) {
    const b = bytes[i];
    const need = b < 0x80 ? 0 : b >= 0xc2 && b <= 0xdf ? 1 : b >= 0xe0 && b <= 0xef ? 2 : b >= 0xf0 && b <= 0xf4 ? 3 : -1;
    if (need < 0) return i;
    for (let k = 1; k <= need; k++) if (i + k >= bytes.length || (bytes[i + k] & 0xc0) !== 0x80) return i;
    const cp =
      need === 0 ? b : need === 1 ? ((b & 0x1f) << 6) | (bytes[i + 1] & 0x3f) : need === 2 ? ((b & 0x0f) << 12) | ((bytes[i + 1] & 0x3f) << 6) | (bytes[i + 2] & 0x3f) : ((b & 0x07) << 18) | ((bytes[i + 1] & 0x3f) << 12) | ((bytes[i + 2] & 0x3f) << 6) | (bytes[i + 3] & 0x3f);
    if ((need === 2 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) || (need === 3 && (cp < 0x10000 || cp > 0x10ffff))) return i;
    i += need + 1;
  }
  return bytes.length;
}

/**
 * A bulk body that does not hold its list under `bulkKey` ({"records": [...]} where {"customers":
 * [...]} is expected): says which key is expected, and that the keys sent are not it; null when the
 * key is there (the schema then judges the rest).
 */
export function missingBulkKey(value: unknown, bulkKey: string): { message: string; fields: FieldError[] } | null {
  if (!value || typeof value !== "object" || Array.isArray(value) || bulkKey in value) return null;
  const sent = Object.keys(value);
  return {
    message: msg("api.bulkKeyMissing", { key: bulkKey }),
    fields: [
      { field: bulkKey, reason: msg("api.bulkKeyMissingReason", { key: bulkKey }) },
      ...sent.slice(0, 20).map((key) => ({ field: key.length > MAX_FIELD_PATH ? `${key.slice(0, MAX_FIELD_PATH)}…` : key, reason: msg("api.notBulkKey", { key: bulkKey }) })),
    ],
  };
}
