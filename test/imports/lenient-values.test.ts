import { describe, expect, it } from "vitest";
import { parseDecimal, parseMoment, parsePlainDate, parseYesNo, plainDateProblem, splitList } from "../../models/imports/lenient-values";

describe("lenient reading of spreadsheet values", () => {
  it("dates as YYYY-MM-DD, DD.MM.YYYY and DD/MM/YYYY, real ones only", () => {
    expect(["1990-05-17", "17.05.1990", "17/05/1990", "7.5.1990", "17.05.1990 г."].map(parsePlainDate)).toEqual([
      "1990-05-17", "1990-05-17", "1990-05-17", "1990-05-07", "1990-05-17",
    ]);
    expect(["31.02.1990", "1990-13-01", "05/17/1990", "yesterday", "17.05.90", ""].map(parsePlainDate)).toEqual([
      undefined, undefined, undefined, undefined, undefined, undefined,
    ]);
  });

  it("a date in a known form that is not on the calendar is said not to exist; anything else names the forms", () => {
    expect(plainDateProblem("31.02.1990")).toBe("does not exist: February 1990 has 28 days");
    expect(plainDateProblem("29/02/2023")).toBe("does not exist: February 2023 has 28 days");
    expect(plainDateProblem("1990-04-31")).toBe("does not exist: April 1990 has 30 days");
    expect(plainDateProblem("1990-13-01")).toBe("does not exist: there is no month 13");
    expect(plainDateProblem("17.05.1850")).toBe("has the year 1850: it must be between 1900 and 2999");
    expect(plainDateProblem("yesterday")).toBe("must be a date as YYYY-MM-DD, DD.MM.YYYY or DD/MM/YYYY");
  });

  it("moments: ISO with an offset as is, local dates and times in the store's time zone", () => {
    expect(parseMoment("2024-03-01T09:30:00Z", "Europe/Sofia")?.toISOString()).toBe("2024-03-01T09:30:00.000Z");
    expect(parseMoment("2024-03-01T09:30:00+02:00", "UTC")?.toISOString()).toBe("2024-03-01T07:30:00.000Z");
    expect(parseMoment("01.03.2024 9:30", "Europe/Sofia")?.toISOString()).toBe("2024-03-01T07:30:00.000Z");
    expect(parseMoment("2024-07-01", "Europe/Sofia")?.toISOString()).toBe("2024-06-30T21:00:00.000Z");
    expect(parseMoment("01/03/2024 25:00", "UTC")).toBeUndefined();
  });

  it("yes and no in the stores' languages", () => {
    expect(["yes", "Y", "TRUE", "1", "да", "Так", "ναι", "Ναί"].map(parseYesNo)).toEqual(Array(8).fill(true));
    expect(["no", "n", "false", "0", "не", "нет", "Ні", "όχι", "ΟΧΙ"].map(parseYesNo)).toEqual(Array(9).fill(false));
    expect(parseYesNo("maybe")).toBeUndefined();
  });

  it("numbers with a decimal comma or point and thousands separators", () => {
    expect(["42", "42,5", "42.5", "1 234,50", "1.234,5", "1,234.5", "-3,25", "1\u00a0000"].map(parseDecimal)).toEqual([42, 42.5, 42.5, 1234.5, 1234.5, 1234.5, -3.25, 1000]);
    expect(["abc", "1,2,3x", "", "--1"].map(parseDecimal)).toEqual([undefined, undefined, undefined, undefined]);
  });

  it("lists split on commas, semicolons and bars", () => {
    expect(splitList("vip, wholesale;  new |x||")).toEqual(["vip", "wholesale", "new", "x"]);
  });
});
