import { describe, expect, it } from "vitest";
import { DateTime } from "luxon";
import { shoppingFactor, StoreCalendar } from "./calendar";
import { Random } from "./random";

const local = (iso: string) => {
  const d = DateTime.fromISO(iso, { zone: "UTC" });
  return { year: d.year, month: d.month, day: d.day, weekday: d.weekday };
};

describe("the store calendar", () => {
  it("starts each store day at local midnight, across daylight saving changes, in any zone", () => {
    for (const zone of ["Europe/Sofia", "America/New_York", "Australia/Sydney", "Asia/Kolkata", "UTC"]) {
      const calendar = new StoreCalendar(new Date("2025-11-20T10:00:00Z"), zone, 4);
      expect(DateTime.fromMillis(calendar.firstMs, { zone }).toFormat("HH:mm")).toBe("00:00");
      // 13-hour steps pass every hour of the day over four years, and every change of offset
      for (let ms = calendar.firstMs; ms < calendar.nowMs; ms += 13 * 3_600_000) {
        const start = DateTime.fromMillis(ms, { zone }).startOf("day").toMillis();
        const day = calendar.dayOf(ms);
        expect(calendar.dayOf(start), `${zone} ${new Date(ms).toISOString()}`).toBe(day);
        if (start > calendar.firstMs) expect(calendar.dayOf(start - 1)).toBe(day - 1);
      }
    }
  });

  it("makes Black Friday (the day after the fourth Thursday of November) the busiest day of the year", () => {
    for (const [friday, thursdayBefore] of [["2022-11-25", "2022-11-24"], ["2023-11-24", "2023-11-23"], ["2024-11-29", "2024-11-28"]]) {
      expect(shoppingFactor(local(friday))).toBeGreaterThan(3 * shoppingFactor(local(thursdayBefore)));
    }
    expect(shoppingFactor(local("2024-12-10"))).toBeGreaterThan(shoppingFactor(local("2024-07-10")));
  });

  it("keeps shopping moments inside the bounds asked for, and registrations in order of rank", () => {
    const calendar = new StoreCalendar(new Date("2025-11-20T10:00:00Z"), "Europe/Sofia", 4);
    const random = new Random(1, 2);
    for (let i = 0; i < 2000; i++) {
      const from = calendar.firstMs + random.next() * (calendar.nowMs - calendar.firstMs);
      const to = from + random.next() * (calendar.nowMs - from);
      const t = calendar.shoppingMoment(random, from, to);
      expect(t).toBeGreaterThanOrEqual(from);
      expect(t).toBeLessThanOrEqual(to);
    }
    let previous = -Infinity;
    for (let q = 0; q < 1; q += 0.001) {
      const t = calendar.registrationAt(q);
      expect(t).toBeGreaterThanOrEqual(previous);
      expect(t).toBeLessThanOrEqual(calendar.nowMs);
      previous = t;
    }
  });
});
