// The customer data export (an access request): the JSON document exact for a customer built by
// hand, the CSV bundle read back, the audit entry, and who may ask: admins on the page, keys with
// customers:privacy on the API; marketers, managers and other keys are refused.
import { parse } from "csv-parse/sync";
import JSZip from "jszip";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../support/app";
import { testDialect } from "../support/db";
import { createUser } from "../../models/users.server";
import { addChannel, addCustomers, addOrder } from "../customers/factory";
import { exportCustomer } from "../../models/privacy/export.server";
import { Visitor } from "../access/console";

const password = "correct horse battery staple 9";
const T = (iso: string) => new Date(iso);
let app: TestApp;
let customerId = 0;
let otherId = 0;
const visitors: Record<string, Visitor> = {};

beforeAll(async () => {
  app = await startTestApp();
  const db = app.db;
  const manager = await createUser(db, { email: "manager@shop.test", name: "Mila Manager", password, role: "manager" });
  await createUser(db, { email: "admin@shop.test", name: "Ada Admin", password, role: "admin" });
  await createUser(db, { email: "marketer@shop.test", name: "Mark Marketer", password, role: "marketer" });
  const group = await db.models.CustomerGroup.create({ name: "VIP" });
  [customerId, otherId] = await addCustomers(db, [
    { externalId: "hand-1", firstName: "Hana", lastName: "Hristova", email: "hana@shop.test", phone: "+359888000111", country: "BG", city: "Plovdiv", birthday: "1990-04-02", managerId: manager.id, customerGroupId: group.id },
    { externalId: "other-1", firstName: "Otto", email: "otto@shop.test", country: "BG", managerId: manager.id },
  ]);
  await db.models.Customer.update({ acceptsMarketing: true, registeredAt: T("2025-01-01T08:00:00Z"), locale: "bg" }, { where: { id: customerId } });
  const tag = await db.models.Tag.create({ name: "=cmd|' /C calc'!A0" });
  await db.models.CustomerTag.create({ customerId, tagId: tag.id });
  const field = await db.models.CustomField.create({ key: "size", label: "Shoe size", type: "number", options: null });
  await db.models.CustomerFieldValue.create({ customerId, customFieldId: field.id, valueText: null, valueNumber: 38, valueDate: null });
  const q = await db.models.RegistrationQuestion.create({ key: "pets", text: "Pets?" });
  const cat = await db.models.RegistrationOption.create({ questionId: q.id, key: "cat", label: "Cat" });
  await db.models.RegistrationAnswer.create({ customerId, optionId: cat.id, questionId: q.id, answeredAt: T("2025-01-01T08:01:00Z") });
  await addChannel(db, customerId, "email", true, "hana@shop.test", T("2025-01-01T08:00:00Z"));
  await db.models.ConsentRecord.create({ customerId, subject: "email", isGranted: true, source: "api", reference: "api_key:1", occurredAt: T("2025-01-01T08:00:00Z"), createdAt: T("2025-01-01T08:00:00Z") });
  await db.models.ConsentRecord.create({ customerId, subject: "marketing", isGranted: true, source: "admin", reference: "user:1", occurredAt: T("2025-01-02T08:00:00Z"), createdAt: T("2025-01-02T08:00:00Z") });
  await addOrder(db, customerId, { externalId: "O-1", total: 4_200, placedAt: T("2025-02-01T10:00:00Z") });
  await db.models.AbandonedCart.create({ externalId: "K-1", customerId, abandonedAt: T("2025-02-03T10:00:00Z"), value: 990, currency: "EUR", recoveredAt: null });
  await db.models.Task.create({ customerId, assigneeId: manager.id, title: "Call Hana", description: "-about the boots", dueAt: null, status: "open", automationId: null, firingId: null, createdById: null, createdAt: T("2025-02-04T10:00:00Z"), updatedAt: T("2025-02-04T10:00:00Z") });
  await db.models.OutboxMessage.create({ channel: "email", purpose: "campaign", recipient: "hana@shop.test", userId: null, customerId, subject: "+Spring", textBody: "Hi Hana", htmlBody: "<p>Hi Hana</p>", status: "stored", createdAt: T("2025-02-05T10:00:00Z"), updatedAt: T("2025-02-05T10:00:00Z") });
  for (const role of ["admin", "marketer", "manager"]) visitors[role] = await Visitor.signIn(app.url, `${role}@shop.test`, password);
});
afterAll(() => app?.close());

describe(`the customer data export on ${testDialect}`, () => {
  it("holds exactly what the store holds about the customer", async () => {
    const now = T("2026-03-01T10:00:00Z");
    const doc = (await exportCustomer(app.db, customerId, now))!;
    expect(doc.customer).toMatchObject({
      id: customerId,
      externalId: "hand-1",
      firstName: "Hana",
      lastName: "Hristova",
      email: "hana@shop.test",
      phone: "+359888000111",
      country: "BG",
      city: "Plovdiv",
      birthday: "1990-04-02",
      locale: "bg",
      acceptsMarketing: true,
      customerGroup: "VIP",
      manager: { name: "Mila Manager", email: "manager@shop.test" },
      tags: ["=cmd|' /C calc'!A0"],
      registeredAt: "2025-01-01T08:00:00.000Z",
      erasedAt: null,
    });
    expect(doc.exportedAt).toBe("2026-03-01T10:00:00.000Z");
    expect(doc.marketingConsent.map((c) => [c.subject, c.isGranted, c.source, c.reference, c.occurredAt])).toEqual([["marketing", true, "admin", "user:1", "2025-01-02T08:00:00.000Z"]]);
    expect(doc.channels).toEqual([
      {
        channel: "email",
        address: "hana@shop.test",
        isSubscribed: true,
        subscriptionChangedAt: "2025-01-01T08:00:00.000Z",
        consentHistory: [expect.objectContaining({ subject: "email", isGranted: true, source: "api", reference: "api_key:1", occurredAt: "2025-01-01T08:00:00.000Z" })],
      },
    ]);
    expect(doc.customFields).toEqual([{ key: "size", label: "Shoe size", type: "number", value: 38 }]);
    expect(doc.registrationAnswers).toEqual([{ questionKey: "pets", question: "Pets?", optionKey: "cat", option: "Cat", answeredAt: "2025-01-01T08:01:00.000Z" }]);
    expect(doc.orders).toHaveLength(1);
    expect(doc.orders[0]).toMatchObject({ externalId: "O-1", status: "completed", total: 4_200, placedAt: "2025-02-01T10:00:00.000Z" });
    expect(doc.abandonedCarts).toEqual([{ externalId: "K-1", abandonedAt: "2025-02-03T10:00:00.000Z", value: 990, currency: "EUR", recoveredAt: null }]);
    expect(doc.tasks).toEqual([{ title: "Call Hana", description: "-about the boots", status: "open", dueAt: null, createdAt: "2025-02-04T10:00:00.000Z", completedAt: null, comments: [] }]);
    expect(doc.messages.outbox).toEqual([
      { channel: "email", purpose: "campaign", recipient: "hana@shop.test", subject: "+Spring", text: "Hi Hana", html: "<p>Hi Hana</p>", status: "stored", createdAt: "2025-02-05T10:00:00.000Z", sentAt: null },
    ]);
    expect(doc.messages.deliveries).toEqual([]);
    expect(doc.segmentHistory).toEqual({ memberships: [], events: [] });
    // nothing of the other customer
    expect(JSON.stringify(doc)).not.toContain("otto@shop.test");
    expect(await exportCustomer(app.db, 999_999, now)).toBeNull();
  });

  it("an admin downloads the JSON and the CSV bundle from the customer page; each download is audited", async () => {
    const admin = visitors.admin;
    const page = await request(app.url).get(`/customers/${customerId}`).set("Cookie", admin.cookieHeader).expect(200);
    expect(page.text).toContain(`/customers/${customerId}/export?format=json`);
    const json = await request(app.url).get(`/customers/${customerId}/export?format=json`).set("Cookie", admin.cookieHeader).expect(200);
    expect(json.headers["content-disposition"]).toMatch(new RegExp(`attachment; filename="customer-${customerId}-\\d{4}-\\d\\d-\\d\\d\\.json"`));
    expect(json.headers["cache-control"]).toBe("no-store");
    expect(JSON.parse(json.text).customer.externalId).toBe("hand-1");

    const zip = await request(app.url)
      .get(`/customers/${customerId}/export?format=csv`)
      .set("Cookie", admin.cookieHeader)
      .buffer(true)
      .parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => done(null, Buffer.concat(chunks)));
      })
      .expect(200);
    expect(zip.headers["content-type"]).toBe("application/zip");
    const files = await JSZip.loadAsync(zip.body as Buffer);
    const read = async (name: string) => parse(await files.file(name)!.async("nodebuffer"), { bom: true }) as string[][];
    expect(Object.keys(files.files).sort()).toEqual(
      [
        "abandoned_carts.csv", "campaign_messages.csv", "changes.csv", "channels.csv", "consent_history.csv", "custom_fields.csv", "customer.csv", "interactions.csv",
        "order_items.csv", "orders.csv", "outbox_messages.csv", "registration_answers.csv", "segment_events.csv", "segment_memberships.csv", "tasks.csv",
      ].sort(),
    );
    const customer = await read("customer.csv");
    const column = (name: string) => customer[1][customer[0].indexOf(name)];
    expect(column("externalId")).toBe("hand-1");
    // cells a spreadsheet would run as a formula start with an apostrophe
    expect(column("tags")).toBe("'=cmd|' /C calc'!A0");
    expect(column("phone")).toBe("'+359888000111");
    expect((await read("tasks.csv"))[1].slice(0, 2)).toEqual(["Call Hana", "'-about the boots"]);
    expect((await read("consent_history.csv")).slice(1).map((r) => r.slice(0, 3))).toEqual([
      ["marketing", "true", "admin"],
      ["email", "true", "api"],
    ]);
    expect((await read("orders.csv"))[1].slice(0, 3)).toEqual(["O-1", "completed", "4200"]);

    const audits = await app.db.models.AuditEntry.findAll({ where: { action: "customer.export" }, order: [["id", "ASC"]], raw: true });
    expect(audits.map((a) => [a.targetType, a.targetId, JSON.parse(a.detail!).format])).toEqual([
      ["customer", String(customerId), "json"],
      ["customer", String(customerId), "csv"],
    ]);
    expect(audits.every((a) => !String(a.detail).includes("hana"))).toBe(true);
  });

  it("marketers and managers may neither download nor erase, and their page offers neither", async () => {
    for (const role of ["marketer", "manager"]) {
      const v = visitors[role];
      const page = await request(app.url).get(`/customers/${customerId}`).set("Cookie", v.cookieHeader).expect(200);
      expect(page.text).not.toContain("/export?format=");
      expect(page.text).not.toContain('data-testid="erase-open"');
      expect(page.text).toContain('data-testid="consent-history"');
      expect((await request(app.url).get(`/customers/${customerId}/export?format=json`).set("Cookie", v.cookieHeader)).status).toBe(403);
      const csrf = await v.formToken(`/customers/${customerId}`).catch(() => v.formToken("/account"));
      const erase = await request(app.url).post(`/customers/${customerId}/erase`).set("Cookie", v.cookieHeader).type("form").send({ csrf, confirmation: "hand-1" });
      expect(erase.status).toBe(403);
    }
    expect(await app.db.models.Customer.count({ where: { erasedAt: null } })).toBe(2);
    expect(await app.db.models.AuditEntry.count({ where: { action: "customer.export" } })).toBe(2);
  });

  it("the API answers the export with customers:privacy only, and 404 for an unknown customer", async () => {
    const privacy = (await app.apiKey(["customers:privacy"])).secret;
    const reader = (await app.apiKey(["customers:read", "customers:write"])).secret;
    const got = await request(app.url).get("/api/v1/customers/hand-1/export").set("Authorization", `Bearer ${privacy}`).expect(200);
    expect(got.body.customer.email).toBe("hana@shop.test");
    expect((await request(app.url).get("/api/v1/customers/hand-1/export").set("Authorization", `Bearer ${reader}`)).status).toBe(403);
    expect((await request(app.url).post("/api/v1/customers/hand-1/erase").set("Authorization", `Bearer ${reader}`)).status).toBe(403);
    expect((await request(app.url).get("/api/v1/customers/nobody/export").set("Authorization", `Bearer ${privacy}`)).status).toBe(404);
    const audit = await app.db.models.AuditEntry.findOne({ where: { action: "customer.export" }, order: [["id", "DESC"]], raw: true });
    expect(audit).toMatchObject({ targetId: String(customerId), userId: null });
    expect(audit!.apiKeyId).not.toBeNull();
  });

  it("an admin's wrong confirmation erases nothing; the right one leaves the tombstone page", async () => {
    const admin = visitors.admin;
    const csrf = await admin.formToken(`/customers/${otherId}`);
    const wrong = await request(app.url).post(`/customers/${otherId}/erase`).set("Cookie", admin.cookieHeader).type("form").send({ csrf, confirmation: "other-2" });
    expect(wrong.status).toBe(400);
    expect((await app.db.models.Customer.findByPk(otherId, { raw: true }))!.erasedAt).toBeNull();
    const right = await request(app.url).post(`/customers/${otherId}/erase`).set("Cookie", admin.cookieHeader).type("form").send({ csrf, confirmation: "other-1" });
    expect(right.status).toBe(302);
    expect(right.headers.location).toBe(`/customers/${otherId}`);
    const page = await request(app.url).get(`/customers/${otherId}`).set("Cookie", admin.cookieHeader).expect(200);
    expect(page.text).toContain('data-testid="erased-notice"');
    expect(page.text).not.toContain("otto@shop.test");
    expect(page.text).not.toContain('data-testid="erase-open"');
    // and the customer list shows them no more
    const list = await request(app.url).get("/customers").set("Cookie", admin.cookieHeader).expect(200);
    expect(list.text).not.toContain(`/customers/${otherId}"`);
  });
});
