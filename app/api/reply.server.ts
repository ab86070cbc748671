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
}

export function reply(status: number, value: unknown, headers?: Record<string, string>): ApiReply {
  return { status, body: JSON.stringify(value), headers };
}

export function errorReply(code: ErrorCode, message: string, fields: FieldError[], requestId: string, headers?: Record<string, string>): ApiReply {
  const error: ApiError = { error: { code, message, fields, requestId } };
  return reply(ERROR_CODES[code], error, headers);
}

export function toResponse(r: ApiReply): Response {
  return new Response(r.body, {
    status: r.status,
    headers: { "Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store", ...r.headers },
  });
}
