// The automations' follower of segment events: one job for the whole store, repeating every few
// seconds; each run reads events into firings until it has caught up (automations/follow.server.ts).
import type { Agenda, Job } from "agenda";
import { followSegmentEvents, newFollowerState } from "../automations/follow.server";
import { JOB_NAMES } from "./job-names";
import type { WorkerDeps } from "./worker-deps";

export const FOLLOW_EVENTS_EVERY_MS = 2_000;
const FOLLOW_EVENTS_LOCK_MS = 60_000;
const RUN_MS = 20_000;

export function defineFollowSegmentEvents(agenda: Agenda, deps: WorkerDeps) {
  // this worker's memory of gaps in the event ids between runs
  const state = newFollowerState();
  agenda.define(
    JOB_NAMES.followSegmentEvents,
    async (job: Job) => {
      const started = performance.now();
      for (;;) {
        const round = await followSegmentEvents(deps.db, state, { now: deps.clock(), monotonicMs: performance.now() });
        if (!round.isFull || deps.stopping.aborted || performance.now() - started > RUN_MS) break;
        await job.touch();
      }
    },
    { concurrency: 1, lockLimit: 1, lockLifetime: FOLLOW_EVENTS_LOCK_MS },
  );
}
