// Hand-checked examples for member / not member of another segment (SEGMENT-SEMANTICS.md, "Other
// criteria"), and for `explain` giving the customer's own values behind each criterion.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../models/db";
import type { Criterion, Rule } from "./definition";
import { explain } from "./evaluate";
import type { FactIndex } from "./facts/fact-index";
import { bothMembers, customer, emptyStore, fastContext, writeAndLoad } from "../test/segments/both-evaluators";
import { createTestDatabase } from "../test/support/db";
import type { TestStore } from "../test/support/store-writer";

const at = (iso: string) => new Date(iso);
const NOW = at("2025-03-10T10:00:00Z");
const inc = <V extends string>(value: V) => ({ value, mode: "include" as const });
const exc = <V extends string>(value: V) => ({ value, mode: "exclude" as const });
const onBothSides = (ids: number[]) => ({ reference: ids, fast: ids, perSlot: ids });
const isIn = (segment: string, isMember = true): Criterion => ({ field: "segment", segment, isMember });

const store: TestStore = emptyStore("Europe/Sofia", {
  customers: [
    customer(1, {
      country: "BG",
      tags: ["vip"],
      birthday: "1990-12-31",
      registeredAt: at("2024-12-31T22:30:00Z"),
      fields: { colour: "blue", size: 41 },
      answers: { pets: ["cat"] },
    }),
    customer(2, { country: "BG" }),
    customer(3, { country: "GR", tags: ["vip"] }),
    customer(4),
    customer(5, { country: "GR" }),
  ],
  orders: [
    { customerId: 1, status: "completed", total: 50000, placedAt: at("2025-02-01T10:00:00Z"), categories: ["shoes"] },
    { customerId: 1, status: "completed", total: 31240, placedAt: at("2025-03-08T10:00:00Z"), categories: [] },
    { customerId: 1, status: "cancelled", total: 100, placedAt: at("2025-03-09T10:00:00Z"), categories: [] },
  ],
  categories: [{ externalId: "shoes", parentExternalId: null }],
  customFields: [
    { key: "colour", type: "select", options: ["red", "blue"] },
    { key: "size", type: "number" },
  ],
  questions: [{ key: "pets", options: ["cat", "dog"] }],
  segments: [
    { code: "bulgarians", type: "dynamic", rule: { match: "all", criteria: [{ field: "country", values: [inc("BG")] }] }, members: [] },
    // nested: a dynamic segment of a dynamic segment
    { code: "vip-bulgarians", type: "dynamic", rule: { match: "all", criteria: [isIn("bulgarians"), { field: "tag", values: [inc("vip")] }] }, members: [] },
    // its rule would give 3 and 5 today, but a snapshot is what was stored
    { code: "frozen", type: "snapshot", rule: { match: "all", criteria: [{ field: "country", values: [inc("GR")] }] }, members: [3, 4] },
    { code: "hand-picked", type: "manual", rule: { match: "all", criteria: [] }, members: [2, 5] },
    // keeps 5 from an earlier recompute and adds whoever matches now (1 and 3)
    { code: "growing", type: "accumulating", rule: { match: "all", criteria: [{ field: "tag", values: [inc("vip")] }] }, members: [5] },
  ],
});

let db: Database & { drop(): Promise<void> };
let index: FactIndex;

beforeAll(async () => {
  db = await createTestDatabase();
  index = await writeAndLoad(db, store);
});
afterAll(() => db?.drop());

const members = (rule: Rule) => bothMembers(index, store, rule, NOW);
const one = (criterion: Criterion): Rule => ({ match: "all", criteria: [criterion] });

describe("member of another segment", () => {
  it("a dynamic segment is evaluated at the same moment, nested ones too", () => {
    expect(members(one(isIn("bulgarians")))).toEqual(onBothSides([1, 2]));
    expect(members(one(isIn("vip-bulgarians")))).toEqual(onBothSides([1]));
  });

  it("not member is the complement among all customers", () => {
    expect(members(one(isIn("vip-bulgarians", false)))).toEqual(onBothSides([2, 3, 4, 5]));
    expect(members(one(isIn("bulgarians", false)))).toEqual(onBothSides([3, 4, 5]));
  });

  it("snapshot and manual segments are their stored members", () => {
    expect(members(one(isIn("frozen")))).toEqual(onBothSides([3, 4]));
    expect(members(one(isIn("frozen", false)))).toEqual(onBothSides([1, 2, 5]));
    expect(members(one(isIn("hand-picked")))).toEqual(onBothSides([2, 5]));
    expect(members(one(isIn("hand-picked", false)))).toEqual(onBothSides([1, 3, 4]));
  });

  it("an accumulating segment is its stored members and whoever matches now", () => {
    expect(members(one(isIn("growing")))).toEqual(onBothSides([1, 3, 5]));
  });

  it("segment criteria combine with the others", () => {
    expect(members({ match: "any", criteria: [isIn("frozen"), isIn("hand-picked")] })).toEqual(onBothSides([2, 3, 4, 5]));
    expect(members({ match: "all", criteria: [isIn("bulgarians", false), { field: "country", values: [exc("GR")] }] })).toEqual(onBothSides([4]));
  });
});

describe("explain", () => {
  const reasonsFor = (rule: Rule, customerId: number) => explain(fastContext(index, store, NOW), rule, index.slotOf(customerId)!);

  it("gives each criterion's outcome with the customer's own value", () => {
    const rule: Rule = {
      match: "all",
      criteria: [
        { field: "totalSpent", min: 50000 },
        { field: "country", values: [inc("BG")] },
        { field: "tag", values: [inc("vip")] },
        { field: "birthday", date: { form: "dayOfYear", from: "12-02", to: "01-03" } },
      ],
    };
    expect(reasonsFor(rule, 1)).toEqual({
      matched: true,
      reasons: [
        { index: 0, field: "totalSpent", matched: true, actual: 81240 },
        { index: 1, field: "country", matched: true, actual: "BG" },
        { index: 2, field: "tag", matched: true, actual: ["vip"] },
        { index: 3, field: "birthday", matched: true, actual: "1990-12-31" },
      ],
    });
    expect(reasonsFor(rule, 4)).toEqual({
      matched: false,
      reasons: [
        { index: 0, field: "totalSpent", matched: false, actual: 0 },
        { index: 1, field: "country", matched: false, actual: null },
        { index: 2, field: "tag", matched: false, actual: [] },
        { index: 3, field: "birthday", matched: false, actual: null },
      ],
    });
  });

  it("store days, averages, statuses, categories, fields, answers and segments in the customer's terms", () => {
    const rule: Rule = {
      match: "any",
      criteria: [
        { field: "registeredAt", date: { form: "daysAgo", days: 0 } },
        { field: "averageOrderValue", min: 40621, max: 40621 },
        { field: "orderStatus", values: [exc("cancelled")] },
        { field: "lastOrderAt", date: { form: "daysAgo", days: 2 } },
      ],
    };
    // registered 00:30 on 1 January 2025 in Sofia; (50000 + 31240) / 2 = 40620 exactly; the last
    // order that counts is 8 March (the 9 March one was cancelled)
    expect(reasonsFor(rule, 1)).toEqual({
      matched: true,
      reasons: [
        { index: 0, field: "registeredAt", matched: false, actual: "2025-01-01" },
        { index: 1, field: "averageOrderValue", matched: false, actual: 40620 },
        { index: 2, field: "orderStatus", matched: false, actual: ["completed", "cancelled"] },
        { index: 3, field: "lastOrderAt", matched: true, actual: "2025-03-08" },
      ],
    });
    const more: Rule = {
      match: "all",
      criteria: [
        { field: "orderedFromCategory", mode: "anyOf", categories: ["shoes"] },
        { field: "customField", key: "colour", condition: { type: "select", values: [inc("blue")] } },
        { field: "registrationAnswer", question: "pets", options: ["dog"] },
        isIn("vip-bulgarians"),
      ],
    };
    expect(reasonsFor(more, 1)).toEqual({
      matched: false,
      reasons: [
        { index: 0, field: "orderedFromCategory", matched: true, actual: ["shoes"] },
        { index: 1, field: "customField", matched: true, actual: "blue" },
        { index: 2, field: "registrationAnswer", matched: false, actual: ["cat"] },
        { index: 3, field: "segment", matched: true, actual: true },
      ],
    });
  });

  it("agrees with the evaluation for every customer", () => {
    const rule: Rule = { match: "all", criteria: [isIn("growing"), { field: "country", values: [exc("BG")] }] };
    const expected = members(rule).fast;
    expect(expected).toEqual([3, 5]);
    for (const c of store.customers) expect(reasonsFor(rule, c.id).matched).toBe(expected.includes(c.id));
  });
});
