import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../support/app";
import { rowCounts, testDialect } from "../support/db";
import { createUser } from "../../models/users.server";

describe(`/api/v1/customers on ${testDialect}`, () => {
  let app: TestApp;
  let writer: string;
  let reader: string;
  beforeAll(async () => {
    app = await startTestApp();
    writer = (await app.apiKey(["customers:write"])).secret;
    reader = (await app.apiKey(["customers:read"])).secret;
    await createUser(app.db, { email: "manager@shop.test", name: "Manol", password: "pw-123456", role: "manager" });
    await app.db.models.CustomField.create({ key: "shoe_size", label: "Shoe size", type: "number", options: null });
    const q = await app.db.models.RegistrationQuestion.create({ key: "pets", text: "Which pets do you have?" });
    await app.db.models.RegistrationOption.bulkCreate([
      { questionId: q.id, key: "cat", label: "Cat" },
      { questionId: q.id, key: "dog", label: "Dog" },
    ]);
  });
  afterAll(() => app.close());

  const post = (path: string, body: unknown, key = writer) => request(app.url).post(`/api/v1${path}`).set("Authorization", `Bearer ${key}`).send(body as object);
  const get = (path: string, key = reader) => request(app.url).get(`/api/v1${path}`).set("Authorization", `Bearer ${key}`);

  const ivan = {
    externalId: "C-1",
    firstName: "Иван",
    lastName: "Петров",
    email: "Ivan@Example.BG",
    phone: "0888 123 456",
    country: "bg",
    city: "София",
    birthday: "1990-02-28",
    registeredAt: "2023-04-01T10:00:00+03:00",
    acceptsMarketing: true,
    customerGroup: "VIP",
    tags: ["b", "a"],
    managerEmail: "manager@shop.test",
    locale: "bg",
    customFields: { shoe_size: 43 },
    answers: { pets: ["dog", "cat"] },
    channels: { email: { subscribed: true }, viber: { address: "vbr-1", subscribed: true, changedAt: "2024-01-02T03:04:05Z" } },
  };

  it("creates one customer with everything, answers 201 with its id, and logs the creation", async () => {
    const res = await post("/customers", ivan);
    expect(res.status).toBe(201);
    expect(res.headers["content-type"]).toMatch(/^application\/json/);
    const row = await app.db.models.Customer.findOne({ where: { externalId: "C-1" } });
    expect(res.body).toEqual({ externalId: "C-1", id: row!.id, status: "created" });
    expect(row).toMatchObject({ email: "ivan@example.bg", phone: "+359888123456", country: "BG", city: "София", acceptsMarketing: true });
    expect(await app.db.models.CustomerTag.count({ where: { customerId: row!.id } })).toBe(2);
    expect(await app.db.models.ChannelIdentity.count({ where: { customerId: row!.id } })).toBe(2);
    const changes = await app.db.models.CustomerChange.findAll({ where: { customerId: row!.id } });
    expect(changes.map((c) => [c.kind, c.source])).toEqual([["created", "api"]]);
  });

  it("reads the customer back in the shape it was sent, by external id", async () => {
    const res = await get("/customers/C-1");
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      externalId: "C-1",
      firstName: "Иван",
      email: "ivan@example.bg",
      phone: "+359888123456",
      country: "BG",
      birthday: "1990-02-28",
      registeredAt: "2023-04-01T07:00:00.000Z",
      acceptsMarketing: true,
      customerGroup: "VIP",
      tags: ["a", "b"],
      managerEmail: "manager@shop.test",
      locale: "bg",
      customFields: { shoe_size: 43 },
      answers: { pets: ["cat", "dog"] },
      channels: {
        email: { address: "ivan@example.bg", subscribed: true },
        viber: { address: "vbr-1", subscribed: true, changedAt: "2024-01-02T03:04:05.000Z" },
      },
    });
  });

  it("sending the same customer again answers 200 unchanged and logs nothing", async () => {
    const before = await app.db.models.CustomerChange.count();
    const res = await post("/customers", ivan);
    expect(res.status).toBe(200);
    expect(res.body.status).toBe("unchanged");
    expect(await app.db.models.CustomerChange.count()).toBe(before);
  });

  it("an update names what changed in the change log", async () => {
    const res = await post("/customers", { externalId: "C-1", city: "Пловдив", tags: ["a"] });
    expect(res.status).toBe(200);
    expect(res.body.status).toBe("updated");
    const last = await app.db.models.CustomerChange.findOne({ order: [["id", "DESC"]] });
    expect(JSON.parse(last!.fields!)).toEqual({ changed: ["city", "tags"] });
  });

  it("a change to tags alone still moves the customer's updatedAt", async () => {
    const before = (await get("/customers/C-1")).body.updatedAt;
    const res = await post("/customers", { externalId: "C-1", tags: ["a", "c"] });
    expect(res.body.status).toBe("updated");
    const after = (await get("/customers/C-1")).body.updatedAt;
    expect(new Date(after).getTime()).toBeGreaterThan(new Date(before).getTime());
  });

  it("an unknown external id is a JSON 404", async () => {
    const res = await get("/customers/NOPE-1");
    expect(res.status).toBe(404);
    expect(res.body.error).toMatchObject({ code: "not_found", fields: [{ field: "externalId" }] });
  });

  it("an external id with a slash is found when URL-encoded", async () => {
    expect((await post("/customers", { externalId: "gid://shop/Customer/7" })).status).toBe(201);
    const res = await get(`/customers/${encodeURIComponent("gid://shop/Customer/7")}`);
    expect(res.status).toBe(200);
    expect(res.body.externalId).toBe("gid://shop/Customer/7");
  });

  it("takes a bulk of customers and answers per record in request order", async () => {
    const customers = Array.from({ length: 250 }, (_, i) => ({ externalId: `B-${i}`, firstName: `Name${i}`, email: `b${i}@shop.test`, tags: ["bulk"] }));
    customers[3] = { ...customers[3], externalId: "C-1" };
    const res = await post("/customers/bulk", { customers });
    expect(res.status).toBe(200);
    expect(res.body.results).toHaveLength(250);
    expect(res.body.results[0]).toMatchObject({ index: 0, externalId: "B-0", status: "created" });
    expect(res.body.results[3]).toMatchObject({ index: 3, externalId: "C-1", status: "updated" });
    expect(res.body.counts).toEqual({ created: 249, updated: 1, unchanged: 0 });
    expect(await app.db.models.Customer.count({ where: { email: "b100@shop.test" } })).toBe(1);
  });

  it("a bulk with bad records writes nothing and lists every bad record's index and field", async () => {
    const before = await app.db.models.Customer.count();
    const res = await post("/customers/bulk", {
      customers: [
        { externalId: "OK-1" },
        { externalId: "BAD-1", email: "not-an-email" },
        { externalId: "BAD-2", managerEmail: "nobody@shop.test" },
        { externalId: "OK-1" },
      ],
    });
    expect(res.status).toBe(422);
    expect(res.body.error).toMatchObject({ code: "validation_failed", message: "3 records have errors; nothing was written." });
    expect(res.body.error.fields).toEqual([
      { index: 1, field: "email", reason: "must be an email address" },
      { index: 2, field: "managerEmail", reason: "is not an active manager's email" },
      { index: 3, field: "externalId", reason: "appears twice in this batch (also at 0)" },
    ]);
    expect(await app.db.models.Customer.count()).toBe(before);
  });

  it("a phone number too short to be real is refused with that reason, and nothing is written", async () => {
    const before = await app.db.models.Customer.count();
    const res = await post("/customers/bulk", {
      customers: [
        { externalId: "PH-1", phone: "+359 888 12" },
        { externalId: "PH-2", phone: "0888 12", country: "BG" },
        { externalId: "PH-3", phone: "0888 123 456 789 12", country: "BG" },
      ],
    });
    expect(res.status).toBe(422);
    expect(res.body.error.fields).toEqual([
      { index: 0, field: "phone", reason: "is too short to be a phone number in BG" },
      { index: 1, field: "phone", reason: "is too short to be a phone number in BG" },
      { index: 2, field: "phone", reason: "is too long to be a phone number in BG" },
    ]);
    expect(await app.db.models.Customer.count()).toBe(before);
  });

  it("a bulk body with its records under another key says which key it expects", async () => {
    const res = await post("/customers/bulk", { records: [{ externalId: "R-1" }] });
    expect(res.status).toBe(422);
    expect(res.body.error.message).toBe('The body must hold its records in a list under "customers": {"customers": [ … ]}.');
    expect(res.body.error.fields).toEqual([
      { field: "customers", reason: 'is missing: send {"customers": [ … ]}' },
      { field: "records", reason: 'is not a key of this body: the records go under "customers"' },
    ]);
    const orders = await post("/orders/bulk", { customers: [] }, (await app.apiKey(["orders:write"])).secret);
    expect(orders.status).toBe(422);
    expect(orders.body.error.fields[0]).toEqual({ field: "orders", reason: 'is missing: send {"orders": [ … ]}' });
    expect(await app.db.models.Customer.count({ where: { externalId: "R-1" } })).toBe(0);
  });

  it("a last interaction before the first is refused naming lastInteractionAt, sent together or against the stored first", async () => {
    const before = await rowCounts(app.db);
    const both = await post("/customers", { externalId: "T-1", firstInteractionAt: "2024-03-02T10:00:00Z", lastInteractionAt: "2024-03-01T10:00:00Z" });
    expect(both.status).toBe(422);
    expect(both.body.error.fields).toEqual([{ field: "lastInteractionAt", reason: "must not be before firstInteractionAt" }]);
    expect(await rowCounts(app.db)).toEqual(before);

    const same = await post("/customers", { externalId: "T-1", firstInteractionAt: "2024-03-02T10:00:00Z", lastInteractionAt: "2024-03-02T10:00:00Z" });
    expect(same.status).toBe(201);
    const stored = await rowCounts(app.db);
    const earlier = await post("/customers/bulk", { customers: [{ externalId: "T-1", lastInteractionAt: "2024-03-02T09:59:59Z" }] });
    expect(earlier.status).toBe(422);
    expect(earlier.body.error.fields).toEqual([{ index: 0, field: "lastInteractionAt", reason: "must not be before firstInteractionAt" }]);
    const later = await post("/customers/bulk", { customers: [{ externalId: "T-1", firstInteractionAt: "2024-03-02T10:00:01Z" }] });
    expect(later.status).toBe(422);
    expect(await rowCounts(app.db)).toEqual(stored);
    expect((await get("/customers/T-1")).body).toMatchObject({ firstInteractionAt: "2024-03-02T10:00:00.000Z", lastInteractionAt: "2024-03-02T10:00:00.000Z" });
  });

  it("pages through every customer with a cursor, each exactly once", async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res = await get(`/customers?limit=100${cursor ? `&cursor=${cursor}` : ""}`);
      expect(res.status).toBe(200);
      seen.push(...res.body.customers.map((c: { externalId: string }) => c.externalId));
      cursor = res.body.nextCursor;
      pages++;
    } while (cursor && pages < 10);
    expect(pages).toBe(3);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.length).toBe(await app.db.models.Customer.count());
  });

  it("with updatedSince lists only customers changed since then, oldest change first", async () => {
    await post("/customers/bulk", { customers: [{ externalId: "B-7", city: "Varna" }, { externalId: "B-5", city: "Ruse" }] });
    const changed = await app.db.models.Customer.findOne({ where: { externalId: "B-7" } });
    const since = encodeURIComponent(new Date(changed!.updatedAt).toISOString());
    const res = await get(`/customers?updatedSince=${since}&limit=1`);
    expect(res.status).toBe(200);
    expect(res.body.customers.map((c: { externalId: string }) => c.externalId)).toEqual(["B-5"]);
    const next = await get(`/customers?updatedSince=${since}&limit=1&cursor=${res.body.nextCursor}`);
    expect(next.body.customers.map((c: { externalId: string }) => c.externalId)).toEqual(["B-7"]);
    expect(next.body.nextCursor).toBeNull();
  });
});
