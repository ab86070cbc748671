import { describe, expect, it } from "vitest";
import { RecordReader } from "./records";

describe("reading fact records", () => {
  it("reads numbers as SQLite writes them, an empty field as null", () => {
    const r = new RecordReader("12|-7|0.30000000000000004|1.0e+20||-0.5|9007199254740993\n3|");
    expect([r.number(), r.number(), r.number(), r.number(), r.number(), r.number(), r.number()]).toEqual([12, -7, 0.30000000000000004, 1e20, null, -0.5, 9007199254740992]);
    expect(r.more).toBe(true);
    expect([r.number(), r.number()]).toEqual([3, null]);
    expect(r.more).toBe(false);
  });

  it("reads JSON-quoted text with separators and escapes inside, and null", () => {
    const r = new RecordReader(`"Sofia"|"a|b,c:d"|null|"say \\"hi\\"\\nthen\\\\"|"Сливен"|1\n`);
    expect([r.string(), r.string(), r.string(), r.string(), r.string(), r.number()]).toEqual(["Sofia", "a|b,c:d", null, 'say "hi"\nthen\\', "Сливен", 1]);
    expect(r.more).toBe(false);
  });

  it("reads lists and pairs, empty ones too", () => {
    const r = new RecordReader("1|3,17,-2||1700000000:2599,1700100000:-1200|\n2");
    const list: number[] = [];
    const empty: number[] = [];
    const pairs: Array<[number, number]> = [];
    expect(r.number()).toBe(1);
    r.list((n) => list.push(n));
    r.list((n) => empty.push(n));
    r.pairs((a, b) => pairs.push([a, b]));
    r.pairs(() => {
      throw new Error("no pairs here");
    });
    expect(list).toEqual([3, 17, -2]);
    expect(empty).toEqual([]);
    expect(pairs).toEqual([
      [1700000000, 2599],
      [1700100000, -1200],
    ]);
    expect(r.number()).toBe(2);
  });

  it("refuses what it was not written to hold, saying where", () => {
    expect(() => new RecordReader("1-2|").number()).toThrow(/expected a number at/);
    expect(() => new RecordReader("-|").number()).toThrow(/expected a number/);
    expect(() => new RecordReader("x").number()).toThrow(/expected a number/);
    expect(() => new RecordReader(`"open`).string()).toThrow(/unterminated string/);
    expect(() => new RecordReader(`Sofia|`).string()).toThrow(/expected a string/);
    expect(() => new RecordReader(`"a"b|`).string()).toThrow(/end of a field/);
    expect(() => new RecordReader("1:2,3|").pairs(() => {})).toThrow(/expected a pair/);
  });
});
