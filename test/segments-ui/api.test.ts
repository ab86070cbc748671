// The segment API through real HTTP: create, read, update, delete, preview, members and the
// event feed, with bearer keys and scopes, on a real database.
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../support/app";
import { rowCounts, testDialect } from "../support/db";
import { writeCustomers, writeSmallStore } from "./store";

describe(`the segment API on ${testDialect}`, () => {
  let app: TestApp;
  let reader: string;
  let writer: string;
  let outsider: string;

  const api = (method: "get" | "post" | "put" | "delete", path: string, key: string | null = writer) => {
    const r = request(app.url)[method](`/api/v1${path}`);
    return key ? r.set("Authorization", `Bearer ${key}`) : r;
  };
  const big = (min: number) => ({ name: "Big spenders", code: "big", type: "dynamic", criteria: [{ field: "totalSpent", min }] });

  beforeAll(async () => {
    app = await startTestApp();
    await writeSmallStore(app.db);
    await app.db.models.Category.create({ externalId: "shoes", name: "Shoes", parentId: null });
    reader = (await app.apiKey(["segments:read"])).secret;
    writer = (await app.apiKey(["segments:read", "segments:write"])).secret;
    outsider = (await app.apiKey(["customers:read"])).secret;
  });
  afterAll(() => app?.close());

  it("creates a segment, computes it at once, and reads it back by code and in the list", async () => {
    const created = await api("post", "/segments").send(big(50000));
    expect(created.status, created.text).toBe(201);
    expect(created.headers.location).toBe("/api/v1/segments/big");
    expect(created.body).toMatchObject({ code: "big", name: "Big spenders", type: "dynamic", isActive: true, match: "all", memberCount: 3, recomputeEveryMinutes: 5, lockedAt: null });
    expect(created.body.lastRecomputedAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    const one = await api("get", "/segments/big", reader);
    expect(one.status).toBe(200);
    expect(one.body).toEqual(created.body);
    const list = await api("get", "/segments", reader);
    expect(list.body.segments.map((s: { code: string }) => s.code)).toEqual(["big"]);
  });

  it("pages the members with a cursor and only the fields asked for", async () => {
    const first = await api("get", "/segments/big/members?limit=2", reader);
    expect(first.status, first.text).toBe(200);
    expect(first.body.members.map((m: { externalId: string }) => m.externalId)).toEqual(["dimitar", "boris"]);
    expect(first.body.members[0]).toMatchObject({ firstName: "Димитър", city: "Пловдив", country: "BG", enteredAt: expect.any(String) });
    const second = await api("get", `/segments/big/members?limit=2&cursor=${first.body.nextCursor}&fields=email,city`, reader);
    expect(second.body).toEqual({ members: [{ externalId: "ana", email: "ana@shop.test", city: "София" }], nextCursor: null });
  });

  it("follows the segment through its enter and leave events after an id", async () => {
    const all = await api("get", "/segments/big/events", reader);
    expect(all.status).toBe(200);
    expect(all.body.events.map((e: { externalId: string; kind: string }) => [e.externalId, e.kind])).toEqual([
      ["ana", "entered"],
      ["boris", "entered"],
      ["dimitar", "entered"],
    ]);
    const since = all.body.lastId;
    expect(await api("get", `/segments/big/events?since=${since}`, reader).then((r) => r.body)).toEqual({ events: [], lastId: since, historyPruned: false });

    const updated = await api("put", "/segments/big").send(big(70000));
    expect(updated.status, updated.text).toBe(200);
    expect(updated.body).toMatchObject({ code: "big", memberCount: 1 });
    const after = await api("get", `/segments/big/events?since=${since}&limit=1`, reader);
    expect(after.body.events).toHaveLength(1);
    const rest = await api("get", `/segments/big/events?since=${after.body.lastId}`, reader);
    expect([...after.body.events, ...rest.body.events].map((e: { externalId: string; kind: string }) => [e.externalId, e.kind]).sort()).toEqual([
      ["boris", "left"],
      ["dimitar", "left"],
    ]);
  });

  it("previews criteria without saving: count, counts alone and the first customers with why", async () => {
    const before = await rowCounts(app.db);
    const res = await api("post", "/segments/preview", reader).send({ criteria: [{ field: "totalSpent", min: 50000 }, { field: "city", values: [{ value: "София" }] }], limit: 5 });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ count: 2, perCriterion: [3, 2] });
    expect(res.body.customers.map((c: { externalId: string }) => c.externalId)).toEqual(["boris", "ana"]);
    expect(res.body.customers[1].reasons).toEqual([
      { index: 0, field: "totalSpent", matched: true, actual: 81240 },
      { index: 1, field: "city", matched: true, actual: "София" },
    ]);
    expect(await rowCounts(app.db)).toEqual(before);
  });

  it("refuses bad definitions naming the criterion's index and field, and writes nothing", async () => {
    const before = await rowCounts(app.db);
    const refused = async (method: "post" | "put", path: string, body: unknown, field: string, index?: number) => {
      const res = await api(method, path).send(body as object);
      expect(res.status, res.text).toBe(422);
      expect(res.body.error.code).toBe("validation_failed");
      expect(res.body.error.fields).toContainEqual(expect.objectContaining(index === undefined ? { field } : { index, field }));
    };
    const tag = { field: "tag", values: [{ value: "vip" }] };
    await refused("post", "/segments", { ...big(1), code: "five", criteria: [tag, tag, tag, tag, tag] }, "criteria");
    await refused("post", "/segments", { ...big(1), code: "minmax", criteria: [tag, { field: "orderCount", min: 5, max: 2 }] }, "min", 1);
    await refused("post", "/segments", { ...big(1), code: "cat", criteria: [{ field: "orderedFromCategory", mode: "anyOf", categories: ["boots"] }] }, "categories[0]", 0);
    await refused("post", "/segments", { ...big(1), code: "big" }, "code");
    await refused("post", "/segments", { ...big(1), code: "Not A Code!" }, "code");
    await refused("post", "/segments", { ...big(1), code: "dates", criteria: [{ field: "lastOrderAt", date: { form: "inLastDays", days: 0 } }] }, "date.days", 0);
    await refused("put", "/segments/big", { ...big(1), criteria: [{ field: "segment", segment: "big", isMember: false }] }, "segment", 0);
    await refused("post", "/segments/preview", { criteria: [tag, { field: "city", values: [] }] }, "values", 1);
    expect(await rowCounts(app.db)).toEqual(before);
  });

  it("keeps writes to keys with segments:write, and reads to keys with segments:read", async () => {
    const before = await rowCounts(app.db);
    expect((await api("post", "/segments", reader).send(big(1))).status).toBe(403);
    expect((await api("delete", "/segments/big", reader)).status).toBe(403);
    expect((await api("get", "/segments", outsider)).status).toBe(403);
    expect((await api("post", "/segments/preview", outsider).send({ criteria: [{ field: "tag", values: [{ value: "vip" }] }] })).status).toBe(403);
    expect((await api("get", "/segments/big/members", null)).status).toBe(401);
    expect(await rowCounts(app.db)).toEqual(before);
  });

  it("refuses to delete a segment another uses, naming it; deletes it once free", async () => {
    const user = await api("post", "/segments").send({ name: "Not big", code: "not-big", type: "dynamic", criteria: [{ field: "segment", segment: "big", isMember: false }] });
    expect(user.status, user.text).toBe(201);
    expect(user.body.memberCount).toBe(4);
    const refused = await api("delete", "/segments/big");
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({ code: "conflict", fields: [{ field: "code", reason: "is used by segment not-big (Not big)" }] });
    expect((await api("delete", "/segments/not-big")).body).toEqual({ code: "not-big", deleted: true });
    expect((await api("delete", "/segments/big")).status).toBe(200);
    expect((await api("get", "/segments/big", reader)).status).toBe(404);
    expect((await api("get", "/segments/big/members", reader)).body.error.fields).toEqual([{ field: "code", reason: "is not the code of a segment" }]);
  });

  it("renaming a segment another uses carries the new code into the user, so deleting it is still refused naming the user", async () => {
    const refA = { name: "Ref A", code: "ref-a", type: "dynamic", criteria: [{ field: "orderCount", min: 1 }] };
    expect((await api("post", "/segments").send(refA)).status).toBe(201);
    const refB = await api("post", "/segments").send({ name: "Ref B", code: "ref-b", type: "dynamic", criteria: [{ field: "segment", segment: "ref-a", isMember: true }] });
    expect(refB.status, refB.text).toBe(201);
    expect((await api("delete", "/segments/ref-a")).status).toBe(409);
    const renamed = await api("put", "/segments/ref-a").send({ ...refA, code: "ref-a-renamed" });
    expect(renamed.status, renamed.text).toBe(200);
    expect((await api("get", "/segments/ref-b", reader)).body.criteria).toEqual([{ field: "segment", segment: "ref-a-renamed", isMember: true }]);
    const refused = await api("delete", "/segments/ref-a-renamed");
    expect(refused.status).toBe(409);
    expect(refused.body.error.fields).toEqual([{ field: "code", reason: "is used by segment ref-b (Ref B)" }]);
    // the user still evaluates: a save of it computes the same members as the renamed segment
    const again = await api("put", "/segments/ref-b").send({ name: "Ref B", code: "ref-b", type: "dynamic", match: "any", criteria: [{ field: "segment", segment: "ref-a-renamed", isMember: true }] });
    expect(again.status, again.text).toBe(200);
    expect(again.body.memberCount).toBe(renamed.body.memberCount);
    expect(renamed.body.memberCount).toBeGreaterThan(0);
    expect((await api("delete", "/segments/ref-b")).status).toBe(200);
    expect((await api("delete", "/segments/ref-a-renamed")).status).toBe(200);
  });

  it("a segment whose code is preview is still reachable by GET, PUT and DELETE", async () => {
    const created = await api("post", "/segments").send({ name: "Preview", code: "preview", type: "snapshot", criteria: [{ field: "country", values: [{ value: "GR" }] }] });
    expect(created.status, created.text).toBe(201);
    expect(created.body).toMatchObject({ memberCount: 1, lockedAt: expect.any(String) });
    expect((await api("get", "/segments/preview", reader)).body.code).toBe("preview");
    await writeCustomers(app.db, [{ externalId: "gosho", country: "GR" }]);
    // a changed snapshot is computed once more
    const updated = await api("put", "/segments/preview").send({ name: "Preview", code: "preview", type: "snapshot", criteria: [{ field: "country", values: [{ value: "GR" }, { value: "CY" }] }] });
    expect(updated.body.memberCount).toBe(2);
    expect((await api("delete", "/segments/preview")).status).toBe(200);
  });
});
