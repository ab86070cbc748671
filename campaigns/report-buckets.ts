// How the campaign report cuts time: a bucket size from the span the messages cover (minutes for a
// short send, hours or days for a long one), aligned on the store's clock. The database groups by
// the key these give (report-timeline.server.ts); this module says what a key is, in SQL and here.
import { DateTime } from "luxon";
import type { ReportSql } from "./report-sql";

export type BucketUnit = "minute" | "hour" | "day" | "week";

export interface BucketSize {
  unit: BucketUnit;
  /** How many units one bucket holds. */
  count: number;
  seconds: number;
}

const size = (unit: BucketUnit, count: number, unitSeconds: number): BucketSize => ({ unit, count, seconds: count * unitSeconds });

/** Smallest first: the first whose buckets cover the span in at most MAX_BUCKETS wins. */
export const BUCKET_SIZES: readonly BucketSize[] = [
  size("minute", 1, 60),
  size("minute", 5, 60),
  size("minute", 15, 60),
  size("minute", 30, 60),
  size("hour", 1, 3600),
  size("hour", 3, 3600),
  size("hour", 6, 3600),
  size("day", 1, 86_400),
  size("week", 1, 86_400),
];

/** Bars a chart 390 px wide can still tell apart. */
export const MAX_BUCKETS = 48;

const DAY = 86_400;
// 1970-01-01 was a Thursday: three days after the Monday that starts its week
const WEEK_SHIFT = 3 * DAY;

export interface BucketPlan {
  size: BucketSize;
  timeZone: string;
  /** SQL of a timestamp column's bucket key (an integer). */
  keyOf(column: string): string;
  /** The same key for an instant, computed here. */
  keyAt(at: Date): number;
  /** The instant a bucket starts. */
  startOf(key: number): Date;
}

/** The zone's UTC offset (seconds) at an instant (seconds since the epoch). */
function offsetAt(timeZone: string, seconds: number): number {
  return DateTime.fromSeconds(seconds, { zone: timeZone }).offset * 60;
}

/**
 * The zone's offsets from `from` to `to` (seconds since the epoch): each piece with the instant
 * it starts. Looked for a day at a time, then the change narrowed to the second.
 */
export function offsetsOver(timeZone: string, from: number, to: number): Array<{ from: number; offset: number }> {
  const pieces = [{ from: Number.NEGATIVE_INFINITY, offset: offsetAt(timeZone, from) }];
  for (let at = from; at < to; ) {
    const next = Math.min(at + DAY, to);
    const current = pieces[pieces.length - 1].offset;
    if (offsetAt(timeZone, next) !== current) {
      let before = at;
      let after = next;
      while (after - before > 1) {
        const middle = Math.floor((before + after) / 2);
        if (offsetAt(timeZone, middle) === current) before = middle;
        else after = middle;
      }
      pieces.push({ from: after, offset: offsetAt(timeZone, after) });
      at = after;
    } else at = next;
  }
  return pieces;
}

/** The smallest bucket size that covers `from`..`to` in at most MAX_BUCKETS buckets (weeks for anything longer). */
export function bucketSizeFor(from: Date, to: Date): BucketSize {
  const span = Math.max(0, (to.getTime() - from.getTime()) / 1000);
  // a span that straddles bucket edges can take one bucket more than span / size
  return BUCKET_SIZES.find((s) => Math.floor(span / s.seconds) + 2 <= MAX_BUCKETS) ?? BUCKET_SIZES[BUCKET_SIZES.length - 1];
}

/**
 * Buckets for the span `from`..`to` on the clock of `timeZone`. Minutes and hours are cut in
 * absolute time, aligned on the zone's offset at `from`: a bucket is always as long as it says,
 * and an hour repeated when clocks go back is two buckets. Days and weeks are the zone's own
 * calendar days (23 or 25 hours across a change), from the offsets in force over the span.
 */
export function bucketPlan(sql: ReportSql, timeZone: string, from: Date, to: Date): BucketPlan {
  const chosen = bucketSizeFor(from, to);
  const fromSeconds = Math.floor(from.getTime() / 1000);
  const toSeconds = Math.ceil(to.getTime() / 1000);
  if (chosen.unit === "minute" || chosen.unit === "hour") {
    const align = offsetAt(timeZone, fromSeconds);
    return {
      size: chosen,
      timeZone,
      keyOf: (column) => sql.wholeDivision(`${sql.epochSeconds(column)} + ${align}`, chosen.seconds),
      keyAt: (at) => Math.floor((Math.floor(at.getTime() / 1000) + align) / chosen.seconds),
      startOf: (key) => new Date((key * chosen.seconds - align) * 1000),
    };
  }
  const pieces = offsetsOver(timeZone, fromSeconds, toSeconds);
  const shift = chosen.unit === "week" ? WEEK_SHIFT : 0;
  const localSeconds = (column: string) => {
    const epoch = sql.epochSeconds(column);
    if (pieces.length === 1) return `${epoch} + ${pieces[0].offset}`;
    const cases = pieces.slice(1).map((p, i) => `WHEN ${epoch} < ${p.from} THEN ${pieces[i].offset}`);
    return `${epoch} + CASE ${cases.join(" ")} ELSE ${pieces[pieces.length - 1].offset} END`;
  };
  const offsetOf = (seconds: number) => {
    let offset = pieces[0].offset;
    for (const p of pieces) if (seconds >= p.from) offset = p.offset;
    return offset;
  };
  return {
    size: chosen,
    timeZone,
    keyOf: (column) => sql.wholeDivision(`${localSeconds(column)} + ${shift}`, chosen.seconds),
    keyAt: (at) => {
      const seconds = Math.floor(at.getTime() / 1000);
      return Math.floor((seconds + offsetOf(seconds) + shift) / chosen.seconds);
    },
    startOf: (key) => {
      const day = new Date((key * chosen.seconds - shift) * 1000);
      // local midnight; on a day whose midnight the clocks skip, the first moment it has
      return DateTime.fromObject({ year: day.getUTCFullYear(), month: day.getUTCMonth() + 1, day: day.getUTCDate() }, { zone: timeZone }).toJSDate();
    },
  };
}
