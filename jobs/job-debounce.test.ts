import { describe, expect, it } from "vitest";
import { debounceSchedule } from "./job-debounce";

const t = (s: number) => new Date(Date.UTC(2030, 0, 1) + s * 1000);

describe("debounceSchedule", () => {
  const trailing = { delay: 10_000, maxWait: 30_000, strategy: "trailing" as const };

  it("trailing: a first save runs delay later and starts a cycle", () => {
    expect(debounceSchedule(null, t(0), trailing, t(0))).toEqual({ nextRunAt: t(10), debounceStartedAt: t(0) });
  });

  it("trailing: each save in a cycle moves the run to delay after it, until maxWait after the cycle began", () => {
    const pending = { nextRunAt: t(10), debounceStartedAt: t(0), lastRunAt: null };
    expect(debounceSchedule(pending, t(8), trailing, t(8))).toEqual({ nextRunAt: t(18), debounceStartedAt: t(0) });
    expect(debounceSchedule({ ...pending, nextRunAt: t(33) }, t(23), trailing, t(23))).toEqual({ nextRunAt: t(30), debounceStartedAt: t(0) });
  });

  it("trailing: a save at or past maxWait forces the run now and ends the cycle; the next save starts a new window", () => {
    const pending = { nextRunAt: t(30), debounceStartedAt: t(0), lastRunAt: null };
    expect(debounceSchedule(pending, t(45), trailing, t(45))).toEqual({ nextRunAt: t(45), debounceStartedAt: null });
    expect(debounceSchedule({ ...pending, nextRunAt: t(25) }, t(30), trailing, t(30))).toEqual({ nextRunAt: t(30), debounceStartedAt: null });
    const forced = { nextRunAt: t(45), debounceStartedAt: null, lastRunAt: null };
    expect(debounceSchedule(forced, t(46), trailing, t(46))).toEqual({ nextRunAt: t(56), debounceStartedAt: t(46) });
  });

  it("trailing: a save after the job ran, or while it runs, starts a new cycle", () => {
    const ran = { nextRunAt: null, debounceStartedAt: t(0), lastRunAt: t(30) };
    expect(debounceSchedule(ran, t(100), trailing, t(100))).toEqual({ nextRunAt: t(110), debounceStartedAt: t(100) });
    const rescheduledAfterRun = { nextRunAt: t(40), debounceStartedAt: t(0), lastRunAt: t(30) };
    expect(debounceSchedule(rescheduledAfterRun, t(35), trailing, t(35))).toEqual({ nextRunAt: t(45), debounceStartedAt: t(35) });
  });

  it("trailing without maxWait can be put off for as long as saves keep coming", () => {
    const pending = { nextRunAt: t(1000), debounceStartedAt: t(0), lastRunAt: null };
    expect(debounceSchedule(pending, t(995), { delay: 10_000 }, t(995))).toEqual({ nextRunAt: t(1005), debounceStartedAt: t(0) });
  });

  it("leading: the first save runs when asked; saves within delay of it keep that run; later ones start again", () => {
    const leading = { delay: 60_000, strategy: "leading" as const };
    expect(debounceSchedule(null, t(0), leading, t(0))).toEqual({ nextRunAt: t(0), debounceStartedAt: t(0) });
    const ran = { nextRunAt: null, debounceStartedAt: t(0), lastRunAt: t(1) };
    expect(debounceSchedule(ran, t(30), leading, t(30))).toEqual({ nextRunAt: null, debounceStartedAt: t(0) });
    expect(debounceSchedule(ran, t(60), leading, t(60))).toEqual({ nextRunAt: t(60), debounceStartedAt: t(60) });
  });
});
