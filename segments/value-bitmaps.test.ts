// The per-value bitmaps of single-valued columns (country, city, group, consent, channel and status
// masks, select fields) are built on first use and then kept current by every write: after random
// changes, new customers and the index growing, each criterion's bitset (read from the bitmaps)
// must still equal the slot-by-slot test (read from the columns). So must the threshold bitmaps of
// the lifetime total spent and order count.
import { describe, expect, it } from "vitest";
import { Bitset, inArena } from "./bitset";
import type { Criterion } from "./definition";
import { compileRule, evaluate, type EvaluationContext } from "./evaluate";
import { FactIndex, NO_DAY, ThresholdBitmaps, type CustomerFacts } from "./facts/fact-index";

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

describe("threshold bitmaps of the lifetime totals", () => {
  /** The slots in [lo, hi], read one by one. */
  const naive = (column: ArrayLike<number>, size: number, lo: number, hi: number) => {
    const out: number[] = [];
    for (let s = 0; s < size; s++) if (column[s] >= lo && column[s] <= hi) out.push(s);
    return out;
  };

  it.each([1, 2, 3, 4])("answer every range as a read of every slot does, through writes and growth (seed %i)", (seed) => {
    const next = random(seed);
    // a third hold 0 (no orders), many share a few round values, some hold none (NaN)
    const value = () => {
      const r = next();
      if (r < 0.33) return 0;
      if (r < 0.5) return [50, 100, 250][Math.floor(next() * 3)];
      if (r < 0.55) return Number.NaN;
      return Math.round(next() * 500000) / 100;
    };
    let capacity = 3000;
    let size = 2500;
    let column = new Float64Array(capacity);
    for (let s = 0; s < size; s++) column[s] = value();
    const bitmaps = new ThresholdBitmaps();
    const edges = () => {
      const known = column[Math.floor(next() * size)];
      return [known, Math.round(next() * 5000), 0, 50, 100, 250, 4999.99, -1, 10_000, -Infinity, Infinity][Math.floor(next() * 11)];
    };
    let compared = 0;
    for (let round = 0; round < 40; round++) {
      for (let q = 0; q < 12; q++) {
        let lo = edges();
        let hi = edges();
        if (Number.isNaN(lo)) lo = -Infinity;
        if (Number.isNaN(hi)) hi = Infinity;
        if (lo > hi) [lo, hi] = [hi, lo];
        const { result, release } = inArena(() => bitmaps.range(lo, hi, column, size, capacity));
        const expected = naive(column, size, lo, hi);
        expect([...result], `round ${round}: [${lo}, ${hi}]`).toEqual(expected);
        if (expected.length > 0 && expected.length < size) compared++;
        release();
      }
      // change some slots, append some (past the capacity now and then)
      for (let k = 0; k < 40; k++) {
        const slot = Math.floor(next() * size);
        column[slot] = value();
        bitmaps.write(slot, column[slot]);
      }
      for (let k = 0; k < 60; k++) {
        if (size === capacity) {
          capacity *= 2;
          const grown = new Float64Array(capacity);
          grown.set(column);
          column = grown;
          bitmaps.grow(capacity);
        }
        column[size] = value();
        bitmaps.write(size, column[size]);
        size++;
      }
    }
    expect(capacity).toBeGreaterThan(3000);
    // most ranges selected some slots and left some out
    expect(compared).toBeGreaterThan(300);
  });

  it("total spent and order count criteria without a time frame read them and agree with the per-customer test", () => {
    const next = random(7);
    const index = new FactIndex("UTC", 16);
    const customer = (id: number): CustomerFacts => {
      const orders = next() < 0.3 ? 0 : 1 + Math.floor(next() * 6);
      const totals = Array.from({ length: orders }, () => [25, 100, Math.round(next() * 40000) / 100][Math.floor(next() * 3)]);
      return { ...facts(id, next), completedDays: totals.map((_, k) => 20000 + k), completedTotals: totals };
    };
    let nextId = 1;
    for (; nextId <= 300; nextId++) index.setCustomer(customer(nextId));
    const ctx = (): EvaluationContext => ({ index, today: 20000, resolveSegment: () => undefined });
    const criteria: Criterion[] = [
      { field: "totalSpent", min: 100 },
      { field: "totalSpent", min: 100, max: 100 },
      { field: "totalSpent", max: 0 },
      { field: "totalSpent", min: 0.01, max: 499.99 },
      { field: "orderCount", min: 2 },
      { field: "orderCount", min: 1, max: 1 },
      { field: "orderCount", max: 0 },
    ];
    for (let round = 0; round <= 20; round++) {
      for (const criterion of criteria) {
        const rule = { match: "all" as const, criteria: [criterion] };
        const { result, release } = inArena(() => evaluate(ctx(), rule));
        const test = compileRule(ctx(), rule);
        const expected: number[] = [];
        for (let s = 0; s < index.size; s++) if (test(s)) expected.push(s);
        expect([...result.members], `round ${round}: ${JSON.stringify(criterion)}`).toEqual(expected);
        expect(expected.length, JSON.stringify(criterion)).toBeGreaterThan(0);
        expect(expected.length, JSON.stringify(criterion)).toBeLessThan(index.size);
        release();
      }
      for (let k = 0; k < 15; k++) index.setCustomer(customer(1 + Math.floor(next() * (nextId - 1))));
      for (let k = 0; k < 20; k++) index.setCustomer(customer(nextId++));
    }
  });
});
