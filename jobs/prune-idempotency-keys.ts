// The API remembers each Idempotency-Key's response for 24 hours; after that a key is dead weight
// that only a request reusing it would ever remove. Once a day the worker deletes them in batches.
import type { Agenda, Job } from "agenda";
import { pruneIdempotencyKeys } from "../models/idempotency.server";
import { JOB_NAMES } from "./job-names";
import type { WorkerDeps } from "./worker-deps";

/** How often the cleanup runs (Agenda's interval). */
export const PRUNE_IDEMPOTENCY_EVERY = "1 day";
/** Keys per delete statement. */
export const PRUNE_BATCH_SIZE = 1000;

export function definePruneIdempotencyKeys(agenda: Agenda, deps: WorkerDeps, batchSize = PRUNE_BATCH_SIZE) {
  agenda.define(
    JOB_NAMES.pruneIdempotencyKeys,
    async (job: Job) => {
      const deleted = await pruneIdempotencyKeys(deps.db, deps.clock(), { batchSize, signal: deps.stopping, onBatch: () => job.touch() });
      if (deleted > 0) deps.log.info({ deleted }, "expired idempotency keys deleted");
    },
    { concurrency: 1, lockLifetime: 5 * 60_000 },
  );
}
