// A segment's formation that took long is announced to its creator, in the app and by email,
// whoever formed it: the worker's first run after a save, or the web computing it during the save.
import { notifySegmentFormed } from "../models/notifications/segment-formed.server";
import type { RecomputeOutcome } from "../segments/recompute.server";
import { enqueueEmailDelivery } from "./deliver-email";
import type { JobQueue } from "./job-queue";

/** A formation longer than this is announced (SPEC.md: over 10 s). */
export const LONG_FORMATION_MS = 10_000;

/** Tells the creator when `outcome` formed the segment in more than `longMs`; the email's delivery job is made in the same transaction. */
export async function announceIfLong(
  queue: JobQueue,
  segmentId: number,
  outcome: RecomputeOutcome | { status: "busy" } | undefined,
  options: { publicUrl: string; now: Date; longMs?: number },
): Promise<boolean> {
  if (outcome?.status !== "done" || outcome.durationMs <= (options.longMs ?? LONG_FORMATION_MS)) return false;
  await queue.db.sequelize.transaction(async (transaction) => {
    const { emailId } = await notifySegmentFormed(queue.db, { segmentId, size: outcome.size, durationMs: outcome.durationMs }, options, transaction);
    if (emailId !== null) await enqueueEmailDelivery(queue, emailId, options.now, transaction);
  });
  return true;
}
