import { settleApiLanguage } from "../language.server";
import { msg } from "../../models/messages";
import { inRequestScope, requestLanguage } from "../../models/request-scope.server";
import { loggableUrl } from "../../server/loggable-url";
import type { AppLoadContext } from "@remix-run/node";
import type { z } from "zod/v4";
import type { Database } from "../../models/db";
import type { ApiCaller } from "../../models/api-keys.server";
import type { IdempotencyClaim } from "../../models/idempotency.server";
import type { IngestOptions, UpsertOutcome } from "../../models/ingest/customers.server";
import { BULK_LIMIT, parseInput, type FieldError } from "../../models/ingest/schemas";
import { authenticateApiKey, hashRequest, isConflict, writeOnce } from "../domain/api.server";
import { discardBody, missingBulkKey, readJsonBody } from "./body.server";
import type { EndpointContract } from "./contract.server";
import { errorReply, reply, toResponse, type ApiReply } from "./reply.server";

type BodyOf<C> = C extends { body: { schema: infer S extends z.ZodType } } ? z.output<S> : undefined;
type QueryOf<C> = C extends { query: infer Q extends z.ZodType } ? z.output<Q> : undefined;

/** One API request, authenticated and with its body and query parsed by the endpoint's schemas. */
export interface ApiCall<C extends EndpointContract = EndpointContract> {
  request: Request;
  params: Record<string, string | undefined>;
  db: Database;
  now: Date;
  requestId: string;
  caller: ApiCaller | null;
  body: BodyOf<C>;
  query: QueryOf<C>;
  /** Set when a POST carries an Idempotency-Key. */
  idempotency: IdempotencyClaim | null;
}

export interface Endpoint {
  contract: EndpointContract;
  handle(call: ApiCall): Promise<ApiReply>;
  /**
   * The store-level problems (unknown references, duplicates) of the records of a bulk body that
   * passed the schema while others did not, so that one answer lists every bad record.
   */
  checkRecords?(db: Database, records: Array<{ index: number; value: unknown }>, now: Date): Promise<FieldError[]>;
}

export function endpoint<C extends EndpointContract>(contract: C, handle: (call: ApiCall<C>) => Promise<ApiReply>): Endpoint {
  return { contract, handle: handle as (call: ApiCall) => Promise<ApiReply> };
}

interface RemixArgs {
  request: Request;
  params: Record<string, string | undefined>;
  context: AppLoadContext;
}

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,128}$/;

/**
 * Answers one request to a resource route with the endpoint of its method: the bearer key and its
 * scope, the query, the JSON body, then the endpoint itself. Every answer, errors included, is
 * JSON in the API's error shape; an unexpected failure is logged with the request id and is a 500,
 * which the bad-input suite proves no input reaches.
 */
export async function serveApi(args: RemixArgs, endpoints: Endpoint[]): Promise<Response> {
  // messages in the caller's Accept-Language when the console speaks it, else English; a request
  // served outside the web server's scopes (the storefront lookup) gets one only for another language
  const language = settleApiLanguage(args.request);
  if (requestLanguage() === undefined && language !== "en") return inRequestScope(() => serveApiInScope(args, endpoints), language);
  return serveApiInScope(args, endpoints);
}

async function serveApiInScope({ request, params, context }: RemixArgs, endpoints: Endpoint[]): Promise<Response> {
  const requestId = context.requestId;
  try {
    return toResponse(await answer(request, params, context, endpoints));
  } catch (error) {
    await discardBody(request);
    const at = new URL(request.url);
    const url = loggableUrl(at.pathname + at.search);
    if (isConflict(error)) {
      context.services.log.warn({ err: error, requestId, url }, "API request lost a write conflict after its retries");
      return toResponse(errorReply("busy", msg("api.busy"), [], requestId, { "Retry-After": "1" }));
    }
    context.services.log.error({ err: error, requestId, url }, "API request failed");
    return toResponse(errorReply("internal", msg("api.internal"), [], requestId));
  }
}

async function answer(request: Request, params: RemixArgs["params"], context: AppLoadContext, endpoints: Endpoint[]): Promise<ApiReply> {
  const { requestId } = context;
  const db = context.services.db;
  const method = request.method === "HEAD" ? "GET" : request.method.toUpperCase();
  const found = endpoints.find((e) => e.contract.method === method);
  if (!found) {
    await discardBody(request);
    const allowed = endpoints.map((e) => e.contract.method).join(", ");
    return errorReply("method_not_allowed", msg("api.methodNotAllowed", { method: request.method }), [{ field: "(method)", reason: msg("api.mustBeMethod", { allowed }) }], requestId, {
      Allow: allowed,
    });
  }
  const { contract } = found;
  const now = new Date();

  let caller: ApiCaller | null = null;
  if (contract.scope) {
    const header = request.headers.get("authorization");
    const match = header ? /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header) : null;
    const challenge = { "WWW-Authenticate": 'Bearer realm="api"' };
    if (!match) {
      await discardBody(request);
      const reason = header ? msg("api.bearerForm") : msg("api.bearerMissing");
      return errorReply("unauthorized", msg("api.keyNeeded"), [{ field: "Authorization", reason }], requestId, challenge);
    }
    caller = await authenticateApiKey(db, match[1], now);
    if (!caller) {
      await discardBody(request);
      return errorReply("unauthorized", msg("api.keyInvalid"), [{ field: "Authorization", reason: msg("api.keyInvalidReason") }], requestId, challenge);
    }
    if (!caller.scopes.includes(contract.scope)) {
      await discardBody(request);
      return errorReply("forbidden", msg("api.forbidden", { method: contract.method, path: contract.path }), [{ field: "Authorization", reason: msg("api.lacksScope", { scope: contract.scope }) }], requestId);
    }
  }

  for (const [name, { schema }] of Object.entries(contract.pathParams ?? {})) {
    // a value no record can have is looked up nowhere: the database never sees a NUL or a 100k-character id
    const parsed = parseInput(schema, params[name] ?? "");
    if (!parsed.ok) {
      await discardBody(request);
      return errorReply("not_found", msg("api.noRecord", { name }), parsed.errors.slice(0, 1).map(({ reason }) => ({ field: name, reason: msg("api.namesNoRecord", { reason }) })), requestId);
    }
  }

  let query: unknown;
  if (contract.query) {
    const url = new URL(request.url);
    const raw: Record<string, string> = {};
    const repeated: FieldError[] = [];
    for (const [key, value] of url.searchParams) {
      if (key in raw) repeated.push({ field: key, reason: msg("api.givenTwice") });
      raw[key] = value;
    }
    const parsed = parseInput(contract.query, raw);
    const problems = [...repeated, ...(parsed.ok ? [] : parsed.errors)];
    if (problems.length) return errorReply("validation_failed", msg("api.queryErrors"), problems, requestId);
    query = parsed.ok ? parsed.value : undefined;
  }

  let body: unknown;
  let idempotency: IdempotencyClaim | null = null;
  const keyHeader = request.headers.get("idempotency-key");
  const takesKey = contract.body !== undefined || (contract.method === "POST" && contract.idempotencyKey !== false);
  if (takesKey && keyHeader !== null && !IDEMPOTENCY_KEY.test(keyHeader)) {
    await discardBody(request);
    return errorReply("validation_failed", msg("api.idempotencyKeyUnusable"), [{ field: "Idempotency-Key", reason: msg("api.idempotencyKeyForm") }], requestId);
  }
  if (contract.body) {
    const read = await readJsonBody(request, contract.body.limitBytes);
    if (!read.ok) return errorReply(read.code, read.message, read.fields, requestId);
    const wrongKey = contract.body.bulkKey ? missingBulkKey(read.value, contract.body.bulkKey) : null;
    if (wrongKey) return errorReply("validation_failed", wrongKey.message, wrongKey.fields, requestId);
    const parsed = parseInput(contract.body.schema, read.value, contract.body.bulkKey ?? contract.body.indexedBy);
    if (!parsed.ok) {
      if (!contract.body.bulkKey) return errorReply("validation_failed", msg("api.recordErrors"), parsed.errors, requestId);
      const errors = [...parsed.errors, ...(await otherRecordErrors(found, db, read.value, now))];
      errors.sort((a, b) => (a.index ?? -1) - (b.index ?? -1));
      return errorReply("validation_failed", recordsHaveErrors(new Set(errors.map((e) => e.index)).size), errors, requestId);
    }
    body = parsed.value;
    if (keyHeader !== null && caller) {
      idempotency = { apiKeyId: caller.apiKeyId, key: keyHeader, requestHash: hashRequest(contract.method, new URL(request.url).pathname, read.bytes) };
    }
  } else {
    // a POST without a body (starting a campaign) is told apart from another by its path alone
    await discardBody(request);
    if (takesKey && keyHeader !== null && caller) {
      idempotency = { apiKeyId: caller.apiKeyId, key: keyHeader, requestHash: hashRequest(contract.method, new URL(request.url).pathname, new Uint8Array()) };
    }
  }

  return found.handle({ request, params, db, now, requestId, caller, body: body as never, query: query as never, idempotency });
}

const recordsHaveErrors = (count: number) => msg("api.recordsErrors", { count });

/** Store-level checks of the bulk records that passed the schema when some did not. */
async function otherRecordErrors(found: Endpoint, db: Database, body: unknown, now: Date): Promise<FieldError[]> {
  const { bulkKey, record } = found.contract.body ?? {};
  const list = bulkKey && body && typeof body === "object" ? (body as Record<string, unknown>)[bulkKey] : undefined;
  if (!found.checkRecords || !record || !Array.isArray(list) || list.length > BULK_LIMIT) return [];
  const valid: Array<{ index: number; value: unknown }> = [];
  list.forEach((item, index) => {
    const r = record.safeParse(item);
    if (r.success) valid.push({ index, value: r.data });
  });
  return valid.length ? found.checkRecords(db, valid, now) : [];
}

type Save<I> = (db: Database, inputs: I[], options: IngestOptions) => Promise<UpsertOutcome>;

/**
 * A write endpoint over one of the ingestion functions: one record (201 when created) or a bulk
 * list, in one transaction, at most once per Idempotency-Key.
 */
export function upsert<C extends EndpointContract, I>(contract: C, save: Save<I>, pick: (body: BodyOf<C>) => I[], shape: "single" | "bulk"): Endpoint {
  const checkRecords = async (db: Database, records: Array<{ index: number; value: unknown }>, now: Date): Promise<FieldError[]> => {
    // each record is reported at its place in the request, and so is the earlier one a duplicate names
    const out = await save(db, records.map((r) => r.value as I), { source: "api", now, validateOnly: true, positions: records.map((r) => r.index) });
    return out.ok ? [] : out.errors;
  };
  return { ...endpoint(contract, async (call) => {
    const inputs = pick(call.body);
    const outcome = await writeOnce(
      call.db,
      call.idempotency,
      async (transaction) => {
        const result = await save(call.db, inputs, { source: "api", transaction, now: call.now, consent: { reference: call.caller ? `api_key:${call.caller.apiKeyId}` : null } });
        if (!result.ok) {
          const fields = shape === "bulk" ? result.errors : result.errors.map(({ field, reason }) => ({ field, reason }));
          const message = shape === "bulk" ? recordsHaveErrors(new Set(result.errors.map((e) => e.index)).size) : msg("api.recordErrors");
          return { commit: false, ...errorReply("validation_failed", message, fields, call.requestId) };
        }
        if (shape === "single") {
          const [{ externalId, id, status }] = result.results;
          return { commit: true, ...reply(status === "created" ? 201 : 200, { externalId, id, status }) };
        }
        const counts = { created: 0, updated: 0, unchanged: 0 };
        for (const r of result.results) counts[r.status]++;
        return { commit: true, ...reply(200, { results: result.results, counts }) };
      },
      call.now,
    );
    if (outcome.kind === "key_reused") {
      return errorReply(
        "idempotency_key_reused",
        msg("api.idempotencyKeyReused"),
        [{ field: "Idempotency-Key", reason: msg("api.idempotencyKeyReusedReason") }],
        call.requestId,
      );
    }
    return { status: outcome.response.status, body: outcome.response.body, headers: outcome.replayed ? { "Idempotent-Replayed": "true" } : undefined };
  }), checkRecords: shape === "bulk" ? checkRecords : undefined };
}

/** The JSON 404 of an unknown /api/v1 path, whatever the method. */
export async function unknownPath({ request, context }: RemixArgs): Promise<Response> {
  await discardBody(request);
  settleApiLanguage(request);
  const path = new URL(request.url).pathname;
  return toResponse(
    errorReply("not_found", msg("api.noEndpoint", { path }), [{ field: "(path)", reason: msg("api.noEndpointReason") }], context.requestId),
  );
}

/** The JSON 405 of a method a path does not take. */
export async function unknownMethod({ request, context }: RemixArgs, allowed: string): Promise<Response> {
  await discardBody(request);
  settleApiLanguage(request);
  return toResponse(
    errorReply("method_not_allowed", msg("api.methodNotAllowed", { method: request.method }), [{ field: "(method)", reason: msg("api.mustBeMethod", { allowed }) }], context.requestId, { Allow: allowed }),
  );
}
