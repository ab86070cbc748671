// When a firing may act: the event's time plus the automation's delay, then moved into its firing
// hours. Pure: every instant comes in as a parameter. Wall times on a customer's clock resolve as
// campaigns/schedule.ts resolves them (a time the clocks jump over moves forward by the jump).
import { DateTime } from "luxon";
import { customerZoneName, instantOfWallTime, minuteOfDay, nextAllowedInstant } from "../campaigns/schedule";
import type { DelayKind } from "../models/automation-models";

const MINUTE = 60_000;

export interface Delay {
  kind: DelayKind;
  /** Minutes, hours or days, for those kinds. */
  amount: number | null;
  /** "HH:mm", for next_day_at. */
  time: string | null;
}

/** "HH:mm" to "HH:mm" in the store's zone, start included, end not; a start after the end wraps over midnight. */
export interface FiringHours {
  start: string;
  end: string;
}

/** The firing hours of an automation row, or null when it may act at any time. */
export function firingHoursOf(automation: { firingHoursStart: string | null; firingHoursEnd: string | null }): FiringHours | null {
  const { firingHoursStart: start, firingHoursEnd: end } = automation;
  if (!start || !end || minuteOfDay(start) === minuteOfDay(end)) return null;
  return { start, end };
}

/** The delay of an automation row. */
export function delayOf(automation: { delayKind: DelayKind; delayAmount: number | null; delayTime: string | null }): Delay {
  return { kind: automation.delayKind, amount: automation.delayAmount, time: automation.delayTime };
}

/** Whether the automation waits before acting (a firing then re-checks the customer's membership). */
export const isDelayed = (delay: Delay) => delay.kind !== "none";

/**
 * The instant the delay ends for an event at `eventAt`: at once; N minutes, hours or days later;
 * or "HH:mm" on the day after the event's day, both read on the customer's clock (their zone, or
 * the store's when they have none).
 */
export function delayEnd(delay: Delay, eventAt: Date, customerTimeZone: string | null, storeTimeZone: string): Date {
  const amount = Math.max(0, delay.amount ?? 0);
  switch (delay.kind) {
    case "none":
      return eventAt;
    case "minutes":
      return new Date(eventAt.getTime() + amount * MINUTE);
    case "hours":
      return new Date(eventAt.getTime() + amount * 60 * MINUTE);
    case "days":
      return new Date(eventAt.getTime() + amount * 24 * 60 * MINUTE);
    case "next_day_at": {
      const zone = customerZoneName(customerTimeZone, storeTimeZone);
      const day = DateTime.fromJSDate(eventAt, { zone });
      const minute = minuteOfDay(delay.time ?? "", "delay time");
      const wall = Date.UTC(day.year, day.month - 1, day.day + 1, Math.floor(minute / 60), minute % 60);
      return instantOfWallTime(wall, zone);
    }
  }
}

/** The first instant at or after `instant` inside the firing hours, on the store's clock. */
export function nextFiringInstant(instant: Date, hours: FiringHours | null, storeTimeZone: string): Date {
  if (!hours) return instant;
  // outside the firing hours is the quiet hours' shape: from their end to their start
  return nextAllowedInstant(instant, { start: hours.end, end: hours.start }, storeTimeZone);
}

/** When a firing for an event at `eventAt` is due: the delay's end, moved into the firing hours. */
export function firingDueAt(
  automation: { delayKind: DelayKind; delayAmount: number | null; delayTime: string | null; firingHoursStart: string | null; firingHoursEnd: string | null },
  eventAt: Date,
  customerTimeZone: string | null,
  storeTimeZone: string,
): Date {
  return nextFiringInstant(delayEnd(delayOf(automation), eventAt, customerTimeZone, storeTimeZone), firingHoursOf(automation), storeTimeZone);
}
