import type { DebounceOptions } from "agenda";

export interface DebouncedJob {
  nextRunAt: Date | null;
  debounceStartedAt: Date | null;
  lastRunAt: Date | null;
}

export interface DebounceSchedule {
  nextRunAt: Date | null;
  debounceStartedAt: Date | null;
}

/**
 * When a debounced job runs after one more save at `now`. A cycle starts with the first save after
 * the job last ran. Trailing: the run moves to `delay` after the latest save, but never past
 * `maxWait` after the cycle's first save (so steady saves cannot hold it back for ever); a save at
 * or past `maxWait` forces the run now and ends the cycle, as Agenda's own backends do, so the next
 * burst starts a window of its own. Leading: the first save of a cycle runs at once; saves within
 * `delay` of it change nothing but data.
 */
export function debounceSchedule(
  existing: DebouncedJob | null,
  requestedRunAt: Date | null,
  options: DebounceOptions,
  now: Date,
): DebounceSchedule {
  const started = existing?.debounceStartedAt ?? null;
  if (options.strategy === "leading") {
    if (existing && started && now.getTime() - started.getTime() < options.delay) {
      return { nextRunAt: existing.nextRunAt, debounceStartedAt: started };
    }
    return { nextRunAt: requestedRunAt ?? now, debounceStartedAt: now };
  }
  const ranSinceStart = started && existing?.lastRunAt && existing.lastRunAt.getTime() >= started.getTime();
  const inCycle = existing && started && existing.nextRunAt !== null && !ranSinceStart;
  const cycleStart = inCycle ? started : now;
  if (options.maxWait !== undefined && now.getTime() - cycleStart.getTime() >= options.maxWait) {
    return { nextRunAt: now, debounceStartedAt: null };
  }
  let runAt = now.getTime() + options.delay;
  if (options.maxWait !== undefined) runAt = Math.min(runAt, cycleStart.getTime() + options.maxWait);
  return { nextRunAt: new Date(runAt), debounceStartedAt: cycleStart };
}
