// The per-value bitmaps of single-valued columns (country, city, group, consent, channel and status
// masks, select fields) are built on first use and then kept current by every write: after random
// changes, new customers and the index growing, each criterion's bitset (read from the bitmaps)
// must still equal the slot-by-slot test (read from the columns).
import { describe, expect, it } from "vitest";
import { Bitset, inArena } from "./bitset";
import type { Criterion } from "./definition";
import { compileRule, evaluate, type EvaluationContext } from "./evaluate";
import { FactIndex, NO_DAY, type CustomerFacts } from "./facts/fact-index";

/** A small deterministic generator (mulberry32), so a failure names its seed. */
function random(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const COUNTRIES = ["BG", "GR", "RO", null];
const CITIES = ["Sofia", "Varna", "Αθήνα", null];
const SIZES = ["S", "M", "L", null];

function facts(id: number, next: () => number): CustomerFacts {
  const pick = <T,>(values: T[]) => values[Math.floor(next() * values.length)];
  const size = pick(SIZES);
  return {
    id,
    registeredDay: NO_DAY,
    firstInteractionDay: NO_DAY,
    lastInteractionDay: NO_DAY,
    birthdayDay: NO_DAY,
    acceptsMarketing: next() < 0.5,
    country: pick(COUNTRIES),
    city: pick(CITIES),
    groupId: pick([1, 2, 3, null]),
    statusMask: Math.floor(next() * 32),
    lastOrderDay: NO_DAY,
    completedDays: [],
    completedTotals: [],
    unrecoveredCartDays: [],
    tagIds: [],
    categoryIds: [],
    optionIds: [],
    subscribedMask: Math.floor(next() * 16),
    reachableMask: Math.floor(next() * 16),
    fields: new Map(size === null ? [] : [[1, { text: size, number: null, day: NO_DAY }]]),
  };
}

const CRITERIA: Criterion[] = [
  { field: "country", values: [{ value: "BG", mode: "include" }] },
  { field: "country", values: [{ value: "GR", mode: "exclude" }] },
  { field: "country", values: [{ value: "BG", mode: "include" }, { value: "RO", mode: "include" }, { value: "BG", mode: "exclude" }] },
  { field: "city", values: [{ value: "Αθήνα", mode: "include" }, { value: "Varna", mode: "include" }] },
  { field: "customerGroup", values: [{ value: "VIP", mode: "include" }] },
  { field: "customerGroup", values: [{ value: "Staff", mode: "exclude" }] },
  { field: "acceptsMarketing", value: true },
  { field: "acceptsMarketing", value: false },
  { field: "subscribedOn", channel: "email" },
  { field: "subscribedOn", channel: "viber" },
  { field: "reachableOn", channel: "sms" },
  { field: "orderStatus", values: [{ value: "completed", mode: "include" }, { value: "cancelled", mode: "exclude" }] },
  { field: "orderStatus", values: [{ value: "refunded", mode: "exclude" }] },
  { field: "customField", key: "size", condition: { type: "select", values: [{ value: "M", mode: "include" }, { value: "L", mode: "include" }] } },
  { field: "customField", key: "size", condition: { type: "select", values: [{ value: "S", mode: "exclude" }] } },
];

describe("per-value bitmaps of single-valued columns", () => {
  it.each([1, 2, 3])("stay equal to the columns through changes, new customers and growth (seed %i)", (seed) => {
    const next = random(seed);
    // a small capacity, so new customers make the index grow several times
    const index = new FactIndex("UTC", 16);
    index.groupIdByName = new Map([
      ["VIP", 1],
      ["Staff", 2],
      ["Retail", 3],
    ]);
    index.fieldColumn({ id: 1, key: "size", type: "select", options: ["S", "M", "L"] });
    let nextId = 1;
    for (; nextId <= 40; nextId++) index.setCustomer(facts(nextId, next));
    const ctx = (): EvaluationContext => ({ index, today: 20000, resolveSegment: () => undefined });
    const check = (round: number) => {
      for (const criterion of CRITERIA) {
        const rule = { match: "all" as const, criteria: [criterion] };
        const { result, release } = inArena(() => evaluate(ctx(), rule));
        const test = compileRule(ctx(), rule);
        const expected = new Bitset(index.size);
        for (let s = 0; s < index.size; s++) if (test(s)) expected.add(s);
        expect([...result.members], `round ${round}: ${JSON.stringify(criterion)}`).toEqual([...expected]);
        release();
      }
    };
    check(0);
    for (let round = 1; round <= 30; round++) {
      // change some customers, add a few (the index outgrows its capacity on the way)
      for (let k = 0; k < 10; k++) index.setCustomer(facts(1 + Math.floor(next() * (nextId - 1)), next));
      for (let k = 0; k < 3; k++) index.setCustomer(facts(nextId++, next));
      check(round);
    }
    expect(index.size).toBe(nextId - 1);
    expect(index.capacity).toBeGreaterThan(64);
    // the criteria selected someone and left someone out, so the comparison compared something
    const email = inArena(() => evaluate(ctx(), { match: "all", criteria: [{ field: "subscribedOn", channel: "email" }] }));
    expect(email.result.members.count()).toBeGreaterThan(10);
    expect(email.result.members.count()).toBeLessThan(index.size - 10);
    email.release();
  });

  it("gives pooled words back only when released, and never to a bitset still in use", () => {
    const first = inArena(() => new Bitset(100));
    first.result.add(7);
    const second = inArena(() => new Bitset(100));
    // the first is not released yet: the second has words of its own
    expect(second.result.words).not.toBe(first.result.words);
    expect(first.result.has(7)).toBe(true);
    first.release();
    const third = inArena(() => new Bitset(100));
    // reused words come back empty
    expect(third.result.words).toBe(first.result.words);
    expect(third.result.count()).toBe(0);
    second.release();
    third.release();
    // outside an arena bitsets are plain allocations and leave the pool alone
    const plain = new Bitset(100);
    const fourth = inArena(() => new Bitset(100));
    expect(plain.words).not.toBe(third.result.words);
    expect(fourth.result.words).toBe(third.result.words);
    fourth.release();
  });
});
