// A large export runs here (docs/decisions/0035): the job writes the file a batch at a time,
// keeping its lock alive, and when it ends the requester's email is enqueued in the transaction
// that marks the export done. Another job deletes files past their expiry.
import type { Agenda, Job } from "agenda";
import type { Transaction } from "sequelize";
import { createExport, pruneExpiredExports, runExport, type ExportRequest, type ExportRequester } from "../models/exports/exports.server";
import { enqueueEmailDelivery } from "./deliver-email";
import { JOB_NAMES, type ExportJobData } from "./job-names";
import { jobOf, type JobQueue } from "./job-queue";
import type { WorkerDeps } from "./worker-deps";

/** An export not touched for this long is taken to be dead and is run again by another worker. */
export const EXPORT_LOCK_MS = 2 * 60_000;
const TOUCH_EVERY_MS = 15_000;
/** How often expired export files are looked for (Agenda's interval). */
export const PRUNE_EXPORTS_EVERY = "1 hour";

/** Saves a large export and its job in one transaction; returns the export's id. */
export function startExport(
  queue: JobQueue,
  request: ExportRequest,
  requester: ExportRequester,
  options: { rows: number; dataDir: string; now: Date; transaction?: Transaction },
): Promise<number> {
  return createExport(queue.db, request, requester, {
    ...options,
    enqueue: (exportId, transaction) => queue.save(jobOf<ExportJobData>(JOB_NAMES.runExport, { exportId }, options.now, { unique: { "data.exportId": exportId } }), transaction),
  });
}

export function defineRunExport(agenda: Agenda, deps: WorkerDeps) {
  agenda.define(
    JOB_NAMES.runExport,
    async (job: Job<ExportJobData>) => {
      const { exportId } = job.attrs.data;
      let lastTouch = Date.now();
      let touching: Promise<void> | null = null;
      const outcome = await runExport(deps.db, exportId, {
        now: deps.clock,
        publicUrl: deps.publicUrl,
        signal: deps.stopping,
        onProgress: () => {
          if (touching || Date.now() - lastTouch < TOUCH_EVERY_MS) return;
          touching = job
            .touch()
            .catch((error: unknown) => deps.log.warn({ err: error, exportId }, "could not keep the export's lock"))
            .finally(() => {
              lastTouch = Date.now();
              touching = null;
            });
        },
        onDone: async (transaction, emailId) => {
          if (emailId !== null) await enqueueEmailDelivery(deps.queue, emailId, deps.clock(), transaction);
        },
      });
      await touching;
      if (!outcome.ok) deps.log.warn({ exportId, reason: outcome.reason }, "export not written");
    },
    { concurrency: 1, lockLifetime: EXPORT_LOCK_MS },
  );
}

export function definePruneExports(agenda: Agenda, deps: WorkerDeps) {
  agenda.define(
    JOB_NAMES.pruneExports,
    async (job: Job) => {
      const pruned = await pruneExpiredExports(deps.db, deps.clock(), { onBatch: () => job.touch() });
      if (pruned > 0) deps.log.info({ pruned }, "expired export files deleted");
    },
    { concurrency: 1, lockLifetime: 5 * 60_000 },
  );
}
