// Hand-checked examples for the criteria over values and lists (SEGMENT-SEMANTICS.md, "Include /
// exclude lists" and "Other criteria"), each asserted against both evaluators.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../models/db";
import type { Criterion, Rule } from "./definition";
import type { FactIndex } from "./facts/fact-index";
import { bothMembers, customer, emptyStore, writeAndLoad } from "../test/segments/both-evaluators";
import { createTestDatabase } from "../test/support/db";
import type { TestStore } from "../test/support/store-writer";

const at = (iso: string) => new Date(iso);
const NOW = at("2024-06-15T10:00:00Z");

// Four customers; comments give each one's values next to the rule they test.
const store: TestStore = emptyStore("UTC", {
  customers: [
    customer(1, {
      country: "BG",
      city: "Sofia",
      group: "VIP",
      tags: ["vip", "winter"],
      acceptsMarketing: true,
      fields: { size: 38.5, colour: "blue", note: "Prefers the Sofia shop", since: "2020-05-17" },
      answers: { pets: ["cat", "dog"] },
    }),
    customer(2, { country: "GR", city: "Αθήνα", group: "Wholesale", tags: ["VIP"], fields: { size: 40, colour: "red", note: "sofia" }, answers: { pets: ["fish"], source: ["web"] } }),
    customer(3),
    customer(4, { country: "BG", city: "sofia", group: "vip", tags: ["new"], fields: { size: 38, colour: "green", note: "ΑΘΗΝΑ", since: "2021-01-01" }, answers: { source: ["shop"] } }),
  ],
  orders: [
    { customerId: 1, status: "completed", total: 1000, placedAt: at("2024-01-10T12:00:00Z"), categories: ["boots"] },
    { customerId: 1, status: "cancelled", total: 500, placedAt: at("2024-02-10T12:00:00Z"), categories: ["garden"] },
    { customerId: 2, status: "pending", total: 700, placedAt: at("2024-03-10T12:00:00Z"), categories: ["shirts"] },
    { customerId: 4, status: "refunded", total: 900, placedAt: at("2024-04-10T12:00:00Z"), categories: ["boots"] },
    { customerId: 4, status: "completed", total: 1200, placedAt: at("2024-05-10T12:00:00Z"), categories: ["shirts", "garden"] },
  ],
  channels: [
    { customerId: 1, channel: "email", address: "one@example.com", isSubscribed: true },
    { customerId: 1, channel: "sms", address: null, isSubscribed: true },
    { customerId: 2, channel: "email", address: "two@example.com", isSubscribed: false },
    { customerId: 2, channel: "viber", address: "viber-2", isSubscribed: true },
    { customerId: 3, channel: "messenger", address: "psid-3", isSubscribed: true },
  ],
  // clothing > shoes > boots, clothing > shirts; garden
  categories: [
    { externalId: "clothing", parentExternalId: null },
    { externalId: "shoes", parentExternalId: "clothing" },
    { externalId: "boots", parentExternalId: "shoes" },
    { externalId: "shirts", parentExternalId: "clothing" },
    { externalId: "garden", parentExternalId: null },
  ],
  customFields: [
    { key: "size", type: "number" },
    { key: "since", type: "date" },
    { key: "colour", type: "select", options: ["red", "blue", "green"] },
    { key: "note", type: "text" },
  ],
  questions: [
    { key: "pets", options: ["cat", "dog", "fish"] },
    { key: "source", options: ["web", "shop"] },
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
const members = (rule: Rule) => bothMembers(index, store, rule, NOW);
const onBothSides = (ids: number[]) => ({ reference: ids, fast: ids, perSlot: ids });
const inc = <V extends string>(value: V) => ({ value, mode: "include" as const });
const exc = <V extends string>(value: V) => ({ value, mode: "exclude" as const });

describe("include and exclude lists", () => {
  it("country: an include list matches the customers with that country", () => {
    expect(members(one({ field: "country", values: [inc("BG")] }))).toEqual(onBothSides([1, 4]));
    expect(members(one({ field: "country", values: [inc("RU")] }))).toEqual(onBothSides([]));
  });

  it("country: an exclude-only list also matches customers with no country", () => {
    expect(members(one({ field: "country", values: [exc("BG")] }))).toEqual(onBothSides([2, 3]));
  });

  it("country: include and exclude together need an included value and no excluded one", () => {
    expect(members(one({ field: "country", values: [inc("BG"), exc("GR")] }))).toEqual(onBothSides([1, 4]));
    expect(members(one({ field: "country", values: [inc("GR"), exc("GR")] }))).toEqual(onBothSides([]));
  });

  it("city compares exactly: Sofia is not sofia", () => {
    expect(members(one({ field: "city", values: [inc("Sofia")] }))).toEqual(onBothSides([1]));
    expect(members(one({ field: "city", values: [exc("Sofia")] }))).toEqual(onBothSides([2, 3, 4]));
    expect(members(one({ field: "city", values: [inc("Αθήνα"), inc("sofia")] }))).toEqual(onBothSides([2, 4]));
  });

  it("customer group: VIP and vip are two groups; exclude-only matches the customer without one", () => {
    expect(members(one({ field: "customerGroup", values: [inc("VIP")] }))).toEqual(onBothSides([1]));
    expect(members(one({ field: "customerGroup", values: [inc("vip")] }))).toEqual(onBothSides([4]));
    expect(members(one({ field: "customerGroup", values: [exc("VIP")] }))).toEqual(onBothSides([2, 3, 4]));
  });

  it("tags: the set of the customer's tags, any included one and none excluded", () => {
    expect(members(one({ field: "tag", values: [inc("vip")] }))).toEqual(onBothSides([1]));
    expect(members(one({ field: "tag", values: [inc("VIP")] }))).toEqual(onBothSides([2]));
    expect(members(one({ field: "tag", values: [inc("vip"), inc("new")] }))).toEqual(onBothSides([1, 4]));
    // customer 1 has vip but also winter
    expect(members(one({ field: "tag", values: [inc("vip"), exc("winter")] }))).toEqual(onBothSides([]));
    expect(members(one({ field: "tag", values: [exc("winter")] }))).toEqual(onBothSides([2, 3, 4]));
  });

  it("tags: a tag no customer has excludes nobody and includes nobody", () => {
    expect(members(one({ field: "tag", values: [exc("ghost")] }))).toEqual(onBothSides([1, 2, 3, 4]));
    expect(members(one({ field: "tag", values: [inc("ghost")] }))).toEqual(onBothSides([]));
  });

  it("order status: the set of statuses over all the customer's orders", () => {
    // 1: completed, cancelled · 2: pending · 3: no orders · 4: refunded, completed
    expect(members(one({ field: "orderStatus", values: [inc("completed")] }))).toEqual(onBothSides([1, 4]));
    expect(members(one({ field: "orderStatus", values: [exc("cancelled")] }))).toEqual(onBothSides([2, 3, 4]));
    expect(members(one({ field: "orderStatus", values: [inc("completed"), exc("refunded")] }))).toEqual(onBothSides([1]));
    expect(members(one({ field: "orderStatus", values: [inc("pending"), inc("cancelled")] }))).toEqual(onBothSides([1, 2]));
  });

  it("select custom field: include, and exclude-only matching the customer without a value", () => {
    expect(members(one({ field: "customField", key: "colour", condition: { type: "select", values: [inc("blue")] } }))).toEqual(onBothSides([1]));
    expect(members(one({ field: "customField", key: "colour", condition: { type: "select", values: [inc("blue"), inc("green")] } }))).toEqual(onBothSides([1, 4]));
    expect(members(one({ field: "customField", key: "colour", condition: { type: "select", values: [exc("red")] } }))).toEqual(onBothSides([1, 3, 4]));
    expect(members(one({ field: "customField", key: "colour", condition: { type: "select", values: [inc("purple")] } }))).toEqual(onBothSides([]));
  });
});

describe("other criteria", () => {
  it("accepts marketing is equality", () => {
    expect(members(one({ field: "acceptsMarketing", value: true }))).toEqual(onBothSides([1]));
    expect(members(one({ field: "acceptsMarketing", value: false }))).toEqual(onBothSides([2, 3, 4]));
  });

  it("subscribed needs the subscription; reachable also needs the address", () => {
    expect(members(one({ field: "subscribedOn", channel: "email" }))).toEqual(onBothSides([1]));
    expect(members(one({ field: "reachableOn", channel: "email" }))).toEqual(onBothSides([1]));
    // customer 1 is subscribed to SMS but has no phone number
    expect(members(one({ field: "subscribedOn", channel: "sms" }))).toEqual(onBothSides([1]));
    expect(members(one({ field: "reachableOn", channel: "sms" }))).toEqual(onBothSides([]));
    expect(members(one({ field: "subscribedOn", channel: "viber" }))).toEqual(onBothSides([2]));
    expect(members(one({ field: "reachableOn", channel: "messenger" }))).toEqual(onBothSides([3]));
  });

  it("number custom field: min and max inclusive, a missing value never matches", () => {
    const size = (min?: number, max?: number): Rule => one({ field: "customField", key: "size", condition: { type: "number", min, max } });
    // 1: 38.5 · 2: 40 · 3: none · 4: 38
    expect(members(size(38.5))).toEqual(onBothSides([1, 2]));
    expect(members(size(undefined, 38.5))).toEqual(onBothSides([1, 4]));
    expect(members(size(38, 38))).toEqual(onBothSides([4]));
    expect(members(size(-1000))).toEqual(onBothSides([1, 2, 4]));
  });

  it("text custom field: equals and contains, case-insensitive, beyond ASCII too", () => {
    const note = (op: "equals" | "contains", value: string): Rule => one({ field: "customField", key: "note", condition: { type: "text", op, value } });
    // 1: "Prefers the Sofia shop" · 2: "sofia" · 3: none · 4: "ΑΘΗΝΑ"
    expect(members(note("equals", "SOFIA"))).toEqual(onBothSides([2]));
    expect(members(note("contains", "sofia"))).toEqual(onBothSides([1, 2]));
    expect(members(note("contains", "αθην"))).toEqual(onBothSides([4]));
    expect(members(note("equals", "prefers the sofia"))).toEqual(onBothSides([]));
  });

  it("date custom field: ranges with open ends over the plain date", () => {
    const since = (from?: string, to?: string): Rule => one({ field: "customField", key: "since", condition: { type: "date", date: { form: "between", from, to } } });
    // 1: 2020-05-17 · 4: 2021-01-01
    expect(members(since("2020-05-17", "2020-12-31"))).toEqual(onBothSides([1]));
    expect(members(since("2020-05-18"))).toEqual(onBothSides([4]));
    expect(members(since(undefined, "2020-05-17"))).toEqual(onBothSides([1]));
    expect(members(one({ field: "customField", key: "since", condition: { type: "date", date: { form: "dayOfYear", from: "05-17", to: "05-17" } } }))).toEqual(onBothSides([1]));
  });

  it("registration answer: shares an option with the chosen ones; not answered never matches", () => {
    const answered = (question: string, options: string[]): Rule => one({ field: "registrationAnswer", question, options });
    // 1: pets cat, dog · 2: pets fish, source web · 3: nothing · 4: source shop
    expect(members(answered("pets", ["dog"]))).toEqual(onBothSides([1]));
    expect(members(answered("pets", ["fish", "cat"]))).toEqual(onBothSides([1, 2]));
    expect(members(answered("pets", ["cat", "dog", "fish"]))).toEqual(onBothSides([1, 2]));
    expect(members(answered("source", ["web", "shop"]))).toEqual(onBothSides([2, 4]));
  });
});

describe("ordered from category", () => {
  const category = (mode: "anyOf" | "allOf" | "noneOf", categories: string[]): Rule => one({ field: "orderedFromCategory", mode, categories });
  // completed orders only: 1 bought boots (its garden order was cancelled); 2 has only a pending
  // order; 3 none; 4 bought shirts and garden (its boots order was refunded)

  it("any of: a category stands for its whole subtree", () => {
    expect(members(category("anyOf", ["clothing"]))).toEqual(onBothSides([1, 4]));
    expect(members(category("anyOf", ["shoes"]))).toEqual(onBothSides([1]));
    expect(members(category("anyOf", ["garden"]))).toEqual(onBothSides([4]));
  });

  it("all of: every named subtree has a completed purchase", () => {
    expect(members(category("allOf", ["clothing", "garden"]))).toEqual(onBothSides([4]));
    expect(members(category("allOf", ["shoes", "garden"]))).toEqual(onBothSides([]));
    expect(members(category("allOf", ["shirts"]))).toEqual(onBothSides([4]));
  });

  it("none of: also matches customers without a completed order", () => {
    expect(members(category("noneOf", ["garden"]))).toEqual(onBothSides([1, 2, 3]));
    expect(members(category("noneOf", ["clothing"]))).toEqual(onBothSides([2, 3]));
    expect(members(category("noneOf", ["boots", "shirts"]))).toEqual(onBothSides([2, 3]));
  });
});

describe("combining", () => {
  it("All is the intersection and Any the union", () => {
    const criteria: Criterion[] = [
      { field: "country", values: [inc("BG")] },
      { field: "tag", values: [inc("vip")] },
    ];
    expect(members({ match: "all", criteria })).toEqual(onBothSides([1]));
    expect(members({ match: "any", criteria })).toEqual(onBothSides([1, 4]));
  });
});

describe("text custom field, case-insensitive in Greek", () => {
  // Σ has two lower-case forms: σ, and ς at the end of a word; a comparison that ignores case must
  // treat all three as one letter, or "ΚΟΣ" and "κοσ" would find different customers
  const greek: TestStore = emptyStore("UTC", {
    customers: [customer(1, { fields: { note: "ΚΟΣΜΟΣ" } }), customer(2, { fields: { note: "κόσμος" } }), customer(3, { fields: { note: "ΚΟΣ" } })],
    customFields: [{ key: "note", type: "text" }],
  });
  let greekIndex: FactIndex;
  beforeAll(async () => {
    greekIndex = await writeAndLoad(db, greek);
  });
  const note = (op: "equals" | "contains", value: string) =>
    bothMembers(greekIndex, greek, one({ field: "customField", key: "note", condition: { type: "text", op, value } }), NOW);

  it("contains: ΚΟΣ, κοσ and κος find the same customers", () => {
    // 2 has ό, a different letter from ο
    expect(note("contains", "ΚΟΣ")).toEqual(onBothSides([1, 3]));
    expect(note("contains", "κοσ")).toEqual(onBothSides([1, 3]));
    expect(note("contains", "κος")).toEqual(onBothSides([1, 3]));
    expect(note("contains", "ΜΟΣ")).toEqual(onBothSides([1, 2]));
  });

  it("equals: ΚΟΣ equals κοσ and κος", () => {
    expect(note("equals", "κοσ")).toEqual(onBothSides([3]));
    expect(note("equals", "κος")).toEqual(onBothSides([3]));
    expect(note("equals", "κοσμοσ")).toEqual(onBothSides([1]));
  });
});

describe("ordered from category, with more categories than fit in one 32-bit mask", () => {
  const keys = Array.from({ length: 40 }, (_, i) => `k${i}`);
  const without = (k: string) => keys.filter((key) => key !== k);
  const wide: TestStore = emptyStore("UTC", {
    customers: [customer(1), customer(2), customer(3), customer(4)],
    categories: keys.map((externalId) => ({ externalId, parentExternalId: null })),
    orders: [
      { customerId: 1, status: "completed", total: 100, placedAt: NOW, categories: keys },
      { customerId: 2, status: "completed", total: 100, placedAt: NOW, categories: without("k32") },
      { customerId: 3, status: "completed", total: 100, placedAt: NOW, categories: without("k31") },
      { customerId: 4, status: "completed", total: 100, placedAt: NOW, categories: ["k0"] },
    ],
  });
  let wideIndex: FactIndex;
  beforeAll(async () => {
    wideIndex = await writeAndLoad(db, wide);
  });
  const category = (mode: "anyOf" | "allOf" | "noneOf", categories: string[]) =>
    bothMembers(wideIndex, wide, one({ field: "orderedFromCategory", mode, categories }), NOW);

  it("all of 32, 33 and 40 categories", () => {
    // 2 lacks k32 only, 3 lacks k31 only
    expect(category("allOf", keys.slice(0, 32))).toEqual(onBothSides([1, 2]));
    expect(category("allOf", keys.slice(0, 33))).toEqual(onBothSides([1]));
    expect(category("allOf", keys)).toEqual(onBothSides([1]));
    expect(category("allOf", keys.slice(31, 40).filter((k) => k !== "k32"))).toEqual(onBothSides([1, 2]));
  });

  it("any of and none of past the 32nd category", () => {
    expect(category("anyOf", ["k39"])).toEqual(onBothSides([1, 2, 3]));
    expect(category("noneOf", keys.slice(1))).toEqual(onBothSides([4]));
    expect(category("anyOf", ["k31", "k32"])).toEqual(onBothSides([1, 2, 3]));
  });
});
