import { z } from "zod/v4";
import { API_SCOPES } from "../../models/api-keys.server";
import { contract, SCHEMA_NAMES, type EndpointContract } from "./contract.server";
import { ERROR_CODES } from "./reply.server";

type JsonSchema = Record<string, unknown>;

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

const ERROR_STATUS_TEXT: Record<number, string> = {
  400: "The body is not JSON, or not UTF-8 (code malformed_json or invalid_encoding).",
  401: "No API key, or one that is unknown or revoked (code unauthorized).",
  403: "The key lacks the endpoint's scope (code forbidden).",
  404: "No such record (code not_found).",
  413: "The body is larger than the endpoint takes (code payload_too_large).",
  415: "The body is not application/json (code unsupported_media_type).",
  422: "The input has errors, listed by record index and field (code validation_failed), or the Idempotency-Key was used for another request (code idempotency_key_reused).",
};

/** The component schemas, from the zod schemas the API validates with. */
function componentSchemas(): Record<string, JsonSchema> {
  // a registry of our own: zod's global one is shared by every copy of a module loaded in the process
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of SCHEMA_NAMES) registry.add(schema, { id });
  const { schemas } = z.toJSONSchema(registry, { target: "draft-2020-12", io: "input", unrepresentable: "any", uri: (id) => `#/components/schemas/${id}` });
  if ("__shared" in schemas) throw new Error("OpenAPI: a schema is shared without a component name; add it to SCHEMA_NAMES");
  const out: Record<string, JsonSchema> = {};
  for (const [id, schema] of Object.entries(schemas)) {
    // $id and $schema belong to standalone documents, not to components
    const { $id: _id, $schema: _schema, ...rest } = schema as JsonSchema;
    out[id] = rest;
  }
  return out;
}

function componentName(schema: z.ZodType): string {
  const entry = SCHEMA_NAMES.find(([, s]) => s === schema);
  if (!entry) throw new Error("OpenAPI: an endpoint uses a schema without a component name; add it to SCHEMA_NAMES");
  return entry[0];
}

function operation(c: EndpointContract) {
  const errors = new Set<number>([401, 403]);
  if (c.body) for (const s of [400, 413, 415, 422]) errors.add(s);
  if (c.method === "POST" && c.idempotencyKey !== false) errors.add(422);
  if (c.query) errors.add(422);
  if (c.pathParams) errors.add(404);
  const parameters: JsonSchema[] = [];
  for (const [name, { description, schema: zodSchema }] of Object.entries(c.pathParams ?? {})) {
    const { $schema: _s, description: _d, ...schema } = z.toJSONSchema(zodSchema, { target: "draft-2020-12", io: "input", unrepresentable: "any" }) as JsonSchema;
    parameters.push({ name, in: "path", required: true, description, schema });
  }
  if (c.query) {
    for (const [name, field] of Object.entries(c.query.shape)) {
      const { $schema: _s, description, ...schema } = z.toJSONSchema(field as z.ZodType, { target: "draft-2020-12", io: "input", unrepresentable: "any" }) as JsonSchema;
      parameters.push({ name, in: "query", required: false, description, schema });
    }
  }
  if (c.method === "POST" && c.idempotencyKey !== false) {
    parameters.push({
      name: "Idempotency-Key",
      in: "header",
      required: false,
      description:
        "Any string of up to 128 visible ASCII characters, new for each new request. A retry with the same key and body within 24 hours gets the first response again (with Idempotent-Replayed: true) and writes nothing; the same key with another body is refused with 422.",
      schema: { type: "string", minLength: 1, maxLength: 128, pattern: "^[\\x21-\\x7e]+$" },
    });
  }
  const responses: Record<string, unknown> = {};
  for (const [status, r] of Object.entries(c.responses)) {
    responses[status] = r.file
      ? { description: r.description, content: Object.fromEntries(r.file.map((type) => [type, { schema: { type: "string", contentMediaType: type } }])) }
      : { description: r.description, content: { "application/json": { schema: r.schema ? ref(componentName(r.schema)) : {} } } };
  }
  for (const status of [...errors].sort()) responses[status] = { $ref: `#/components/responses/Error${status}` };
  responses.default = { $ref: "#/components/responses/Error" };
  return {
    operationId: c.operationId,
    summary: c.summary,
    ...(c.description ? { description: c.description } : {}),
    tags: [c.tag],
    ...(c.scope ? { security: [{ apiKey: [c.scope] }], "x-required-scope": c.scope } : { security: [] }),
    ...(parameters.length ? { parameters } : {}),
    ...(c.body
      ? {
          requestBody: {
            required: true,
            description: `JSON, at most ${c.body.limitBytes} bytes.`,
            content: { "application/json": { schema: ref(componentName(c.body.schema)) } },
          },
        }
      : {}),
    responses,
  };
}

/** The OpenAPI 3.1 document of /api/v1, generated from the same zod schemas the endpoints validate with. */
export function openApiDocument(serverUrl: string) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const c of Object.values(contract) as EndpointContract[]) {
    paths[c.path] = { ...paths[c.path], [c.method.toLowerCase()]: operation(c) };
  }
  paths["/openapi.json"] = {
    get: {
      operationId: "getOpenApiDocument",
      summary: "This document",
      tags: ["Meta"],
      security: [],
      responses: { 200: { description: "The OpenAPI 3.1 document.", content: { "application/json": { schema: { type: "object" } } } } },
    },
  };
  const errorResponse = (description: string) => ({ description, content: { "application/json": { schema: ref("ApiError") } } });
  return {
    openapi: "3.1.0",
    jsonSchemaDialect: "https://json-schema.org/draft/2020-12/schema",
    info: {
      title: "Segment console API",
      version: "1",
      description: [
        "Gets a store's data in (customers, orders, carts, interactions, subscriptions, catalog) and reads customers back; defines segments, previews them, and reads their members and enter/leave events; creates, starts and follows campaigns; creates, pauses and follows automations; reads and changes the store's settings, custom profile fields and registration questions, and tells which questions a customer has yet to answer.",
        "Records are created or updated by their external id (the shop's own id). Authenticate with an API key as `Authorization: Bearer <key>`; each endpoint needs one scope.",
        "Every error is JSON: `{ error: { code, message, fields: [{ index?, field, reason }], requestId } }`.",
        `Error codes: ${Object.entries(ERROR_CODES).map(([code, status]) => `${code} (${status})`).join(", ")}.`,
      ].join("\n\n"),
    },
    servers: [{ url: serverUrl }],
    tags: ["Customers", "Orders", "Carts", "Interactions", "Subscriptions", "Catalog", "Segments", "Campaigns", "Automations", "Tasks", "Store", "Storefront", "Exports", "Meta"].map((name) => ({ name })),
    paths,
    components: {
      securitySchemes: {
        apiKey: {
          type: "http",
          scheme: "bearer",
          description: `An API key made by an admin under Admin → API keys. Scopes: ${API_SCOPES.join(", ")}.`,
        },
      },
      schemas: componentSchemas(),
      responses: {
        ...Object.fromEntries(Object.entries(ERROR_STATUS_TEXT).map(([status, text]) => [`Error${status}`, errorResponse(text)])),
        Error: errorResponse("Any other error: 404 unknown path, 405 wrong method, 409 conflict (e.g. deleting a segment others use, changing a campaign that is sending, or an export not done yet), 410 gone (an export's expired file), 503 busy (retry), 500 internal."),
      },
    },
  };
}
