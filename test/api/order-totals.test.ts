// The order totals on the customer row (migration 0020) follow every order written through the
// API, and the customer list sorts by them. The API has no way to delete an order; a cancelled
// one is how a shop takes it back, and that is covered here.
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { QueryTypes } from "sequelize";
import { startTestApp, type TestApp } from "../support/app";
import { testDialect } from "../support/db";
import { saveStoreSettings } from "../../models/store.server";
import { readTimestamp } from "../../models/sql/bulk";
import { listCustomers } from "../../models/customers/list.server";
import { readCustomerListQuery } from "../../models/customers/list-query";

interface Totals {
  totalSpent: number;
  ordersCount: number;
  lastOrderAt: string | null;
}

describe(`order totals through /api/v1/orders on ${testDialect}`, () => {
  let app: TestApp;
  let key: string;
  const post = (path: string, body: unknown) => request(app.url).post(`/api/v1${path}`).set("Authorization", `Bearer ${key}`).send(body as object);
  const order = (externalId: string, customerExternalId: string, status: string, total: number, placedAt: string) => ({
    externalId,
    customerExternalId,
    status,
    total,
    currency: "EUR",
    placedAt,
  });

  /** Each customer's stored totals, by external id. */
  async function stored(): Promise<Record<string, Totals>> {
    const rows = await app.db.models.Customer.findAll({ attributes: ["externalId", "totalSpent", "ordersCount", "lastOrderAt"], order: [["externalId", "ASC"]], raw: true });
    return Object.fromEntries(
      rows.map((r) => [r.externalId, { totalSpent: Number(r.totalSpent), ordersCount: Number(r.ordersCount), lastOrderAt: readTimestamp(r.lastOrderAt)?.toISOString() ?? null }]),
    );
  }

  /** The same totals worked out afresh from the orders table, as the segment rules define them. */
  async function fromOrders(): Promise<Record<string, Totals>> {
    const customers = await app.db.sequelize.query<{ id: number; external_id: string }>("SELECT id, external_id FROM customers", { type: QueryTypes.SELECT });
    const orders = await app.db.sequelize.query<{ customer_id: number; status: string; total: number | string; placed_at: unknown }>(
      "SELECT customer_id, status, total, placed_at FROM orders",
      { type: QueryTypes.SELECT },
    );
    return Object.fromEntries(
      customers.map((c) => {
        const own = orders.filter((o) => o.customer_id === c.id);
        const completed = own.filter((o) => o.status === "completed");
        const dated = own.filter((o) => o.status !== "cancelled").map((o) => readTimestamp(o.placed_at)!.getTime());
        const lastOrderAt = dated.length ? new Date(Math.max(...dated)).toISOString() : null;
        return [c.external_id, { totalSpent: completed.reduce((sum, o) => sum + Number(o.total), 0), ordersCount: completed.length, lastOrderAt }];
      }),
    );
  }

  /** External ids in the customer list's order for a sort. */
  async function listed(sort: string): Promise<string[]> {
    const page = await listCustomers(app.db, { viewer: { id: 0, role: "admin" }, query: readCustomerListQuery(new URLSearchParams({ sort })).query, storeCountry: null });
    return page.rows.map((r) => r.externalId);
  }

  beforeAll(async () => {
    app = await startTestApp();
    await saveStoreSettings(app.db, { name: "Shop", timeZone: "Europe/Sofia", currency: "EUR", locale: "en" });
    key = (await app.apiKey(["customers:write", "orders:write"])).secret;
    expect((await post("/customers/bulk", { customers: [{ externalId: "C-1" }, { externalId: "C-2" }, { externalId: "C-3" }] })).status).toBe(200);
  });
  afterAll(() => app.close());

  it("an order added alone counts when completed; the last order is the latest not cancelled", async () => {
    expect((await post("/orders", order("O-1", "C-1", "completed", 12900, "2024-11-01T10:00:00Z"))).status).toBe(201);
    const bulk = await post("/orders/bulk", {
      orders: [
        order("O-2", "C-1", "pending", 5000, "2024-11-20T08:30:00.500Z"),
        order("O-3", "C-2", "completed", 20000, "2024-11-10T12:00:00Z"),
        order("O-4", "C-2", "cancelled", 99900, "2024-12-01T00:00:00Z"),
      ],
    });
    expect(bulk.status).toBe(200);
    expect(await stored()).toEqual({
      "C-1": { totalSpent: 12900, ordersCount: 1, lastOrderAt: "2024-11-20T08:30:00.500Z" },
      "C-2": { totalSpent: 20000, ordersCount: 1, lastOrderAt: "2024-11-10T12:00:00.000Z" },
      "C-3": { totalSpent: 0, ordersCount: 0, lastOrderAt: null },
    });
    expect(await stored()).toEqual(await fromOrders());
    expect(await listed("total-spent-desc")).toEqual(["C-2", "C-1", "C-3"]);
    expect(await listed("last-order-desc")).toEqual(["C-1", "C-2", "C-3"]);
    expect(await listed("last-order-asc")).toEqual(["C-2", "C-1", "C-3"]);
  });

  it("an order that changes status or total moves its customer's totals with it", async () => {
    expect((await post("/orders", order("O-2", "C-1", "completed", 6000, "2024-11-20T08:30:00.500Z"))).body.status).toBe("updated");
    expect((await post("/orders", order("O-3", "C-2", "cancelled", 20000, "2024-11-10T12:00:00Z"))).body.status).toBe("updated");
    expect(await stored()).toEqual({
      "C-1": { totalSpent: 18900, ordersCount: 2, lastOrderAt: "2024-11-20T08:30:00.500Z" },
      "C-2": { totalSpent: 0, ordersCount: 0, lastOrderAt: null },
      "C-3": { totalSpent: 0, ordersCount: 0, lastOrderAt: null },
    });
    expect(await stored()).toEqual(await fromOrders());
    expect(await listed("orders-desc")).toEqual(["C-1", "C-3", "C-2"]);
    // a refund takes the money out but leaves the order as the last one placed
    expect((await post("/orders", order("O-3", "C-2", "refunded", 20000, "2024-11-10T12:00:00Z"))).body.status).toBe("updated");
    expect((await stored())["C-2"]).toEqual({ totalSpent: 0, ordersCount: 0, lastOrderAt: "2024-11-10T12:00:00.000Z" });
  });

  it("an order moved to another customer leaves the first one's totals and joins the other's", async () => {
    expect((await post("/orders/bulk", { orders: [order("O-1", "C-3", "completed", 12900, "2024-11-01T10:00:00Z")] })).status).toBe(200);
    expect(await stored()).toEqual({
      "C-1": { totalSpent: 6000, ordersCount: 1, lastOrderAt: "2024-11-20T08:30:00.500Z" },
      "C-2": { totalSpent: 0, ordersCount: 0, lastOrderAt: "2024-11-10T12:00:00.000Z" },
      "C-3": { totalSpent: 12900, ordersCount: 1, lastOrderAt: "2024-11-01T10:00:00.000Z" },
    });
    expect(await stored()).toEqual(await fromOrders());
    expect(await listed("total-spent-desc")).toEqual(["C-3", "C-1", "C-2"]);
  });

  it("orders of one customer written at the same moment by several calls all count", async () => {
    const calls = Array.from({ length: 6 }, (_, i) =>
      post(i % 2 ? "/orders" : "/orders/bulk", i % 2 ? order(`P-${i}`, "C-1", "completed", 100 + i, `2024-12-0${i + 1}T10:00:00Z`) : { orders: [order(`P-${i}`, "C-1", "completed", 100 + i, `2024-12-0${i + 1}T10:00:00Z`)] }),
    );
    const answers = await Promise.all(calls);
    expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 200, 201, 201, 201]);
    expect((await stored())["C-1"]).toEqual({ totalSpent: 6000 + 100 * 6 + 15, ordersCount: 7, lastOrderAt: "2024-12-06T10:00:00.000Z" });
    expect(await stored()).toEqual(await fromOrders());
  });

  it("a bulk call with a bad record changes no one's totals", async () => {
    const before = await stored();
    const res = await post("/orders/bulk", { orders: [order("O-5", "C-2", "completed", 7000, "2024-12-05T10:00:00Z"), order("O-6", "C-404", "completed", 1, "2024-12-05T10:00:00Z")] });
    expect(res.status).toBe(422);
    expect(await stored()).toEqual(before);
  });
});
