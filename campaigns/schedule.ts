// When each customer's message may go: the schedule (now, an instant, or a wall time read in each
// customer's own zone), never before sending starts, and out of quiet hours in the customer's zone.
// Pure: every instant comes in as a parameter. campaigns/schedule-reference.ts states the same rules
// the slow, plain way, and a property test holds this module to it.
import { IANAZone } from "luxon";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** The offset of the earliest zone on earth (Pacific/Kiritimati, UTC+14): where a wall time comes first. */
export const EARLIEST_OFFSET_MINUTES = 14 * 60;

export interface Schedule {
  kind: "now" | "at";
  timeZoneMode: "store" | "customer";
  /** The instant, for "at" in the store's zone. */
  sendAt: Date | null;
  /** The wall time "YYYY-MM-DDTHH:mm", for "at" in each customer's zone. */
  localSendAt: string | null;
}

/** "HH:mm" to "HH:mm", start included, end not; a start after the end wraps over midnight. */
export interface QuietHours {
  start: string;
  end: string;
}

/** Everything the due instant of any customer of one campaign depends on but the customer's zone. */
export interface Timing {
  schedule: Schedule;
  quietHours: QuietHours | null;
  storeTimeZone: string;
  /** When sending starts: nobody is due before it. */
  startedAt: Date;
}

export interface Due {
  dueAt: Date;
  /** Whether quiet hours moved the message later than its time. */
  movedByQuietHours: boolean;
}

/** "At most `count` marketing messages per customer in any `days` × 24 hours." */
export interface FrequencyCap {
  count: number;
  days: number;
}

/** A schedule or quiet hours that cannot be read (written around the definition's checks). */
export class ScheduleError extends Error {}

// --- reading the stored campaign -------------------------------------------------------------

/** The schedule of a stored campaign. */
export function scheduleOf(campaign: { scheduleKind: string; timeZoneMode: string; sendAt: Date | null; localSendAt: string | null }): Schedule {
  if (campaign.scheduleKind !== "now" && campaign.scheduleKind !== "at") throw new ScheduleError(`unknown schedule kind ${campaign.scheduleKind}`);
  if (campaign.timeZoneMode !== "store" && campaign.timeZoneMode !== "customer") throw new ScheduleError(`unknown time zone mode ${campaign.timeZoneMode}`);
  return { kind: campaign.scheduleKind, timeZoneMode: campaign.timeZoneMode, sendAt: campaign.sendAt, localSendAt: campaign.localSendAt };
}

/**
 * The quiet hours that apply: the campaign's when it sets both ends, else the store's default when
 * that sets both, else none. Equal ends ("00:00" to "00:00") mean no quiet hours.
 */
export function quietHoursFor(
  campaign: { quietHoursStart: string | null; quietHoursEnd: string | null },
  store: { quietHoursStart?: string | null; quietHoursEnd?: string | null },
): QuietHours | null {
  const pick = (start: string | null | undefined, end: string | null | undefined) => (start && end ? { start, end } : null);
  const chosen = pick(campaign.quietHoursStart, campaign.quietHoursEnd) ?? pick(store.quietHoursStart, store.quietHoursEnd);
  if (!chosen) return null;
  return minuteOfDay(chosen.start, "quiet hours start") === minuteOfDay(chosen.end, "quiet hours end") ? null : chosen;
}

/** The store's frequency cap, when both numbers are set and positive. */
export function frequencyCapOf(store: { frequencyCapCount?: number | null; frequencyCapDays?: number | null }): FrequencyCap | null {
  const count = store.frequencyCapCount ?? 0;
  const days = store.frequencyCapDays ?? 0;
  return count > 0 && days > 0 ? { count, days } : null;
}

/** Where the frequency cap's window starts for a message at `at`: the window is (start, at]. */
export function capWindowStart(at: Date, cap: FrequencyCap): Date {
  return new Date(at.getTime() - cap.days * DAY);
}

// --- zones and wall times --------------------------------------------------------------------

const zoneCache = new Map<string, IANAZone | null>();

function zoneNamed(name: string | null | undefined): IANAZone | null {
  if (!name) return null;
  let zone = zoneCache.get(name);
  if (zone === undefined) {
    zone = IANAZone.isValidZone(name) ? IANAZone.create(name) : null;
    zoneCache.set(name, zone);
  }
  return zone;
}

function storeZone(name: string): IANAZone {
  const zone = zoneNamed(name);
  if (!zone) throw new ScheduleError(`the store's time zone ${name} is not an IANA time zone`);
  return zone;
}

/**
 * The zone a customer is sent by: their own when they have a valid one, else the store's (an
 * unreadable customer zone, written around the checks, falls back rather than losing the customer).
 */
export function customerZoneName(customerTimeZone: string | null | undefined, storeTimeZone: string): string {
  return zoneNamed(customerTimeZone) ? customerTimeZone! : storeTimeZone;
}

/** Offset east of UTC in ms at an instant. */
const offsetAt = (zone: IANAZone, instant: number) => zone.offset(instant) * MINUTE;

/** The wall time of an instant, as ms since 1970-01-01T00:00 of the zone's calendar. */
const wallOf = (zone: IANAZone, instant: number) => instant + offsetAt(zone, instant);

/** "YYYY-MM-DDTHH:mm" as a wall time (ms on the zone's calendar). */
export function parseWallTime(text: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(text);
  if (!m) throw new ScheduleError(`${text} is not a wall time YYYY-MM-DDTHH:mm`);
  const [y, mo, d, h, mi] = m.slice(1).map(Number);
  const wall = Date.UTC(y, mo - 1, d, h, mi);
  const back = new Date(wall);
  if (back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d || h > 23 || mi > 59) throw new ScheduleError(`${text} is not a wall time YYYY-MM-DDTHH:mm`);
  return wall;
}

/** "HH:mm" → minutes since midnight. */
export function minuteOfDay(text: string, what = "time"): number {
  const m = /^(\d{2}):(\d{2})$/.exec(text);
  if (!m || Number(m[1]) > 23 || Number(m[2]) > 59) throw new ScheduleError(`${what} ${text} is not HH:mm`);
  return Number(m[1]) * 60 + Number(m[2]);
}

/**
 * The instants at which a zone's clock shows `wall`, earliest first: one on most days, two when
 * the clocks fall back over it, none when they spring forward over it. The offsets that can apply
 * are those in force a few days either side (zones change offset at most once in that span).
 */
function occurrences(zone: IANAZone, wall: number): number[] {
  const offsets = new Set([wall - 3 * DAY, wall - 14 * HOUR, wall, wall + 14 * HOUR, wall + 3 * DAY].map((probe) => offsetAt(zone, probe)));
  return [...offsets]
    .map((offset) => wall - offset)
    .filter((instant) => offsetAt(zone, instant) === wall - instant)
    .sort((a, b) => a - b);
}

/** Around a wall time the clocks skip: the offsets before and after the jump and the instant of the jump. */
function gapAround(zone: IANAZone, wall: number): { before: number; after: number; jump: number } {
  const before = offsetAt(zone, wall - 3 * DAY);
  const after = offsetAt(zone, wall + 3 * DAY);
  // the jump lies between the wall time read with the later offset (still before it) and with the earlier one (already after it)
  let lo = wall - after;
  let hi = wall - before;
  while (hi - lo > MINUTE) {
    const mid = lo + Math.floor((hi - lo) / 2 / MINUTE) * MINUTE;
    if (offsetAt(zone, mid) === after) hi = mid;
    else lo = mid;
  }
  return { before, after, jump: hi };
}

/**
 * The instant a wall time names in a zone. When the clocks fall back over it, its first
 * occurrence; when they spring forward over it, it moves forward by the jump (02:30 in a
 * 02:00 → 03:00 jump is 03:30): the wall time read with the offset before the jump, as
 * RFC 5545, java.time and Temporal's "compatible" do.
 */
export function instantOfWallTime(wall: number, zoneName: string): Date {
  const zone = storeZone(zoneName);
  const found = occurrences(zone, wall);
  if (found.length > 0) return new Date(found[0]);
  return new Date(wall - gapAround(zone, wall).before);
}

/**
 * The first instant at or after `notBefore` at which the clock shows `wall` or, when the clocks
 * jump over `wall`, the instant of the jump (the first moment past it).
 */
function firstReaching(zone: IANAZone, wall: number, notBefore: number): number | undefined {
  const found = occurrences(zone, wall);
  if (found.length === 0) found.push(gapAround(zone, wall).jump);
  return found.find((instant) => instant >= notBefore);
}

// --- quiet hours -----------------------------------------------------------------------------

const isQuietMinute = (minute: number, start: number, end: number) => (start < end ? minute >= start && minute < end : minute >= start || minute < end);

/** Whether an instant falls inside quiet hours, read on the zone's clock to the minute. */
export function isInQuietHours(instant: Date, quiet: QuietHours, zoneName: string): boolean {
  const zone = storeZone(zoneName);
  const wall = wallOf(zone, instant.getTime());
  return isQuietMinute(Math.floor((((wall % DAY) + DAY) % DAY) / MINUTE), minuteOfDay(quiet.start), minuteOfDay(quiet.end));
}

/**
 * The first instant at or after `instant` outside quiet hours on the zone's clock: the instant
 * itself, or the minute the quiet hours it falls in end (when the clocks jump over that minute,
 * the moment of the jump; when they fall back over it, its first occurrence after `instant`).
 */
export function nextAllowedInstant(instant: Date, quiet: QuietHours, zoneName: string): Date {
  const zone = storeZone(zoneName);
  const start = minuteOfDay(quiet.start, "quiet hours start");
  const end = minuteOfDay(quiet.end, "quiet hours end");
  if (start === end) return instant;
  let t = instant.getTime();
  // a day whose allowed minutes the clocks jump over sends the search to the next day's end: a few rounds at most
  for (let round = 0; round < 10; round++) {
    const wall = wallOf(zone, t);
    const day = Math.floor(wall / DAY);
    const minute = Math.floor((wall - day * DAY) / MINUTE);
    if (!isQuietMinute(minute, start, end)) return new Date(t);
    const endDay = start > end && minute >= start ? day + 1 : day;
    let next = firstReaching(zone, endDay * DAY + end * MINUTE, t);
    // the clocks falling back before that end can turn them back to a minute before the quiet hours began
    // (quiet from 03:30, 04:00 falling back to 03:00): the moment of the fall is then the first allowed one
    if (next !== undefined && offsetAt(zone, next) < offsetAt(zone, t)) {
      const fall = fallBetween(zone, t, next);
      if (!isQuietMinute(Math.floor((((wallOf(zone, fall) % DAY) + DAY) % DAY) / MINUTE), start, end)) return new Date(fall);
    }
    // never expected (the end of the quiet hours always comes after a moment inside them); step on a minute
    t = next !== undefined && next > t ? next : Math.floor(t / MINUTE) * MINUTE + MINUTE;
  }
  throw new ScheduleError(`no minute outside quiet hours ${quiet.start}–${quiet.end} in ${zoneName} after ${instant.toISOString()}`);
}

/** The first whole minute after `from`, at or before `to`, whose offset is `to`'s (the clocks fell back in between). */
function fallBetween(zone: IANAZone, from: number, to: number): number {
  const after = offsetAt(zone, to);
  let lo = Math.floor(from / MINUTE) * MINUTE;
  let hi = Math.ceil(to / MINUTE) * MINUTE;
  while (hi - lo > MINUTE) {
    const mid = lo + Math.floor((hi - lo) / 2 / MINUTE) * MINUTE;
    if (offsetAt(zone, mid) === after) hi = mid;
    else lo = mid;
  }
  return hi;
}

// --- the due instant -------------------------------------------------------------------------

/** When the schedule says a customer in `zoneName` gets the message, before quiet hours and the start. */
function scheduledInstant(schedule: Schedule, zoneName: string, startedAt: Date): Date {
  if (schedule.kind === "now") return startedAt;
  if (schedule.timeZoneMode === "store") {
    if (!schedule.sendAt) throw new ScheduleError("a schedule at a time in the store's zone needs sendAt");
    return schedule.sendAt;
  }
  if (!schedule.localSendAt) throw new ScheduleError("a schedule at a time in each customer's zone needs localSendAt");
  return instantOfWallTime(parseWallTime(schedule.localSendAt), zoneName);
}

/**
 * The instant one customer's message is due: the schedule's time (in customer-zone mode, the wall
 * time read on the customer's clock, their own zone or else the store's), never before sending
 * starts, then out of quiet hours on the customer's clock. Quiet hours are read in the customer's
 * zone in both modes: they exist to spare the person who receives the message.
 */
export function dueInstant(timing: Timing, customerTimeZone: string | null): Due {
  const zoneName = customerZoneName(customerTimeZone, timing.storeTimeZone);
  storeZone(timing.storeTimeZone);
  const scheduled = scheduledInstant(timing.schedule, zoneName, timing.startedAt);
  const earliest = new Date(Math.max(scheduled.getTime(), timing.startedAt.getTime()));
  if (!timing.quietHours) return { dueAt: earliest, movedByQuietHours: false };
  const dueAt = nextAllowedInstant(earliest, timing.quietHours, zoneName);
  return { dueAt, movedByQuietHours: dueAt.getTime() !== earliest.getTime() };
}

/** `dueInstant` for many customers: computed once per zone, since customers of one zone share it. */
export function dueInstants(timing: Timing): (customerTimeZone: string | null) => Due {
  const byZone = new Map<string, Due>();
  return (customerTimeZone) => {
    const zoneName = customerZoneName(customerTimeZone, timing.storeTimeZone);
    let due = byZone.get(zoneName);
    if (!due) byZone.set(zoneName, (due = dueInstant(timing, zoneName)));
    return due;
  };
}

/**
 * The first instant any customer can be due, to start the campaign then: `now` for "now", the
 * instant for the store's zone, and for each customer's own zone the wall time as it first comes
 * round on earth (UTC+14). Never before `now`.
 */
export function firstPossibleDue(schedule: Schedule, now: Date): Date {
  let first: number;
  if (schedule.kind === "now") first = now.getTime();
  else if (schedule.timeZoneMode === "store") {
    if (!schedule.sendAt) throw new ScheduleError("a schedule at a time in the store's zone needs sendAt");
    first = schedule.sendAt.getTime();
  } else {
    if (!schedule.localSendAt) throw new ScheduleError("a schedule at a time in each customer's zone needs localSendAt");
    first = parseWallTime(schedule.localSendAt) - EARLIEST_OFFSET_MINUTES * MINUTE;
  }
  return new Date(Math.max(first, now.getTime()));
}
