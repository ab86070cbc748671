// When things happen in the demo store: days weighted by the shopping season (Black Friday, the run-up
// to Christmas, 8 March, the summer dip), hours by when people shop, and registrations that grow with
// the store. Days are the store's own, in its time zone.
import { DateTime, IANAZone } from "luxon";
import type { Random } from "./random";

const MONTH_FACTOR = [0.9, 0.85, 1.0, 1.0, 1.0, 0.9, 0.72, 0.74, 0.95, 1.05, 1.25, 1.45];
const WEEKDAY_FACTOR = [1.05, 1.0, 1.0, 1.0, 0.95, 0.9, 1.1]; // Monday … Sunday
// evenings are busy, nights quiet (store-local hours 0 … 23)
const HOUR_WEIGHTS = [0.4, 0.2, 0.1, 0.05, 0.05, 0.1, 0.3, 0.6, 0.9, 1.1, 1.2, 1.2, 1.3, 1.3, 1.2, 1.1, 1.1, 1.2, 1.4, 1.6, 1.8, 1.7, 1.3, 0.8];
const HOUR_SUMS = HOUR_WEIGHTS.reduce<number[]>((sums, w) => [...sums, (sums.at(-1) ?? 0) + w], []);
const HOUR_TOTAL = HOUR_SUMS[23];

export const DAY_MS = 86_400_000;

/** A store-local calendar date; weekday 1 = Monday … 7 = Sunday. */
export interface LocalDate {
  year: number;
  month: number;
  day: number;
  weekday: number;
}

function localDate(utcMidnightMs: number): LocalDate {
  const d = new Date(utcMidnightMs);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), weekday: ((d.getUTCDay() + 6) % 7) + 1 };
}

/** How much busier than usual a store day is, from the calendar alone. */
export function shoppingFactor(date: LocalDate): number {
  let factor = MONTH_FACTOR[date.month - 1] * WEEKDAY_FACTOR[date.weekday - 1];
  if (date.month === 11) {
    const firstOfMonth = localDate(Date.UTC(date.year, 10, 1)).weekday;
    const blackFriday = 1 + ((4 - firstOfMonth + 7) % 7) + 22; // the day after the fourth Thursday
    const offset = date.day - blackFriday;
    if (offset === 0) factor *= 4.5;
    else if (offset === 1) factor *= 2.2;
    else if (offset === 2) factor *= 1.7;
    else if (offset === 3) factor *= 2.6; // Cyber Monday
    else if (offset >= -7 && offset < 0) factor *= 1.3;
  } else if (date.month === 12) {
    if (date.day <= 20) factor *= 1.2;
    else if (date.day >= 25 && date.day <= 26) factor *= 0.45;
  } else if (date.month === 3 && date.day <= 7) factor *= 1.5; // 8 March presents
  else if (date.month === 2 && date.day >= 7 && date.day <= 13) factor *= 1.3; // Valentine's
  return factor;
}

/**
 * The zone's offset (minutes) at noon UTC of each of `days` consecutive dates from `firstUtcMidnight`.
 * Offsets change a couple of times a year, so they are read once a week and only the weeks where
 * they changed are read day by day: asking the zone every day costs a second at start.
 */
function noonOffsets(zone: IANAZone, firstUtcMidnight: number, days: number): Int16Array {
  const offsets = new Int16Array(days);
  const at = (d: number) => zone.offset(firstUtcMidnight + d * DAY_MS + 12 * 3_600_000);
  let previous = at(0);
  offsets[0] = previous;
  for (let week = 0; week * 7 < days; week++) {
    const last = Math.min(days - 1, week * 7 + 7);
    const end = at(last);
    for (let d = week * 7 + 1; d <= last; d++) offsets[d] = end === previous ? end : at(d);
    previous = end;
  }
  return offsets;
}

/** Hour of the day (fractional) at quantile `u` of the day's shopping hours; monotone in u. */
function timeOfDay(u: number): number {
  const position = u * HOUR_TOTAL;
  let hour = 0;
  while (hour < 23 && HOUR_SUMS[hour] <= position) hour++;
  const before = hour === 0 ? 0 : HOUR_SUMS[hour - 1];
  return hour + (position - before) / HOUR_WEIGHTS[hour];
}

export class StoreCalendar {
  readonly nowMs: number;
  readonly firstMs: number;
  /** Start of each store day (ms), plus the start of the day after the last. */
  private readonly dayStarts: Float64Array;
  /** Running sums of each day's weight for orders and for registrations (index d = before day d). */
  private readonly orderSums: Float64Array;
  private readonly registrationSums: Float64Array;
  /** 1 on the days of the big sales (November to January, and July). */
  private readonly saleDays: Uint8Array;

  constructor(now: Date, timeZone: string, years: number) {
    this.nowMs = now.getTime();
    const zone = IANAZone.create(timeZone);
    if (!zone.isValid) throw new Error(`unknown time zone: ${timeZone}`);
    const today = DateTime.fromMillis(this.nowMs, { zone });
    const todayUtcMidnight = Date.UTC(today.year, today.month - 1, today.day);
    const firstDate = today.minus({ years });
    const firstUtcMidnight = Date.UTC(firstDate.year, firstDate.month - 1, firstDate.day);
    const days = Math.round((todayUtcMidnight - firstUtcMidnight) / DAY_MS) + 1;
    // local midnight is before any change of offset that day, so it keeps the day before's noon offset
    const offsets = noonOffsets(zone, firstUtcMidnight - DAY_MS, days + 2);
    this.dayStarts = new Float64Array(days + 1);
    this.orderSums = new Float64Array(days + 1);
    this.registrationSums = new Float64Array(days + 1);
    this.saleDays = new Uint8Array(days);
    for (let d = 0; d <= days; d++) this.dayStarts[d] = firstUtcMidnight + d * DAY_MS - offsets[d] * 60_000;
    for (let d = 0; d < days; d++) {
      const date = localDate(firstUtcMidnight + d * DAY_MS);
      const start = this.dayStarts[d];
      // today counts only as far as it has gone
      const share = Math.max(0, (Math.min(this.dayStarts[d + 1], this.nowMs) - start) / DAY_MS);
      const weight = shoppingFactor(date) * share;
      const growth = 0.35 + (0.65 * d) / days; // the store gains customers faster as it grows
      this.orderSums[d + 1] = this.orderSums[d] + weight;
      this.registrationSums[d + 1] = this.registrationSums[d] + weight * growth;
      this.saleDays[d] = date.month === 11 || date.month === 12 || date.month === 1 || date.month === 7 ? 1 : 0;
    }
    this.firstMs = this.dayStarts[0];
  }

  get days(): number {
    return this.dayStarts.length - 1;
  }

  /** The store day holding `ms` (clamped to the calendar). */
  dayOf(ms: number): number {
    let lo = 0;
    let hi = this.days - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (this.dayStarts[mid] <= ms) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  isSaleSeason(ms: number): boolean {
    return this.saleDays[this.dayOf(ms)] === 1;
  }

  private daySums(sums: Float64Array, position: number): number {
    let lo = 0;
    let hi = this.days - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (sums[mid] <= position) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  private at(day: number, fraction: number): number {
    const start = this.dayStarts[day];
    return start + (timeOfDay(Math.min(Math.max(fraction, 0), 0.999999)) / 24) * (this.dayStarts[day + 1] - start);
  }

  /**
   * When the customer at quantile q (0 ≤ q < 1) of all registrations signed up: monotone in q, so
   * customers numbered in order of q are numbered in order of registration, as a shop numbers them.
   */
  registrationAt(q: number): number {
    const position = q * this.registrationSums[this.days];
    const day = this.daySums(this.registrationSums, position);
    const weight = this.registrationSums[day + 1] - this.registrationSums[day];
    return Math.min(this.at(day, weight > 0 ? (position - this.registrationSums[day]) / weight : 0), this.nowMs);
  }

  /** A moment in [fromMs, toMs], more likely on busy days and at busy hours. */
  shoppingMoment(random: Random, fromMs: number, toMs: number): number {
    if (toMs <= fromMs) return fromMs;
    const fromDay = this.dayOf(fromMs);
    const toDay = this.dayOf(toMs);
    const low = this.orderSums[fromDay];
    const high = this.orderSums[toDay + 1];
    const day = this.daySums(this.orderSums, low + random.next() * (high - low));
    const t = this.at(day, random.next());
    return t < fromMs ? fromMs + random.next() * Math.min(toMs - fromMs, 3_600_000) : t > toMs ? toMs - random.next() * Math.min(toMs - fromMs, 3_600_000) : t;
  }
}
