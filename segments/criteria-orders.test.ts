// Hand-checked examples for the order aggregates, last order and abandoned carts
// (SEGMENT-SEMANTICS.md, "Order aggregates" and "Date criteria"), against both evaluators. The store
// is in Europe/Sofia (UTC+2 in winter), so a UTC evening can be the next store day.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../models/db";
import type { Criterion, DateCondition, Rule } from "./definition";
import type { FactIndex } from "./facts/fact-index";
import { bothMembers, customer, emptyStore, writeAndLoad } from "../test/segments/both-evaluators";
import { createTestDatabase } from "../test/support/db";
import type { TestStore } from "../test/support/store-writer";

const at = (iso: string) => new Date(iso);
// Sofia 12:00 on 10 March 2024: today is 2024-03-10
const NOW = at("2024-03-10T10:00:00Z");

const order = (customerId: number, status: string, total: number, placedAt: string) => ({ customerId, status, total, placedAt: at(placedAt), categories: [] });

// Completed orders by store day (Sofia):
//   1: 1000 on 01-10, 3000 on 02-10 (and a cancelled 5000 on 02-20)   total 4000, 2 orders, average 2000
//   2: 2500 on 02-01 (placed 31 Jan 22:30 UTC)                          total 2500, 1 order,  average 2500
//   3: no orders                                                        total 0,    0 orders, no average
//   4: 0 on 01-05 (and a pending 9999 the same day)                     total 0,    1 order,  average 0
//   5: 2000 on 01-31 (23:59:59.999 Sofia), 2000 on 03-01               total 4000, 2 orders, average 2000
//   6: 1000 on 03-05, 1001 on 03-06                                     total 2001, 2 orders, average 1000.5
//   7: only a cancelled order, on 03-09                                 total 0,    0 orders, no average
const store: TestStore = emptyStore("Europe/Sofia", {
  customers: [1, 2, 3, 4, 5, 6, 7].map((id) => customer(id)),
  orders: [
    order(1, "completed", 1000, "2024-01-10T12:00:00Z"),
    order(1, "completed", 3000, "2024-02-10T12:00:00Z"),
    order(1, "cancelled", 5000, "2024-02-20T12:00:00Z"),
    order(2, "completed", 2500, "2024-01-31T22:30:00Z"),
    order(4, "completed", 0, "2024-01-05T12:00:00Z"),
    order(4, "pending", 9999, "2024-01-05T13:00:00Z"),
    order(5, "completed", 2000, "2024-01-31T21:59:59.999Z"),
    order(5, "completed", 2000, "2024-03-01T10:00:00Z"),
    order(6, "completed", 1000, "2024-03-05T10:00:00Z"),
    order(6, "completed", 1001, "2024-03-06T10:00:00Z"),
    order(7, "cancelled", 4000, "2024-03-09T10:00:00Z"),
  ],
  carts: [
    // Sofia 01:30 on 9 March
    { customerId: 1, abandonedAt: at("2024-03-08T23:30:00Z"), recoveredAt: null },
    { customerId: 2, abandonedAt: at("2024-03-09T10:00:00Z"), recoveredAt: at("2024-03-09T12:00:00Z") },
    { customerId: 3, abandonedAt: at("2024-03-01T10:00:00Z"), recoveredAt: null },
    { customerId: 3, abandonedAt: at("2024-03-10T08:00:00Z"), recoveredAt: at("2024-03-10T09:00:00Z") },
  ],
});

let db: Database & { drop(): Promise<void> };
let index: FactIndex;

beforeAll(async () => {
  db = await createTestDatabase();
  index = await writeAndLoad(db, store);
});
afterAll(() => db?.drop());

const one = (criterion: Criterion): Rule => ({ match: "all", criteria: [criterion] });
const members = (criterion: Criterion, now = NOW) => bothMembers(index, store, one(criterion), now);
const onBothSides = (ids: number[]) => ({ reference: ids, fast: ids, perSlot: ids });
type Bounds = { min?: number; max?: number; timeFrame?: { from?: string; to?: string; lastDays?: number } };
const totalSpent = (b: Bounds, now = NOW) => members({ field: "totalSpent", ...b }, now);
const orderCount = (b: Bounds, now = NOW) => members({ field: "orderCount", ...b }, now);
const average = (b: Bounds, now = NOW) => members({ field: "averageOrderValue", ...b }, now);

describe("total spent, number of orders, average order value over the whole history", () => {
  it("total spent counts completed orders only, bounds inclusive", () => {
    expect(totalSpent({ min: 4000 })).toEqual(onBothSides([1, 5]));
    expect(totalSpent({ min: 2500, max: 2500 })).toEqual(onBothSides([2]));
    expect(totalSpent({ min: 5000 })).toEqual(onBothSides([]));
  });

  it("with no completed orders the total is 0 and matches bounds that hold 0", () => {
    expect(totalSpent({ max: 2500 })).toEqual(onBothSides([2, 3, 4, 6, 7]));
    expect(totalSpent({ min: 0, max: 0 })).toEqual(onBothSides([3, 4, 7]));
  });

  it("number of orders counts completed ones; 0 matches when within the bounds", () => {
    expect(orderCount({ min: 2 })).toEqual(onBothSides([1, 5, 6]));
    expect(orderCount({ max: 0 })).toEqual(onBothSides([3, 7]));
    expect(orderCount({ min: 1, max: 1 })).toEqual(onBothSides([2, 4]));
  });

  it("average order value never matches without orders, even from 0", () => {
    expect(average({ min: 0 })).toEqual(onBothSides([1, 2, 4, 5, 6]));
    expect(average({ max: 2000 })).toEqual(onBothSides([1, 4, 5, 6]));
    expect(average({ min: 2000, max: 2000 })).toEqual(onBothSides([1, 5]));
  });

  it("average order value is exact: 1000.5 is neither ≥ 1001 nor ≤ 1000", () => {
    expect(average({ min: 1001 })).toEqual(onBothSides([1, 2, 5]));
    expect(average({ max: 1000 })).toEqual(onBothSides([4]));
    expect(average({ min: 1000, max: 1001 })).toEqual(onBothSides([6]));
  });
});

describe("time frames", () => {
  it("an order counts on its store day: 31 Jan 22:30 UTC is 1 Feb in Sofia", () => {
    expect(totalSpent({ min: 2000, timeFrame: { to: "2024-01-31" } })).toEqual(onBothSides([5]));
    expect(totalSpent({ min: 2000, timeFrame: { from: "2024-02-01" } })).toEqual(onBothSides([1, 2, 5, 6]));
  });

  it("both ends are inclusive, and the edge is the store's midnight", () => {
    expect(orderCount({ min: 1, timeFrame: { from: "2024-02-01", to: "2024-02-01" } })).toEqual(onBothSides([2]));
    expect(orderCount({ min: 1, timeFrame: { from: "2024-01-31", to: "2024-01-31" } })).toEqual(onBothSides([5]));
    expect(totalSpent({ min: 1000, max: 1000, timeFrame: { from: "2024-03-05", to: "2024-03-05" } })).toEqual(onBothSides([6]));
  });

  it("customers with no counted order in the frame have a count of 0", () => {
    expect(orderCount({ max: 0, timeFrame: { from: "2024-02-01", to: "2024-02-29" } })).toEqual(onBothSides([3, 4, 5, 6, 7]));
  });

  it("average order value in a frame with no orders matches nobody", () => {
    expect(average({ min: 0, timeFrame: { from: "2024-02-02", to: "2024-02-09" } })).toEqual(onBothSides([]));
    expect(average({ min: 1500, max: 2500, timeFrame: { from: "2024-01-01", to: "2024-01-31" } })).toEqual(onBothSides([5]));
  });
});

describe("rolling time frames: the last N store days, today included", () => {
  it("the last 5 days on 10 March are 6–10 March; the last 6 reach back to 5 March", () => {
    expect(orderCount({ min: 1, timeFrame: { lastDays: 5 } })).toEqual(onBothSides([6]));
    expect(totalSpent({ min: 1001, max: 1001, timeFrame: { lastDays: 5 } })).toEqual(onBothSides([6]));
    expect(totalSpent({ min: 2001, timeFrame: { lastDays: 5 } })).toEqual(onBothSides([]));
    expect(totalSpent({ min: 2001, timeFrame: { lastDays: 6 } })).toEqual(onBothSides([6]));
  });

  it("counts back across 29 February: the last 30 days on 10 March 2024 start on 10 February", () => {
    expect(orderCount({ min: 1, timeFrame: { lastDays: 30 } })).toEqual(onBothSides([1, 5, 6]));
    expect(orderCount({ min: 1, timeFrame: { lastDays: 29 } })).toEqual(onBothSides([5, 6]));
    expect(orderCount({ min: 1, timeFrame: { lastDays: 10 } })).toEqual(onBothSides([5, 6]));
    expect(orderCount({ min: 1, timeFrame: { lastDays: 9 } })).toEqual(onBothSides([6]));
  });

  it("the last 1 day is today only, and customers without an order in it have a count of 0", () => {
    expect(orderCount({ min: 1, timeFrame: { lastDays: 1 } })).toEqual(onBothSides([]));
    expect(orderCount({ max: 0, timeFrame: { lastDays: 5 } })).toEqual(onBothSides([1, 2, 3, 4, 5, 7]));
    expect(average({ min: 0, timeFrame: { lastDays: 3 } })).toEqual(onBothSides([]));
  });

  it("moves with the calendar: two days later 6 March has left the last 5 days", () => {
    const later = at("2024-03-12T10:00:00Z");
    expect(orderCount({ min: 1, timeFrame: { lastDays: 5 } }, later)).toEqual(onBothSides([]));
    expect(orderCount({ min: 1, timeFrame: { lastDays: 7 } }, later)).toEqual(onBothSides([6]));
  });

  it("today is the store's day: at 23:00 UTC on 31 January it is already 1 February in Sofia", () => {
    const sofiaOneAm = at("2024-01-31T23:00:00Z");
    expect(orderCount({ min: 1, timeFrame: { lastDays: 1 } }, sofiaOneAm)).toEqual(onBothSides([2]));
    expect(orderCount({ min: 1, timeFrame: { lastDays: 2 } }, sofiaOneAm)).toEqual(onBothSides([2, 5]));
    expect(average({ min: 2001, timeFrame: { lastDays: 2 } }, sofiaOneAm)).toEqual(onBothSides([2]));
    // an hour earlier it is still 31 January there
    const sofiaElevenPm = at("2024-01-31T21:00:00Z");
    expect(totalSpent({ min: 2000, timeFrame: { lastDays: 1 } }, sofiaElevenPm)).toEqual(onBothSides([5]));
  });
});

describe("last order", () => {
  const lastOrder = (date: DateCondition) => members({ field: "lastOrderAt", date });
  // latest order that is not cancelled, by store day: 1: 02-10 (its 02-20 order was cancelled) ·
  // 2: 02-01 · 3: none · 4: 01-05 (pending counts) · 5: 03-01 · 6: 03-06 · 7: none (only cancelled)

  it("ignores cancelled orders but not other statuses", () => {
    expect(lastOrder({ form: "between", from: "2024-02-15" })).toEqual(onBothSides([5, 6]));
    expect(lastOrder({ form: "between", to: "2024-02-01" })).toEqual(onBothSides([2, 4]));
  });

  it("relative to today, 10 March 2024", () => {
    expect(lastOrder({ form: "daysAgo", days: 9 })).toEqual(onBothSides([5]));
    // 30 days before 10 March 2024 is 9 February (a leap year)
    expect(lastOrder({ form: "moreThanDaysAgo", days: 30 })).toEqual(onBothSides([2, 4]));
    expect(lastOrder({ form: "inLastDays", days: 5 })).toEqual(onBothSides([6]));
    expect(lastOrder({ form: "moreThanDaysAgo", days: 0 })).toEqual(onBothSides([1, 2, 4, 5, 6]));
  });
});

describe("abandoned cart", () => {
  const cart = (date: DateCondition) => members({ field: "abandonedCartAt", date });
  // not recovered: 1 on 03-09 (Sofia) and 3 on 03-01; recovered (ignored): 2 on 03-09, 3 on 03-10

  it("only carts that were not recovered count", () => {
    expect(cart({ form: "daysAgo", days: 1 })).toEqual(onBothSides([1]));
    expect(cart({ form: "inLastDays", days: 2 })).toEqual(onBothSides([1]));
    expect(cart({ form: "daysAgo", days: 0 })).toEqual(onBothSides([]));
  });

  it("any of the customer's carts may match", () => {
    expect(cart({ form: "moreThanDaysAgo", days: 7 })).toEqual(onBothSides([3]));
    expect(cart({ form: "between", from: "2024-03-01" })).toEqual(onBothSides([1, 3]));
  });
});
