// Erasure end to end: a customer with distinctive values goes through every path (API upsert,
// orders, carts, an import, a segment, a campaign delivered to the outbox, an automation's task),
// is erased through the API, and then no table's text column nor the app's log holds any of the
// values; orders and revenue stay, memberships and the fact index drop the customer, and the
// external id makes a new, empty customer.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Writable } from "node:stream";
import { QueryTypes } from "sequelize";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../support/app";
import { testDialect } from "../support/db";
import { createLogger } from "../../server/logger";
import { createUser } from "../../models/users.server";
import { createImport, saveImportMapping } from "../../models/imports/imports.server";
import { checkImport, runImport } from "../../models/imports/run-import.server";
import { eraseCustomer } from "../../models/privacy/erase.server";
import { erasureFileDeps } from "../../jobs/erasure-leftovers";
import type { Database } from "../../models/db";
import { until } from "../worker/support";

const password = "correct horse battery staple 9";
const ZQ = {
  externalId: "ZQX-Erase-4471",
  firstName: "Zephyrinka",
  lastName: "Quattlebaumova",
  email: "zephyrinka.q@erasure-test.example",
  phone: "+359887771234",
  city: "Vlaxhorodishte",
  birthday: "1987-11-23",
  note: "Prefers Xylophonic-Wrapping",
  viber: "VbZq9931xQ==",
};
/** Every value that must be gone; the phone also as the digits a display or a message would spell. */
const ERASED = [ZQ.externalId, ZQ.firstName, ZQ.lastName, ZQ.email, ZQ.phone, "887771234", ZQ.city, ZQ.note, ZQ.viber];

/** The text columns of every table, from the database's own catalogue. */
async function textColumns(db: Database): Promise<Array<{ table: string; column: string }>> {
  if (db.dialect === "mysql") {
    return db.sequelize.query<{ table: string; column: string }>(
      `SELECT TABLE_NAME AS \`table\`, COLUMN_NAME AS \`column\` FROM information_schema.COLUMNS
        WHERE TABLE_SCHEMA = DATABASE() AND DATA_TYPE IN ('char', 'varchar', 'tinytext', 'text', 'mediumtext', 'longtext', 'json', 'enum')`,
      { type: QueryTypes.SELECT },
    );
  }
  const tables = await db.sequelize.query<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'", { type: QueryTypes.SELECT });
  const out: Array<{ table: string; column: string }> = [];
  for (const { name } of tables) {
    const columns = await db.sequelize.query<{ name: string; type: string }>(`PRAGMA table_info("${name}")`, { type: QueryTypes.SELECT });
    // SQLite stores any value in any column: every column that is not a plain number is read
    for (const c of columns) if (!/^(INTEGER|BIGINT|TINYINT\(1\)|BOOLEAN|DOUBLE|FLOAT|REAL|DECIMAL.*)$/i.test(c.type)) out.push({ table: name, column: c.name });
  }
  return out;
}

/** Each place (table.column) where one of the values is found. */
async function findValues(db: Database, values: string[]): Promise<string[]> {
  const qi = db.sequelize.getQueryInterface();
  const found: string[] = [];
  for (const { table, column } of await textColumns(db)) {
    for (const value of values) {
      const [row] = await db.sequelize.query<{ n: number | string }>(
        `SELECT COUNT(*) AS n FROM ${qi.quoteIdentifier(table)} WHERE CAST(${qi.quoteIdentifier(column)} AS CHAR) LIKE ?`,
        { replacements: [`%${value}%`], type: QueryTypes.SELECT },
      );
      if (Number(row.n) > 0) found.push(`${table}.${column}: ${value}`);
    }
  }
  return found;
}

let app: TestApp;
const logLines: string[] = [];
let key: string;
let customerId = 0;

beforeAll(async () => {
  const sink = new Writable({
    write(chunk, _encoding, done) {
      logLines.push(String(chunk));
      done();
    },
  });
  app = await startTestApp({ worker: { followPollMs: 50 }, log: createLogger("debug", sink) });
  key = (await app.apiKey(["customers:read", "customers:write", "orders:write", "catalog:write", "segments:write", "campaigns:write", "automations:write", "customers:privacy"])).secret;
});
afterAll(() => app?.close());

const api = {
  post: (p: string, body?: object) => request(app.url).post(`/api/v1${p}`).set("Authorization", `Bearer ${key}`).send(body),
  get: (p: string) => request(app.url).get(`/api/v1${p}`).set("Authorization", `Bearer ${key}`),
};

describe(`erasure on ${testDialect}`, () => {
  let segmentId = 0;
  let revenueBefore = 0;

  it("the customer's values reach every path: API, orders, carts, an import, a segment, the outbox and a task", async () => {
    const db = app.db;
    const manager = await createUser(db, { email: "mila@shop.test", name: "Mila", password, role: "manager" });
    await db.models.CustomField.create({ key: "note", label: "Note", type: "text", options: null });
    const q = await db.models.RegistrationQuestion.create({ key: "pets", text: "Pets?" });
    await db.models.RegistrationOption.create({ questionId: q.id, key: "cat", label: "Cat" });
    const upsert = await api.post("/customers", {
      externalId: ZQ.externalId,
      firstName: ZQ.firstName,
      lastName: ZQ.lastName,
      email: ZQ.email,
      phone: ZQ.phone,
      country: "BG",
      city: ZQ.city,
      birthday: ZQ.birthday,
      acceptsMarketing: true,
      managerEmail: "mila@shop.test",
      customFields: { note: ZQ.note },
      answers: { pets: ["cat"] },
      channels: { email: { subscribed: true }, viber: { address: ZQ.viber, subscribed: true } },
    });
    expect(upsert.status).toBe(201);
    customerId = upsert.body.id;
    // a bystander whose data must stay
    expect((await api.post("/customers", { externalId: "bystander", firstName: "Bea", email: "bea@shop.test", country: "BG", acceptsMarketing: true, channels: { email: { subscribed: true } } })).status).toBe(201);
    await api.post("/categories/bulk", { categories: [{ externalId: "cat-1", name: "Shoes" }] });
    await api.post("/products/bulk", { products: [{ externalId: "p-1", name: "Boot", categoryExternalId: "cat-1", variants: [{ externalId: "v-1", name: "42", price: 12_345 }] }] });
    for (const [externalId, who] of [["O-ZQ-1", ZQ.externalId], ["O-BEA-1", "bystander"]]) {
      const order = { externalId, customerExternalId: who, status: "completed", total: 12_345, currency: "EUR", placedAt: "2026-01-05T10:00:00Z", items: [{ variantExternalId: "v-1", quantity: 1, price: 12_345 }] };
      expect((await api.post("/orders", order)).status).toBe(201);
    }
    expect((await api.post("/carts", { externalId: "K-ZQ-1", customerExternalId: ZQ.externalId, abandonedAt: "2026-01-06T10:00:00Z", value: 5_000, currency: "EUR" })).status).toBe(201);
    expect((await api.post("/interactions", { customerExternalId: ZQ.externalId, at: "2026-01-07T10:00:00Z", source: "bot" })).status).toBe(200);

    // an import that updates the customer's city
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "erasure-import-"));
    const filePath = path.join(dir, "customers.csv");
    fs.writeFileSync(filePath, `external id,city\n${ZQ.externalId},${ZQ.city}\n`);
    const imported = await createImport(db, { userId: null, fileName: "customers.csv", filePath, fileSize: fs.statSync(filePath).size });
    if (!imported.ok) throw new Error(imported.problem);
    expect(await saveImportMapping(db, imported.id, ["externalId", "city"])).toEqual({ ok: true });
    expect(await checkImport(db, imported.id)).toMatchObject({ ok: true });
    expect(await runImport(db, imported.id)).toMatchObject({ ok: true, status: "done" });

    // a segment both are in, an automation that makes a task naming the customer, a campaign
    const segment = await api.post("/segments", { name: "Bulgaria", code: "bg", type: "dynamic", criteria: [{ field: "country", values: [{ value: "BG", mode: "include" }] }], match: "all" });
    expect(segment.status).toBe(201);
    segmentId = segment.body.id;
    const automation = await api.post("/automations", {
      name: "Call new Bulgarians",
      trigger: { segmentId, kind: "entered" },
      action: { kind: "task", title: "Call {{ customer.first_name }} {{ customer.last_name }}", description: "Ask {{ customer.first_name }} about {{ customer.email }}" },
    });
    expect(automation.status).toBe(201);
    // the automation fires for events after it: the customer enters (again) by a change
    await api.post("/customers", { externalId: ZQ.externalId, country: "GR" });
    await until(async () => (await db.models.SegmentMember.count({ where: { segmentId, customerId } })) === 0, Date.now() + 20_000, "left the segment");
    await api.post("/customers", { externalId: ZQ.externalId, country: "BG" });
    await until(() => db.models.Task.findOne({ where: { customerId, assigneeId: manager.id } }), Date.now() + 20_000, "the automation's task");

    const campaign = await api.post("/campaigns", {
      name: "Spring",
      channels: ["email"],
      includeSegmentIds: [segmentId],
      schedule: { kind: "now", timeZoneMode: "store" },
      templates: { email: { subject: "For {{ customer.first_name }}", htmlBody: "<p>Dear {{ customer.first_name }} {{ customer.last_name }} of {{ customer.city }}</p>", textBody: null } },
    });
    expect(campaign.status).toBe(201);
    expect((await api.post(`/campaigns/${campaign.body.id}/start`)).status).toBe(200);
    await until(() => db.models.OutboxMessage.findOne({ where: { customerId } }), Date.now() + 30_000, "the campaign's message in the outbox");

    // before: the values are there (the scan can find them)
    const before = await findValues(db, ERASED);
    for (const table of ["customers.", "channel_identities.", "customer_field_values.", "outbox_messages.", "tasks."]) expect(before.some((f) => f.startsWith(table)), table).toBe(true);
    const [{ revenue }] = await db.sequelize.query<{ revenue: number | string }>("SELECT SUM(total) AS revenue FROM orders WHERE status = 'completed'", { type: QueryTypes.SELECT });
    revenueBefore = Number(revenue);
  }, 120_000);

  it("after erasure through the API no table's text column and no log line holds any of the values", async () => {
    const db = app.db;
    const erased = await api.post(`/customers/${encodeURIComponent(ZQ.externalId)}/erase`);
    expect(erased.status).toBe(200);
    expect(erased.body).toMatchObject({ customerId, alreadyErased: false });
    expect(await findValues(db, ERASED)).toEqual([]);
    const log = logLines.join("");
    expect(log.length).toBeGreaterThan(0);
    for (const value of ERASED) expect(logLines.filter((l) => l.includes(value)), `the log holds ${value}`).toEqual([]);
    // the bystander is untouched
    expect(await findValues(db, ["bea@shop.test", "bystander"])).not.toEqual([]);
    // the audit entry names who and whom, nothing more
    const audit = await db.models.AuditEntry.findOne({ where: { action: "customer.erase" }, raw: true });
    expect(audit).toMatchObject({ targetType: "customer", targetId: String(customerId), detail: null });
  });

  it("orders and revenue stay; the customer leaves every segment and the fact index at once", async () => {
    const db = app.db;
    const [{ revenue }] = await db.sequelize.query<{ revenue: number | string }>("SELECT SUM(total) AS revenue FROM orders WHERE status = 'completed'", { type: QueryTypes.SELECT });
    expect(Number(revenue)).toBe(revenueBefore);
    const tombstone = (await db.models.Customer.findByPk(customerId, { raw: true }))!;
    expect(Number(tombstone.totalSpent)).toBe(12_345);
    expect(tombstone.externalId).toMatch(/^erased-[0-9a-f]{24}$/);
    expect(tombstone.erasedAt).not.toBeNull();
    expect(await db.models.Order.count({ where: { customerId } })).toBe(1);
    expect(await db.models.SegmentMember.count({ where: { customerId } })).toBe(0);
    // the web process's fact index, through the change log: the preview no longer counts them
    await until(
      async () => {
        const preview = await app.services.segments.preview({ match: "all", criteria: [{ field: "totalSpent", min: 1 }] }, new Date(), { limit: 20 });
        return preview.count === 1 && !preview.customers.some((c) => c.id === customerId);
      },
      Date.now() + 10_000,
      "the preview without the erased customer",
    );
    // the automation and campaigns act on them no more: nothing pending for them
    expect(await db.models.AutomationFiring.count({ where: { customerId, status: "pending" } })).toBe(0);
    expect(await db.models.CampaignDelivery.count({ where: { customerId, status: "queued" } })).toBe(0);
    // and the customer list does not show them
    expect((await api.get("/customers?limit=50")).body.customers.map((c: { externalId: string }) => c.externalId)).toEqual(["bystander"]);
  });

  it("erasing again changes nothing; the erased external id is unknown, then makes a new, empty customer", async () => {
    const db = app.db;
    const again = await eraseCustomer(db, customerId, {}, new Date(), erasureFileDeps(app.services));
    expect(again).toMatchObject({ ok: true, alreadyErased: true });
    expect(await db.models.AuditEntry.count({ where: { action: "customer.erase" } })).toBe(1);
    expect((await api.get(`/customers/${encodeURIComponent(ZQ.externalId)}`)).status).toBe(404);
    expect((await api.post(`/customers/${encodeURIComponent(ZQ.externalId)}/erase`)).status).toBe(404);
    expect((await api.post("/customers/nobody-here/erase")).status).toBe(404);
    const reborn = await api.post("/customers", { externalId: ZQ.externalId });
    expect(reborn.status).toBe(201);
    expect(reborn.body.id).not.toBe(customerId);
    const record = await api.get(`/customers/${encodeURIComponent(ZQ.externalId)}`);
    expect(record.body).toMatchObject({ externalId: ZQ.externalId, firstName: null, email: null, tags: [], customFields: {}, answers: {} });
    expect(await db.models.Order.count({ where: { customerId: reborn.body.id } })).toBe(0);
    expect(await db.models.ConsentRecord.count({ where: { customerId: reborn.body.id } })).toBe(0);
  });
});
