import { exponential, type Agenda, type Job } from "agenda";
import { failAbandonedRecomputes, isRecomputeConflict, recomputeSegment, type RecomputeOutcome, type RecomputeTrigger } from "../segments/recompute.server";
import { announceIfLong } from "./announce-formation";
import { JOB_NAMES, type RecomputeJobData } from "./job-names";
import type { WorkerDeps } from "./worker-deps";

/** A recompute not touched for this long is taken to be dead and is run again elsewhere. */
export const RECOMPUTE_LOCK_MS = 5 * 60_000;
/**
 * Runs in a row that met the change follower writing the same segment's members (changed members,
 * a deadlock, a member it had just inserted) before the job gives up for now.
 */
const ATTEMPTS = 5;

/**
 * The recompute job: one per segment, so it never runs twice at once. The first run after a save
 * that changed the rule is the segment's formation; when that takes long, the creator is told.
 */
export function defineRecomputeSegment(agenda: Agenda, deps: WorkerDeps) {
  agenda.define(
    JOB_NAMES.recomputeSegment,
    async (job: Job<RecomputeJobData>) => {
      const { segmentId, formation } = job.attrs.data;
      const segment = await deps.db.models.Segment.findByPk(segmentId, { attributes: ["lastRecomputedAt"], raw: true });
      if (!segment) return;
      const isFormation = Boolean(formation) && (!segment.lastRecomputedAt || new Date(segment.lastRecomputedAt) < new Date(formation!));
      const trigger: RecomputeTrigger = isFormation ? "save" : "schedule";
      // a run older than the lock that never finished died with its process (this job never runs twice at once)
      await failAbandonedRecomputes(deps.db, segmentId, new Date(deps.clock().getTime() - RECOMPUTE_LOCK_MS));
      const outcome = await recomputeWithRetries(deps, segmentId, trigger, async ({ written, total }) => {
        // before the one write transaction: the lock stays ours through it
        if (written < total) await job.touch(Math.floor((written / total) * 100));
      });
      if (outcome.status === "skipped" && outcome.reason === "unevaluable" && outcome.isFirstReport) {
        deps.log.error({ segmentId, reason: outcome.error }, "a segment cannot be evaluated; it is skipped until it can");
      }
      if (isFormation) await announceIfLong(deps.queue, segmentId, outcome, { publicUrl: deps.publicUrl, now: deps.clock(), longMs: deps.longFormationMs });
    },
    // a snapshot's one-off job goes once it has run (the snapshot is locked then); repeating jobs stay
    { concurrency: 2, lockLifetime: RECOMPUTE_LOCK_MS, removeOnComplete: true, backoff: exponential({ delay: 10_000, maxRetries: 3 }) },
  );
}

async function recomputeWithRetries(
  deps: WorkerDeps,
  segmentId: number,
  trigger: RecomputeTrigger,
  onProgress: (progress: { written: number; total: number }) => Promise<void>,
): Promise<RecomputeOutcome> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await recomputeSegment(deps.engine, segmentId, deps.clock(), trigger, { onProgress });
    } catch (error) {
      // each of these rolled back the transaction that met it: running again starts from the stored members
      if (!isRecomputeConflict(error) || attempt >= ATTEMPTS) throw error;
    }
  }
}
