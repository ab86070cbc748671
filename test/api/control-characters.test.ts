// Control characters in what the API and the search boxes take. A NUL once reached SQLite inside
// the SQL text Sequelize writes and cut the statement short: a 500 on SQLite, a clean answer on
// MariaDB. Ids, names, tags and keys now refuse every control character, free text all but line
// breaks and tabs, path parameters that no record can have are not looked up, and a search entry
// reads them as spaces.
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../support/app";
import { rowCounts, testDialect } from "../support/db";
import { signIn } from "../imports/http";

type Json = Record<string, unknown>;

describe(`control characters on ${testDialect}`, () => {
  let app: TestApp;
  let key: string;

  const api = (method: "get" | "post" | "put" | "delete", path: string, body?: Json) => {
    const r = request(app.url)[method](`/api/v1${path}`).set("Authorization", `Bearer ${key}`);
    return body === undefined ? r : r.send(body);
  };

  /** Sends a request that must be refused naming the field, and proves that it wrote nothing. */
  async function expectRefused(method: "get" | "post" | "put" | "delete", path: string, body: Json | undefined, expected: { status: number; field: string; index?: number; reason?: RegExp }) {
    const before = await rowCounts(app.db);
    const res = await api(method, path, body);
    const context = `${method} ${path} ${JSON.stringify(body)} → ${res.status} ${res.text.slice(0, 400)}`;
    expect(res.status, context).toBe(expected.status);
    expect(res.headers["content-type"], context).toMatch(/^application\/json/);
    const named = (res.body.error?.fields ?? []).filter((f: { field: string; index?: number; reason: string }) => f.field === expected.field && f.index === expected.index && (expected.reason ?? /./).test(f.reason));
    expect(named.length, context).toBeGreaterThan(0);
    expect(await rowCounts(app.db), context).toEqual(before);
  }

  beforeAll(async () => {
    app = await startTestApp();
    key = (await app.apiKey(["customers:read", "customers:write", "orders:write", "catalog:write", "segments:read", "segments:write"])).secret;
    await app.db.models.CustomField.create({ key: "note", label: "Note", type: "text", options: null });
    await api("post", "/customers/bulk", { customers: [{ externalId: "C-1", firstName: "Ann", lastName: "Lee", tags: ["vip"] }] }).expect(200);
    await api("post", "/segments", { name: "VIP", code: "vip", type: "dynamic", criteria: [{ field: "tag", values: [{ value: "vip" }] }] }).expect(201);
  });
  afterAll(() => app?.close());

  it("a customer's tag, group, name, city or custom field key with a control character is refused naming it, and nothing is written", async () => {
    const control = /control characters/;
    const cases: Array<[Json, string]> = [
      [{ tags: ["t\u0000x"] }, "tags[0]"],
      [{ customerGroup: "g\u0000x" }, "customerGroup"],
      [{ firstName: "A\u0000nn" }, "firstName"],
      [{ lastName: "Lee\u001b[31m" }, "lastName"],
      [{ city: "Sofia\nPlovdiv" }, "city"],
      [{ customFields: { "no\u0000te": "x" } }, "customFields.no\u0000te"],
      [{ answers: { pets: ["c\u0000at"] } }, "answers.pets[0]"],
      [{ channels: { viber: { address: "v\u0000", subscribed: true } } }, "channels.viber.address"],
    ];
    for (const [fields, field] of cases) {
      // a record's key is refused by the record, which says what its keys must be
      const reason = field.startsWith("customFields.") ? /field key/ : control;
      await expectRefused("post", "/customers/bulk", { customers: [{ externalId: "C-2" }, { externalId: "C-3", ...fields }] }, { status: 422, field, index: 1, reason });
      await expectRefused("post", "/customers", { externalId: "C-3", ...fields }, { status: 422, field, reason });
    }
    await expectRefused("post", "/subscriptions", { customerExternalId: "C-1", channel: "viber", subscribed: true, address: "\u0007" }, { status: 422, field: "address", reason: control });
    await expectRefused("post", "/categories/bulk", { categories: [{ externalId: "cat-1", name: "Sho\u0000es" }] }, { status: 422, field: "name", index: 0, reason: control });
    await expectRefused("post", "/products/bulk", { products: [{ externalId: "p-1", name: "Boot", variants: [{ externalId: "v-1", name: "42", sku: "S\u0085K", price: 1 }] }] }, { status: 422, field: "variants[0].sku", index: 0, reason: control });
  });

  it("a custom text field keeps its line breaks and tabs but refuses other control characters", async () => {
    const res = await api("post", "/customers", { externalId: "C-1", customFields: { note: "first line\n\tsecond line" } });
    expect(res.status, res.text).toBe(200);
    expect((await api("get", "/customers/C-1")).body.customFields.note).toBe("first line\n\tsecond line");
    await expectRefused("post", "/customers", { externalId: "C-1", customFields: { note: "a\u0000b" } }, { status: 422, field: "customFields.note", reason: /control characters/ });
  });

  it("a segment's name, criterion values and keys with a control character are refused naming them, and nothing is written", async () => {
    const segment = (over: Json) => ({ name: "New", code: "new", type: "dynamic", criteria: [{ field: "tag", values: [{ value: "vip" }] }], ...over });
    await expectRefused("post", "/segments", segment({ name: "N\u0000ew" }), { status: 422, field: "name" });
    for (const field of ["tag", "city", "customerGroup"]) {
      await expectRefused("post", "/segments", segment({ criteria: [{ field, values: [{ value: "a\u0000" }] }] }), { status: 422, field: "values[0].value", index: 0 });
    }
    await expectRefused("put", "/segments/vip", segment({ code: "vip", criteria: [{ field: "customField", key: "no\u0000te", condition: { type: "text", op: "equals", value: "x" } }] }), { status: 422, field: "key", index: 0 });
    await expectRefused("post", "/segments/preview", { criteria: [{ field: "segment", segment: "vip\u0000", isMember: true }] }, { status: 422, field: "segment", index: 0 });
  });

  it("a path parameter that no record can have is a 404 naming it, whatever the method", async () => {
    for (const code of ["%00", "vip%00", "a%01b", "x".repeat(5000)]) {
      for (const suffix of ["", "/members", "/events"]) await expectRefused("get", `/segments/${code}${suffix}`, undefined, { status: 404, field: "code" });
      await expectRefused("delete", `/segments/${code}`, undefined, { status: 404, field: "code" });
      await expectRefused("put", `/segments/${code}`, { name: "VIP", code: "vip", type: "manual" }, { status: 404, field: "code" });
    }
    for (const id of ["%00", "C-1%00", "%1B%5B31m"]) await expectRefused("get", `/customers/${id}`, undefined, { status: 404, field: "externalId" });
    expect((await api("get", "/segments/vip")).status).toBe(200);
    expect((await api("get", "/customers/C-1")).status).toBe(200);
  });

  it("the OpenAPI document gives each path parameter the schema it is checked with", async () => {
    const doc = (await request(app.url).get("/api/v1/openapi.json").expect(200)).body;
    expect(doc.paths["/segments/{code}"].get.parameters[0].schema).toMatchObject({ type: "string", pattern: expect.any(String) });
    expect(doc.paths["/customers/{externalId}"].get.parameters[0].schema).toMatchObject({ type: "string", maxLength: 64, pattern: expect.any(String) });
  });

  it("a search entry reads control characters as spaces, and a list cursor holding one is dropped and named", async () => {
    const admin = await signIn(app, "admin");
    const list = async (search: string) => {
      const res = await admin.get(`/customers?${search}&_data=routes%2Fcustomers._index`);
      expect(res.status).toBe(200);
      return (await res.json()) as { page: { rows: Array<{ externalId: string }> }; problems: Array<{ field: string }> };
    };
    expect((await list("q=Ann%00")).page.rows.map((r) => r.externalId)).toEqual(["C-1"]);
    expect((await list("q=Ann%09Lee")).page.rows.map((r) => r.externalId)).toEqual(["C-1"]);
    expect((await list("q=%00%00")).page.rows.map((r) => r.externalId)).toEqual(["C-1"]);
    expect((await list("after=%00")).problems.map((p) => p.field)).toEqual(["after"]);

    const search = await admin.get("/segments/customers?q=%00Ann&segment=1");
    expect(search.status).toBe(200);
    expect(((await search.json()) as { customers: Array<{ externalId: string }> }).customers.map((c) => c.externalId)).toEqual(["C-1"]);
  });
});
