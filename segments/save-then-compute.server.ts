// Saving a segment from the console or the API: save the definition, then compute the members of
// a new segment and of one whose rule changed, so that its count is there at once. Scheduled
// recomputes take it from there: the caller passes the schedule's hooks (jobs/segment-schedule.ts)
// so the segment's recompute job is written in the save's transaction.
import type { AuditActor } from "../models/audit.server";
import type { SegmentEngine } from "./engine.server";
import { isRecomputeConflict, recomputeSegment, type RecomputeOutcome } from "./recompute.server";
import { getSegment, saveSegment, type SaveOutcome, type SegmentSaveHooks } from "./store.server";

export type SaveThenComputeOutcome = SaveOutcome & { recompute?: RecomputeOutcome | { status: "busy" } };

/** Saves (creates without `segmentId`) and, where the definition is new or changed, recomputes with trigger "save". */
export async function saveThenCompute(
  engine: SegmentEngine,
  input: unknown,
  actor: AuditActor,
  now: Date,
  segmentId?: number,
  hooks: SegmentSaveHooks = {},
): Promise<SaveThenComputeOutcome> {
  const saved = await saveSegment(engine.db, input, actor, segmentId, hooks);
  if (!saved.ok) return saved;
  const s = saved.segment;
  if (s.type === "manual" || !s.isActive || (segmentId !== undefined && !saved.definitionChanged)) return saved;
  try {
    const recompute = await recomputeSegment(engine, s.id, now, "save");
    // the saved view predates the recompute: read it again with its count
    return { ...saved, segment: (await getSegment(engine.db, s.id)) ?? s, recompute };
  } catch (error) {
    // members written meanwhile by another recompute (the worker's run of the job the save made
    // can start at once): that one's result stands. Meeting it may also show as a member it had
    // just inserted, or a deadlock on MariaDB; either way this transaction rolled back whole.
    if (isRecomputeConflict(error)) return { ...saved, segment: (await getSegment(engine.db, s.id)) ?? s, recompute: { status: "busy" } };
    throw error;
  }
}
