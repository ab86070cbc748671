// When each segment is recomputed: one job per segment, unique by its id, so a recompute of one
// segment never runs twice at once (the job's lock) and "Recompute now" moves that one job. It is
// written in the transaction of the save that calls for it (segments/store.server.ts hooks).
import { Op, type Transaction } from "sequelize";
import { computeJobState, type JobId, type JobParameters, type JobWithState } from "agenda";
import type { SegmentChange, SegmentSaveHooks, SegmentView } from "../segments/store.server";
import { JOB_NAMES, type RecomputeJobData } from "./job-names";
import { jobOf, type JobQueue } from "./job-queue";

export type RecomputePlan = { kind: "none" } | { kind: "once" } | { kind: "every"; intervalMs: number };

type Scheduled = Pick<SegmentView, "type" | "isActive" | "lockedAt" | "recomputeEveryMinutes">;

/**
 * The recompute job a segment should have: active dynamic and accumulating segments on their
 * interval, an active snapshot once until it is locked, anything else none.
 */
export function recomputePlanOf(segment: Scheduled, isDeleted = false): RecomputePlan {
  if (isDeleted || !segment.isActive) return { kind: "none" };
  if (segment.type === "dynamic" || segment.type === "accumulating") return { kind: "every", intervalMs: Math.max(1, segment.recomputeEveryMinutes) * 60_000 };
  if (segment.type === "snapshot" && !segment.lockedAt) return { kind: "once" };
  return { kind: "none" };
}

/** A save that leaves the stored members stale: a new segment, a changed rule, or one switched on. */
export function startsFormation(change: SegmentChange): boolean {
  return change.previous === null || change.definitionChanged || (!change.previous.isActive && change.segment.isActive);
}

/** What makes a segment's recompute job the only one of its segment. */
const uniqueOf = (segmentId: number) => ({ "data.segmentId": segmentId });

function recomputeJob(segmentId: number, plan: Exclude<RecomputePlan, { kind: "none" }>, nextRunAt: Date, formation: string | null) {
  return jobOf<RecomputeJobData>(JOB_NAMES.recomputeSegment, { segmentId, formation }, nextRunAt, {
    // present even when undefined: a segment that became a snapshot loses its interval
    repeatInterval: plan.kind === "every" ? plan.intervalMs : undefined,
    unique: uniqueOf(segmentId),
  });
}

/**
 * The recompute job of a segment, if it has one: looked up by its unique key, inside `transaction`
 * when given (a save's hooks must not wait for a second connection while holding one).
 */
export async function findRecomputeJob(queue: JobQueue, segmentId: number, transaction?: Transaction): Promise<JobWithState<RecomputeJobData> | null> {
  const job = await queue.repository.getUniqueJob<RecomputeJobData>(JOB_NAMES.recomputeSegment, uniqueOf(segmentId), { transaction });
  return job ? { ...job, _id: job._id as JobId, state: computeJobState(job, new Date()) } : null;
}

const intervalMsOf = (job: JobWithState<RecomputeJobData>) => (job.repeatInterval === undefined ? null : Number(job.repeatInterval));

/** Creates, moves or cancels a segment's recompute job, inside the transaction that saved the segment. */
export async function scheduleSegmentRecompute(queue: JobQueue, change: SegmentChange, transaction: Transaction, now: Date): Promise<void> {
  const segmentId = change.segment.id;
  const plan = recomputePlanOf(change.segment, change.isDeleted);
  const existing = await findRecomputeJob(queue, segmentId, transaction);
  if (plan.kind === "none") {
    if (existing) await queue.repository.removeJobs({ id: String(existing._id) }, { transaction });
    return;
  }
  const formation = startsFormation(change) || change.segment.lastRecomputedAt === null;
  if (!formation && existing) {
    // the same rule: the schedule stands, on the new interval if it changed
    if (plan.kind === "every" && intervalMsOf(existing) !== plan.intervalMs) {
      const lastRun = existing.lastRunAt ? new Date(existing.lastRunAt).getTime() : now.getTime();
      const nextRunAt = new Date(Math.max(now.getTime(), lastRun + plan.intervalMs));
      await queue.save(recomputeJob(segmentId, plan, nextRunAt, existing.data?.formation ?? null), transaction);
    }
    return;
  }
  await queue.save(recomputeJob(segmentId, plan, now, formation ? now.toISOString() : (existing?.data?.formation ?? null)), transaction);
}

/** The hooks a caller of saveSegment and deleteSegment passes so the recompute schedule follows each save. */
export function segmentScheduleHooks(queue: JobQueue, clock: () => Date = () => new Date()): SegmentSaveHooks {
  return { onSaved: (change, transaction) => scheduleSegmentRecompute(queue, change, transaction, clock()) };
}

export type RecomputeNowOutcome = { ok: true } | { ok: false; reason: "missing" | "inactive" | "manual" | "locked" };

/** "Recompute now": the segment's one recompute job is moved to now (after the run under way, if any). */
export async function requestRecompute(queue: JobQueue, segmentId: number, now: Date): Promise<RecomputeNowOutcome> {
  const segment = await queue.db.models.Segment.findOne({ where: { id: segmentId, deletedAt: { [Op.is]: null } }, raw: true });
  if (!segment) return { ok: false, reason: "missing" };
  const plan = recomputePlanOf({ ...segment, isActive: Boolean(segment.isActive) });
  if (plan.kind === "none") return { ok: false, reason: !segment.isActive ? "inactive" : segment.type === "manual" ? "manual" : "locked" };
  const existing = await findRecomputeJob(queue, segmentId);
  await queue.save(recomputeJob(segmentId, plan, now, existing?.data?.formation ?? null));
  return { ok: true };
}

/**
 * Brings every segment's recompute job in line with its plan: a worker does this as it starts, for
 * segments saved before the queue existed or by a caller that passed no hooks.
 */
export async function reconcileRecomputeJobs(queue: JobQueue, now: Date): Promise<{ created: number; updated: number; removed: number }> {
  const counts = { created: 0, updated: 0, removed: 0 };
  const segments = await queue.db.models.Segment.findAll({ where: { deletedAt: { [Op.is]: null } }, raw: true });
  const { jobs } = await queue.repository.queryJobs({ name: JOB_NAMES.recomputeSegment });
  const jobOfSegment = new Map<number, JobWithState<RecomputeJobData>>();
  for (const job of jobs as Array<JobWithState<RecomputeJobData>>) {
    const segmentId = Number(job.data?.segmentId);
    if (!jobOfSegment.has(segmentId)) jobOfSegment.set(segmentId, job);
    else {
      await queue.repository.removeJobs({ id: String(job._id) });
      counts.removed++;
    }
  }
  for (const segment of segments) {
    const plan = recomputePlanOf({ ...segment, isActive: Boolean(segment.isActive) });
    const existing = jobOfSegment.get(segment.id) ?? null;
    jobOfSegment.delete(segment.id);
    if (plan.kind === "none") {
      if (existing) {
        await queue.repository.removeJobs({ id: String(existing._id) });
        counts.removed++;
      }
    } else if (!existing) {
      await queue.save(recomputeJob(segment.id, plan, now, segment.lastRecomputedAt ? null : now.toISOString()));
      counts.created++;
    } else if (plan.kind === "every" && intervalMsOf(existing) !== plan.intervalMs) {
      await queue.save(recomputeJob(segment.id, plan, existing.nextRunAt ? new Date(existing.nextRunAt) : now, existing.data?.formation ?? null));
      counts.updated++;
    }
  }
  // jobs of segments deleted meanwhile
  for (const job of jobOfSegment.values()) {
    await queue.repository.removeJobs({ id: String(job._id) });
    counts.removed++;
  }
  return counts;
}

/** Moves every segment's recompute job to now: after a backlog of changes too large to re-evaluate customer by customer. */
export async function recomputeAllNow(queue: JobQueue, now: Date): Promise<number> {
  const { jobs } = await queue.repository.queryJobs({ name: JOB_NAMES.recomputeSegment });
  // a save by id writes only the fields it is given
  for (const job of jobs) await queue.save({ _id: job._id, name: job.name, nextRunAt: now } as JobParameters);
  return jobs.length;
}
