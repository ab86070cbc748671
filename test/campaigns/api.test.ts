// The campaign API through real HTTP: create, read, list, change, delete, the sending controls and
// the deliveries, with bearer keys and scopes, idempotency keys, and bad input named by field with
// nothing written.
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../support/app";
import { rowCounts, testDialect } from "../support/db";
import { tableContents } from "../access/console";
import { addCustomers } from "../customers/factory";
import { addDeliveries, addSegment, campaignBody } from "./support";

describe(`the campaign API on ${testDialect}`, () => {
  let app: TestApp;
  let writer: string;
  let reader: string;
  let outsider: string;
  let vip = 0;
  let lapsed = 0;

  const api = (method: "get" | "post" | "patch" | "delete", path: string, key: string | null = writer) => {
    const r = request(app.url)[method](`/api/v1${path}`);
    return key ? r.set("Authorization", `Bearer ${key}`) : r;
  };
  const create = async (fields: Record<string, unknown> = {}) => {
    const res = await api("post", "/campaigns").send(campaignBody(vip, fields));
    expect(res.status, res.text).toBe(201);
    return res.body as { id: number } & Record<string, unknown>;
  };

  beforeAll(async () => {
    app = await startTestApp();
    vip = await addSegment(app.db, "VIP", "vip");
    lapsed = await addSegment(app.db, "Lapsed", "lapsed");
    writer = (await app.apiKey(["campaigns:read", "campaigns:write"])).secret;
    reader = (await app.apiKey(["campaigns:read"])).secret;
    outsider = (await app.apiKey(["segments:read", "segments:write"])).secret;
  });
  afterAll(() => app?.close());

  it("creates a draft and reads it back whole, in the shape it takes", async () => {
    const res = await api("post", "/campaigns").send(
      campaignBody(vip, { excludeSegmentIds: [lapsed], schedule: { kind: "at", sendAt: "2031-06-01T08:00:00+03:00" }, quietHours: { start: "21:00", end: "09:00" } }),
    );
    expect(res.status, res.text).toBe(201);
    expect(res.headers.location).toBe(`/api/v1/campaigns/${res.body.id}`);
    expect(res.body).toMatchObject({
      name: "Spring sale",
      status: "draft",
      channels: ["email", "sms"],
      includeSegmentIds: [vip],
      excludeSegmentIds: [lapsed],
      segments: [
        { id: vip, code: "vip", name: "VIP", isDeleted: false },
        { id: lapsed, code: "lapsed", name: "Lapsed", isDeleted: false },
      ],
      schedule: { kind: "at", timeZoneMode: "store", sendAt: "2031-06-01T05:00:00.000Z", localSendAt: null },
      quietHours: { start: "21:00", end: "09:00" },
      templates: { email: { subject: "Spring is here, {{ customer.first_name }}", htmlBody: "<h1>Spring sale</h1><p>20% off</p>", textBody: null }, sms: { textBody: "Spring sale: 20% off today" } },
      progress: { total: 0 },
      startedAt: null,
    });
    const one = await api("get", `/campaigns/${res.body.id}`, reader);
    expect(one.status).toBe(200);
    expect(one.body).toEqual(res.body);
    // the record goes back in as it came out: a PATCH with its own fields changes nothing but updatedAt
    const { name, channels, includeSegmentIds, excludeSegmentIds, quietHours, templates } = one.body;
    const again = await api("patch", `/campaigns/${res.body.id}`).send({ name, channels, includeSegmentIds, excludeSegmentIds, quietHours, templates, schedule: { kind: "at", sendAt: one.body.schedule.sendAt } });
    expect(again.status, again.text).toBe(200);
    expect({ ...again.body, updatedAt: null }).toEqual({ ...one.body, updatedAt: null });
  });

  it("refuses bad input with 422 naming each field, and writes nothing", async () => {
    const bad: Array<[Record<string, unknown>, string]> = [
      [{ name: "" }, "name"],
      [{ name: "a\u0000b" }, "name"],
      [{ channels: [] }, "channels"],
      [{ channels: ["email", "email"], templates: { email: { subject: "Hi", htmlBody: "<p>x</p>" } } }, "channels[1]"],
      [{ channels: ["pigeon"] }, "channels[0]"],
      [{ includeSegmentIds: [] }, "includeSegmentIds"],
      [{ includeSegmentIds: [424242] }, "includeSegmentIds[0]"],
      [{ includeSegmentIds: ["vip"] }, "includeSegmentIds[0]"],
      [{ excludeSegmentIds: [vip] }, "excludeSegmentIds[0]"],
      [{ channels: ["email", "sms", "viber"] }, "templates.viber"],
      [{ channels: ["email"] }, "templates.sms"],
      [{ templates: { email: { subject: "Hi", htmlBody: "<p>x</p>" }, sms: { textBody: "x", extra: 1 } } }, "templates.sms.extra"],
      [{ schedule: { kind: "at" } }, "schedule.sendAt"],
      [{ schedule: { kind: "at", sendAt: "2031-06-01T08:00:00" } }, "schedule.sendAt"],
      [{ schedule: { kind: "at", sendAt: "2020-06-01T08:00:00Z" } }, "schedule.sendAt"],
      [{ schedule: { kind: "at", timeZoneMode: "customer", sendAt: "2031-06-01T08:00:00Z" } }, "schedule.localSendAt"],
      [{ schedule: { kind: "at", timeZoneMode: "customer", localSendAt: "2031-06-01 08:00" } }, "schedule.localSendAt"],
      [{ schedule: { kind: "soon" } }, "schedule.kind"],
      [{ quietHours: { start: "21:00" } }, "quietHours.end"],
      [{ quietHours: { start: "21:00", end: "21:00" } }, "quietHours.end"],
      [{ status: "finished" }, "status"],
    ];
    const before = await rowCounts(app.db);
    for (const [fields, field] of bad) {
      const res = await api("post", "/campaigns").send(campaignBody(vip, fields));
      expect(res.status, JSON.stringify(fields)).toBe(422);
      expect(res.body.error.code).toBe("validation_failed");
      expect(res.body.error.fields.map((f: { field: string }) => f.field), `${JSON.stringify(fields)} → ${res.text}`).toContain(field);
    }
    expect(await rowCounts(app.db)).toEqual(before);
  });

  it("lists campaigns newest first, by status and name, a page at a time with a cursor", async () => {
    const ids = [];
    for (const name of ["Летен сезон", "Autumn", "Winter"]) ids.push((await create({ name })).id);
    await app.db.models.Campaign.update({ status: "finished", startedAt: new Date(), finishedAt: new Date() }, { where: { id: ids[1] } });
    const first = await api("get", "/campaigns?limit=2", reader);
    expect(first.status).toBe(200);
    expect(first.body.campaigns.map((c: { name: string }) => c.name)).toEqual(["Winter", "Autumn"]);
    expect(first.body.campaigns[0]).toMatchObject({ recipients: { total: 0, sent: 0 }, channels: ["email", "sms"] });
    expect(first.body.campaigns[0]).not.toHaveProperty("templates");
    const second = await api("get", `/campaigns?limit=2&cursor=${first.body.nextCursor}`, reader);
    expect(second.body.campaigns[0].name).toBe("Летен сезон");
    expect((await api("get", "/campaigns?status=finished", reader)).body.campaigns.map((c: { name: string }) => c.name)).toEqual(["Autumn"]);
    expect((await api("get", `/campaigns?q=${encodeURIComponent("ЛЕТЕН")}`, reader)).body.campaigns.map((c: { name: string }) => c.name)).toEqual(["Летен сезон"]);
    const badQuery = await api("get", "/campaigns?status=gone&limit=0", reader);
    expect(badQuery.status).toBe(422);
    expect(badQuery.body.error.fields.map((f: { field: string }) => f.field).sort()).toEqual(["limit", "status"]);
  });

  it("a PATCH changes only what it sends; a channel out of the chain takes its template, one added needs its own", async () => {
    const { id } = await create();
    const renamed = await api("patch", `/campaigns/${id}`).send({ name: "Renamed" });
    expect(renamed.status, renamed.text).toBe(200);
    expect(renamed.body).toMatchObject({ name: "Renamed", channels: ["email", "sms"] });
    const viberFirst = await api("patch", `/campaigns/${id}`).send({ channels: ["viber", "sms"], templates: { viber: { textBody: "On Viber" } } });
    expect(viberFirst.status, viberFirst.text).toBe(200);
    expect(viberFirst.body.templates).toEqual({ sms: { textBody: "Spring sale: 20% off today" }, viber: { textBody: "On Viber" } });
    const before = await tableContents(app.db);
    const missing = await api("patch", `/campaigns/${id}`).send({ channels: ["viber", "messenger"] });
    expect(missing.status).toBe(422);
    expect(missing.body.error.fields).toEqual([{ field: "templates.messenger", reason: expect.stringMatching(/required/) }]);
    const unknownField = await api("patch", `/campaigns/${id}`).send({ colour: "red" });
    expect(unknownField.status).toBe(422);
    expect(unknownField.body.error.fields).toEqual([{ field: "colour", reason: "is not a known field" }]);
    expect(await tableContents(app.db)).toBe(before);
    expect((await api("patch", "/campaigns/999999").send({ name: "x" })).status).toBe(404);
  });

  it("deletes drafts only; a started campaign is neither changed nor deleted (409 with the reason)", async () => {
    const { id } = await create({ name: "Doomed" });
    const del = await api("delete", `/campaigns/${id}`);
    expect(del.status).toBe(200);
    expect(del.body).toEqual({ id, deleted: true });
    expect((await api("get", `/campaigns/${id}`)).status).toBe(404);
    expect((await api("delete", `/campaigns/${id}`)).status).toBe(404);

    const started = await create({ name: "Out already" });
    await app.db.models.Campaign.update({ status: "sending", startedAt: new Date() }, { where: { id: started.id } });
    const before = await tableContents(app.db);
    const patch = await api("patch", `/campaigns/${started.id}`).send({ name: "Too late" });
    expect(patch.status).toBe(409);
    expect(patch.body.error).toMatchObject({ code: "conflict", message: expect.stringMatching(/sending/) });
    const gone = await api("delete", `/campaigns/${started.id}`);
    expect(gone.status).toBe(409);
    expect(await tableContents(app.db)).toBe(before);
    const audits = await app.db.models.AuditEntry.findAll({ where: { targetType: "campaign", targetId: String(id) }, order: [["id", "ASC"]], raw: true });
    expect(audits.map((a) => [a.action, a.apiKeyId !== null])).toEqual([
      ["campaign.create", true],
      ["campaign.delete", true],
    ]);
  });

  it("creating with an Idempotency-Key happens once: a retry gets the first answer, the key with another body is refused", async () => {
    const body = campaignBody(vip, { name: "Exactly once" });
    const first = await api("post", "/campaigns").set("Idempotency-Key", "create-once-1").send(body);
    expect(first.status).toBe(201);
    const retry = await api("post", "/campaigns").set("Idempotency-Key", "create-once-1").send(body);
    expect(retry.status).toBe(201);
    expect(retry.headers["idempotent-replayed"]).toBe("true");
    expect(retry.body.id).toBe(first.body.id);
    expect(await app.db.models.Campaign.count({ where: { name: "Exactly once" } })).toBe(1);
    const other = await api("post", "/campaigns").set("Idempotency-Key", "create-once-1").send({ ...body, name: "Another" });
    expect(other.status).toBe(422);
    expect(other.body.error.code).toBe("idempotency_key_reused");
  });

  it("the sending controls: start once per idempotency key, pause refused while not sending (409 with why, nothing changes), cancel", async () => {
    const { id } = await create({ name: "Controls" });
    const start = await api("post", `/campaigns/${id}/start`).set("Idempotency-Key", "ctl-start");
    expect(start.status, start.text).toBe(200);
    expect(start.body).toMatchObject({ id, status: "scheduled" });
    const replay = await api("post", `/campaigns/${id}/start`).set("Idempotency-Key", "ctl-start");
    expect(replay.status).toBe(200);
    expect(replay.headers["idempotent-replayed"]).toBe("true");
    expect(await app.db.models.AgendaJob.count({ where: { name: "start-campaign" } })).toBe(1);
    const before = await tableContents(app.db);
    for (const action of ["pause", "resume"]) {
      const res = await api("post", `/campaigns/${id}/${action}`).set("Idempotency-Key", `ctl-${action}`);
      expect(res.status, `${action}: ${res.text}`).toBe(409);
      expect(res.body.error).toMatchObject({ code: "conflict", message: expect.stringMatching(/scheduled/) });
    }
    expect(await tableContents(app.db)).toBe(before);
    const cancel = await api("post", `/campaigns/${id}/cancel`).set("Idempotency-Key", "ctl-cancel");
    expect(cancel.status, cancel.text).toBe(200);
    expect(cancel.body).toMatchObject({ id, status: "cancelled" });
    expect((await api("post", "/campaigns/999999/start")).status).toBe(404);
    expect((await api("post", `/campaigns/${id}/start`).set("Idempotency-Key", "bad key with spaces")).status).toBe(422);
  });

  it("lists a campaign's deliveries a page at a time, of one status", async () => {
    const { id } = await create({ name: "Delivered" });
    const customers = await addCustomers(app.db, Array.from({ length: 5 }, (_, i) => ({ externalId: `api-d-${i}`, email: `d${i}@shop.test` })));
    await addDeliveries(app.db, id, [
      { customerId: customers[0], status: "delivered" },
      { customerId: customers[1], status: "sent" },
      { customerId: customers[2], status: "skipped", channel: null, address: null, skipReason: "unsubscribed" },
      { customerId: customers[3], status: "failed", error: "rejected: bad address" },
      { customerId: customers[4], status: "sent" },
    ]);
    const first = await api("get", `/campaigns/${id}/deliveries?limit=2`, reader);
    expect(first.status, first.text).toBe(200);
    expect(first.body.deliveries.map((d: { externalId: string; status: string }) => [d.externalId, d.status])).toEqual([
      ["api-d-0", "delivered"],
      ["api-d-1", "sent"],
    ]);
    const rest = await api("get", `/campaigns/${id}/deliveries?limit=10&cursor=${first.body.nextCursor}`, reader);
    expect(rest.body.nextCursor).toBeNull();
    expect(rest.body.deliveries).toHaveLength(3);
    expect(rest.body.deliveries[0]).toMatchObject({ status: "skipped", skipReason: "unsubscribed", channel: null, address: null });
    const sent = await api("get", `/campaigns/${id}/deliveries?status=sent`, reader);
    expect(sent.body.deliveries.map((d: { externalId: string }) => d.externalId)).toEqual(["api-d-1", "api-d-4"]);
    const progress = (await api("get", `/campaigns/${id}`, reader)).body.progress;
    expect(progress).toMatchObject({ total: 5, byStatus: { sent: 2, delivered: 1, skipped: 1, failed: 1, queued: 0 }, skipped: { unsubscribed: 1 } });
    expect((await api("get", `/campaigns/${id}/deliveries?status=lost`, reader)).status).toBe(422);
    expect((await api("get", "/campaigns/999999/deliveries", reader)).status).toBe(404);
  });

  it("keeps writes to keys with campaigns:write and reads to keys with campaigns:read", async () => {
    const { id } = await create({ name: "Scoped" });
    const before = await rowCounts(app.db);
    expect((await api("post", "/campaigns", reader).send(campaignBody(vip))).status).toBe(403);
    expect((await api("patch", `/campaigns/${id}`, reader).send({ name: "x" })).status).toBe(403);
    expect((await api("delete", `/campaigns/${id}`, reader)).status).toBe(403);
    expect((await api("post", `/campaigns/${id}/start`, reader)).status).toBe(403);
    for (const path of ["/campaigns", `/campaigns/${id}`, `/campaigns/${id}/deliveries`]) {
      const res = await api("get", path, outsider);
      expect(res.status, path).toBe(403);
      expect(res.body.error.fields).toEqual([{ field: "Authorization", reason: "the key lacks the scope campaigns:read" }]);
      expect((await api("get", path, null)).status).toBe(401);
    }
    expect(await rowCounts(app.db)).toEqual(before);
  });
});
