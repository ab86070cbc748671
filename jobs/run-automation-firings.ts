// Acts on due automation firings: one job for the whole store, repeating every few seconds; any
// number of workers may run it at once, since claims keep each firing to one runner.
import crypto from "node:crypto";
import type { Agenda, Job } from "agenda";
import { FIRING_LEASE_MS, runDueFirings } from "../automations/run.server";
import { JOB_NAMES } from "./job-names";
import type { WorkerDeps } from "./worker-deps";

export const RUN_FIRINGS_EVERY_MS = 2_000;

export function defineRunAutomationFirings(agenda: Agenda, deps: WorkerDeps) {
  agenda.define(
    JOB_NAMES.runAutomationFirings,
    async (_job: Job) => {
      const runToken = `${(agenda.attrs.name ?? "worker").slice(0, 27)}/${crypto.randomUUID()}`;
      const run = await runDueFirings({ db: deps.db, queue: deps.queue, clock: deps.clock, publicUrl: deps.publicUrl, log: deps.log }, runToken, { maxRunMs: 30_000, leaseMs: FIRING_LEASE_MS });
      if (run.skipped + run.done > 0) deps.log.info({ done: run.done, skipped: run.skipped }, "automation firings acted on");
    },
    { concurrency: 1, lockLimit: 1, lockLifetime: FIRING_LEASE_MS },
  );
}
