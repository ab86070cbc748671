import type { Agenda, Job } from "agenda";
import { queueImportRun, runQueuedImport, type RunMode } from "../models/imports/run-import.server";
import { JOB_NAMES, type ImportJobData } from "./job-names";
import { jobOf, type JobQueue } from "./job-queue";
import type { WorkerDeps } from "./worker-deps";

/** An import not touched for this long is taken to be dead and is run again by another worker. */
export const IMPORT_LOCK_MS = 2 * 60_000;
const TOUCH_EVERY_MS = 15_000;

/**
 * Starts a dry run or an import: the import is marked queued and its job created in one
 * transaction. One job per import (unique by its id), so a file is never run twice at once.
 */
export function startImport(queue: JobQueue, importId: number, mode: RunMode, now = new Date()) {
  return queueImportRun(
    queue.db,
    importId,
    mode,
    (transaction) => queue.save(jobOf<ImportJobData>(JOB_NAMES.runImport, { importId, mode }, now, { unique: { "data.importId": importId } }), transaction),
    now,
  );
}

export function defineRunImport(agenda: Agenda, deps: WorkerDeps) {
  agenda.define(
    JOB_NAMES.runImport,
    async (job: Job<ImportJobData>) => {
      const { importId, mode } = job.attrs.data;
      let lastTouch = Date.now();
      let touching: Promise<void> | null = null;
      const outcome = await runQueuedImport(deps.db, importId, mode, {
        now: deps.clock,
        onProgress: () => {
          // the progress is saved on the import; the lock is kept alive no more than every 15 s
          if (touching || Date.now() - lastTouch < TOUCH_EVERY_MS) return;
          touching = job
            .touch()
            .catch((error: unknown) => deps.log.warn({ err: error, importId }, "could not keep the import's lock"))
            .finally(() => {
              lastTouch = Date.now();
              touching = null;
            });
        },
      });
      await touching;
      if (!outcome.ok) deps.log.warn({ importId, mode, reason: outcome.reason }, "import job found nothing to run");
    },
    { concurrency: 1, lockLifetime: IMPORT_LOCK_MS },
  );
}
