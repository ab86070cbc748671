// Where time zones change their offset, found through Luxon: the tests of store days and of
// campaign schedules look hardest around these minutes.
import { DateTime, type DurationLikeObject } from "luxon";

/**
 * Every offset change of `zone` from the start of `fromYear` to the start of `toYear`, each the first
 * minute (epoch ms) of the new offset. The span is walked a `step` at a time (Luxon's arithmetic: a day
 * is a calendar day), so two changes closer than a step are not told apart.
 */
export function offsetChanges(zone: string, fromYear: number, toYear: number, step: DurationLikeObject): number[] {
  const out: number[] = [];
  let t = DateTime.fromObject({ year: fromYear }, { zone });
  const end = DateTime.fromObject({ year: toYear }, { zone });
  while (t < end) {
    const next = t.plus(step);
    if (next.offset !== t.offset) {
      // halve the step down to the minute
      let lo = t.toMillis();
      let hi = next.toMillis();
      while (hi - lo > 60_000) {
        const mid = lo + Math.floor((hi - lo) / 120_000) * 60_000;
        if (DateTime.fromMillis(mid, { zone }).offset === t.offset) lo = mid;
        else hi = mid;
      }
      out.push(hi);
    }
    t = next;
  }
  return out;
}
