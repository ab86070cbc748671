// Consent records: each write path that changes a subscription or the marketing consent appends one,
// with its source and reference, and only when the state really changed; the table refuses UPDATE
// and DELETE; the API and the customer page read the history back, newest first.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../support/app";
import { testDialect } from "../support/db";
import { createUser } from "../../models/users.server";
import { applyInboundEvents, unsubscribeByLink } from "../../campaigns/inbound/apply.server";
import { createImport, saveImportMapping } from "../../models/imports/imports.server";
import { checkImport, runImport } from "../../models/imports/run-import.server";
import { seedDemoStore } from "../../models/demo/seed";
import { Visitor } from "../access/console";

const password = "correct horse battery staple 9";
let app: TestApp;
let key: { id: number; secret: string };
let readKey: string;

const records = async (externalId: string) => {
  const c = await app.db.models.Customer.findOne({ where: { externalId }, raw: true });
  const rows = await app.db.models.ConsentRecord.findAll({ where: { customerId: c!.id }, order: [["id", "ASC"]], raw: true });
  return rows.map((r) => ({ subject: r.subject, isGranted: Boolean(Number(r.isGranted)), source: r.source, reference: r.reference }));
};

const api = (secret = key.secret) => ({
  post: (p: string, body: object) => request(app.url).post(`/api/v1${p}`).set("Authorization", `Bearer ${secret}`).send(body),
  get: (p: string) => request(app.url).get(`/api/v1${p}`).set("Authorization", `Bearer ${secret}`),
});

beforeAll(async () => {
  app = await startTestApp();
  key = await app.apiKey(["customers:write", "customers:read"]);
  readKey = (await app.apiKey(["customers:read"])).secret;
});
afterAll(() => app?.close());

describe(`consent records on ${testDialect}`, () => {
  it("an API upsert records the marketing consent and each subscribed channel once, with the key as reference, and nothing when re-sent", async () => {
    const body = { externalId: "k-1", email: "k1@shop.test", acceptsMarketing: true, channels: { email: { subscribed: true }, viber: { address: "vb-1", subscribed: false } } };
    expect((await api().post("/customers", body)).status).toBe(201);
    expect((await api().post("/customers", body)).status).toBe(200);
    const ref = `api_key:${key.id}`;
    expect(await records("k-1")).toEqual([
      { subject: "email", isGranted: true, source: "api", reference: ref },
      { subject: "marketing", isGranted: true, source: "api", reference: ref },
    ]);
    // withdrawn through the same endpoint: two records; an address change alone is none
    expect((await api().post("/customers", { ...body, acceptsMarketing: false, channels: { email: { subscribed: false }, viber: { address: "vb-2", subscribed: false } } })).status).toBe(200);
    expect((await records("k-1")).slice(2)).toEqual([
      { subject: "email", isGranted: false, source: "api", reference: ref },
      { subject: "marketing", isGranted: false, source: "api", reference: ref },
    ]);
  });

  it("the bulk endpoints record each real change, in order, and nothing for a change that changes nothing", async () => {
    await api().post("/customers/bulk", { customers: [{ externalId: "b-1", email: "b1@shop.test" }, { externalId: "b-2", acceptsMarketing: true }] });
    const out = await api().post("/subscriptions/bulk", {
      subscriptions: [
        { customerExternalId: "b-1", channel: "email", subscribed: true, at: "2026-01-01T10:00:00Z" },
        { customerExternalId: "b-1", channel: "email", subscribed: false, at: "2026-01-02T10:00:00Z" },
        { customerExternalId: "b-1", channel: "email", subscribed: false, at: "2026-01-03T10:00:00Z" },
        { customerExternalId: "b-1", channel: "email", subscribed: true, at: "2026-01-04T10:00:00Z" },
      ],
    });
    expect(out.status).toBe(200);
    expect((await records("b-1")).map((r) => r.isGranted)).toEqual([true, false, true]);
    expect(await records("b-2")).toEqual([{ subject: "marketing", isGranted: true, source: "api", reference: `api_key:${key.id}` }]);
    // the same subscription again: nothing more
    await api().post("/subscriptions", { customerExternalId: "b-1", channel: "email", subscribed: true });
    expect(await records("b-1")).toHaveLength(3);
    const history = await api(readKey).get("/customers/b-1/consents");
    expect(history.status).toBe(200);
    expect(history.body.consents.map((c: { occurredAt: string }) => c.occurredAt)).toEqual(["2026-01-04T10:00:00.000Z", "2026-01-02T10:00:00.000Z", "2026-01-01T10:00:00.000Z"]);
    expect((await api(readKey).get("/customers/nobody/consents")).status).toBe(404);
  });

  it("a webhook's opt-out and the unsubscribe link record their own sources, pointing at the delivery event", async () => {
    await api().post("/customers", { externalId: "w-1", phone: "+359888100200", channels: { sms: { subscribed: true }, email: { address: "w1@shop.test", subscribed: true } } });
    const customer = (await app.db.models.Customer.findOne({ where: { externalId: "w-1" } }))!;
    await applyInboundEvents(app.db, [{ kind: "subscription", provider: "twilio", eventKey: "inbound:SM1", channel: "sms", address: "+359888100200", isSubscribed: false, occurredAt: null }], new Date());
    // a provider's retry changes nothing
    await applyInboundEvents(app.db, [{ kind: "subscription", provider: "twilio", eventKey: "inbound:SM1", channel: "sms", address: "+359888100200", isSubscribed: false, occurredAt: null }], new Date());
    expect((await unsubscribeByLink(app.db, { customerId: customer.id, channel: "email" }, new Date())).ok).toBe(true);
    expect(await unsubscribeByLink(app.db, { customerId: customer.id, channel: "email" }, new Date())).toEqual({ ok: true, changed: false });
    const rows = (await records("w-1")).slice(2);
    expect(rows.map((r) => [r.subject, r.isGranted, r.source])).toEqual([
      ["sms", false, "webhook"],
      ["email", false, "unsubscribe_link"],
    ]);
    for (const r of rows) {
      const id = Number(/^delivery_event:(\d+)$/.exec(r.reference ?? "")?.[1]);
      expect(await app.db.models.DeliveryEvent.findByPk(id)).not.toBeNull();
    }
  });

  it("a CSV import records its changes with the import as reference", async () => {
    const admin = await createUser(app.db, { email: "importer@shop.test", name: "Importer", password, role: "admin" });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "privacy-import-"));
    const filePath = path.join(dir, "customers.csv");
    fs.writeFileSync(filePath, "external id,email,accepts marketing\ni-1,i1@shop.test,yes\nk-1,k1@shop.test,yes\n");
    const created = await createImport(app.db, { userId: admin.id, fileName: "customers.csv", filePath, fileSize: fs.statSync(filePath).size });
    if (!created.ok) throw new Error(created.problem);
    expect(await saveImportMapping(app.db, created.id, ["externalId", "email", "acceptsMarketing"])).toEqual({ ok: true });
    expect(await checkImport(app.db, created.id)).toMatchObject({ ok: true, status: "checked" });
    expect(await runImport(app.db, created.id)).toMatchObject({ ok: true, status: "done" });
    expect(await records("i-1")).toEqual([{ subject: "marketing", isGranted: true, source: "import", reference: `import:${created.id}` }]);
    expect((await records("k-1")).at(-1)).toEqual({ subject: "marketing", isGranted: true, source: "import", reference: `import:${created.id}` });
  });

  it("the table refuses UPDATE and DELETE while the customer exists", async () => {
    const row = (await app.db.models.ConsentRecord.findOne())!;
    const refusal = (sql: string) =>
      app.db.sequelize.query(sql, { replacements: [row.id] }).then(
        () => "done",
        (error: { original?: Error; message: string }) => error.original?.message ?? error.message,
      );
    expect(await refusal("UPDATE consent_records SET is_granted = 0 WHERE id = ?")).toMatch(/append-only/);
    expect(await refusal("UPDATE consent_records SET reference = NULL WHERE id = ?")).toMatch(/append-only/);
    expect(await refusal("DELETE FROM consent_records WHERE id = ?")).toMatch(/append-only/);
    expect(await app.db.models.ConsentRecord.findByPk(row.id, { raw: true })).toMatchObject({ subject: row.subject });
  });

  it("the demo store writes its initial grants in bulk, with source demo", async () => {
    const before = await app.db.models.Customer.count();
    expect(before).toBeGreaterThan(0);
    // the demo goes into an empty store: a second app of its own
    const demo = await startTestApp();
    try {
      await seedDemoStore(demo.db, { customers: 40, seed: 7, now: new Date("2026-03-01T10:00:00Z"), log: () => {} });
      const subscribed = await demo.db.models.ChannelIdentity.count({ where: { isSubscribed: true } });
      const consenting = await demo.db.models.Customer.count({ where: { acceptsMarketing: true } });
      const rows = await demo.db.models.ConsentRecord.findAll({ raw: true });
      expect(rows.length).toBe(subscribed + consenting);
      expect(new Set(rows.map((r) => r.source))).toEqual(new Set(["demo"]));
      expect(rows.every((r) => Number(r.isGranted) === 1)).toBe(true);
    } finally {
      await demo.close();
    }
  });

  it("the customer page shows the history per channel, newest first", async () => {
    await createUser(app.db, { email: "marketer@shop.test", name: "Marketer", password, role: "marketer" });
    const visitor = await Visitor.signIn(app.url, "marketer@shop.test", password);
    const customer = (await app.db.models.Customer.findOne({ where: { externalId: "b-1" } }))!;
    const page = await request(app.url).get(`/customers/${customer.id}`).set("Cookie", visitor.cookieHeader).expect(200);
    const section = /data-testid="consent-email"[\s\S]*?<\/section>/.exec(page.text)?.[0] ?? "";
    expect(section.match(/Granted|Withdrawn/g)).toEqual(["Granted", "Withdrawn", "Granted"]);
    expect(section).toContain("api_key:");
  });
});
