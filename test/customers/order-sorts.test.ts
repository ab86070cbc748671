// The customer list sorted by an order total: total spent, number of orders and last order, each
// both ways, paged by keyset through ties, on whichever plan the filters lead to.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { QueryTypes } from "sequelize";
import { createTestDatabase, testDialect } from "../support/db";
import type { Database } from "../../models/db";
import type { OrderStatus } from "../../models/models";
import { listCustomers, type CustomerListRow } from "../../models/customers/list.server";
import { readCustomerListQuery, type CustomerListQuery } from "../../models/customers/list-query";
import { decodeCursor, encodeCursor } from "../../models/customers/cursor";
import type { CustomerViewer } from "../../models/customers/viewer";
import { addChannel, addCustomers, addGroup, addOrder, addTag, addUser, type CustomerSpec } from "./factory";

let db: Database & { drop(): Promise<void> };
let admin: CustomerViewer;
let tag: number;
let group: number;

const D1 = new Date("2024-03-01T09:00:00.000Z");
const D2 = new Date("2024-06-15T12:30:00.250Z");
const D3 = new Date("2024-09-30T23:59:59.999Z");
const D4 = new Date("2025-01-02T00:00:00.000Z");

type OrderSpec = { status: OrderStatus; total: number; placedAt: Date };

/** Nine kinds of order history, five customers each: ties everywhere, and two ways to have no last order. */
const HISTORIES: OrderSpec[][] = [
  [],
  [{ status: "completed", total: 1000, placedAt: D1 }],
  [{ status: "completed", total: 1000, placedAt: D1 }],
  [
    { status: "completed", total: 500, placedAt: D2 },
    { status: "completed", total: 500, placedAt: D1 },
  ],
  [{ status: "cancelled", total: 9900, placedAt: D3 }],
  [{ status: "refunded", total: 2000, placedAt: D3 }],
  [
    { status: "completed", total: 2500, placedAt: D2 },
    { status: "pending", total: 700, placedAt: D4 },
  ],
  [
    { status: "completed", total: 1000, placedAt: D1 },
    { status: "cancelled", total: 400, placedAt: D4 },
  ],
  [
    { status: "completed", total: 100, placedAt: D1 },
    { status: "processing", total: 100, placedAt: D2 },
    { status: "completed", total: 100, placedAt: D3 },
    { status: "completed", total: 100, placedAt: D2 },
  ],
];
const CUSTOMERS = 45;

interface Expected {
  id: number;
  externalId: string;
  country: string;
  tagged: boolean;
  grouped: boolean;
  totalSpent: number;
  ordersCount: number;
  lastOrderAt: number | null;
}
const expected: Expected[] = [];

/** The segment rules, written out plainly: completed orders count and sum; the last order is the latest not cancelled. */
function totalsOf(orders: OrderSpec[]) {
  const completed = orders.filter((o) => o.status === "completed");
  const dated = orders.filter((o) => o.status !== "cancelled").map((o) => o.placedAt.getTime());
  return { totalSpent: completed.reduce((sum, o) => sum + o.total, 0), ordersCount: completed.length, lastOrderAt: dated.length ? Math.max(...dated) : null };
}

const SORTS = [
  { sort: "total-spent-desc", key: (c: Expected) => c.totalSpent, descending: true },
  { sort: "total-spent-asc", key: (c: Expected) => c.totalSpent, descending: false },
  { sort: "orders-desc", key: (c: Expected) => c.ordersCount, descending: true },
  { sort: "orders-asc", key: (c: Expected) => c.ordersCount, descending: false },
  { sort: "last-order-desc", key: (c: Expected) => c.lastOrderAt, descending: true },
  { sort: "last-order-asc", key: (c: Expected) => c.lastOrderAt, descending: false },
] as const;

/** The order a sort promises: by the value, ties by id the same way round, and no last order after every date. */
function inOrder(customers: Expected[], by: (typeof SORTS)[number]): number[] {
  const sign = by.descending ? -1 : 1;
  return [...customers]
    .sort((a, b) => {
      const [x, y] = [by.key(a), by.key(b)];
      if (x === null || y === null) return x === y ? sign * (a.id - b.id) : x === null ? 1 : -1;
      return sign * (x - y) || sign * (a.id - b.id);
    })
    .map((c) => c.id);
}

function query(search: string): CustomerListQuery {
  const read = readCustomerListQuery(new URLSearchParams(search));
  expect(read.problems).toEqual([]);
  return read.query;
}

/** Every page forwards with `after`, then back from the last page with `before`. */
async function walk(search: string, pageSize: number, plan: (typeof PLANS)[number]) {
  const { driveLimit } = plan;
  const forward: CustomerListRow[][] = [];
  let q = query(search);
  for (let guard = 0; guard < 100; guard++) {
    const page = await listCustomers(db, { viewer: admin, query: q, storeCountry: "BG", pageSize, driveLimit });
    forward.push(page.rows);
    if (guard === 0) expect(page.previousCursor).toBeNull();
    if (!page.nextCursor) break;
    q = { ...q, after: page.nextCursor, before: undefined };
  }
  const backward: CustomerListRow[][] = [forward[forward.length - 1]];
  let first = await listCustomers(db, { viewer: admin, query: q, storeCountry: "BG", pageSize, driveLimit });
  for (let guard = 0; guard < 100 && first.previousCursor; guard++) {
    q = { ...q, before: first.previousCursor, after: undefined };
    first = await listCustomers(db, { viewer: admin, query: q, storeCountry: "BG", pageSize, driveLimit });
    backward.unshift(first.rows);
  }
  return { forward, backward };
}

beforeAll(async () => {
  db = await createTestDatabase();
  admin = { id: await addUser(db, "admin", "admin@sorts.test"), role: "admin" };
  group = await addGroup(db, "Regulars");
  const specs: CustomerSpec[] = Array.from({ length: CUSTOMERS }, (_, i) => ({
    externalId: `sorter-${i}`,
    firstName: "Sorter",
    lastName: `N${String(i).padStart(2, "0")}`,
    country: i % 2 ? "BG" : "GR",
    customerGroupId: i % 5 < 3 ? group : null,
  }));
  const ids = await addCustomers(db, specs);
  tag = await addTag(db, "sampled", ids.filter((_, i) => i % 3 === 0));
  for (const [i, id] of ids.entries()) if (i % 4 === 0) await addChannel(db, id, "email", true, `sorter-${i}@example.com`);
  let orderNumber = 0;
  for (let i = 0; i < CUSTOMERS; i++) {
    // the histories are dealt round, so equal totals sit far apart in id order
    const history = HISTORIES[(i * 4) % HISTORIES.length];
    for (const o of history) await addOrder(db, ids[i], { externalId: `so-${orderNumber++}`, ...o });
    expected.push({ id: ids[i], externalId: specs[i].externalId, country: specs[i].country!, tagged: i % 3 === 0, grouped: i % 5 < 3, ...totalsOf(history) });
  }
}, 120_000);

afterAll(async () => {
  await db?.drop();
});

// With filters, their small sets drive; or every set counts as large and the total's index is walked.
const PLANS = [
  { name: "small sets drive", driveLimit: undefined },
  { name: "ordered walks", driveLimit: 0 },
];

describe(`sorting the customer list by order totals on ${testDialect}`, () => {
  it("the rows carry each customer's completed total and count and the last order not cancelled", async () => {
    const page = await listCustomers(db, { viewer: admin, query: query(""), storeCountry: "BG", pageSize: 100 });
    const shown = new Map(page.rows.map((r) => [r.id, r]));
    for (const c of expected) {
      expect({ id: c.id, ...shown.get(c.id) }).toMatchObject({
        id: c.id,
        totalSpent: c.totalSpent,
        ordersCount: c.ordersCount,
        lastOrderAt: c.lastOrderAt === null ? null : new Date(c.lastOrderAt).toISOString(),
      });
    }
  });

  for (const plan of PLANS) {
    for (const by of SORTS) {
      it(`${by.sort} with ${plan.name}: every customer once, in order with ties by id, forwards and backwards`, async () => {
        for (const [filter, who] of [
          ["", () => true],
          ["country=BG", (c: Expected) => c.country === "BG"],
          [`tag=${tag}`, (c: Expected) => c.tagged],
          [`country=GR&tag=${tag}`, (c: Expected) => c.country === "GR" && c.tagged],
          [`group=${group}&marketing=no&manager=none`, (c: Expected) => c.grouped],
          ["q=sorter", () => true],
          ["q=sorter n1", (c: Expected) => /^sorter-1\d$/.test(c.externalId)],
        ] as const) {
          const search = `${filter}${filter ? "&" : ""}sort=${by.sort}`;
          const { forward, backward } = await walk(search, 4, plan);
          const ids = forward.flat().map((r) => r.id);
          expect(ids, search).toEqual(inOrder(expected.filter(who), by));
          expect(forward.slice(0, -1).every((p) => p.length === 4), search).toBe(true);
          expect(backward.map((p) => p.map((r) => r.id)), search).toEqual(forward.map((p) => p.map((r) => r.id)));
        }
      });
    }
  }

  it("a cursor made for one order gives the first page of another", async () => {
    const first = await listCustomers(db, { viewer: admin, query: query("sort=total-spent-desc"), storeCountry: "BG", pageSize: 5 });
    const cursor = first.nextCursor!;
    expect(decodeCursor(cursor, "total-spent-desc")).not.toBeNull();
    expect(decodeCursor(cursor, "name")).toBeNull();
    expect(decodeCursor(cursor, "newest")).toBeNull();
    // a missing value is a place only in the last-order order
    const undated = encodeCursor({ sort: "last-order-desc", value: null, id: 5 });
    expect(decodeCursor(undated, "last-order-asc")).toEqual({ sort: "last-order-asc", value: null, id: 5 });
    expect(decodeCursor(undated, "total-spent-asc")).toBeNull();
    expect(decodeCursor(encodeCursor({ sort: "orders-asc", value: 1.5, id: 5 }), "orders-asc")).toBeNull();
    const byName = await listCustomers(db, { viewer: admin, query: { ...query("sort=orders-desc"), after: encodeCursor({ sort: "name", sortName: "x", id: 3 }) }, storeCountry: "BG", pageSize: 5 });
    expect(byName.previousCursor).toBeNull();
    expect(byName.rows.map((r) => r.id)).toEqual(inOrder(expected, SORTS[2]).slice(0, 5));
  });

  async function statementsOf(search: string, driveLimit: number | undefined): Promise<string[]> {
    const statements: string[] = [];
    const options = (db.sequelize as unknown as { options: { logging: unknown } }).options;
    const logging = options.logging;
    options.logging = (sql: string) => statements.push(sql.replace(/^Executing \([^)]*\): /, ""));
    try {
      await listCustomers(db, { viewer: admin, query: query(search), storeCountry: "BG", pageSize: 10, driveLimit });
    } finally {
      options.logging = logging;
    }
    return statements;
  }

  const explain = (sql: string) => db.sequelize.query<Record<string, unknown>>(`EXPLAIN ${testDialect === "sqlite" ? "QUERY PLAN " : ""}${sql}`, { type: QueryTypes.SELECT });

  it("with large filter sets, walks the total's index and tests the filters in it, reading no customer's row", async () => {
    const statements = await statementsOf(`country=GR&group=${group}&manager=none&marketing=no&tag=${tag}&channel=email&sort=total-spent-asc`, 0);
    const keys = statements.filter((s) => / ORDER BY c\.total_spent ASC, c\.id ASC LIMIT/.test(s));
    expect(keys).toHaveLength(1);
    const plan = await explain(keys[0]);
    if (testDialect === "sqlite") {
      const details = plan.map((row) => String(row.detail));
      expect(details[0]).toMatch(/^SCAN c USING COVERING INDEX customers_by_total_spent$/);
      expect(details.join(" | ")).not.toMatch(/TEMP B-TREE/);
    } else {
      const customers = plan.filter((row) => row.table === "c");
      expect(customers).toHaveLength(1);
      expect(customers[0]).toMatchObject({ key: "customers_by_total_spent", Extra: expect.stringContaining("Using index") });
      expect(String(customers[0].Extra)).not.toMatch(/filesort|temporary/);
    }
    expect((await walk(`country=GR&group=${group}&manager=none&marketing=no&tag=${tag}&sort=total-spent-asc`, 2, PLANS[1])).forward.flat().map((r) => r.id)).toEqual(
      inOrder(expected.filter((c) => c.country === "GR" && c.tagged && c.grouped), SORTS[1]),
    );
  });

  it("reads each page from the total's (value, id) index in order, without sorting the table", async () => {
    const deep = (sort: (typeof SORTS)[number]["sort"], value: number | null) => encodeCursor({ sort, value, id: expected[20].id });
    const cases: Array<[string, string]> = [];
    for (const by of SORTS) {
      const index = `customers_by_${by.sort.startsWith("total") ? "total_spent" : by.sort.startsWith("orders") ? "orders_count" : "last_order_at"}`;
      cases.push([`sort=${by.sort}`, index]);
      cases.push([`sort=${by.sort}&after=${deep(by.sort, by.sort.startsWith("last") ? D2.getTime() : 1000)}`, index]);
      cases.push([`sort=${by.sort}&before=${deep(by.sort, by.sort.startsWith("last") ? D2.getTime() : 1000)}`, index]);
      if (by.sort.startsWith("last")) {
        cases.push([`sort=${by.sort}&after=${deep(by.sort, null)}`, index]);
        cases.push([`sort=${by.sort}&before=${deep(by.sort, null)}`, index]);
      }
    }
    for (const [search, index] of cases) {
      const statements = await statementsOf(search, undefined);
      const keys = statements.filter((s) => / ORDER BY c\.\w+ (ASC|DESC), c\.id (ASC|DESC) LIMIT/.test(s) || / ORDER BY c\.id (ASC|DESC) LIMIT/.test(s));
      expect(keys, search).toHaveLength(1);
      const plan = await explain(keys[0]);
      if (testDialect === "sqlite") {
        // "SEARCH c USING COVERING INDEX customers_total_spent_id (total_spent<?)", and no "USE TEMP B-TREE FOR ORDER BY"
        const details = plan.map((row) => String(row.detail));
        const reads = details.filter((d) => / c /.test(` ${d} `) || /\bc USING\b/.test(d));
        expect(reads.length, `${search}: ${details.join(" | ")}`).toBeGreaterThan(0);
        for (const d of reads) expect(d, search).toMatch(new RegExp(`USING (COVERING )?INDEX ${index}\\b`));
        expect(details.join(" | "), search).not.toMatch(/TEMP B-TREE/);
      } else {
        const reads = plan.filter((row) => row.table === "c");
        expect(reads.length, search).toBeGreaterThan(0);
        for (const row of reads) {
          expect(row.key, search).toBe(index);
          expect(String(row.Extra ?? ""), search).not.toMatch(/filesort|temporary/i);
        }
      }
    }
  });
});
