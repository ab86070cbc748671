// Hand-checked examples for every date form (SEGMENT-SEMANTICS.md, "Time", "Date criteria",
// "Birthday and anniversaries"), against both evaluators: store days around midnight in
// Europe/Sofia and America/New_York, across daylight-saving switches, New Year and 29 February.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../models/db";
import type { Criterion, DateCondition, Rule } from "./definition";
import type { FactIndex } from "./facts/fact-index";
import { bothMembers, customer, emptyStore, writeAndLoad } from "../test/segments/both-evaluators";
import { createTestDatabase } from "../test/support/db";
import type { TestStore } from "../test/support/store-writer";

const at = (iso: string) => new Date(iso);
const onBothSides = (ids: number[]) => ({ reference: ids, fast: ids, perSlot: ids });
const one = (criterion: Criterion): Rule => ({ match: "all", criteria: [criterion] });

let db: Database & { drop(): Promise<void> };
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db?.drop());

/** Writes a store when its block starts; `members` then asks both evaluators. */
function withStore(store: TestStore) {
  let index: FactIndex;
  beforeAll(async () => {
    index = await writeAndLoad(db, store);
  });
  return (criterion: Criterion, now: Date) => bothMembers(index, store, one(criterion), now);
}

describe("relative forms around today (Europe/Sofia, UTC+2 in winter)", () => {
  // registered, by store day: 1 today 2025-01-02 (at Sofia's midnight) · 2 2025-01-01 (23:59:59.999
  // Sofia) · 3 2024-12-31 · 4 2024-12-30 · 5 never · 6 tomorrow 2025-01-03
  const members = withStore(
    emptyStore("Europe/Sofia", {
      customers: [
        customer(1, { registeredAt: at("2025-01-01T22:00:00Z"), firstInteractionAt: at("2024-12-31T21:59:59.999Z"), lastInteractionAt: at("2025-01-02T09:00:00Z") }),
        customer(2, { registeredAt: at("2025-01-01T21:59:59.999Z"), firstInteractionAt: at("2024-12-31T22:00:00Z"), lastInteractionAt: at("2024-12-25T12:00:00Z") }),
        customer(3, { registeredAt: at("2024-12-31T12:00:00Z") }),
        customer(4, { registeredAt: at("2024-12-30T12:00:00Z") }),
        customer(5),
        customer(6, { registeredAt: at("2025-01-02T22:30:00Z") }),
      ],
    }),
  );
  const NOW = at("2025-01-02T10:00:00Z");
  const registered = (date: DateCondition) => members({ field: "registeredAt", date }, NOW);

  it("in the last N days is N calendar days with today included", () => {
    expect(registered({ form: "inLastDays", days: 1 })).toEqual(onBothSides([1]));
    expect(registered({ form: "inLastDays", days: 2 })).toEqual(onBothSides([1, 2]));
    expect(registered({ form: "inLastDays", days: 3 })).toEqual(onBothSides([1, 2, 3]));
  });

  it("more than N days ago is strictly before today − N", () => {
    expect(registered({ form: "moreThanDaysAgo", days: 0 })).toEqual(onBothSides([2, 3, 4]));
    expect(registered({ form: "moreThanDaysAgo", days: 1 })).toEqual(onBothSides([3, 4]));
    expect(registered({ form: "moreThanDaysAgo", days: 2 })).toEqual(onBothSides([4]));
  });

  it("exactly N days ago is the one store day today − N", () => {
    expect(registered({ form: "daysAgo", days: 0 })).toEqual(onBothSides([1]));
    expect(registered({ form: "daysAgo", days: 1 })).toEqual(onBothSides([2]));
    expect(registered({ form: "daysAgo", days: 3 })).toEqual(onBothSides([4]));
  });

  it("ranges include both ends, and an open end is unbounded", () => {
    expect(registered({ form: "between", from: "2025-01-01" })).toEqual(onBothSides([1, 2, 6]));
    expect(registered({ form: "between", to: "2024-12-31" })).toEqual(onBothSides([3, 4]));
    expect(registered({ form: "between", from: "2024-12-31", to: "2025-01-01" })).toEqual(onBothSides([2, 3]));
  });

  it("first and last interaction are store days too", () => {
    // first interaction: 1 on 2024-12-31 (23:59:59.999 Sofia), 2 on 2025-01-01 (Sofia's midnight)
    expect(members({ field: "firstInteractionAt", date: { form: "daysAgo", days: 1 } }, NOW)).toEqual(onBothSides([2]));
    expect(members({ field: "firstInteractionAt", date: { form: "daysAgo", days: 2 } }, NOW)).toEqual(onBothSides([1]));
    expect(members({ field: "lastInteractionAt", date: { form: "inLastDays", days: 7 } }, NOW)).toEqual(onBothSides([1]));
    expect(members({ field: "lastInteractionAt", date: { form: "moreThanDaysAgo", days: 7 } }, NOW)).toEqual(onBothSides([2]));
  });

  it("today is the store day of now: 21:59 UTC on 1 January is still 1 January in Sofia, 22:00 is the 2nd", () => {
    expect(registered({ form: "daysAgo", days: 0 })).toEqual(onBothSides([1]));
    expect(members({ field: "registeredAt", date: { form: "daysAgo", days: 0 } }, at("2025-01-01T21:59:59.999Z"))).toEqual(onBothSides([2]));
    expect(members({ field: "registeredAt", date: { form: "daysAgo", days: 0 } }, at("2025-01-01T22:00:00Z"))).toEqual(onBothSides([1]));
  });
});

describe("store days across daylight saving in America/New_York", () => {
  // 10 March 2024 has 23 hours (05:00Z–04:00Z), 3 November 2024 has 25 (04:00Z–05:00Z)
  const members = withStore(
    emptyStore("America/New_York", {
      customers: [
        customer(1, { registeredAt: at("2024-03-10T04:59:59.999Z") }), // 03-09 23:59:59.999 EST
        customer(2, { registeredAt: at("2024-03-10T05:00:00Z") }), // 03-10 00:00 EST
        customer(3, { registeredAt: at("2024-03-11T03:59:59.999Z") }), // 03-10 23:59:59.999 EDT
        customer(4, { registeredAt: at("2024-03-11T04:00:00Z") }), // 03-11 00:00 EDT
        customer(5, { registeredAt: at("2024-11-03T05:30:00Z") }), // 11-03 01:30 EDT, the first one
        customer(6, { registeredAt: at("2024-11-04T04:59:59Z") }), // 11-03 23:59:59 EST
        customer(7, { registeredAt: at("2024-11-04T05:00:00Z") }), // 11-04 00:00 EST
        customer(8, { registeredAt: at("2024-11-03T03:59:59Z") }), // 11-02 23:59:59 EDT
      ],
    }),
  );
  const registered = (date: DateCondition, now = at("2024-12-01T12:00:00Z")) => members({ field: "registeredAt", date }, now);

  it("the short spring day holds exactly its 23 hours", () => {
    expect(registered({ form: "between", from: "2024-03-10", to: "2024-03-10" })).toEqual(onBothSides([2, 3]));
  });

  it("the long autumn day holds exactly its 25 hours", () => {
    expect(registered({ form: "between", from: "2024-11-03", to: "2024-11-03" })).toEqual(onBothSides([5, 6]));
  });

  it("today changes at the store's midnight on both sides of the switch", () => {
    // 2024-03-11T03:30Z is 23:30 EDT on 10 March
    expect(registered({ form: "daysAgo", days: 0 }, at("2024-03-11T03:30:00Z"))).toEqual(onBothSides([2, 3]));
    expect(registered({ form: "daysAgo", days: 1 }, at("2024-03-11T03:30:00Z"))).toEqual(onBothSides([1]));
    expect(registered({ form: "daysAgo", days: 0 }, at("2024-03-11T04:00:00Z"))).toEqual(onBothSides([4]));
    expect(registered({ form: "inLastDays", days: 2 }, at("2024-03-11T04:00:00Z"))).toEqual(onBothSides([2, 3, 4]));
    // 2024-11-04T04:30Z is 23:30 EST on 3 November
    expect(registered({ form: "daysAgo", days: 0 }, at("2024-11-04T04:30:00Z"))).toEqual(onBothSides([5, 6]));
    expect(registered({ form: "daysAgo", days: 1 }, at("2024-11-04T04:30:00Z"))).toEqual(onBothSides([8]));
  });
});

describe("store days across daylight saving in Europe/Sofia", () => {
  // midnight is 22:00Z in winter (EET) and 21:00Z in summer (EEST); the clocks change at 01:00Z
  // on 31 March and 27 October 2024
  const members = withStore(
    emptyStore("Europe/Sofia", {
      customers: [
        customer(1, { lastInteractionAt: at("2024-03-30T21:59:59.999Z") }), // 03-30
        customer(2, { lastInteractionAt: at("2024-03-30T22:00:00Z") }), // 03-31 00:00 EET
        customer(3, { lastInteractionAt: at("2024-03-31T20:59:59.999Z") }), // 03-31 23:59:59.999 EEST
        customer(4, { lastInteractionAt: at("2024-03-31T21:00:00Z") }), // 04-01 00:00 EEST
        customer(5, { lastInteractionAt: at("2024-10-26T21:00:00Z") }), // 10-27 00:00 EEST
        customer(6, { lastInteractionAt: at("2024-10-27T21:59:59.999Z") }), // 10-27 23:59:59.999 EET
        customer(7, { lastInteractionAt: at("2024-10-27T22:00:00Z") }), // 10-28
      ],
    }),
  );
  const lastSeen = (date: DateCondition, now = at("2024-12-01T12:00:00Z")) => members({ field: "lastInteractionAt", date }, now);

  it("a day is the calendar date in Sofia, whatever the offset that day", () => {
    expect(lastSeen({ form: "between", from: "2024-03-31", to: "2024-03-31" })).toEqual(onBothSides([2, 3]));
    expect(lastSeen({ form: "between", from: "2024-10-27", to: "2024-10-27" })).toEqual(onBothSides([5, 6]));
    expect(lastSeen({ form: "between", from: "2024-04-01", to: "2024-10-27" })).toEqual(onBothSides([4, 5, 6]));
  });

  it("relative days count calendar days across the switch", () => {
    // now: 2024-04-01 10:00 Sofia; yesterday is the 23-hour 31 March
    expect(lastSeen({ form: "daysAgo", days: 1 }, at("2024-04-01T07:00:00Z"))).toEqual(onBothSides([2, 3]));
    expect(lastSeen({ form: "inLastDays", days: 1 }, at("2024-04-01T07:00:00Z"))).toEqual(onBothSides([4]));
    // now: 20:59:59 UTC on 31 March is still the 31st in Sofia (23:59:59 EEST)
    expect(lastSeen({ form: "daysAgo", days: 0 }, at("2024-03-31T20:59:59Z"))).toEqual(onBothSides([2, 3]));
    expect(lastSeen({ form: "moreThanDaysAgo", days: 0 }, at("2024-10-28T06:00:00Z"))).toEqual(onBothSides([1, 2, 3, 4, 5, 6]));
  });
});

describe("birthdays: day-of-year ranges and the next N days", () => {
  const members = withStore(
    emptyStore("UTC", {
      customers: [
        customer(1, { birthday: "1990-12-31" }),
        customer(2, { birthday: "1985-01-02" }),
        customer(3, { birthday: "2000-02-29" }),
        customer(4, { birthday: "1999-02-28" }),
        customer(5, { birthday: "1970-03-01" }),
        customer(6, { birthday: "1980-12-02" }),
        customer(7, { birthday: "1975-01-03" }),
        customer(8, { birthday: "1990-01-04" }),
        customer(9, { birthday: "1991-12-01" }),
        customer(10),
      ],
    }),
  );
  const birthday = (date: DateCondition, now = at("2025-06-15T12:00:00Z")) => members({ field: "birthday", date }, now);

  it("a range from 02-Dec to 03-Jan wraps over New Year: 31 Dec and 2 Jan are in, 1 Dec and 4 Jan out", () => {
    expect(birthday({ form: "dayOfYear", from: "12-02", to: "01-03" })).toEqual(onBothSides([1, 2, 6, 7]));
  });

  it("29 Feb is 02-29 in a day-of-year range", () => {
    expect(birthday({ form: "dayOfYear", from: "02-20", to: "02-28" })).toEqual(onBothSides([4]));
    expect(birthday({ form: "dayOfYear", from: "02-29", to: "03-01" })).toEqual(onBothSides([3, 5]));
    expect(birthday({ form: "dayOfYear", from: "02-28", to: "02-29" })).toEqual(onBothSides([3, 4]));
  });

  it("a one-day range, and a plain-date range that keeps the year", () => {
    expect(birthday({ form: "dayOfYear", from: "01-04", to: "01-04" })).toEqual(onBothSides([8]));
    expect(birthday({ form: "between", from: "1990-01-01", to: "1990-12-31" })).toEqual(onBothSides([1, 8]));
  });

  it("in the next N days runs from today over New Year", () => {
    const dec30 = at("2025-12-30T12:00:00Z");
    expect(birthday({ form: "inNextDays", days: 1 }, dec30)).toEqual(onBothSides([]));
    expect(birthday({ form: "inNextDays", days: 4 }, dec30)).toEqual(onBothSides([1, 2]));
    expect(birthday({ form: "inNextDays", days: 5 }, dec30)).toEqual(onBothSides([1, 2, 7]));
  });

  it("in the next N days, a 29 Feb birthday falls on 28 Feb in a year without one", () => {
    const feb27 = at("2025-02-27T12:00:00Z");
    expect(birthday({ form: "inNextDays", days: 1 }, feb27)).toEqual(onBothSides([]));
    expect(birthday({ form: "inNextDays", days: 2 }, feb27)).toEqual(onBothSides([3, 4]));
    expect(birthday({ form: "inNextDays", days: 3 }, feb27)).toEqual(onBothSides([3, 4, 5]));
    expect(birthday({ form: "inNextDays", days: 1 }, at("2025-02-28T12:00:00Z"))).toEqual(onBothSides([3, 4]));
  });

  it("in the next N days of a leap year, a 29 Feb birthday falls on 29 Feb only", () => {
    const feb27 = at("2024-02-27T12:00:00Z");
    expect(birthday({ form: "inNextDays", days: 2 }, feb27)).toEqual(onBothSides([4]));
    expect(birthday({ form: "inNextDays", days: 3 }, feb27)).toEqual(onBothSides([3, 4]));
    expect(birthday({ form: "inNextDays", days: 4 }, feb27)).toEqual(onBothSides([3, 4, 5]));
    expect(birthday({ form: "inNextDays", days: 1 }, at("2024-02-29T12:00:00Z"))).toEqual(onBothSides([3]));
  });

  it("a 365-day window from 1 March 2027 ends on 28 Feb 2028, a leap year, so it misses 29 Feb birthdays", () => {
    const mar1 = at("2027-03-01T12:00:00Z");
    expect(birthday({ form: "inNextDays", days: 365 }, mar1)).toEqual(onBothSides([1, 2, 4, 5, 6, 7, 8, 9]));
    expect(birthday({ form: "inNextDays", days: 366 }, mar1)).toEqual(onBothSides([1, 2, 3, 4, 5, 6, 7, 8, 9]));
  });

  it("today for the next N days is the store day: late on 27 Feb UTC is already the 28th in Sofia", async () => {
    // same birthdays, store moved to Sofia: 2025-02-27T22:30Z is 00:30 on the 28th there
    const sofia = emptyStore("Europe/Sofia", { customers: [customer(3, { birthday: "2000-02-29" }), customer(9, { birthday: "1991-02-27" })] });
    const index = await writeAndLoad(db, sofia);
    const rule = one({ field: "birthday", date: { form: "inNextDays", days: 1 } });
    expect(bothMembers(index, sofia, rule, at("2025-02-27T21:59:00Z"))).toEqual(onBothSides([9]));
    expect(bothMembers(index, sofia, rule, at("2025-02-27T22:30:00Z"))).toEqual(onBothSides([3]));
  });
});

describe("date custom fields take every form", () => {
  const members = withStore(
    emptyStore("Asia/Kathmandu", {
      customers: [customer(1, { fields: { renewal: "2024-12-31" } }), customer(2, { fields: { renewal: "2025-01-05" } }), customer(3)],
      customFields: [{ key: "renewal", type: "date" }],
    }),
  );
  // 2025-01-01 00:10 in Kathmandu (UTC+5:45) is 18:25 UTC on 31 December
  const NOW = at("2024-12-31T18:25:00Z");
  const renewal = (date: DateCondition) => members({ field: "customField", key: "renewal", condition: { type: "date", date } }, NOW);

  it("relative forms count from the store's today, 1 January", () => {
    expect(renewal({ form: "daysAgo", days: 1 })).toEqual(onBothSides([1]));
    expect(renewal({ form: "inLastDays", days: 2 })).toEqual(onBothSides([1]));
    expect(renewal({ form: "moreThanDaysAgo", days: 0 })).toEqual(onBothSides([1]));
    expect(renewal({ form: "inNextDays", days: 5 })).toEqual(onBothSides([2]));
    expect(renewal({ form: "inNextDays", days: 4 })).toEqual(onBothSides([]));
  });

  it("day-of-year and plain ranges ignore the time zone", () => {
    expect(renewal({ form: "dayOfYear", from: "12-31", to: "01-05" })).toEqual(onBothSides([1, 2]));
    expect(renewal({ form: "between", from: "2025-01-01" })).toEqual(onBothSides([2]));
  });
});
