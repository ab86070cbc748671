// The bad-input corpus: requests generated from the OpenAPI document (so from the zod contracts the
// endpoints validate with) to every endpoint of /api/v1, mostly of the right shape but with hostile
// strings (NUL and other controls, 100k characters, lone surrogates, direction marks) and edge
// numbers in their slots; and the console's search boxes with the same strings. No answer may be a
// 5xx, every API error must be JSON in the error shape, naming the field of a validation error, and
// a refused request must leave every table's row count as it was.
// Replay a failure with FUZZ_SEED=<the seed printed> (and FUZZ_RUNS to change the size).
import fc from "fast-check";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../support/app";
import { rowCounts, testDialect } from "../support/db";
import { arbitraryOf, hostileString, oneSlotHostile, type JsonSchema, type SchemaArbitraryOptions } from "../support/json-schema-arbitrary";
import { signIn } from "../imports/http";
import { ApiError } from "../../models/ingest/responses";

const SEED = Number(process.env.FUZZ_SEED ?? 20261205);
const API_RUNS = Number(process.env.FUZZ_RUNS ?? 560);
const PAGE_RUNS = Math.ceil(API_RUNS / 8);

type Method = "get" | "post" | "put" | "delete";
interface Parameter {
  name: string;
  in: "path" | "query" | "header";
  schema: JsonSchema;
}
interface Operation {
  operationId: string;
  parameters?: Parameter[];
  requestBody?: { content: Record<string, { schema: JsonSchema }> };
}
interface Doc {
  paths: Record<string, Partial<Record<Method, Operation>>>;
  components: { schemas: Record<string, JsonSchema> };
}

interface Generated {
  method: Method;
  path: string;
  body?: unknown;
}

interface Failure {
  request: string;
  status: number;
  problem: string;
  answer: string;
}

// what exists in the store, so that some generated requests are accepted and write
const KNOWN: Record<string, readonly unknown[]> = {
  externalId: ["C-1", "C-2", "O-1", "K-1", "cat-1", "p-1", "v-1"],
  customerExternalId: ["C-1", "C-2"],
  productExternalId: ["p-1"],
  variantExternalId: ["v-1"],
  categoryExternalId: ["cat-1"],
  parentExternalId: ["cat-1", null],
  currency: ["EUR"],
  country: ["BG", "GR", "de"],
  code: ["vip", "vip-2"],
  segment: ["vip"],
  key: ["size", "note"],
  question: ["pets"],
  options: [["cat"]],
  categories: [["cat-1"]],
  email: ["ann@shop.test", "BOB@Shop.Test", null],
  phone: ["+359888123456", "0888 123 456", null],
  birthday: ["1990-05-17", "2000-02-29", null],
  locale: ["bg", "en-GB", null],
  managerEmail: [null],
  $recordKey: ["size", "note", "pets"],
  // the segment "vip" is the first one made below
  includeSegmentIds: [[1]],
  excludeSegmentIds: [[]],
};

const OPTIONS = (doc: Doc): SchemaArbitraryOptions => ({
  resolve: (ref) => doc.components.schemas[ref.replace("#/components/schemas/", "")],
  known: KNOWN,
  hostileStringRate: 0.3,
  edgeNumberRate: 0.25,
  wrongTypeRate: 0.03,
  maxItems: 3,
});

/** Percent-encodes a path segment or query value byte by byte, lone surrogates included (as U+FFFD, what UTF-8 can carry). */
const encode = (s: string) =>
  [...Buffer.from(s, "utf8")].map((b) => (/[A-Za-z0-9\-._~]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, "0")}`)).join("");

// raw %-sequences no encoder makes: broken escapes and bytes that are not UTF-8
const rawSegment = fc.constantFrom("%", "%zz", "%00", "%ED%A0%80", "%C0%AF", "%FF", "..%2F..%2F", "%2e%2e");

function requestsOf(doc: Doc, template: string, method: Method, op: Operation): fc.Arbitrary<Generated> {
  const options = OPTIONS(doc);
  const params = op.parameters ?? [];
  const pathParams = params.filter((p) => p.in === "path");
  const queryParams = params.filter((p) => p.in === "query");
  const pathArbs = pathParams.map((p) =>
    fc.oneof(
      // a URL past Node's 16 KiB of headers is refused (431) before the app sees it: long values that fit reach it
      { weight: 8, arbitrary: arbitraryOf(p.schema, { ...options, wrongTypeRate: 0 }, p.name).map((v) => encode(String(v).slice(0, 1500))) },
      { weight: 1, arbitrary: rawSegment },
    ),
  );
  const queryArbs = queryParams.map((p) =>
    fc.option(
      fc.oneof(
        { weight: 8, arbitrary: arbitraryOf(p.schema, { ...options, wrongTypeRate: 0 }, p.name).map((v) => `${encode(p.name)}=${encode(String(v).slice(0, 1500))}`) },
        { weight: 1, arbitrary: rawSegment.map((raw) => `${p.name}=${raw}`) },
      ),
      { freq: 2 },
    ),
  );
  const schema = op.requestBody?.content["application/json"]?.schema;
  // most bodies are right but for one hostile slot; some are hostile all over, some clean
  const body = schema
    ? fc.oneof(
        { weight: 6, arbitrary: oneSlotHostile(schema, options) },
        { weight: 3, arbitrary: arbitraryOf(schema, options) },
        { weight: 1, arbitrary: arbitraryOf(schema, { ...options, hostileStringRate: 0, edgeNumberRate: 0, wrongTypeRate: 0 }) },
      )
    : fc.constant(undefined);
  return fc.tuple(fc.tuple(...pathArbs), fc.tuple(...queryArbs), body).map(([values, query, value]) => {
    let path = template;
    pathParams.forEach((p, i) => (path = path.replace(`{${p.name}}`, values[i])));
    const q = query.filter((x): x is string => x !== null);
    return { method, path: `/api/v1${path}${q.length ? `?${q.join("&")}` : ""}`, body: value };
  });
}

const excerpt = (v: unknown) => {
  const s = typeof v === "string" ? v : JSON.stringify(v) ?? "undefined";
  return s.length > 300 ? `${s.slice(0, 300)}… (${s.length} chars)` : s;
};

describe(`the bad-input corpus on ${testDialect}`, () => {
  let app: TestApp;
  let key: string;
  let doc: Doc;

  beforeAll(async () => {
    console.log(`fuzz corpus seed ${SEED} (replay with FUZZ_SEED=${SEED}), ${API_RUNS} API requests, ${PAGE_RUNS * 2} page requests`);
    app = await startTestApp();
    key = (await app.apiKey(["customers:read", "customers:write", "orders:write", "catalog:write", "segments:read", "segments:write", "campaigns:read", "campaigns:write", "automations:read", "automations:write", "store:read", "store:write"])).secret;
    const { models } = app.db;
    await models.CustomField.create({ key: "size", label: "Size", type: "number", options: null });
    await models.CustomField.create({ key: "note", label: "Note", type: "text", options: null });
    const question = await models.RegistrationQuestion.create({ key: "pets", text: "Pets?" });
    await models.RegistrationOption.create({ questionId: question.id, key: "cat", label: "Cat" });
    const post = (path: string, body: object) => request(app.url).post(`/api/v1${path}`).set("Authorization", `Bearer ${key}`).send(body).expect((r) => expect(r.status).toBeLessThan(300));
    await post("/customers/bulk", { customers: [{ externalId: "C-1", firstName: "Ann", tags: ["vip"], customerGroup: "Gold" }, { externalId: "C-2", city: "Sofia" }] });
    await post("/categories/bulk", { categories: [{ externalId: "cat-1", name: "Shoes" }] });
    await post("/products/bulk", { products: [{ externalId: "p-1", name: "Boot", categoryExternalId: "cat-1", variants: [{ externalId: "v-1", name: "42", price: 100 }] }] });
    await post("/orders", { externalId: "O-1", customerExternalId: "C-1", status: "completed", total: 100, currency: "EUR", placedAt: "2024-02-01T10:00:00Z", items: [{ variantExternalId: "v-1", quantity: 1, price: 100 }] });
    await post("/segments", { name: "VIP", code: "vip", type: "dynamic", criteria: [{ field: "tag", values: [{ value: "vip", mode: "include" }] }] });
    doc = (await request(app.url).get("/api/v1/openapi.json").expect(200)).body;
  });
  afterAll(() => app?.close());

  it("no generated request to /api/v1 gets a 5xx, an error outside the error shape, or a partial write", async () => {
    const operations = Object.entries(doc.paths).flatMap(([template, ops]) =>
      Object.entries(ops).flatMap(([method, op]) => (template === "/openapi.json" ? [] : [{ template, method: method as Method, op: op! }])),
    );
    const perOperation = Math.ceil(API_RUNS / operations.length);
    const corpus: Generated[] = operations.flatMap(({ template, method, op }, i) => fc.sample(requestsOf(doc, template, method, op), { seed: SEED + i, numRuns: perOperation }));
    expect(corpus.length).toBeGreaterThanOrEqual(500);

    const failures: Failure[] = [];
    let before = await rowCounts(app.db);
    const outcomes = { accepted: 0, refused: 0 };
    for (const [i, generated] of corpus.entries()) {
      let r = request(app.url)[generated.method](generated.path).set("Authorization", `Bearer ${key}`);
      if (generated.body !== undefined) r = r.set("Content-Type", "application/json").send(JSON.stringify(generated.body));
      const res = await r;
      const after = await rowCounts(app.db);
      const fail = (problem: string) =>
        failures.push({ request: `#${i} ${generated.method.toUpperCase()} ${excerpt(generated.path)} ${generated.body === undefined ? "" : excerpt(generated.body)}`, status: res.status, problem, answer: excerpt(res.text) });
      if (res.status >= 500) fail("a 5xx");
      else if (res.status >= 400) {
        outcomes.refused++;
        const parsed = ApiError.safeParse(res.body);
        if (!/^application\/json/.test(res.headers["content-type"] ?? "") || !parsed.success) fail("an error outside the API's error shape");
        else if (parsed.data.error.code === "validation_failed" && !parsed.data.error.fields.some((f) => f.field && f.reason)) fail("a validation error that names no field");
        const changed = Object.keys(after).filter((table) => after[table] !== before[table]);
        if (changed.length) fail(`a refused request changed the row counts of ${changed.map((t) => `${t} ${before[t]}→${after[t]}`).join(", ")}`);
      } else outcomes.accepted++;
      before = after;
    }
    console.log(`fuzz corpus seed ${SEED}: ${corpus.length} requests, ${outcomes.accepted} accepted, ${outcomes.refused} refused`);
    expect(failures, `seed ${SEED}`).toEqual([]);
    // the corpus reaches the writes, not only the validation
    expect(outcomes.accepted).toBeGreaterThan(corpus.length / 20);
  }, 120_000);

  it("no hostile search entry or list parameter gets a 5xx from the console's pages", async () => {
    const admin = await signIn(app, "admin");
    const segment = await app.db.models.Segment.findOne({ where: { code: "vip" } });
    // a URL past Node's 16 KiB of headers is cut off before the app (431, or a reset): long values that fit reach it
    const value = fc.oneof(
      { weight: 3, arbitrary: hostileString.map((v) => v.slice(0, 1500)) },
      { weight: 1, arbitrary: fc.string({ unit: "grapheme", maxLength: 20 }) },
      { weight: 1, arbitrary: fc.constantFrom("x".repeat(1500), "\u0000".repeat(1000), "Ann\u0000".repeat(300), "\u202e".repeat(1000)) },
    );
    const short = value.map((v) => v.slice(0, 200));
    const listPage = fc
      .record({ q: value, country: fc.option(short), tag: fc.option(short), after: fc.option(short), sort: fc.option(short), data: fc.boolean() }, { requiredKeys: ["q"] })
      .map(({ data, ...params }) => {
        const query = Object.entries(params)
          .filter(([, v]) => v !== null && v !== undefined)
          .map(([k, v]) => `${k}=${encode(String(v))}`)
          .join("&");
        return `/customers?${query}${data ? "&_data=routes%2Fcustomers._index" : ""}`;
      });
    const searchBox = value.map((q) => `/segments/customers?q=${encode(q)}&segment=${segment?.id ?? 1}`);
    const pages = [...fc.sample(listPage, { seed: SEED, numRuns: PAGE_RUNS }), ...fc.sample(searchBox, { seed: SEED + 1, numRuns: PAGE_RUNS })];
    const failures: string[] = [];
    for (const path of pages) {
      const res = await admin.get(path);
      if (res.status >= 500) failures.push(`GET ${excerpt(path)} → ${res.status} ${excerpt(await res.text())}`);
      else await res.arrayBuffer();
    }
    expect(failures, `seed ${SEED}`).toEqual([]);
  }, 120_000);
});
