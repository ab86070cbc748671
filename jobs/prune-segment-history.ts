// Segment history past the store's retention (enter/leave events, size samples, feed reads) is
// deleted once a day, 5,000 rows a transaction, touching the job's lock between batches
// (docs/decisions/0036).
import type { Agenda, Job } from "agenda";
import { PRUNE_BATCH, pruneSegmentHistory } from "../models/segments/retention.server";
import { JOB_NAMES } from "./job-names";
import type { WorkerDeps } from "./worker-deps";

/** How often the cleanup runs (Agenda's interval). */
export const PRUNE_HISTORY_EVERY = "1 day";

export function definePruneSegmentHistory(agenda: Agenda, deps: WorkerDeps, batchSize = PRUNE_BATCH) {
  agenda.define(
    JOB_NAMES.pruneSegmentHistory,
    async (job: Job) => {
      const out = await pruneSegmentHistory(deps.db, deps.clock(), { batchSize, signal: deps.stopping, onBatch: () => job.touch() });
      if (out.events + out.sizes + out.feedReads > 0) deps.log.info(out, "segment history past its retention deleted");
    },
    { concurrency: 1, lockLimit: 1, lockLifetime: 5 * 60_000 },
  );
}
