// The automation API through real HTTP: create, read, list, change, pause, resume, delete and the
// firings, with bearer keys and scopes, idempotency keys, and bad input named by field with
// nothing written.
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../support/app";
import { rowCounts, testDialect } from "../support/db";
import { tableContents } from "../access/console";
import { addCustomers } from "../customers/factory";
import { addSegment } from "../campaigns/support";

describe(`the automation API on ${testDialect}`, () => {
  let app: TestApp;
  let writer: string;
  let reader: string;
  let outsider: string;
  let lapsed = 0;
  let vip = 0;

  const api = (method: "get" | "post" | "patch" | "delete", path: string, key: string | null = writer) => {
    const r = request(app.url)[method](`/api/v1${path}`);
    return key ? r.set("Authorization", `Bearer ${key}`) : r;
  };
  const body = (fields: Record<string, unknown> = {}) => ({
    name: "Welcome back",
    trigger: { segmentId: lapsed, kind: "entered" },
    delay: { kind: "days", amount: 3 },
    action: { kind: "message", channels: ["sms"], templates: { sms: { textBody: "We missed you, {{ customer.first_name }}" } } },
    cap: { kind: "days", days: 30 },
    firingHours: { start: "09:00", end: "20:00" },
    ...fields,
  });
  const create = async (fields: Record<string, unknown> = {}) => {
    const res = await api("post", "/automations").send(body(fields));
    expect(res.status, res.text).toBe(201);
    return res.body as { id: number } & Record<string, unknown>;
  };

  beforeAll(async () => {
    app = await startTestApp();
    lapsed = await addSegment(app.db, "Lapsed", "lapsed");
    vip = await addSegment(app.db, "VIP", "vip");
    writer = (await app.apiKey(["automations:read", "automations:write"])).secret;
    reader = (await app.apiKey(["automations:read"])).secret;
    outsider = (await app.apiKey(["campaigns:read", "campaigns:write"])).secret;
  });
  afterAll(() => app?.close());

  it("creates an automation and reads it back whole, in the shape it takes", async () => {
    const res = await api("post", "/automations").send(body());
    expect(res.status, res.text).toBe(201);
    expect(res.headers.location).toBe(`/api/v1/automations/${res.body.id}`);
    expect(res.body).toMatchObject({ ...body(), isActive: true, pausedAt: null, firings: { byStatus: { pending: 0, done: 0 }, skipped: { left_before_delay: 0 } } });
    const read = await api("get", `/automations/${res.body.id}`, reader);
    expect(read.status).toBe(200);
    expect(read.body).toEqual(res.body);
    // what a GET gives can be sent back as it is
    const { id, pausedAt, createdAt, updatedAt, firings, ...input } = read.body as Record<string, unknown>;
    void [id, pausedAt, createdAt, updatedAt, firings];
    expect((await api("post", "/automations").send({ ...input, name: "A copy" })).status).toBe(201);
  });

  it("lists automations, by trigger segment and by state", async () => {
    const other = await create({ name: "On VIP", trigger: { segmentId: vip, kind: "left" }, isActive: false });
    const all = await api("get", "/automations", reader);
    expect(all.status).toBe(200);
    const ids = (all.body.automations as Array<{ id: number }>).map((a) => a.id);
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
    expect(ids).toContain(other.id);
    const onVip = await api("get", `/automations?segmentId=${vip}`, reader);
    expect(onVip.body.automations.map((a: { id: number }) => a.id)).toEqual([other.id]);
    const paused = await api("get", "/automations?isActive=false", reader);
    expect(paused.body.automations.map((a: { id: number }) => a.id)).toEqual([other.id]);
    expect((await api("get", "/automations?isActive=maybe", reader)).status).toBe(422);
  });

  it("changes only the fields sent; pause and resume hold and release waiting firings; delete cancels them", async () => {
    const a = await create({ name: "Patched" });
    const patched = await api("patch", `/automations/${a.id}`).send({ name: "Patched again", cap: { kind: "once" } });
    expect(patched.status, patched.text).toBe(200);
    expect(patched.body).toMatchObject({ name: "Patched again", cap: { kind: "once" }, delay: { kind: "days", amount: 3 }, firingHours: { start: "09:00", end: "20:00" } });
    const [customerId] = await addCustomers(app.db, [{ externalId: "api-1" }]);
    const now = new Date();
    await app.db.models.AutomationFiring.create({ automationId: a.id, segmentEventId: 1_000_001, customerId, eventKind: "entered", eventAt: now, status: "pending", dueAt: now, createdAt: now, updatedAt: now });
    const paused = await api("post", `/automations/${a.id}/pause`);
    expect(paused.status).toBe(200);
    expect(paused.body).toMatchObject({ isActive: false, firings: { byStatus: { held: 1, pending: 0 } } });
    expect((await api("post", `/automations/${a.id}/pause`)).body).toMatchObject({ isActive: false });
    const resumed = await api("post", `/automations/${a.id}/resume`);
    expect(resumed.body).toMatchObject({ isActive: true, pausedAt: null, firings: { byStatus: { held: 0, pending: 1 } } });
    const firings = await api("get", `/automations/${a.id}/firings`, reader);
    expect(firings.status).toBe(200);
    expect(firings.body).toMatchObject({ firings: [{ customerId, externalId: "api-1", eventKind: "entered", status: "pending", skipReason: null }], nextCursor: null });
    const deleted = await api("delete", `/automations/${a.id}`);
    expect(deleted.body).toEqual({ id: a.id, deleted: true, cancelled: 1 });
    expect((await api("get", `/automations/${a.id}`)).status).toBe(404);
    expect((await api("delete", `/automations/${a.id}`)).status).toBe(404);
    expect((await app.db.models.AutomationFiring.findOne({ where: { automationId: a.id } }))!.status).toBe("cancelled");
  });

  it("firings come newest first, a page at a time, and by status", async () => {
    const a = await create({ name: "Paged" });
    const customers = await addCustomers(app.db, Array.from({ length: 5 }, (_, i) => ({ externalId: `pg-${i}` })));
    const now = new Date();
    await app.db.models.AutomationFiring.bulkCreate(
      customers.map((customerId, i) => ({ automationId: a.id, segmentEventId: 2_000_000 + i, customerId, eventKind: "entered" as const, eventAt: now, status: i % 2 ? ("skipped" as const) : ("done" as const), skipReason: i % 2 ? ("automation_cap" as const) : null, dueAt: now, actedAt: now, createdAt: now, updatedAt: now })),
    );
    const first = await api("get", `/automations/${a.id}/firings?limit=2`, reader);
    expect(first.body.firings.map((f: { externalId: string }) => f.externalId)).toEqual(["pg-4", "pg-3"]);
    const second = await api("get", `/automations/${a.id}/firings?limit=2&cursor=${first.body.nextCursor}`, reader);
    expect(second.body.firings.map((f: { externalId: string }) => f.externalId)).toEqual(["pg-2", "pg-1"]);
    const third = await api("get", `/automations/${a.id}/firings?limit=2&cursor=${second.body.nextCursor}`, reader);
    expect(third.body).toMatchObject({ firings: [{ externalId: "pg-0" }], nextCursor: null });
    const skipped = await api("get", `/automations/${a.id}/firings?status=skipped`, reader);
    expect(skipped.body.firings.map((f: { skipReason: string }) => f.skipReason)).toEqual(["automation_cap", "automation_cap"]);
    expect((await api("get", `/automations/${a.id}`, reader)).body.firings).toMatchObject({ byStatus: { done: 3, skipped: 2 }, skipped: { automation_cap: 2 } });
  });

  it("bad input is refused with 422 naming each field, and nothing is written", async () => {
    const existing = await create({ name: "Left alone" });
    const cases: Array<[string, "post" | "patch", Record<string, unknown>, string[]]> = [
      ["/automations", "post", body({ name: "" }), ["name"]],
      ["/automations", "post", body({ trigger: { segmentId: 987_654, kind: "entered" } }), ["trigger.segmentId"]],
      ["/automations", "post", body({ trigger: { segmentId: lapsed, kind: "stays" } }), ["trigger.kind"]],
      ["/automations", "post", body({ delay: { kind: "days", amount: 0 } }), ["delay.amount"]],
      ["/automations", "post", body({ action: { kind: "message", channels: ["sms"], templates: {} } }), ["action.templates.sms"]],
      ["/automations", "post", body({ action: { kind: "message", channels: ["sms"], templates: { sms: { textBody: "Hi {{ customer.nope }}" } } } }), ["action.templates.sms.textBody"]],
      ["/automations", "post", body({ action: { kind: "notify", userId: 987_654 } }), ["action.userId"]],
      ["/automations", "post", body({ action: { kind: "add_to_segment", segmentId: lapsed } }), ["action.segmentId"]],
      ["/automations", "post", body({ cap: { kind: "days", days: 0 } }), ["cap.days"]],
      ["/automations", "post", body({ surprise: 1 }), ["surprise"]],
      [`/automations/${existing.id}`, "patch", { firingHours: { start: "09:00", end: "09:00" } }, ["firingHours.end"]],
      [`/automations/${existing.id}`, "patch", { name: "", isActive: "yes" }, ["name", "isActive"]],
    ];
    for (const [path, method, sent, named] of cases) {
      const before = await tableContents(app.db);
      const res = await api(method, path).send(sent);
      expect(res.status, `${JSON.stringify(sent)}: ${res.text}`).toBe(422);
      const fields = (res.body.error.fields as Array<{ field: string }>).map((f) => f.field);
      for (const field of named) expect(fields, JSON.stringify(sent)).toContain(field);
      expect(await tableContents(app.db)).toBe(before);
    }
  });

  it("a key without the scope is refused, a read key cannot write, and a retried create with its Idempotency-Key makes one automation", async () => {
    // (the keys' last use is noted: the rows are counted, not compared)
    const before = await rowCounts(app.db);
    expect((await api("get", "/automations", outsider)).status).toBe(403);
    expect((await api("post", "/automations", reader).send(body())).status).toBe(403);
    expect((await api("patch", "/automations/1", reader).send({ name: "Mine" })).status).toBe(403);
    expect((await api("get", "/automations", null)).status).toBe(401);
    expect(await rowCounts(app.db)).toEqual(before);
    const count = await app.db.models.Automation.count();
    const first = await api("post", "/automations").set("Idempotency-Key", "create-once-1").send(body({ name: "Once" }));
    const again = await api("post", "/automations").set("Idempotency-Key", "create-once-1").send(body({ name: "Once" }));
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.headers["idempotent-replayed"]).toBe("true");
    expect(again.body.id).toBe(first.body.id);
    expect(await app.db.models.Automation.count()).toBe(count + 1);
    expect((await api("post", "/automations").set("Idempotency-Key", "create-once-1").send(body({ name: "Other" }))).status).toBe(422);
  });
});
