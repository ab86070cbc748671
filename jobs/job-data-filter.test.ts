import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { canonicalJson, dataFilterFragments, dataMatches, normaliseDataFilter } from "./job-data-filter";

/** Data as it comes back from the jobs table: through JSON. */
const stored = (value: unknown) => JSON.parse(JSON.stringify(value)) as unknown;

/** A filter that the data must match: some of its keys, recursively, with their values. */
function partOf(data: unknown, pick: (key: string) => boolean): unknown {
  if (typeof data !== "object" || data === null || Array.isArray(data)) return data;
  const part: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(data)) if (pick(key)) part[key] = partOf(value, pick);
  return part;
}

const smallJson = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: "small" },
    fc.constantFrom("sms", "SMS", "100%", "a_b", "Ива", 'q"uote', "x\\y"),
    fc.integer({ min: -3, max: 3 }),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie("value"), { maxLength: 3 }),
    tie("object"),
  ),
  object: fc.dictionary(fc.constantFrom("a", "b", "c", "campaignId", "ключ", "a.b"), tie("value"), { maxKeys: 4 }),
}));

describe("the data filter", () => {
  it("matches every part of a job's data, and the SQL fragments of that part are all in the stored JSON", () => {
    fc.assert(
      fc.property(smallJson.object, fc.func(fc.boolean()), (raw, pick) => {
        const data = stored(raw);
        const filter = normaliseDataFilter(partOf(data, (key) => pick(key)));
        expect(dataMatches(data, filter)).toBe(true);
        for (const fragment of dataFilterFragments(filter)) expect(JSON.stringify(data)).toContain(fragment);
      }),
    );
  });

  it("never narrows away a job the filter matches, for any data and filter", () => {
    fc.assert(
      fc.property(smallJson.object, smallJson.object, (rawData, rawFilter) => {
        const data = stored(rawData);
        const filter = normaliseDataFilter(rawFilter);
        if (!dataMatches(data, filter)) return;
        for (const fragment of dataFilterFragments(filter)) expect(JSON.stringify(data)).toContain(fragment);
      }),
      { numRuns: 2_000 },
    );
  });

  it("compares values by type and case, arrays whole and in order, and lets null stand for a missing key", () => {
    const data = { campaignId: 7, channel: "sms", tags: ["a", "b"], batch: { from: 0 } };
    expect(dataMatches(data, { campaignId: "7" })).toBe(false);
    expect(dataMatches(data, { channel: "SMS" })).toBe(false);
    expect(dataMatches(data, { tags: ["a"] })).toBe(false);
    expect(dataMatches(data, { tags: ["b", "a"] })).toBe(false);
    expect(dataMatches(data, { tags: ["a", "b"], batch: {} })).toBe(true);
    expect(dataMatches(data, { missing: null })).toBe(true);
    expect(dataMatches(data, { batch: { from: null } })).toBe(false);
    expect(dataMatches("text", "text")).toBe(true);
    expect(dataMatches({ a: 1 }, [{ a: 1 }])).toBe(false);
    expect(dataMatches({ at: "2030-01-01T00:00:00.000Z" }, normaliseDataFilter({ at: new Date("2030-01-01T00:00:00Z") }))).toBe(true);
  });

  it("writes one canonical text for equal unique constraints, whatever their key order", () => {
    expect(canonicalJson({ "data.b": 1, "data.a": { y: 2, x: [1, { q: 1, p: 2 }] } })).toBe(canonicalJson({ "data.a": { x: [1, { p: 2, q: 1 }], y: 2 }, "data.b": 1 }));
    expect(canonicalJson({ a: 1 })).not.toBe(canonicalJson({ a: "1" }));
    expect(canonicalJson({ at: new Date("2030-01-01T00:00:00Z"), gone: undefined })).toBe('{"at":"2030-01-01T00:00:00.000Z"}');
  });
});
