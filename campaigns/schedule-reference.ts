// The rules of campaigns/schedule.ts stated the slow, plain way, for property tests to hold the
// fast module to: clocks read through Intl (not Luxon), wall times found by trying every offset a
// zone can have, and quiet hours left by stepping one minute at a time.
import type { Due, QuietHours, Timing } from "./schedule";

const MINUTE = 60_000;
const DAY = 86_400_000;

const formats = new Map<string, Intl.DateTimeFormat>();

/** Whether Intl knows the zone. */
export function isKnownZone(zone: string | null | undefined): zone is string {
  if (!zone) return false;
  try {
    clock(zone);
    return true;
  } catch {
    return false;
  }
}

function clock(zone: string): Intl.DateTimeFormat {
  let format = formats.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-US", { timeZone: zone, hourCycle: "h23", year: "numeric", month: "numeric", day: "numeric", hour: "numeric", minute: "numeric", second: "numeric" });
    formats.set(zone, format);
  }
  return format;
}

/** What a clock in `zone` shows at `instant`, as ms on that clock's calendar. */
export function referenceWall(instant: number, zone: string): number {
  const parts = Object.fromEntries(clock(zone).formatToParts(new Date(instant)).map((p) => [p.type, p.value]));
  const ms = ((instant % 1000) + 1000) % 1000;
  return Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second)) + ms;
}

/** The minute of the day a clock in `zone` shows at `instant`. */
export function referenceMinuteOfDay(instant: number, zone: string): number {
  const wall = referenceWall(instant, zone);
  return Math.floor((((wall % DAY) + DAY) % DAY) / MINUTE);
}

/**
 * The instant a wall time names: of the instants at which the clock shows it, the first; if the
 * clock never shows it (it jumps over it), the wall time read with the offset of the day before.
 */
export function referenceInstantOfWall(wall: number, zone: string): number {
  const hits: number[] = [];
  // every offset in use today is a multiple of 15 minutes from −12:00 to +14:00
  for (let offset = -12 * 60; offset <= 14 * 60; offset += 15) {
    const instant = wall - offset * MINUTE;
    if (referenceWall(instant, zone) === wall) hits.push(instant);
  }
  if (hits.length > 0) return Math.min(...hits);
  const dayBefore = wall - DAY - 14 * 60 * MINUTE;
  return wall - (referenceWall(dayBefore, zone) - dayBefore);
}

function hhmm(text: string): number {
  return Number(text.slice(0, 2)) * 60 + Number(text.slice(3, 5));
}

/** Whether a clock in `zone` shows a minute inside the quiet hours at `instant`. */
export function referenceIsQuiet(instant: number, quiet: QuietHours | null, zone: string): boolean {
  if (!quiet) return false;
  const start = hhmm(quiet.start);
  const end = hhmm(quiet.end);
  if (start === end) return false;
  const minute = referenceMinuteOfDay(instant, zone);
  return start < end ? minute >= start && minute < end : minute >= start || minute < end;
}

/** "YYYY-MM-DDTHH:mm" on a clock's calendar, in ms. */
function wallOfText(text: string): number {
  return Date.UTC(Number(text.slice(0, 4)), Number(text.slice(5, 7)) - 1, Number(text.slice(8, 10)), Number(text.slice(11, 13)), Number(text.slice(14, 16)));
}

/** The zone a customer is read in: their own if Intl knows it, else the store's. */
export function referenceZone(customerZone: string | null, storeZone: string): string {
  return isKnownZone(customerZone) ? customerZone : storeZone;
}

/** When the schedule alone puts a customer's message. */
export function referenceScheduled(timing: Timing, customerZone: string | null): number {
  const { schedule } = timing;
  if (schedule.kind === "now") return timing.startedAt.getTime();
  if (schedule.timeZoneMode === "store") return schedule.sendAt!.getTime();
  return referenceInstantOfWall(wallOfText(schedule.localSendAt!), referenceZone(customerZone, timing.storeTimeZone));
}

/** The due instant: the scheduled time, not before the start, then minute by minute until out of quiet hours. */
export function referenceDue(timing: Timing, customerZone: string | null): Due {
  const zone = referenceZone(customerZone, timing.storeTimeZone);
  const earliest = Math.max(referenceScheduled(timing, customerZone), timing.startedAt.getTime());
  let t = earliest;
  while (referenceIsQuiet(t, timing.quietHours, zone)) t = (Math.floor(t / MINUTE) + 1) * MINUTE;
  return { dueAt: new Date(t), movedByQuietHours: t !== earliest };
}
