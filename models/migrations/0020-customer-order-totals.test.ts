import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { QueryTypes } from "sequelize";
import { createTestDatabase, testDialect } from "../../test/support/db";
import { ORDER_STATUSES } from "../models";
import { bulkInsert, readTimestamp } from "../sql/bulk";
import { refreshOrderTotals } from "../customers/order-totals.server";
import { up } from "./0020-customer-order-totals";

type TestDatabase = Awaited<ReturnType<typeof createTestDatabase>>;
interface Totals {
  id: number;
  totalSpent: number;
  ordersCount: number;
  lastOrderAt: number | null;
}

const CUSTOMERS = 300;
const INDEXES = ["customers_by_total_spent", "customers_by_orders_count", "customers_by_last_order_at"];

async function storedTotals(db: TestDatabase): Promise<Totals[]> {
  const rows = await db.sequelize.query<{ id: number; total_spent: number | string; orders_count: number | string; last_order_at: unknown }>(
    "SELECT id, total_spent, orders_count, last_order_at FROM customers ORDER BY id",
    { type: QueryTypes.SELECT },
  );
  return rows.map((r) => ({ id: r.id, totalSpent: Number(r.total_spent), ordersCount: Number(r.orders_count), lastOrderAt: readTimestamp(r.last_order_at)?.getTime() ?? null }));
}

/** The totals computed afresh, in plain code over the orders as stored: the segment rules' definitions. */
async function computedTotals(db: TestDatabase): Promise<Totals[]> {
  const customers = await db.sequelize.query<{ id: number }>("SELECT id FROM customers ORDER BY id", { type: QueryTypes.SELECT });
  const orders = await db.sequelize.query<{ customer_id: number; status: string; total: number | string; placed_at: unknown }>(
    "SELECT customer_id, status, total, placed_at FROM orders",
    { type: QueryTypes.SELECT },
  );
  return customers.map(({ id }) => {
    const own = orders.filter((o) => o.customer_id === id);
    const completed = own.filter((o) => o.status === "completed");
    const dated = own.filter((o) => o.status !== "cancelled").map((o) => readTimestamp(o.placed_at)!.getTime());
    return { id, totalSpent: completed.reduce((sum, o) => sum + Number(o.total), 0), ordersCount: completed.length, lastOrderAt: dated.length ? Math.max(...dated) : null };
  });
}

describe(`migration 0020 (customer order totals) on ${testDialect}`, () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
    const now = new Date("2025-02-01T00:00:00Z");
    await bulkInsert(
      db,
      "customers",
      ["external_id", "created_at", "updated_at"],
      Array.from({ length: CUSTOMERS }, (_, i) => [`m-${i}`, now, now]),
    );
    const ids = (await db.sequelize.query<{ id: number }>("SELECT id FROM customers ORDER BY id", { type: QueryTypes.SELECT })).map((r) => r.id);
    // orders of every status as they stood before the migration: written straight to the table
    let seed = 20;
    const next = (n: number) => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return Math.floor(seed / 65_536) % n;
    };
    const orders: Array<[string, number, string, number, string, Date, Date, Date]> = [];
    ids.forEach((id, i) => {
      const count = i % 7 === 0 ? 0 : next(6);
      for (let k = 0; k < count; k++) {
        const placedAt = new Date(Date.UTC(2022, 0, 1) + next(1000) * 86_400_000 + next(86_400) * 1000 + next(1000));
        orders.push([`mo-${orders.length}`, id, next(2) ? "completed" : ORDER_STATUSES[next(ORDER_STATUSES.length)], next(50_000), "EUR", placedAt, now, now]);
      }
    });
    // one customer beyond 2^31 minor units, one whose only order was cancelled, one with a refund alone
    orders.push(["mo-big-1", ids[1], "completed", 3_000_000_000, "EUR", new Date("2024-05-01T10:00:00.123Z"), now, now]);
    orders.push(["mo-big-2", ids[1], "completed", 3_000_000_000, "EUR", new Date("2024-05-02T10:00:00Z"), now, now]);
    orders.push(["mo-cancelled", ids[7], "cancelled", 1234, "EUR", new Date("2024-05-01T10:00:00Z"), now, now]);
    orders.push(["mo-refunded", ids[14], "refunded", 1234, "EUR", new Date("2024-05-03T10:00:00Z"), now, now]);
    await bulkInsert(db, "orders", ["external_id", "customer_id", "status", "total", "currency", "placed_at", "created_at", "updated_at"], orders);

    // back to the schema before 0020, with the orders above in it
    const qi = db.sequelize.getQueryInterface();
    for (const index of INDEXES) await qi.removeIndex("customers", index);
    for (const column of ["total_spent", "orders_count", "last_order_at"]) await db.sequelize.query(`ALTER TABLE customers DROP COLUMN ${column}`);
    await up(qi, db.sequelize);
  }, 120_000);
  afterAll(() => db.drop());

  it("fills every customer's totals as a fresh computation over their orders gives them", async () => {
    const stored = await storedTotals(db);
    expect(stored).toHaveLength(CUSTOMERS);
    expect(stored).toEqual(await computedTotals(db));
    expect(stored[1].totalSpent).toBeGreaterThanOrEqual(6_000_000_000);
    expect(stored[7]).toMatchObject({ totalSpent: 0, ordersCount: 0, lastOrderAt: null });
    expect(stored[14]).toMatchObject({ totalSpent: 0, ordersCount: 0, lastOrderAt: new Date("2024-05-03T10:00:00Z").getTime() });
    expect(stored.filter((t) => t.ordersCount > 1).length).toBeGreaterThan(40);
  });

  it("gives the same totals as the write paths' own refresh", async () => {
    const backfilled = await storedTotals(db);
    await db.sequelize.query("UPDATE customers SET total_spent = 1, orders_count = 99, last_order_at = NULL");
    await refreshOrderTotals(db, backfilled.map((t) => t.id), undefined);
    expect(await storedTotals(db)).toEqual(backfilled);
  });

  it("adds each total's (value, id) index, with the columns the list filters on", async () => {
    const indexes = (await db.sequelize.getQueryInterface().showIndex("customers")) as Array<{ name: string; fields: Array<{ attribute: string }> }>;
    const columnsOf = (name: string) => indexes.find((i) => i.name === name)?.fields.map((f) => f.attribute);
    for (const total of ["total_spent", "orders_count", "last_order_at"]) {
      expect(columnsOf(`customers_by_${total}`)).toEqual([total, "id", "country", "customer_group_id", "manager_id", "accepts_marketing"]);
    }
  });
});
