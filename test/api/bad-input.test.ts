// The bad-input suite: every endpoint of /api/v1 against malformed, mistyped, oversized, badly
// encoded, unauthenticated and injection-looking input. Each answer must be a 4xx in the API's
// error shape naming the field, and no table may gain or lose a row.
import http from "node:http";
import request from "supertest";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../support/app";
import { rowCounts, testDialect } from "../support/db";
import type { ApiScope } from "../../models/api-keys.server";

type Json = Record<string, unknown>;
type Make = (value: unknown) => Json;

interface Resource {
  name: string;
  single?: string;
  /** The single record's method, when it is not POST. */
  method?: "post" | "put";
  bulk?: string;
  bulkKey?: string;
  scope: ApiScope;
  /** A record that would be accepted (its references exist). */
  valid: () => Json;
  required: string[];
  /** field → a record with a wrongly typed value there. */
  wrongTypes: Array<[string, unknown]>;
  /** Typed fields (ids, emails, countries, dates, numbers, enums): an injection-looking string there is refused. */
  typed: Array<[string, Make]>;
}

const SINGLE_LIMIT = 1024 * 1024;
const BULK_LIMIT = 20 * 1024 * 1024;

// strings that look like attacks on SQL, HTML, spreadsheets or paths
const INJECTIONS = ["1' OR '1'='1", "'; DROP TABLE customers; --", "<script>alert(1)</script>", '=HYPERLINK("http://evil.test","x")', "@SUM(1+1)", "x\u0000y"];

const set = (record: Json, path: string, value: unknown): Json => {
  const copy = structuredClone(record);
  const keys = path.split(".");
  let at: Json = copy;
  for (const k of keys.slice(0, -1)) at = (at[k] ??= {}) as Json;
  at[keys[keys.length - 1]] = value;
  return copy;
};
const without = (record: Json, key: string): Json => {
  const { [key]: _, ...rest } = record;
  return rest;
};

const customer = (): Json => ({ externalId: "NEW-1", firstName: "Ann", email: "ann@shop.test" });
const product = (): Json => ({ externalId: "p-new", name: "New", categoryExternalId: "cat-1", variants: [{ externalId: "v-new", name: "One", price: 1 }] });
const segment = (): Json => ({ name: "VIP", code: "vip-new", type: "dynamic", criteria: [{ field: "tag", values: [{ value: "vip", mode: "include" }] }] });
const RESOURCES: Resource[] = [
  {
    name: "customers",
    single: "/customers",
    bulk: "/customers/bulk",
    bulkKey: "customers",
    scope: "customers:write",
    valid: customer,
    required: ["externalId"],
    wrongTypes: [["externalId", 42], ["firstName", 7], ["acceptsMarketing", "yes"], ["tags", "vip"], ["birthday", 19900101], ["customFields", []]],
    typed: [
      ["externalId", (v) => set(customer(), "externalId", v)],
      ["email", (v) => set(customer(), "email", v)],
      ["phone", (v) => set(customer(), "phone", v)],
      ["country", (v) => set(customer(), "country", v)],
      ["birthday", (v) => set(customer(), "birthday", v)],
      ["registeredAt", (v) => set(customer(), "registeredAt", v)],
      ["locale", (v) => set(customer(), "locale", v)],
      ["managerEmail", (v) => set(customer(), "managerEmail", v)],
      ["customFields.size", (v) => set(customer(), "customFields", { size: v })],
      ["channels.email.address", (v) => set(customer(), "channels", { email: { address: v, subscribed: true } })],
    ],
  },
  {
    name: "orders",
    single: "/orders",
    bulk: "/orders/bulk",
    bulkKey: "orders",
    scope: "orders:write",
    valid: () => ({ externalId: "O-NEW", customerExternalId: "C-1", status: "completed", total: 100, currency: "EUR", placedAt: "2024-02-01T10:00:00Z", items: [{ productExternalId: "P-1", quantity: 1, price: 100 }] }),
    required: ["externalId", "customerExternalId", "status", "total", "currency", "placedAt"],
    wrongTypes: [["total", "100"], ["items", {}], ["placedAt", 1706781600000], ["status", 1]],
    typed: [
      ["externalId", (v) => ({ ...RESOURCES[1].valid(), externalId: v })],
      ["customerExternalId", (v) => ({ ...RESOURCES[1].valid(), customerExternalId: v })],
      ["status", (v) => ({ ...RESOURCES[1].valid(), status: v })],
      ["total", (v) => ({ ...RESOURCES[1].valid(), total: v })],
      ["currency", (v) => ({ ...RESOURCES[1].valid(), currency: v })],
      ["placedAt", (v) => ({ ...RESOURCES[1].valid(), placedAt: v })],
      ["items[0].quantity", (v) => ({ ...RESOURCES[1].valid(), items: [{ productExternalId: "P-1", quantity: v, price: 1 }] })],
      ["items[0].productExternalId", (v) => ({ ...RESOURCES[1].valid(), items: [{ productExternalId: v, quantity: 1, price: 1 }] })],
    ],
  },
  {
    name: "carts",
    single: "/carts",
    bulk: "/carts/bulk",
    bulkKey: "carts",
    scope: "orders:write",
    valid: () => ({ externalId: "K-NEW", customerExternalId: "C-1", abandonedAt: "2024-02-01T10:00:00Z", value: 100, currency: "EUR" }),
    required: ["externalId", "customerExternalId", "abandonedAt", "value", "currency"],
    wrongTypes: [["value", "100"], ["recoveredAt", true]],
    typed: ["externalId", "customerExternalId", "abandonedAt", "value", "currency", "recoveredAt"].map((f): [string, Make] => [f, (v) => ({ ...RESOURCES[2].valid(), [f]: v })]),
  },
  {
    name: "interactions",
    single: "/interactions",
    bulk: "/interactions/bulk",
    bulkKey: "interactions",
    scope: "customers:write",
    valid: () => ({ customerExternalId: "C-1", at: "2024-02-01T10:00:00Z" }),
    required: ["customerExternalId", "at"],
    wrongTypes: [["at", 1706781600], ["source", ["bot"]]],
    typed: ["customerExternalId", "at", "source"].map((f): [string, Make] => [f, (v) => ({ ...RESOURCES[3].valid(), [f]: v })]),
  },
  {
    name: "subscriptions",
    single: "/subscriptions",
    bulk: "/subscriptions/bulk",
    bulkKey: "subscriptions",
    scope: "customers:write",
    valid: () => ({ customerExternalId: "C-1", channel: "email", subscribed: false }),
    required: ["customerExternalId", "channel", "subscribed"],
    wrongTypes: [["subscribed", "no"], ["at", 5]],
    typed: [
      ...["customerExternalId", "channel", "subscribed", "at"].map((f): [string, Make] => [f, (v) => ({ ...RESOURCES[4].valid(), [f]: v })]),
      ["address", (v) => ({ ...RESOURCES[4].valid(), address: v })],
    ],
  },
  {
    name: "categories",
    bulk: "/categories/bulk",
    bulkKey: "categories",
    scope: "catalog:write",
    valid: () => ({ externalId: "cat-new", name: "New", parentExternalId: "cat-1" }),
    required: ["externalId", "name"],
    wrongTypes: [["name", 5], ["parentExternalId", 5]],
    typed: ["externalId", "parentExternalId"].map((f): [string, Make] => [f, (v) => ({ ...RESOURCES[5].valid(), [f]: v })]),
  },
  ...(["/segments", "/segments/vip"] as const).map(
    (path): Resource => ({
      name: `segments (${path})`,
      single: path,
      method: path === "/segments" ? "post" : "put",
      scope: "segments:write",
      valid: segment,
      required: ["code", "type", "name"],
      wrongTypes: [["isActive", "yes"], ["criteria", "all"], ["match", 1], ["recomputeEveryMinutes", "5"], ["name", 7]],
      typed: ["code", "type", "match", "recomputeEveryMinutes"].map((f): [string, Make] => [f, (v) => ({ ...segment(), [f]: v })]),
    }),
  ),
  {
    name: "products",
    bulk: "/products/bulk",
    bulkKey: "products",
    scope: "catalog:write",
    valid: () => product(),
    required: ["externalId", "name"],
    wrongTypes: [["variants", "v-1"], ["name", null]],
    typed: [
      ["externalId", (v) => ({ ...product(), externalId: v })],
      ["categoryExternalId", (v) => ({ ...product(), categoryExternalId: v })],
      ["variants[0].externalId", (v) => ({ ...product(), variants: [{ externalId: v, name: "x", price: 1 }] })],
      ["variants[0].price", (v) => ({ ...product(), variants: [{ externalId: "v-2", name: "x", price: v }] })],
    ],
  },
];

// Values out of a numeric field's range, as raw JSON (1e400 parses to Infinity): money is whole,
// non-negative minor units within 2^53, given as a number.
const BAD_MONEY = ["-1", "-0.5", "0.5", "1e400", "-1e400", "9007199254740992", "1e20", '"NaN"', '"Infinity"', '"100"', "true", "null"];
const orderWith = (item: Json): Json => ({ ...RESOURCES[1].valid(), items: [{ productExternalId: "P-1", quantity: 1, price: 1, ...item }] });
const OUT_OF_RANGE: Record<string, Array<[field: string, make: Make, values: string[]]>> = {
  orders: [
    ["total", (v) => ({ ...RESOURCES[1].valid(), total: v }), BAD_MONEY],
    ["items[0].price", (v) => orderWith({ price: v }), BAD_MONEY],
    ["items[0].quantity", (v) => orderWith({ quantity: v }), ["0", "-1", "1.5", "1e400", "1000001", '"NaN"', '"2"']],
  ],
  carts: [["value", (v) => ({ ...RESOURCES[2].valid(), value: v }), BAD_MONEY]],
  products: [["variants[0].price", (v) => ({ ...product(), variants: [{ externalId: "v-2", name: "x", price: v }] }), BAD_MONEY]],
  customers: [["customFields.size", (v) => set(customer(), "customFields", { size: v }), ["1e400", '"NaN"', '"Infinity"', '"-Infinity"', '"1e400"', '"0x10"', '"12abc"', '"1,2,3"', "true"]]],
};

interface Target {
  label: string;
  path: string;
  method?: "post" | "put";
  scope: ApiScope;
  limit: number;
  bulkKey?: string;
}
const TARGETS: Array<Target & { resource: Resource }> = RESOURCES.flatMap((r) => [
  ...(r.single ? [{ label: `${(r.method ?? "post").toUpperCase()} ${r.single}`, path: r.single, method: r.method, scope: r.scope, limit: SINGLE_LIMIT, resource: r }] : []),
  ...(r.bulk ? [{ label: `POST ${r.bulk}`, path: r.bulk, scope: r.scope, limit: BULK_LIMIT, bulkKey: r.bulkKey, resource: r }] : []),
]);

describe(`bad input to every endpoint on ${testDialect}`, () => {
  let app: TestApp;
  const keys: Partial<Record<ApiScope, string>> = {};
  let revoked: string;
  let noScope: string;

  beforeAll(async () => {
    app = await startTestApp();
    for (const scope of ["customers:read", "customers:write", "orders:write", "catalog:write", "segments:write"] as ApiScope[]) keys[scope] = (await app.apiKey([scope])).secret;
    noScope = (await app.apiKey(["segments:read"])).secret;
    const gone = await app.apiKey(["customers:read", "customers:write", "orders:write", "catalog:write"]);
    await app.revokeKey(gone.id);
    revoked = gone.secret;
    await app.db.models.CustomField.create({ key: "size", label: "Size", type: "number", options: null });
    const setup = async (path: string, scope: ApiScope, body: Json) => {
      const res = await request(app.url).post(`/api/v1${path}`).set("Authorization", `Bearer ${keys[scope]}`).send(body);
      expect(res.status).toBe(200);
    };
    await setup("/customers/bulk", "customers:write", { customers: [{ externalId: "C-1", email: "c1@shop.test" }] });
    await setup("/categories/bulk", "catalog:write", { categories: [{ externalId: "cat-1", name: "Shoes" }] });
    await setup("/products/bulk", "catalog:write", { products: [{ externalId: "P-1", name: "Boot", categoryExternalId: "cat-1" }] });
    const vip = await request(app.url).post("/api/v1/segments").set("Authorization", `Bearer ${keys["segments:write"]}`).send({ ...segment(), code: "vip" });
    expect(vip.status).toBe(201);
  });
  afterAll(() => app.close());

  // the row counts every refusal must leave as they were; taken once before each test's cases
  let baseline: Record<string, number> | null = null;
  beforeEach(async () => {
    baseline = await rowCounts(app.db);
  });

  /** Sends raw bytes and checks the answer: status, error shape, the field named, and no row changed. */
  async function expectRefused(
    target: { path: string; method?: "post" | "get" | "put" | "delete" },
    send: { body?: string | Buffer; type?: string | null; key?: string | null },
    expected: { status: number; field: string; index?: number; code?: string },
  ) {
    const before = baseline ?? (await rowCounts(app.db));
    let r = request(app.url)[target.method ?? "post"](`/api/v1${target.path}`);
    if (send.key !== null) r = r.set("Authorization", `Bearer ${send.key}`);
    if (send.type !== null) r = r.set("Content-Type", send.type ?? "application/json");
    // as bytes, exactly: superagent would turn a Buffer into JSON of its own
    const res = send.body === undefined ? await r : await r.serialize((b: unknown) => b as string).send(send.body);
    const context = `${target.path} ${JSON.stringify(expected)} got ${res.status} ${res.text.slice(0, 300)}`;
    expect(res.status, context).toBe(expected.status);
    expect(res.headers["content-type"], context).toMatch(/^application\/json/);
    expect(res.body.error, context).toMatchObject({ code: expected.code ?? expect.any(String), message: expect.any(String), requestId: expect.any(String) });
    const named = res.body.error.fields.filter((f: { field: string; index?: number }) => f.field === expected.field && f.index === expected.index);
    expect(named.length, context).toBeGreaterThan(0);
    expect(await rowCounts(app.db), context).toEqual(before);
  }

  const wrap = (t: Target, record: unknown) => JSON.stringify(t.bulkKey ? { [t.bulkKey]: [record] } : record);
  const at = (t: Target) => (t.bulkKey ? 0 : undefined);

  describe.each(TARGETS)("$label", (t) => {
    const key = () => keys[t.scope]!;

    it("refuses malformed JSON, empty bodies and JSON that is not an object, naming the body", async () => {
      for (const body of ["{", '{"externalId":}', "{'externalId':'x'}", '{"externalId":"x",}', "nul", "[1,2", '{"a":1}garbage', "\u00ff"]) {
        await expectRefused(t, { body, key: key() }, { status: 400, field: "(body)", code: "malformed_json" });
      }
      for (const body of ["", "   \n"]) await expectRefused(t, { body, key: key() }, { status: 400, field: "(body)", code: "malformed_json" });
      for (const body of ["[]", '"text"', "42", "null", "true"]) await expectRefused(t, { body, key: key() }, { status: 422, field: "(body)", code: "validation_failed" });
      // nesting deep enough to break a recursive walk, inside the size limit
      const deep = (inner: string) => `{"${t.resource.required[0]}":${"[".repeat(100_000)}${inner}${"]".repeat(100_000)}}`;
      await expectRefused(t, { body: deep("1"), key: key() }, { status: 422, field: t.bulkKey ?? t.resource.required[0] });
      await expectRefused(t, { body: deep('"\\ud800"'), key: key() }, { status: 400, field: `${`${t.resource.required[0]}${"[0]".repeat(100)}`.slice(0, 200)}…`, code: "invalid_encoding" });
    });

    it("refuses bytes that are not UTF-8 and strings that are not Unicode", async () => {
      const utf8 = (prefix: string, bad: number[], suffix: string) => Buffer.concat([Buffer.from(prefix), Buffer.from(bad), Buffer.from(suffix)]);
      for (const bad of [[0xff], [0xc3, 0x28], [0xc0, 0xaf], [0x80], [0xed, 0xa0, 0x80], [0xe2, 0x82], [0xf8, 0x88, 0x80, 0x80, 0x80]]) {
        await expectRefused(t, { body: utf8('{"externalId":"', bad, '"}'), key: key() }, { status: 400, field: "(body)", code: "invalid_encoding" });
      }
      // the same text in UTF-16 and in Windows-1251
      await expectRefused(t, { body: Buffer.from('\ufeff{"externalId":"x"}', "utf16le"), key: key() }, { status: 400, field: "(body)", code: "invalid_encoding" });
      await expectRefused(t, { body: Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xc8, 0xe2, 0xe0, 0xed, 0x22, 0x7d]), key: key() }, { status: 400, field: "(body)", code: "invalid_encoding" });
      // JSON.stringify writes a lone surrogate as the escape \ud800, which JSON.parse turns back into one
      const lone = wrap(t, { ...t.resource.valid(), name: "\ud800x" });
      await expectRefused(t, { body: lone, key: key() }, { status: 400, field: t.bulkKey ? `${t.bulkKey}[0].name` : "name", code: "invalid_encoding" });
    });

    it("refuses bodies that are not JSON by Content-Type", async () => {
      const body = wrap(t, t.resource.valid());
      for (const type of [null, "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/json; charset=latin1", "application/jsonx"]) {
        await expectRefused(t, { body, type, key: key() }, { status: 415, field: "Content-Type", code: "unsupported_media_type" });
      }
    });

    it("refuses a body over the endpoint's limit, and a huge string inside the limit", async () => {
      const prefix = t.bulkKey ? `{"${t.bulkKey}":[` : '{"externalId":"';
      const over = Buffer.alloc(t.limit + 1, 0x20);
      over.write(prefix);
      await expectRefused(t, { body: over, key: key() }, { status: 413, field: "(body)", code: "payload_too_large" });
      const field = t.resource.required[t.resource.required.length - 1] === "name" ? "name" : t.resource.required[0];
      const long = { ...t.resource.valid(), [field]: "a".repeat(500_000) };
      await expectRefused(t, { body: wrap(t, long), key: key() }, { status: 422, field, index: at(t) });
    });

    it("refuses unknown fields, missing fields and wrong types, naming each", async () => {
      await expectRefused(t, { body: wrap(t, { ...t.resource.valid(), favouriteColour: "red" }), key: key() }, { status: 422, field: "favouriteColour", index: at(t) });
      // JSON.parse makes "__proto__" an own key; it must be refused like any unknown field, not merged
      const proto = wrap(t, t.resource.valid()).replace(/\{"(?=[a-zA-Z]+":[^[])/, '{"__proto__":{"isAdmin":true},"');
      await expectRefused(t, { body: proto, key: key() }, { status: 422, field: "__proto__", index: at(t) });
      for (const field of t.resource.required) {
        await expectRefused(t, { body: wrap(t, without(t.resource.valid(), field)), key: key() }, { status: 422, field, index: at(t) });
      }
      for (const [field, value] of t.resource.wrongTypes) {
        await expectRefused(t, { body: wrap(t, { ...t.resource.valid(), [field]: value }), key: key() }, { status: 422, field, index: at(t) });
      }
    });

    it("refuses injection-looking strings in typed fields, naming the field", async () => {
      for (const [field, make] of t.resource.typed) {
        for (const value of INJECTIONS) {
          await expectRefused(t, { body: wrap(t, make(value)), key: key() }, { status: 422, field, index: at(t) });
        }
      }
    });

    const ranges = OUT_OF_RANGE[t.resource.name] ?? [];
    if (ranges.length) {
      it("refuses negative, fractional, non-finite, huge and quoted numbers, naming the field", async () => {
        for (const [field, make, values] of ranges) {
          for (const raw of values) {
            const body = wrap(t, make("\u0001value")).replace(JSON.stringify("\u0001value"), raw);
            await expectRefused(t, { body, key: key() }, { status: 422, field, index: at(t) });
          }
        }
      });
    }

    it("refuses calls without a key, with a bad, revoked or unscoped key", async () => {
      const body = wrap(t, t.resource.valid());
      await expectRefused(t, { body, key: null }, { status: 401, field: "Authorization", code: "unauthorized" });
      await expectRefused(t, { body, key: "sk_00000000_AAAAAAAAAAAAAAAAAAAAAAAA" }, { status: 401, field: "Authorization", code: "unauthorized" });
      await expectRefused(t, { body, key: "' OR 1=1 --" }, { status: 401, field: "Authorization", code: "unauthorized" });
      await expectRefused(t, { body, key: revoked }, { status: 401, field: "Authorization", code: "unauthorized" });
      await expectRefused(t, { body, key: noScope }, { status: 403, field: "Authorization", code: "forbidden" });
      const wrongScope = Object.entries(keys).find(([scope]) => scope !== t.scope)![1];
      await expectRefused(t, { body, key: wrongScope }, { status: 403, field: "Authorization", code: "forbidden" });
      const res = await request(app.url)[t.method ?? "post"](`/api/v1${t.path}`).set("Authorization", `Basic ${Buffer.from("a:b").toString("base64")}`).send(body);
      expect(res.status).toBe(401);
    });

    if (t.bulkKey) {
      it("refuses an empty list, too many records, a list that is not one, and extra keys beside it", async () => {
        const k = t.bulkKey!;
        await expectRefused(t, { body: JSON.stringify({ [k]: [] }), key: key() }, { status: 422, field: k });
        await expectRefused(t, { body: JSON.stringify({ [k]: Array.from({ length: 5001 }, () => t.resource.valid()) }), key: key() }, { status: 422, field: k });
        await expectRefused(t, { body: JSON.stringify({ [k]: "all" }), key: key() }, { status: 422, field: k });
        await expectRefused(t, { body: JSON.stringify({ [k]: [t.resource.valid()], dryRun: true }), key: key() }, { status: 422, field: "dryRun" });
        await expectRefused(t, { body: JSON.stringify({ [k]: [t.resource.valid(), 7] }), key: key() }, { status: 422, field: "(body)", index: 1 });
      });
    }
  });

  describe("segment definitions, previews, members and events", () => {
    const writer = () => keys["segments:write"]!;
    // noScope is a segments:read key: what a preview needs
    // a criterion with a bad value: its index and field must be named
    const criterionCases: Array<[string, unknown]> = [
      ["field", "favouriteColour"],
      ["values", []],
      ["values[0].mode", "sometimes"],
      ["values[0].value", 42],
      ["min", -1],
      ["min", "500"],
      ["min", 1.5],
      ["max", "'; DROP TABLE segments; --"],
      ["timeFrame.from", "2024-02-30"],
      ["date.form", "lastWeek"],
      ["date.days", 0],
      ["date.days", "30"],
      ["date.from", "12-32"],
      ["categories[0]", "no-such-category"],
      ["channel", "pigeon"],
      ["segment", "no-such-segment"],
      ["segment", "vip-new"],
      ["key", "no-such-field"],
      ["question", "no-such-question"],
      ["surprise", true],
    ];
    const criterionWith = (field: string, value: unknown): Json => {
      const tag = { field: "tag", values: [{ value: "vip", mode: "include" }] };
      const byField: Record<string, Json> = {
        field: { field: value },
        values: { ...tag, values: value },
        "values[0].mode": { ...tag, values: [{ value: "vip", mode: value }] },
        "values[0].value": { ...tag, values: [{ value, mode: "include" }] },
        min: { field: "totalSpent", min: value },
        max: { field: "totalSpent", min: 1, max: value },
        "timeFrame.from": { field: "orderCount", min: 1, timeFrame: { from: value } },
        "date.form": { field: "lastOrderAt", date: { form: value, days: 3 } },
        "date.days": { field: "lastOrderAt", date: { form: "inLastDays", days: value } },
        "date.from": { field: "birthday", date: { form: "dayOfYear", from: value, to: "01-03" } },
        "categories[0]": { field: "orderedFromCategory", mode: "anyOf", categories: [value] },
        channel: { field: "subscribedOn", channel: value },
        segment: { field: "segment", segment: value, isMember: true },
        key: { field: "customField", key: value, condition: { type: "number", min: 1 } },
        question: { field: "registrationAnswer", question: value, options: ["x"] },
        surprise: { ...tag, surprise: value },
      };
      return byField[field];
    };

    it("refuses a bad criterion in a create, an update and a preview, naming its index and field", async () => {
      for (const [field, value] of criterionCases) {
        const criteria = [{ field: "tag", values: [{ value: "vip", mode: "include" }] }, criterionWith(field, value)];
        // a segment naming itself is a cycle, which only a saved definition can have
        const selfCode = field === "segment" && value === "vip-new";
        const expected = { status: 422, field, index: 1, code: "validation_failed" };
        await expectRefused({ path: "/segments" }, { body: JSON.stringify({ ...segment(), criteria }), key: writer() }, expected);
        await expectRefused({ path: "/segments/vip", method: "put" }, { body: JSON.stringify({ ...segment(), code: selfCode ? "vip" : "vip-new", criteria: selfCode ? [criteria[0], { field: "segment", segment: "vip", isMember: true }] : criteria }), key: writer() }, expected);
        if (!selfCode) await expectRefused({ path: "/segments/preview" }, { body: JSON.stringify({ criteria }), key: noScope }, expected);
      }
      for (const value of INJECTIONS) {
        await expectRefused({ path: "/segments" }, { body: JSON.stringify({ ...segment(), criteria: [criterionWith("date.form", value)] }), key: writer() }, { status: 422, field: "date.form", index: 0 });
        await expectRefused({ path: "/segments/preview" }, { body: JSON.stringify({ criteria: [criterionWith("min", value)] }), key: noScope }, { status: 422, field: "min", index: 0 });
      }
    });

    it("refuses too many criteria, none, and a manual segment with criteria", async () => {
      const tag = { field: "tag", values: [{ value: "vip", mode: "include" }] };
      await expectRefused({ path: "/segments" }, { body: JSON.stringify({ ...segment(), criteria: [tag, tag, tag, tag, tag] }), key: writer() }, { status: 422, field: "criteria" });
      await expectRefused({ path: "/segments" }, { body: JSON.stringify({ ...segment(), criteria: [] }), key: writer() }, { status: 422, field: "criteria" });
      await expectRefused({ path: "/segments" }, { body: JSON.stringify({ ...segment(), type: "manual" }), key: writer() }, { status: 422, field: "criteria" });
      await expectRefused({ path: "/segments/preview" }, { body: JSON.stringify({ criteria: [] }), key: noScope }, { status: 422, field: "criteria" });
      await expectRefused({ path: "/segments/preview" }, { body: JSON.stringify({ criteria: [tag], limit: 1000 }), key: noScope }, { status: 422, field: "limit" });
      await expectRefused({ path: "/segments/preview" }, { body: JSON.stringify({ criteria: [tag], type: "manual" }), key: noScope }, { status: 422, field: "type" });
    });

    it("answers unknown and injection-looking codes with a 404 naming code, and bad queries with a 422 naming the parameter", async () => {
      const reader = keys["segments:write"]!;
      for (const code of ["nope", "1' OR '1'='1", "<script>", "..%2F..%2Fetc"]) {
        for (const suffix of ["", "/members", "/events"]) {
          await expectRefused({ path: `/segments/${encodeURIComponent(code)}${suffix}`, method: "get" }, { key: noScope, type: null }, { status: 404, field: "code" });
        }
        await expectRefused({ path: `/segments/${encodeURIComponent(code)}`, method: "delete" }, { key: reader, type: null }, { status: 404, field: "code" });
      }
      const cases: Array<[string, string]> = [
        ["members?limit=0", "limit"],
        ["members?limit=abc", "limit"],
        ["members?cursor=abc", "cursor"],
        ["members?cursor=1%27%20OR%201=1", "cursor"],
        ["members?fields=email,password", "fields"],
        ["members?fields=,", "fields"],
        ["members?sort=name", "sort"],
        ["events?since=-1", "since"],
        ["events?since=yesterday", "since"],
        ["events?since=1&since=2", "since"],
        ["events?limit=5000", "limit"],
      ];
      for (const [query, field] of cases) await expectRefused({ path: `/segments/vip/${query}`, method: "get" }, { key: noScope, type: null }, { status: 422, field });
    });

    it("refuses reads without a key or with another scope, and writes with only segments:read", async () => {
      for (const path of ["/segments", "/segments/vip", "/segments/vip/members", "/segments/vip/events"]) {
        await expectRefused({ path, method: "get" }, { key: null, type: null }, { status: 401, field: "Authorization" });
        await expectRefused({ path, method: "get" }, { key: keys["customers:read"]!, type: null }, { status: 403, field: "Authorization" });
      }
      await expectRefused({ path: "/segments/vip", method: "delete" }, { key: noScope, type: null }, { status: 403, field: "Authorization" });
      await expectRefused({ path: "/segments/preview" }, { body: JSON.stringify({ criteria: [] }), key: keys["customers:write"]! }, { status: 403, field: "Authorization" });
    });
  });

  describe("GET /customers and GET /customers/{externalId}", () => {
    const reader = () => keys["customers:read"]!;
    it("refuses bad query parameters, naming each", async () => {
      const cases: Array<[string, string]> = [
        ["limit=abc", "limit"],
        ["limit=0", "limit"],
        ["limit=100000", "limit"],
        ["limit=1.5", "limit"],
        ["limit=1%27%20OR%201=1", "limit"],
        ["cursor=not-a-cursor", "cursor"],
        [`cursor=${Buffer.from('{"i":"1 OR 1=1"}').toString("base64url")}`, "cursor"],
        ["updatedSince=yesterday", "updatedSince"],
        ["updatedSince=9999-12-31T23:59:59-05:00", "updatedSince"],
        ["updatedSince=0001-01-01T00:00:00Z", "updatedSince"],
        [`updatedSince=2024-01-01T00:00:00Z&cursor=${Buffer.from('{"i":1,"u":"+275760-09-13T00:00:00.000Z"}').toString("base64url")}`, "cursor"],
        ["updatedSince=2024-01-01%27%3B%20DROP%20TABLE%20customers%3B--", "updatedSince"],
        ["limit=1&limit=2", "limit"],
        ["sort=name", "sort"],
      ];
      for (const [query, field] of cases) {
        await expectRefused({ path: `/customers?${query}`, method: "get" }, { key: reader(), type: null }, { status: 422, field });
      }
    });

    it("answers unknown and injection-looking external ids with a 404 naming externalId", async () => {
      for (const id of ["nope", "1' OR '1'='1", "<script>", "%00", "..%2F..%2Fetc"]) {
        await expectRefused({ path: `/customers/${encodeURIComponent(id)}`, method: "get" }, { key: reader(), type: null }, { status: 404, field: "externalId" });
      }
    });

    it("refuses reads without a key, with a revoked or unscoped key", async () => {
      for (const path of ["/customers", "/customers/C-1"]) {
        await expectRefused({ path, method: "get" }, { key: null, type: null }, { status: 401, field: "Authorization" });
        await expectRefused({ path, method: "get" }, { key: revoked, type: null }, { status: 401, field: "Authorization" });
        await expectRefused({ path, method: "get" }, { key: keys["customers:write"]!, type: null }, { status: 403, field: "Authorization" });
      }
    });
  });

  it("an unknown path and a wrong method are JSON errors, whatever the body", async () => {
    await expectRefused({ path: "/customers/C-1/orders", method: "get" }, { key: null, type: null }, { status: 404, field: "(path)", code: "not_found" });
    await expectRefused({ path: "/nothing" }, { body: "{", key: null }, { status: 404, field: "(path)", code: "not_found" });
    const res = await request(app.url).delete("/api/v1/customers").set("Authorization", `Bearer ${keys["customers:write"]}`);
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe("GET, POST");
    const put = await request(app.url).put("/api/v1/customers/bulk").set("Authorization", `Bearer ${keys["customers:write"]}`).send({ customers: [customer()] });
    expect(put.status).toBe(405);
    expect(await app.db.models.Customer.count({ where: { externalId: "NEW-1" } })).toBe(0);
  });

  it("a chunked body over the limit gets its 413 while the client is still sending", async () => {
    const before = await rowCounts(app.db);
    const { status, body } = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const url = new URL(`${app.url}/api/v1/customers`);
      const req = http.request(
        { host: url.hostname, port: url.port, path: url.pathname, method: "POST", headers: { "Content-Type": "application/json", Authorization: `Bearer ${keys["customers:write"]}`, "Transfer-Encoding": "chunked" } },
        (res) => {
          let text = "";
          res.on("data", (c) => (text += c));
          res.on("end", () => resolve({ status: res.statusCode!, body: text }));
        },
      );
      req.on("error", reject);
      req.write('{"externalId":"');
      for (let i = 0; i < 40; i++) req.write("a".repeat(64 * 1024));
      req.end('"}');
    });
    expect(status).toBe(413);
    expect(JSON.parse(body).error.fields).toEqual([{ field: "(body)", reason: `must be at most ${SINGLE_LIMIT} bytes` }]);
    expect(await rowCounts(app.db)).toEqual(before);
  });

  it("stores injection-looking free text verbatim, where it harms nothing", async () => {
    const texts = {
      firstName: "Robert'); DROP TABLE customers;--",
      lastName: "<img src=x onerror=alert(1)>",
      city: '=HYPERLINK("http://evil.test","click")',
      customerGroup: "@SUM(1+1)",
      tags: ["' OR 1=1 --", "<b>bold</b>", "+cmd|' /C calc'!A0"],
    };
    const res = await request(app.url).post("/api/v1/customers").set("Authorization", `Bearer ${keys["customers:write"]}`).send({ externalId: "FREE-1", ...texts });
    expect(res.status).toBe(201);
    const back = await request(app.url).get("/api/v1/customers/FREE-1").set("Authorization", `Bearer ${keys["customers:read"]}`);
    expect(back.status).toBe(200);
    expect(back.body).toMatchObject({ ...texts, tags: [...texts.tags].sort() });
    const catalog = await request(app.url)
      .post("/api/v1/products/bulk")
      .set("Authorization", `Bearer ${keys["catalog:write"]}`)
      .send({ products: [{ externalId: "p-free", name: "Boot'; DELETE FROM products; --", variants: [{ externalId: "v-free", name: "<script>x</script>", sku: "=1+1", price: 1 }] }] });
    expect(catalog.status).toBe(200);
    expect((await app.db.models.Product.findOne({ where: { externalId: "p-free" } }))!.name).toBe("Boot'; DELETE FROM products; --");
    expect((await app.db.models.ProductVariant.findOne({ where: { externalId: "v-free" } }))!.sku).toBe("=1+1");
    // every table is still there and the earlier rows too
    expect(await app.db.models.Customer.count()).toBeGreaterThanOrEqual(2);
    expect(await app.db.models.Product.count()).toBe(2);
  });
});
