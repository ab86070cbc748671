// After an erasure, the stored files it could not scrub at once (docs/decisions/0040, "Files"): an
// import's error report or an export still being written, or a file the rewrite failed on. The
// erased values are kept nowhere, so this job cannot scrub: it deletes, once the file is free.
import { exponential, type Agenda, type Job } from "agenda";
import type { ConsoleServices } from "../models/context";
import { removeErasureLeftovers, type FileScrubDeps, type StoredFile } from "../models/privacy/scrub-files.server";
import { JOB_NAMES, type ErasureLeftoversJobData } from "./job-names";
import { jobOf, type JobQueue } from "./job-queue";
import type { WorkerDeps } from "./worker-deps";

/** How long a file still in use waits before it is looked at again. */
export const LEFTOVER_RECHECK_MS = 60_000;

export function enqueueErasureLeftovers(queue: JobQueue, files: StoredFile[], at: Date) {
  return queue.save(jobOf<ErasureLeftoversJobData>(JOB_NAMES.removeErasureLeftovers, { files }, at));
}

/** What an erasure needs for the files: the process's log, and this job for what it cannot do at once. */
export function erasureFileDeps(services: Pick<ConsoleServices, "log" | "jobs">): FileScrubDeps {
  return { log: services.log, enqueueLeftovers: (files, now) => enqueueErasureLeftovers(services.jobs, files, now) };
}

export function defineRemoveErasureLeftovers(agenda: Agenda, deps: WorkerDeps) {
  agenda.define(
    JOB_NAMES.removeErasureLeftovers,
    async (job: Job<ErasureLeftoversJobData>) => {
      const files = job.attrs.data.files;
      // a file that cannot be deleted throws: Agenda's backoff tries again
      const later = await removeErasureLeftovers(deps.db, files, deps.clock());
      const ids = (list: StoredFile[]) => list.map((f) => ({ kind: f.kind, id: f.id }));
      if (later.length) {
        await enqueueErasureLeftovers(deps.queue, later, new Date(deps.clock().getTime() + LEFTOVER_RECHECK_MS));
        deps.log.info({ files: ids(later) }, "an erased customer's files are still in use: looked at again later");
      }
      if (later.length < files.length) deps.log.info({ files: ids(files.filter((f) => !later.includes(f))) }, "an erased customer's leftover files deleted");
    },
    { concurrency: 1, lockLifetime: 5 * 60_000, removeOnComplete: true, backoff: exponential({ delay: 30_000, maxRetries: 8 }) },
  );
}
