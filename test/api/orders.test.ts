import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../support/app";
import { rowCounts, testDialect } from "../support/db";
import { saveStoreSettings } from "../../models/store.server";

describe(`/api/v1/orders and /api/v1/carts on ${testDialect}`, () => {
  let app: TestApp;
  let key: string;
  beforeAll(async () => {
    app = await startTestApp();
    await saveStoreSettings(app.db, { name: "Shop", timeZone: "Europe/Sofia", currency: "BGN", locale: "bg" });
    key = (await app.apiKey(["customers:write", "orders:write", "catalog:write"])).secret;
    const post = (path: string, body: object) => request(app.url).post(`/api/v1${path}`).set("Authorization", `Bearer ${key}`).send(body);
    expect((await post("/customers/bulk", { customers: [{ externalId: "C-1" }, { externalId: "C-2" }] })).status).toBe(200);
    expect((await post("/categories/bulk", { categories: [{ externalId: "shoes", name: "Shoes" }, { externalId: "hats", name: "Hats" }] })).status).toBe(200);
    const products = {
      products: [
        { externalId: "P-1", name: "Boot", categoryExternalId: "shoes", variants: [{ externalId: "P-1-42", name: "Boot 42", price: 9900 }] },
        { externalId: "P-2", name: "Cap", categoryExternalId: "hats" },
      ],
    };
    expect((await post("/products/bulk", products)).status).toBe(200);
  });
  afterAll(() => app.close());

  const post = (path: string, body: unknown) => request(app.url).post(`/api/v1${path}`).set("Authorization", `Bearer ${key}`).send(body as object);
  const order = {
    externalId: "O-1",
    customerExternalId: "C-1",
    status: "completed",
    total: 12900,
    currency: "BGN",
    placedAt: "2024-11-29T10:00:00Z",
    items: [
      { variantExternalId: "P-1-42", quantity: 1, price: 9900 },
      { productExternalId: "P-2", quantity: 2, price: 1500 },
    ],
  };

  it("creates an order with its items, each filed under its product's category, and logs an order change", async () => {
    const res = await post("/orders", order);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ externalId: "O-1", status: "created" });
    const row = await app.db.models.Order.findByPk(res.body.id);
    expect(row).toMatchObject({ status: "completed", total: 12900, currency: "BGN" });
    const items = await app.db.models.OrderItem.findAll({ where: { orderId: row!.id }, order: [["id", "ASC"]], raw: true });
    const shoes = await app.db.models.Category.findOne({ where: { externalId: "shoes" } });
    const hats = await app.db.models.Category.findOne({ where: { externalId: "hats" } });
    const boot = await app.db.models.Product.findOne({ where: { externalId: "P-1" } });
    expect(items.map((i) => [i.productId, i.categoryId, i.quantity, Number(i.price)])).toEqual([
      [boot!.id, shoes!.id, 1, 9900],
      [expect.any(Number), hats!.id, 2, 1500],
    ]);
    const customer = await app.db.models.Customer.findOne({ where: { externalId: "C-1" } });
    const change = await app.db.models.CustomerChange.findOne({ where: { customerId: customer!.id, kind: "order" } });
    expect(JSON.parse(change!.fields!)).toEqual({ orders: ["O-1"] });
    expect(change!.source).toBe("api");
  });

  it("an update replaces the items; the same order again is unchanged and logs nothing", async () => {
    const res = await post("/orders", { ...order, status: "refunded", items: [{ productExternalId: "P-2", quantity: 1, price: 1500 }] });
    expect(res.body.status).toBe("updated");
    expect(await app.db.models.OrderItem.count({ where: { orderId: res.body.id } })).toBe(1);
    const changes = await app.db.models.CustomerChange.count();
    const again = await post("/orders", { ...order, status: "refunded", items: [{ productExternalId: "P-2", quantity: 1, price: 1500 }] });
    expect(again.status).toBe(200);
    expect(again.body.status).toBe("unchanged");
    expect(await app.db.models.CustomerChange.count()).toBe(changes);
  });

  it("refuses unknown customers, products and variants and another currency, naming each, and writes nothing", async () => {
    const before = await rowCounts(app.db);
    const res = await post("/orders/bulk", {
      orders: [
        { ...order, externalId: "O-2", customerExternalId: "C-404" },
        { ...order, externalId: "O-3", currency: "EUR" },
        { ...order, externalId: "O-4", items: [{ productExternalId: "P-404", quantity: 1, price: 1 }, { variantExternalId: "V-404", quantity: 1, price: 1 }] },
        { ...order, externalId: "O-5", items: [{ productExternalId: "P-2", variantExternalId: "P-1-42", quantity: 1, price: 1 }] },
      ],
    });
    expect(res.status).toBe(422);
    expect(res.body.error.fields).toEqual([
      { index: 0, field: "customerExternalId", reason: "is not the external id of a known customer" },
      { index: 1, field: "currency", reason: "must be the store's currency, BGN" },
      { index: 2, field: "items[0].productExternalId", reason: "is not the external id of a known product" },
      { index: 2, field: "items[1].variantExternalId", reason: "is not the external id of a known variant" },
      { index: 3, field: "items[0].variantExternalId", reason: "is a variant of another product" },
    ]);
    expect(await rowCounts(app.db)).toEqual(before);
  });

  it("takes orders in bulk, one change per customer", async () => {
    const before = await app.db.models.CustomerChange.count({ where: { kind: "order" } });
    const orders = Array.from({ length: 30 }, (_, i) => ({ ...order, externalId: `OB-${i}`, customerExternalId: i % 2 ? "C-1" : "C-2" }));
    const res = await post("/orders/bulk", { orders });
    expect(res.status).toBe(200);
    expect(res.body.counts).toEqual({ created: 30, updated: 0, unchanged: 0 });
    expect(await app.db.models.OrderItem.count({ where: {} })).toBe(1 + 60);
    expect(await app.db.models.CustomerChange.count({ where: { kind: "order" } })).toBe(before + 2);
  });

  it("creates and updates abandoned carts, logging a cart change", async () => {
    const cart = { externalId: "K-1", customerExternalId: "C-2", abandonedAt: "2024-05-01T08:00:00Z", value: 4500, currency: "BGN" };
    const res = await post("/carts", cart);
    expect(res.status).toBe(201);
    const recovered = await post("/carts", { ...cart, recoveredAt: "2024-05-02T08:00:00Z" });
    expect(recovered.body.status).toBe("updated");
    const row = await app.db.models.AbandonedCart.findByPk(res.body.id);
    expect(new Date(row!.recoveredAt!).toISOString()).toBe("2024-05-02T08:00:00.000Z");
    const customer = await app.db.models.Customer.findOne({ where: { externalId: "C-2" } });
    expect(await app.db.models.CustomerChange.count({ where: { customerId: customer!.id, kind: "cart" } })).toBe(2);
    const bulk = await post("/carts/bulk", { carts: [cart, { ...cart, externalId: "K-2", value: 100 }] });
    expect(bulk.body.counts).toEqual({ created: 1, updated: 0, unchanged: 1 });
  });

  it("refuses a cart recovered before it was abandoned, and one in another currency", async () => {
    const res = await post("/carts/bulk", {
      carts: [
        { externalId: "K-9", customerExternalId: "C-2", abandonedAt: "2024-05-01T08:00:00Z", value: 1, currency: "BGN", recoveredAt: "2024-04-01T08:00:00Z" },
        { externalId: "K-8", customerExternalId: "C-2", abandonedAt: "2024-05-01T08:00:00Z", value: 1, currency: "USD" },
      ],
    });
    expect(res.status).toBe(422);
    expect(res.body.error.fields).toEqual([
      { index: 0, field: "recoveredAt", reason: "must not be before abandonedAt" },
      { index: 1, field: "currency", reason: "must be the store's currency, BGN" },
    ]);
  });
});
