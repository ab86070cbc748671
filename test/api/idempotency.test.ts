import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../support/app";
import { rowCounts, testDialect } from "../support/db";
import { writeOnce } from "../../models/idempotency.server";

describe(`Idempotency-Key on ${testDialect}`, () => {
  let app: TestApp;
  let key: string;
  let otherKey: string;
  beforeAll(async () => {
    app = await startTestApp();
    key = (await app.apiKey(["customers:write", "orders:write"])).secret;
    otherKey = (await app.apiKey(["customers:write"])).secret;
  });
  afterAll(() => app.close());

  const post = (path: string, body: unknown, idempotencyKey?: string, secret = key) => {
    const r = request(app.url).post(`/api/v1${path}`).set("Authorization", `Bearer ${secret}`);
    if (idempotencyKey !== undefined) r.set("Idempotency-Key", idempotencyKey);
    return r.send(body as object);
  };
  const batch = (prefix: string, n: number) => ({ customers: Array.from({ length: n }, (_, i) => ({ externalId: `${prefix}-${i}`, firstName: `N${i}` })) });

  it("a retry with the same key and body gets the first response again and writes nothing", async () => {
    const first = await post("/customers/bulk", batch("R", 20), "retry-1");
    expect(first.status).toBe(200);
    expect(first.body.counts.created).toBe(20);
    const after = await rowCounts(app.db);
    const again = await post("/customers/bulk", batch("R", 20), "retry-1");
    expect(again.status).toBe(200);
    expect(again.text).toBe(first.text);
    expect(again.headers["idempotent-replayed"]).toBe("true");
    expect(await rowCounts(app.db)).toEqual(after);
  });

  it("a single create replays its 201", async () => {
    const first = await post("/customers", { externalId: "S-1" }, "single-1");
    expect(first.status).toBe(201);
    const again = await post("/customers", { externalId: "S-1" }, "single-1");
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
  });

  it("the same key with another body, or on another endpoint, is refused naming the header", async () => {
    const before = await rowCounts(app.db);
    const other = await post("/customers/bulk", batch("R", 21), "retry-1");
    expect(other.status).toBe(422);
    expect(other.body.error).toMatchObject({ code: "idempotency_key_reused", fields: [{ field: "Idempotency-Key" }] });
    const elsewhere = await post("/customers", { externalId: "R-0" }, "retry-1");
    expect(elsewhere.status).toBe(422);
    expect(elsewhere.body.error.fields[0].field).toBe("Idempotency-Key");
    expect(await rowCounts(app.db)).toEqual(before);
  });

  it("keys belong to their API key: another key may use the same string", async () => {
    const res = await post("/customers", { externalId: "OTHER-1" }, "retry-1", otherKey);
    expect(res.status).toBe(201);
  });

  it("a refused request is not remembered: once fixed, the same key and body go through", async () => {
    const order = { externalId: "O-1", customerExternalId: "LATE-1", status: "pending", total: 100, currency: "EUR", placedAt: "2024-01-01T00:00:00Z" };
    const refused = await post("/orders", order, "order-1");
    expect(refused.status).toBe(422);
    expect((await post("/customers", { externalId: "LATE-1" })).status).toBe(201);
    const accepted = await post("/orders", order, "order-1");
    expect(accepted.status).toBe(201);
    expect(await app.db.models.Order.count()).toBe(1);
  });

  it("concurrent requests with one key write once and all get the same answer", async () => {
    const before = await app.db.models.Customer.count();
    const changesBefore = await app.db.models.CustomerChange.count();
    const responses = await Promise.all(Array.from({ length: 5 }, () => post("/customers/bulk", batch("CC", 200), "concurrent-1")));
    for (const r of responses) {
      expect(r.status).toBe(200);
      expect(r.text).toBe(responses[0].text);
    }
    expect(responses.filter((r) => r.headers["idempotent-replayed"] === "true")).toHaveLength(4);
    expect(await app.db.models.Customer.count()).toBe(before + 200);
    expect(await app.db.models.CustomerChange.count()).toBe(changesBefore + 200);
    expect(await app.db.models.IdempotencyKey.count({ where: { key: "concurrent-1" } })).toBe(1);
  });

  it("a key replays its response for 24 hours; after them the same key and body are a new request with a window of its own", async () => {
    const t0 = new Date("2031-05-01T08:00:00.000Z");
    const at = (ms: number) => new Date(t0.getTime() + ms);
    const HOUR = 60 * 60 * 1000;
    const claim = { apiKeyId: (await app.apiKey(["customers:write"], "window key")).id, key: "window-1", requestHash: "a".repeat(64) };
    let runs = 0;
    const write = (now: Date, requestHash = claim.requestHash) =>
      writeOnce(app.db, { ...claim, requestHash }, async () => ({ commit: true, status: 201, body: JSON.stringify({ run: ++runs }) }), now);
    const answer = (run: number, replayed: boolean) => ({ kind: "done", response: { status: 201, body: JSON.stringify({ run }) }, replayed });

    expect(await write(t0)).toEqual(answer(1, false));
    expect(await write(at(HOUR))).toEqual(answer(1, true));
    expect(await write(at(23 * HOUR), "b".repeat(64))).toEqual({ kind: "key_reused" });
    expect(await write(at(24 * HOUR))).toEqual(answer(1, true));
    expect(await write(at(24 * HOUR + 1))).toEqual(answer(2, false));
    expect(await write(at(47 * HOUR))).toEqual(answer(2, true));
    expect(await write(at(49 * HOUR), "b".repeat(64))).toEqual(answer(3, false));
    expect(runs).toBe(3);
    expect(await app.db.models.IdempotencyKey.count({ where: { key: "window-1" } })).toBe(1);
  });

  it("an unusable key header is refused naming it", async () => {
    for (const bad of ["has space", "x".repeat(129), "caf\u00e9"]) {
      const res = await request(app.url)
        .post("/api/v1/customers")
        .set("Authorization", `Bearer ${key}`)
        .set("Idempotency-Key", bad)
        .send({ externalId: "K-1" });
      expect(res.status).toBe(422);
      expect(res.body.error.fields).toEqual([{ field: "Idempotency-Key", reason: "must be 1 to 128 visible ASCII characters" }]);
    }
    expect(await app.db.models.Customer.count({ where: { externalId: "K-1" } })).toBe(0);
  });
});
