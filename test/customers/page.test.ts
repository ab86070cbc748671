import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase } from "../support/db";
import type { Database } from "../../models/db";
import { getCustomerPage } from "../../models/customers/page.server";
import { getCustomerTimeline, type TimelineEntry } from "../../models/customers/timeline.server";
import { listCustomerOrders } from "../../models/customers/orders.server";
import type { CustomerViewer } from "../../models/customers/viewer";
import { bulkInsert } from "../../models/sql/bulk";
import { addChannel, addCustomers, addGroup, addOrder, addTag, addUser } from "./factory";

let db: Database & { drop(): Promise<void> };
let admin: CustomerViewer;
let marketer: CustomerViewer;
let owner: CustomerViewer;
let otherManager: CustomerViewer;
let customerId: number;
let bareId: number;
const day = (d: number, h = 10) => new Date(Date.UTC(2024, 0, d, h));

beforeAll(async () => {
  db = await createTestDatabase();
  admin = { id: await addUser(db, "admin", "admin@test.store"), role: "admin" };
  marketer = { id: await addUser(db, "marketer", "marketer@test.store"), role: "marketer" };
  owner = { id: await addUser(db, "manager", "owner@test.store", "Olga Owner"), role: "manager" };
  otherManager = { id: await addUser(db, "manager", "other@test.store"), role: "manager" };
  const vip = await addGroup(db, "VIP");
  [customerId, bareId] = await addCustomers(db, [
    {
      externalId: "C-1",
      firstName: "Ελένη",
      lastName: "Παπαδοπούλου",
      email: "eleni@example.gr",
      phone: "+306912345678",
      country: "GR",
      city: "Αθήνα",
      birthday: "1990-02-28",
      registeredAt: day(1, 9),
      acceptsMarketing: true,
      customerGroupId: vip,
      managerId: owner.id,
    },
    { externalId: "C-2", firstName: "Bare", lastName: "Customer", registeredAt: day(2) },
  ]);
  await addTag(db, "wholesale", [customerId]);
  await addTag(db, "newsletter", [customerId]);

  const { CustomField, CustomerFieldValue, RegistrationQuestion, RegistrationOption, RegistrationAnswer, Product, Category, AbandonedCart } = db.models;
  const size = await CustomField.create({ key: "shoe_size", label: "Shoe size", type: "number", options: null, position: 1 });
  const since = await CustomField.create({ key: "member_since", label: "Member since", type: "date", options: null, position: 2 });
  const colour = await CustomField.create({ key: "colour", label: "Favourite colour", type: "select", options: JSON.stringify(["red", "blue"]), position: 3 });
  await CustomField.create({ key: "note", label: "Note", type: "text", options: null, position: 4 });
  await CustomerFieldValue.create({ customerId, customFieldId: size.id, valueText: null, valueNumber: 38.5, valueDate: null });
  await CustomerFieldValue.create({ customerId, customFieldId: since.id, valueText: null, valueNumber: null, valueDate: "2020-05-17" });
  await CustomerFieldValue.create({ customerId, customFieldId: colour.id, valueText: "blue", valueNumber: null, valueDate: null });
  const pets = await RegistrationQuestion.create({ key: "pets", text: "Which pets do you have?", position: 1 });
  const cat = await RegistrationOption.create({ questionId: pets.id, key: "cat", label: "Cat", position: 1 });
  await RegistrationOption.create({ questionId: pets.id, key: "dog", label: "Dog", position: 2 });
  const fish = await RegistrationOption.create({ questionId: pets.id, key: "fish", label: "Fish", position: 3 });
  await RegistrationQuestion.create({ key: "unanswered", text: "Never answered?", position: 2 });
  await RegistrationAnswer.create({ customerId, questionId: pets.id, optionId: fish.id, answeredAt: day(3) });
  await RegistrationAnswer.create({ customerId, questionId: pets.id, optionId: cat.id, answeredAt: day(3) });
  await addChannel(db, customerId, "viber", true, "viber-eleni", day(4));
  await addChannel(db, customerId, "email", false, "eleni@example.gr", day(5));

  const shoes = await Category.create({ externalId: "cat-shoes", name: "Shoes", parentId: null });
  const sandal = await Product.create({ externalId: "p-1", name: "Sandal", categoryId: shoes.id });
  // twelve orders on days 6..17, one per day, and a second order on day 17 at the same moment
  for (let d = 6; d <= 17; d++) {
    await addOrder(db, customerId, {
      externalId: `o-${d}`,
      status: d === 10 ? "cancelled" : "completed",
      total: d * 100,
      placedAt: day(d),
      items: [{ productId: sandal.id, categoryId: shoes.id, quantity: 1, price: d * 100 }],
    });
  }
  await addOrder(db, customerId, { externalId: "o-17b", status: "pending", total: 5000, placedAt: day(17) });
  await AbandonedCart.create({ externalId: "cart-1", customerId, abandonedAt: day(8, 12), value: 4200, currency: "EUR", recoveredAt: null });
  await AbandonedCart.create({ externalId: "cart-2", customerId, abandonedAt: day(12, 12), value: 990, currency: "EUR", recoveredAt: day(13) });
  // the change log: created at registration, a profile change, and an order recorded at the moment it was placed
  await bulkInsert(
    db,
    "customer_changes",
    ["customer_id", "kind", "fields", "source", "created_at"],
    [
      [customerId, "created", JSON.stringify({ externalId: "C-1" }), "import", day(1, 9)],
      [customerId, "profile", JSON.stringify({ changed: ["email", "city"] }), "ui", day(9)],
      [customerId, "order", JSON.stringify({ externalId: "o-17" }), "api", day(17)],
      [bareId, "created", null, "api", day(2)],
    ],
  );
});

afterAll(async () => {
  await db?.drop();
});

describe("the customer page", () => {
  it("shows every field of the profile, its group, tags, manager, custom fields, answers and channels", async () => {
    const result = await getCustomerPage(db, { customerId, viewer: admin });
    if (!result.ok) throw new Error(result.reason);
    const p = result.page.profile;
    expect(p).toMatchObject({
      externalId: "C-1",
      firstName: "Ελένη",
      lastName: "Παπαδοπούλου",
      email: "eleni@example.gr",
      phone: "+306912345678",
      country: "GR",
      city: "Αθήνα",
      birthday: "1990-02-28",
      acceptsMarketing: true,
      registeredAt: day(1, 9).toISOString(),
      group: { name: "VIP" },
      manager: { id: owner.id, name: "Olga Owner", email: "owner@test.store" },
    });
    expect(p.tags.map((t) => t.name)).toEqual(["newsletter", "wholesale"]);
    expect(p.customFields).toEqual([
      { key: "shoe_size", label: "Shoe size", type: "number", value: 38.5 },
      { key: "member_since", label: "Member since", type: "date", value: "2020-05-17" },
      { key: "colour", label: "Favourite colour", type: "select", value: "blue" },
      { key: "note", label: "Note", type: "text", value: null },
    ]);
    expect(p.answers).toEqual([{ questionId: expect.any(Number), question: "Which pets do you have?", options: ["Cat", "Fish"], answeredAt: day(3).toISOString() }]);
    expect(p.channels).toEqual([
      { channel: "email", isKnown: true, address: "eleni@example.gr", isSubscribed: false, subscriptionChangedAt: day(5).toISOString() },
      { channel: "sms", isKnown: false, address: null, isSubscribed: false, subscriptionChangedAt: null },
      { channel: "messenger", isKnown: false, address: null, isSubscribed: false, subscriptionChangedAt: null },
      { channel: "viber", isKnown: true, address: "viber-eleni", isSubscribed: true, subscriptionChangedAt: day(4).toISOString() },
    ]);
    // completed orders only: days 6..17 without 10
    const days = [6, 7, 8, 9, 11, 12, 13, 14, 15, 16, 17];
    expect(p.ordersCount).toBe(days.length);
    expect(p.totalSpent).toBe(days.reduce((s, d) => s + d * 100, 0));
    expect(p.lastOrderAt).toBe(day(17).toISOString());
    expect(result.page.carts.total).toBe(2);
    expect(result.page.carts.carts.map((c) => c.externalId)).toEqual(["cart-2", "cart-1"]);
    expect(result.page.carts.carts[0].recoveredAt).toBe(day(13).toISOString());
  });

  it("a customer with no orders, carts, tags or answers has empty lists, not errors", async () => {
    const result = await getCustomerPage(db, { customerId: bareId, viewer: marketer });
    if (!result.ok) throw new Error(result.reason);
    expect(result.page.orders).toEqual({ orders: [], olderCursor: null, total: 0 });
    expect(result.page.carts).toEqual({ carts: [], total: 0 });
    expect(result.page.profile).toMatchObject({ tags: [], answers: [], group: null, manager: null, ordersCount: 0, totalSpent: 0, lastOrderAt: null });
    expect(result.page.timeline.entries.map((e) => e.type)).toEqual(["change", "registered"]);
  });

  it("lists orders newest first, ten a page, with their items", async () => {
    const first = await listCustomerOrders(db, { customerId });
    expect(first.total).toBe(13);
    expect(first.orders.map((o) => o.externalId)).toEqual(["o-17b", "o-17", "o-16", "o-15", "o-14", "o-13", "o-12", "o-11", "o-10", "o-9"]);
    expect(first.orders[1]).toMatchObject({ status: "completed", total: 1700, currency: "EUR", placedAt: day(17).toISOString() });
    expect(first.orders[1].items).toEqual([{ id: expect.any(Number), productName: "Sandal", variantName: null, categoryName: "Shoes", quantity: 1, price: 1700 }]);
    const second = await listCustomerOrders(db, { customerId, cursor: first.olderCursor });
    expect(second.orders.map((o) => o.externalId)).toEqual(["o-8", "o-7", "o-6"]);
    expect(second.olderCursor).toBeNull();
  });

  it("opens for admins and marketers, and for a manager only when the customer is assigned to them", async () => {
    expect((await getCustomerPage(db, { customerId, viewer: admin })).ok).toBe(true);
    expect((await getCustomerPage(db, { customerId, viewer: marketer })).ok).toBe(true);
    expect((await getCustomerPage(db, { customerId, viewer: owner })).ok).toBe(true);
    expect(await getCustomerPage(db, { customerId, viewer: otherManager })).toEqual({ ok: false, reason: "forbidden" });
    expect(await getCustomerPage(db, { customerId: bareId, viewer: owner })).toEqual({ ok: false, reason: "forbidden" });
    expect(await getCustomerPage(db, { customerId: 999_999, viewer: admin })).toEqual({ ok: false, reason: "not-found" });
  });
});

describe("the history timeline", () => {
  const label = (e: TimelineEntry) =>
    e.type === "change" ? `change:${e.kind}` : e.type === "order" ? `order:${e.externalId}` : e.type === "cart" ? `cart:${e.externalId}` : "registered";

  it("merges changes, orders, carts and the registration, newest first", async () => {
    const { entries, olderCursor } = await getCustomerTimeline(db, { customerId, pageSize: 100 });
    expect(olderCursor).toBeNull();
    expect(entries.map(label)).toEqual([
      // day 17: the change-log row, then the two orders of the same moment, higher id first
      "change:order",
      "order:o-17b",
      "order:o-17",
      "order:o-16",
      "order:o-15",
      "order:o-14",
      "order:o-13",
      "cart:cart-2",
      "order:o-12",
      "order:o-11",
      "order:o-10",
      "change:profile",
      "order:o-9",
      "cart:cart-1",
      "order:o-8",
      "order:o-7",
      "order:o-6",
      "change:created",
      "registered",
    ]);
    const change = entries.find((e) => e.type === "change" && e.kind === "profile");
    expect(change).toMatchObject({ source: "ui", fields: { changed: ["email", "city"] } });
    const times = entries.map((e) => Date.parse(e.at));
    expect(times).toEqual([...times].sort((a, b) => b - a));
  });

  it("pages through the same history with no duplicates or gaps, whatever the page size", async () => {
    const { entries: all } = await getCustomerTimeline(db, { customerId, pageSize: 100 });
    for (const pageSize of [1, 2, 3, 5, 7]) {
      const seen: string[] = [];
      let cursor: string | null = null;
      for (let guard = 0; guard < 50; guard++) {
        const page = await getCustomerTimeline(db, { customerId, pageSize, cursor });
        expect(page.entries.length).toBeLessThanOrEqual(pageSize);
        seen.push(...page.entries.map(label));
        cursor = page.olderCursor;
        if (!cursor) break;
      }
      expect(seen).toEqual(all.map(label));
    }
  });
});
