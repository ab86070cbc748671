// Days as integers: the epoch day (days since 1970-01-01) of a plain date, or of the calendar date a
// moment has in the store's time zone. Every date rule of a segment is arithmetic on these.

const DAY_MS = 86_400_000;

/** Epoch day of a plain date "YYYY-MM-DD", as it is (no time zone). */
export function dayOfPlainDate(date: string): number {
  const y = Number(date.slice(0, 4));
  const m = Number(date.slice(5, 7));
  const d = Number(date.slice(8, 10));
  return Math.floor(Date.UTC(y, m - 1, d) / DAY_MS);
}

export function plainDateOfDay(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** Month × 100 + day of an epoch day: 1231 for 31 December. */
export function monthDayOfDay(day: number): number {
  const d = new Date(day * DAY_MS);
  return (d.getUTCMonth() + 1) * 100 + d.getUTCDate();
}

export function yearOfDay(day: number): number {
  return new Date(day * DAY_MS).getUTCFullYear();
}

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/** "MM-DD" → month × 100 + day. */
export function monthDayOf(md: string): number {
  return Number(md.slice(0, 2)) * 100 + Number(md.slice(3, 5));
}

/**
 * The offsets of one IANA time zone as a table of transitions, so that turning a moment into a
 * store day costs a binary search instead of an Intl call: 3M orders are converted at every
 * fact-index build.
 */
export class StoreClock {
  readonly timeZone: string;
  /** Instants (ms) from which `offsets[i]` (ms east of UTC) applies; ascending. */
  private readonly starts: Float64Array;
  /** In ms, not minutes: local mean times had seconds (Africa/Monrovia was −0:44:30 until 1972). */
  private readonly offsets: Int32Array;
  /** The instants the table covers; outside them Intl answers. */
  private readonly tableFrom: number;
  private readonly tableTo: number;
  private readonly format: Intl.DateTimeFormat;

  constructor(timeZone: string, fromYear = 1970, toYear = 2100) {
    this.timeZone = timeZone;
    this.format = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    const starts: number[] = [-8.64e15];
    const offsets: number[] = [];
    let t = Date.UTC(fromYear, 0, 1);
    const end = Date.UTC(toYear + 1, 0, 1);
    this.tableFrom = t;
    this.tableTo = end;
    let current = this.offsetAt(t);
    offsets.push(current);
    // Offsets change at most a few times a year and never twice within a day: sample daily, then
    // find each change to the second.
    for (let next = t + DAY_MS; next <= end; t = next, next += DAY_MS) {
      const offset = this.offsetAt(next);
      if (offset === current) continue;
      let lo = t;
      let hi = next;
      while (hi - lo > 1000) {
        const mid = lo + Math.floor((hi - lo) / 2000) * 1000;
        if (this.offsetAt(mid) === current) lo = mid;
        else hi = mid;
      }
      starts.push(hi);
      offsets.push(offset);
      current = offset;
    }
    this.starts = Float64Array.from(starts);
    this.offsets = Int32Array.from(offsets);
  }

  /** Milliseconds east of UTC at an instant, straight from Intl, to the second. */
  private offsetAt(ms: number): number {
    const parts = this.format.formatToParts(new Date(ms));
    const get = (type: string) => Number(parts.find((p) => p.type === type)!.value);
    const local = Date.UTC(get("year"), get("month") - 1, get("day"), get("hour"), get("minute"), get("second"));
    return local - Math.floor(ms / 1000) * 1000;
  }

  offsetMinutes(ms: number): number {
    return this.offsetMs(ms) / 60_000;
  }

  private offsetMs(ms: number): number {
    // before 1970 and after 2100 the zone's rules still apply (New York kept summer time in 1969)
    if (ms < this.tableFrom || ms >= this.tableTo) return this.offsetAt(ms);
    const starts = this.starts;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= ms) lo = mid;
      else hi = mid - 1;
    }
    return this.offsets[lo];
  }

  /** The store day (epoch day in the store's time zone) of an instant. */
  dayOf(ms: number): number {
    return Math.floor((ms + this.offsetMs(ms)) / DAY_MS);
  }
}

const clocks = new Map<string, StoreClock>();

/** One clock per time zone per process: building the table takes ~0.5 s. */
export function storeClock(timeZone: string): StoreClock {
  let clock = clocks.get(timeZone);
  if (!clock) {
    clock = new StoreClock(timeZone);
    clocks.set(timeZone, clock);
  }
  return clock;
}
