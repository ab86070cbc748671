// The store day of a moment (SEGMENT-SEMANTICS.md, "Time": "its calendar date in the store's time
// zone (IANA rules, daylight saving included)"), from StoreClock's table of offsets, against Luxon.
import fc from "fast-check";
import { DateTime } from "luxon";
import { describe, expect, it } from "vitest";
import { offsetChanges } from "../test/support/zones";
import { dayOfPlainDate, isLeapYear, monthDayOf, monthDayOfDay, plainDateOfDay, storeClock } from "./time";

const ZONES = ["Europe/Sofia", "America/New_York", "Asia/Kathmandu", "Pacific/Apia", "Australia/Lord_Howe", "UTC", "America/Santiago", "Asia/Tehran", "Africa/Monrovia"];
const luxonDay = (ms: number, zone: string) => DateTime.fromMillis(ms, { zone }).toISODate();
const clockDay = (ms: number, zone: string) => plainDateOfDay(storeClock(zone).dayOf(ms));

describe("store days", () => {
  it.each(ZONES)("%s: a minute either side of every offset change from 2000 to 2030 falls on Luxon's day", (zone) => {
    const mismatches: string[] = [];
    for (const hi of offsetChanges(zone, 2000, 2031, { days: 1 })) {
      // a minute either side of the change
      for (const ms of [hi - 60_001, hi - 1, hi, hi + 60_000]) if (clockDay(ms, zone) !== luxonDay(ms, zone)) mismatches.push(new Date(ms).toISOString());
    }
    expect(mismatches).toEqual([]);
  });

  it("Pacific/Apia skipped 30 December 2011: the hours around it fall on Luxon's days", () => {
    const from = Date.UTC(2011, 11, 29, 0);
    for (let ms = from; ms < from + 3 * 86_400_000; ms += 15 * 60_000) expect(clockDay(ms, "Pacific/Apia")).toBe(luxonDay(ms, "Pacific/Apia"));
  });

  it("any moment from 1900 to 2200 falls on Luxon's day, before and after the clock's table too", () => {
    fc.assert(
      fc.property(fc.constantFrom(...ZONES), fc.integer({ min: Date.UTC(1900, 0, 1), max: Date.UTC(2200, 0, 1) }), (zone, ms) => clockDay(ms, zone) === luxonDay(ms, zone)),
      { numRuns: 1500 },
    );
  });

  it("summer 1969 and summer 2101 in New York keep daylight saving: 04:30 UTC is 00:30 EDT, the new day", () => {
    // the table runs from 1970 to 2100; outside it the offset comes from the IANA rules as well
    expect(clockDay(Date.parse("1969-07-01T04:30:00Z"), "America/New_York")).toBe("1969-07-01");
    expect(clockDay(Date.parse("2101-07-01T04:30:00Z"), "America/New_York")).toBe("2101-07-01");
    expect(clockDay(Date.parse("1969-01-01T04:30:00Z"), "America/New_York")).toBe("1968-12-31");
  });

  it("an offset with seconds: Monrovia's midnight in 1971 was 00:44:30 UTC", () => {
    expect(clockDay(Date.parse("1971-06-01T00:44:29.999Z"), "Africa/Monrovia")).toBe("1971-05-31");
    expect(clockDay(Date.parse("1971-06-01T00:44:30.000Z"), "Africa/Monrovia")).toBe("1971-06-01");
  });
});

describe("plain dates", () => {
  it("epoch days, month-days and leap years", () => {
    expect(dayOfPlainDate("1970-01-01")).toBe(0);
    expect(dayOfPlainDate("1969-12-31")).toBe(-1);
    expect(plainDateOfDay(dayOfPlainDate("2024-02-29"))).toBe("2024-02-29");
    expect(monthDayOfDay(dayOfPlainDate("2024-12-31"))).toBe(1231);
    expect(monthDayOf("02-29")).toBe(229);
    expect([1900, 2000, 2023, 2024, 2100].map(isLeapYear)).toEqual([false, true, false, true, false]);
  });
});
