import fs from "node:fs";
import { createReadableStreamFromReadable } from "@remix-run/node";
import type { ApiError } from "../../models/ingest/responses";
import type { FieldError } from "../../models/ingest/schemas";

/** The error codes the API answers with, by HTTP status. */
export const ERROR_CODES = {
  malformed_json: 400,
  invalid_encoding: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  gone: 410,
  payload_too_large: 413,
  unsupported_media_type: 415,
  validation_failed: 422,
  idempotency_key_reused: 422,
  busy: 503,
  internal: 500,
} as const;
export type ErrorCode = keyof typeof ERROR_CODES;

/** An API response before it is sent: kept as text so an idempotent retry can get the very same bytes. */
export interface ApiReply {
  status: number;
  body: string;
  headers?: Record<string, string>;
  /** A file streamed as the body instead (an export's download). */
  file?: { path: string; contentType: string; disposition: string; size: number };
}

export function reply(status: number, value: unknown, headers?: Record<string, string>): ApiReply {
  return { status, body: JSON.stringify(value), headers };
}

export function errorReply(code: ErrorCode, message: string, fields: FieldError[], requestId: string, headers?: Record<string, string>): ApiReply {
  const error: ApiError = { error: { code, message, fields, requestId } };
  return reply(ERROR_CODES[code], error, headers);
}

export function toResponse(r: ApiReply): Response {
  if (r.file) {
    return new Response(createReadableStreamFromReadable(fs.createReadStream(r.file.path)), {
      status: r.status,
      headers: { "Content-Type": r.file.contentType, "Content-Disposition": r.file.disposition, "Content-Length": String(r.file.size), "Cache-Control": "no-store", ...r.headers },
    });
  }
  return new Response(r.body, {
    status: r.status,
    headers: { "Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store", ...r.headers },
  });
}
