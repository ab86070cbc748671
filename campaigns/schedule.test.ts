// The due instant of each customer (schedule, the customer's zone, quiet hours) against the plain
// model in schedule-reference.ts, on ordinary days and on the days clocks change.
import fc from "fast-check";
import { DateTime } from "luxon";
import { describe, expect, it } from "vitest";
import {
  dueInstant,
  dueInstants,
  firstPossibleDue,
  instantOfWallTime,
  isInQuietHours,
  nextAllowedInstant,
  parseWallTime,
  quietHoursFor,
  type QuietHours,
  type Schedule,
  type Timing,
} from "./schedule";
import { offsetChanges } from "../test/support/zones";
import { referenceDue, referenceIsQuiet, referenceScheduled, referenceWall, referenceZone } from "./schedule-reference";

const ZONES = [
  "Europe/Sofia",
  "Europe/Athens",
  "America/New_York",
  "Pacific/Kiritimati",
  "Australia/Lord_Howe",
  "Europe/London",
  "Europe/Dublin",
  "America/St_Johns",
  "America/Santiago",
  "Pacific/Chatham",
  "Asia/Kathmandu",
  "Africa/Casablanca",
  "Pacific/Pago_Pago",
  "UTC",
];

const iso = (d: Date) => d.toISOString();
const at = (text: string) => new Date(text);
const timing = (over: Partial<Timing> & { schedule: Schedule }): Timing => ({ quietHours: null, storeTimeZone: "Europe/Sofia", startedAt: at("2026-01-01T00:00:00Z"), ...over });
const inCustomerZone = (localSendAt: string): Schedule => ({ kind: "at", timeZoneMode: "customer", sendAt: null, localSendAt });

describe("wall times on the days clocks change", () => {
  it("a wall time the clocks spring over moves forward by the jump: 03:30 in Sofia on 29 March 2026 is 04:30 EEST", () => {
    expect(iso(instantOfWallTime(parseWallTime("2026-03-29T03:30"), "Europe/Sofia"))).toBe("2026-03-29T01:30:00.000Z");
    expect(iso(instantOfWallTime(parseWallTime("2026-03-08T02:30"), "America/New_York"))).toBe("2026-03-08T07:30:00.000Z");
  });

  it("Lord Howe's half-hour jump: 02:15 on 4 October 2026 is 02:45 (+11:00)", () => {
    expect(iso(instantOfWallTime(parseWallTime("2026-10-04T02:15"), "Australia/Lord_Howe"))).toBe("2026-10-03T15:45:00.000Z");
  });

  it("a wall time the clocks fall back over is its first occurrence: 03:30 in Sofia on 25 October 2026 is 03:30 EEST", () => {
    expect(iso(instantOfWallTime(parseWallTime("2026-10-25T03:30"), "Europe/Sofia"))).toBe("2026-10-25T00:30:00.000Z");
    expect(iso(instantOfWallTime(parseWallTime("2026-11-01T01:30"), "America/New_York"))).toBe("2026-11-01T05:30:00.000Z");
  });

  it("a wall time that is not one is refused", () => {
    expect(() => parseWallTime("2026-02-30T10:00")).toThrow(/not a wall time/);
    expect(() => parseWallTime("2026-02-03 10:00")).toThrow(/not a wall time/);
  });
});

describe("quiet hours", () => {
  const night: QuietHours = { start: "21:00", end: "09:00" };
  const lunch: QuietHours = { start: "13:00", end: "14:00" };

  it("21:00–09:00 wraps midnight: 22:10 moves to 09:00 the next morning, 08:59 to 09:00, 09:00 stays", () => {
    expect(iso(nextAllowedInstant(at("2026-06-10T19:10:00Z"), night, "Europe/Sofia"))).toBe("2026-06-11T06:00:00.000Z");
    expect(iso(nextAllowedInstant(at("2026-06-11T05:59:30Z"), night, "Europe/Sofia"))).toBe("2026-06-11T06:00:00.000Z");
    expect(iso(nextAllowedInstant(at("2026-06-11T06:00:00Z"), night, "Europe/Sofia"))).toBe("2026-06-11T06:00:00.000Z");
    expect(isInQuietHours(at("2026-06-10T17:59:00Z"), night, "Europe/Sofia")).toBe(false);
    expect(isInQuietHours(at("2026-06-10T18:00:00Z"), night, "Europe/Sofia")).toBe(true);
  });

  it("13:00–14:00 within a day: 13:30 moves to 14:00 the same day", () => {
    expect(iso(nextAllowedInstant(at("2026-06-10T10:30:00Z"), lunch, "Europe/Sofia"))).toBe("2026-06-10T11:00:00.000Z");
    expect(iso(nextAllowedInstant(at("2026-06-10T09:59:00Z"), lunch, "Europe/Sofia"))).toBe("2026-06-10T09:59:00.000Z");
  });

  it("quiet hours ending at a minute the clocks spring over end at the jump: 00:00–03:30 in Sofia on 29 March ends at 04:00 EEST", () => {
    expect(iso(nextAllowedInstant(at("2026-03-28T23:00:00Z"), { start: "00:00", end: "03:30" }, "Europe/Sofia"))).toBe("2026-03-29T01:00:00.000Z");
  });

  it("quiet hours ending inside the hour the clocks fall back over end at its first occurrence", () => {
    // 21:00–03:30 in Sofia on 25 October: 03:30 EEST is 00:30 UTC; the clocks then go back to 03:00
    expect(iso(nextAllowedInstant(at("2026-10-24T20:00:00Z"), { start: "21:00", end: "03:30" }, "Europe/Sofia"))).toBe("2026-10-25T00:30:00.000Z");
    // a moment in the second pass of 03:00–03:30 (EET) waits for the second 03:30
    expect(iso(nextAllowedInstant(at("2026-10-25T01:10:00Z"), { start: "21:00", end: "03:30" }, "Europe/Sofia"))).toBe("2026-10-25T01:30:00.000Z");
  });

  it("quiet hours that begin inside the hour the clocks fall back over end when the clocks turn back before their start", () => {
    // quiet from 03:30 in Sofia on 26 October 2025: at 03:59 EEST (00:59 UTC) the clocks go back to 03:00 EET,
    // a minute before 03:30 again, so the message goes at the fall, not at midnight (found by the property below)
    expect(iso(nextAllowedInstant(at("2025-10-26T00:59:00Z"), { start: "03:30", end: "00:00" }, "Europe/Sofia"))).toBe("2025-10-26T01:00:00.000Z");
    // the second pass reaches 03:30 again: quiet until midnight
    expect(iso(nextAllowedInstant(at("2025-10-26T01:30:00Z"), { start: "03:30", end: "00:00" }, "Europe/Sofia"))).toBe("2025-10-26T22:00:00.000Z");
  });

  it("the campaign's quiet hours win over the store's; half-set ones do not count; equal ends mean none", () => {
    const store = { quietHoursStart: "21:00", quietHoursEnd: "09:00" };
    expect(quietHoursFor({ quietHoursStart: "13:00", quietHoursEnd: "14:00" }, store)).toEqual({ start: "13:00", end: "14:00" });
    expect(quietHoursFor({ quietHoursStart: "13:00", quietHoursEnd: null }, store)).toEqual({ start: "21:00", end: "09:00" });
    expect(quietHoursFor({ quietHoursStart: null, quietHoursEnd: null }, {})).toBeNull();
    expect(quietHoursFor({ quietHoursStart: "10:00", quietHoursEnd: "10:00" }, store)).toBeNull();
    expect(() => quietHoursFor({ quietHoursStart: "25:00", quietHoursEnd: "09:00" }, store)).toThrow(/quiet hours start/);
  });
});

describe("the due instant", () => {
  const startedAt = at("2026-03-27T12:00:00Z");

  it("now: the start; at in the store's zone: sendAt; never before the start", () => {
    expect(dueInstant(timing({ startedAt, schedule: { kind: "now", timeZoneMode: "store", sendAt: null, localSendAt: null } }), "America/New_York")).toEqual({
      dueAt: startedAt,
      movedByQuietHours: false,
    });
    const later = at("2026-03-28T08:00:00Z");
    expect(dueInstant(timing({ startedAt, schedule: { kind: "at", timeZoneMode: "store", sendAt: later, localSendAt: null } }), "America/New_York").dueAt).toEqual(later);
    const earlier = at("2026-03-20T08:00:00Z");
    expect(dueInstant(timing({ startedAt, schedule: { kind: "at", timeZoneMode: "store", sendAt: earlier, localSendAt: null } }), null).dueAt).toEqual(startedAt);
  });

  it("at in each customer's zone: 10:00 on the customer's clock; no zone (or an unknown one) means the store's", () => {
    const t = timing({ startedAt, schedule: inCustomerZone("2026-03-29T10:00") });
    expect(iso(dueInstant(t, "America/New_York").dueAt)).toBe("2026-03-29T14:00:00.000Z");
    expect(iso(dueInstant(t, "Pacific/Kiritimati").dueAt)).toBe("2026-03-28T20:00:00.000Z");
    expect(iso(dueInstant(t, null).dueAt)).toBe("2026-03-29T07:00:00.000Z");
    expect(iso(dueInstant(t, "Mars/Olympus_Mons").dueAt)).toBe("2026-03-29T07:00:00.000Z");
  });

  it("quiet hours are read on the customer's clock, in either mode, and say they moved the message", () => {
    const sendAt = at("2026-06-10T07:00:00Z"); // 10:00 in Sofia, 03:00 in New York
    const t = timing({ startedAt: at("2026-06-01T00:00:00Z"), quietHours: { start: "21:00", end: "09:00" }, schedule: { kind: "at", timeZoneMode: "store", sendAt, localSendAt: null } });
    expect(dueInstant(t, null)).toEqual({ dueAt: sendAt, movedByQuietHours: false });
    expect(dueInstant(t, "America/New_York")).toEqual({ dueAt: at("2026-06-10T13:00:00Z"), movedByQuietHours: true });
  });

  it("the first possible due instant is the wall time at UTC+14, never before now", () => {
    const schedule = inCustomerZone("2026-12-24T10:00");
    expect(iso(firstPossibleDue(schedule, at("2026-12-01T00:00:00Z")))).toBe("2026-12-23T20:00:00.000Z");
    expect(iso(firstPossibleDue(schedule, at("2026-12-24T00:00:00Z")))).toBe("2026-12-24T00:00:00.000Z");
    expect(iso(firstPossibleDue({ kind: "now", timeZoneMode: "store", sendAt: null, localSendAt: null }, startedAt))).toBe(iso(startedAt));
  });
});

// --- randomised: schedules, quiet hours and zones, weighted to the days clocks change ---------

/** Every offset change of each zone from 2025 to 2028, found to the minute. */
const TRANSITIONS = new Map(ZONES.map((z) => [z, offsetChanges(z, 2025, 2028, { hours: 12 })]));

const MINUTE = 60_000;
const wallText = (wall: number) => new Date(wall).toISOString().slice(0, 16);
const hhmm = (minute: number) => `${String(Math.floor(minute / 60)).padStart(2, "0")}:${String(minute % 60).padStart(2, "0")}`;

/** An instant near one of the zone's clock changes (within a day and a half), or anywhere in 2025–2027. */
const instantNear = (zone: string) => {
  const changes = TRANSITIONS.get(zone)!;
  const anywhere = fc.integer({ min: Date.UTC(2025, 0, 1) / MINUTE, max: Date.UTC(2027, 11, 31) / MINUTE }).map((m) => m * MINUTE);
  if (changes.length === 0) return anywhere;
  const near = fc.tuple(fc.constantFrom(...changes), fc.integer({ min: -36 * 60, max: 36 * 60 }), fc.integer({ min: 0, max: 59_999 })).map(([c, m, ms]) => c + m * MINUTE + ms);
  return fc.oneof({ arbitrary: near, weight: 3 }, { arbitrary: anywhere, weight: 1 });
};

/** Minutes of the day, often the hours clocks change at and the usual quiet-hour bounds. */
const minuteOfDay = fc.oneof(fc.integer({ min: 0, max: 1439 }), fc.constantFrom(0, 60, 90, 120, 150, 165, 180, 210, 240, 540, 780, 840, 1260, 1439));
const quietHours: fc.Arbitrary<QuietHours | null> = fc.option(
  fc.tuple(minuteOfDay, minuteOfDay).map(([s, e]) => ({ start: hhmm(s), end: hhmm(e) })),
  { nil: null, freq: 4 },
);
const customerZone = fc.oneof({ arbitrary: fc.constantFrom(...ZONES), weight: 8 }, { arbitrary: fc.constantFrom(null, "Not/A_Zone"), weight: 1 });

const case_ = fc
  .record({ storeZone: fc.constantFrom(...ZONES), customerZone, mode: fc.constantFrom("now", "store", "customer"), quietHours })
  .chain((c) => {
    const zone = referenceZone(c.customerZone, c.storeZone);
    return fc.record({
      c: fc.constant(c),
      startedAt: instantNear(c.storeZone),
      // the schedule's time near a change of the customer's clock (wall times in and around its gap or overlap)
      scheduled: instantNear(zone),
      wallShift: fc.integer({ min: -120, max: 120 }),
    });
  })
  .map(({ c, startedAt, scheduled, wallShift }): { t: Timing; customerZone: string | null } => {
    const zone = referenceZone(c.customerZone, c.storeZone);
    const schedule: Schedule =
      c.mode === "now"
        ? { kind: "now", timeZoneMode: "store", sendAt: null, localSendAt: null }
        : c.mode === "store"
          ? { kind: "at", timeZoneMode: "store", sendAt: new Date(scheduled), localSendAt: null }
          : inCustomerZone(wallText(referenceWall(scheduled, zone) + wallShift * MINUTE));
    return { t: { schedule, quietHours: c.quietHours, storeTimeZone: c.storeZone, startedAt: new Date(startedAt) }, customerZone: c.customerZone };
  });

describe("randomised schedules over clock changes", () => {
  it("the due instant is the plain model's: never in quiet hours on the customer's clock, never before its time or the start", () => {
    fc.assert(
      fc.property(case_, ({ t, customerZone }) => {
        const due = dueInstant(t, customerZone);
        const zone = referenceZone(customerZone, t.storeTimeZone);
        expect(Number.isFinite(due.dueAt.getTime())).toBe(true);
        expect(referenceIsQuiet(due.dueAt.getTime(), t.quietHours, zone)).toBe(false);
        expect(due.dueAt.getTime()).toBeGreaterThanOrEqual(t.startedAt.getTime());
        expect(due.dueAt.getTime()).toBeGreaterThanOrEqual(referenceScheduled(t, customerZone));
        expect(due.dueAt.getTime()).toBeGreaterThanOrEqual(firstPossibleDue(t.schedule, t.startedAt).getTime());
        expect({ dueAt: iso(due.dueAt), moved: due.movedByQuietHours }).toEqual({ dueAt: iso(referenceDue(t, customerZone).dueAt), moved: referenceDue(t, customerZone).movedByQuietHours });
      }),
      { numRuns: 600 },
    );
  });

  it("a message not moved and not held for the start arrives when the customer's clock shows the wall time (or just past a jump over it)", () => {
    fc.assert(
      fc.property(
        case_.filter(({ t }) => t.schedule.timeZoneMode === "customer" && t.schedule.kind === "at"),
        ({ t, customerZone }) => {
          const due = dueInstant({ ...t, quietHours: null, startedAt: new Date(0) }, customerZone);
          const shown = referenceWall(due.dueAt.getTime(), referenceZone(customerZone, t.storeTimeZone));
          const wanted = parseWallTime(t.schedule.localSendAt!);
          // shown equals the wall time, or (a jump over it) is later by less than the jump, at most 3 hours
          expect(shown).toBeGreaterThanOrEqual(wanted);
          expect(shown - wanted).toBeLessThanOrEqual(3 * 60 * MINUTE);
          if (shown !== wanted) expect(referenceWall(due.dueAt.getTime() - 3 * 60 * MINUTE, referenceZone(customerZone, t.storeTimeZone))).toBeLessThan(wanted);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("nothing is lost: every customer of a campaign gets exactly one due instant, the same however many share a zone", () => {
    fc.assert(
      fc.property(case_, fc.array(customerZone, { minLength: 1, maxLength: 40 }), ({ t }, zones) => {
        const dueFor = dueInstants(t);
        const dues = zones.map((z) => dueFor(z));
        expect(dues).toHaveLength(zones.length);
        dues.forEach((due, i) => expect(due).toEqual(dueInstant(t, zones[i])));
      }),
      { numRuns: 150 },
    );
  });
});
