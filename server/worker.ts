// messages of jobs (an import's row errors) in the language the job was started in
import "../models/i18n.server";
import type { ConsoleServices } from "../models/context";
import type { Mailer } from "../models/notifications/mailer.server";
import { FOLLOW_EVERY_MS } from "../jobs/follow-customer-changes";
import { JOB_NAMES } from "../jobs/job-names";
import { PRUNE_IDEMPOTENCY_EVERY } from "../jobs/prune-idempotency-keys";
import { PRUNE_HISTORY_EVERY } from "../jobs/prune-segment-history";
import { reconcileRecomputeJobs } from "../jobs/segment-schedule";
import { defineWorkerJobs } from "../jobs/worker-jobs";
import { FOLLOW_EVENTS_EVERY_MS } from "../jobs/follow-segment-events";
import { RUN_FIRINGS_EVERY_MS } from "../jobs/run-automation-firings";
import { PRUNE_EXPORTS_EVERY } from "../jobs/run-export";
import { ChannelThrottles } from "../campaigns/throttle";
import { campaignWiring, type CampaignWiring } from "./campaign-wiring";

export interface WorkerOptions {
  /** null: no SMTP server configured, emails stay in the outbox. The worker closes it when it stops. */
  mailer: Mailer | null;
  /** A segment formation longer than this is announced to its creator (default 10 s). */
  longFormationMs?: number;
  /** How often the change follower looks for changed customers (default 200 ms). */
  followPollMs?: number;
  clock?: () => Date;
  /** Campaign parts to use instead of the process's own (tests: senders aimed at stand-ins). */
  campaigns?: Partial<CampaignWiring>;
}

export interface RunningWorker {
  /**
   * Stops taking jobs, lets those under way finish for up to `timeoutMs`, and hands the jobs it had
   * locked but not started back to the queue. Jobs still running at the deadline keep their locks
   * and are run again elsewhere once those expire. The database stays open.
   */
  stop(timeoutMs: number): Promise<{ stillRunning: number }>;
}

interface ProcessorInternals {
  stop(): Array<{ attrs: { _id?: unknown } }>;
}

/** Runs the console's jobs in this process, on the process's one Agenda (services.jobs). */
export async function startWorker(services: ConsoleServices, options: WorkerOptions): Promise<RunningWorker> {
  const { db, jobs: queue, segments: engine, log } = services;
  const clock = options.clock ?? (() => new Date());
  const stopping = new AbortController();
  const agenda = queue.agenda;
  agenda.on("error", (error: Error) => log.error({ err: error }, "job failed"));
  const campaigns = await campaignWiring(services, options.campaigns, clock);
  defineWorkerJobs(agenda, {
    db,
    engine,
    queue,
    mailer: options.mailer,
    publicUrl: services.config.publicUrl,
    longFormationMs: options.longFormationMs ?? 10_000,
    followPollMs: options.followPollMs ?? 200,
    log,
    clock,
    stopping: stopping.signal,
    channels: campaigns.channels,
    resolveAudience: campaigns.resolveAudience,
    renderDeliveries: campaigns.renderDeliveries,
    throttles: new ChannelThrottles(),
  });
  await agenda.ready;
  const reconciled = await reconcileRecomputeJobs(queue, clock());
  if (reconciled.created + reconciled.updated + reconciled.removed > 0) log.info(reconciled, "segment recompute jobs brought in line with the segments");
  await agenda.every(FOLLOW_EVERY_MS, JOB_NAMES.followCustomerChanges);
  await agenda.every(PRUNE_IDEMPOTENCY_EVERY, JOB_NAMES.pruneIdempotencyKeys);
  await agenda.every(PRUNE_HISTORY_EVERY, JOB_NAMES.pruneSegmentHistory);
  await agenda.every(FOLLOW_EVENTS_EVERY_MS, JOB_NAMES.followSegmentEvents);
  await agenda.every(RUN_FIRINGS_EVERY_MS, JOB_NAMES.runAutomationFirings);
  await agenda.every(PRUNE_EXPORTS_EVERY, JOB_NAMES.pruneExports);
  await agenda.start();
  log.info({ name: agenda.attrs.name }, "worker processing jobs");

  return {
    async stop(timeoutMs) {
      stopping.abort();
      // Agenda's drain waits for running jobs but leaves the locks of jobs it had queued locally;
      // its processor's stop() lists those, so they can be unlocked for another worker right away
      const processor = (agenda as unknown as { jobProcessor?: ProcessorInternals }).jobProcessor;
      const drained = await agenda.drain(timeoutMs);
      const waiting = processor?.stop() ?? [];
      if (waiting.length) await queue.repository.unlockJobs(waiting.map((job) => String(job.attrs._id)));
      options.mailer?.close();
      // the senders this worker made (pooled SMTP connections); those handed in belong to the caller
      await campaigns.channels.close();
      return { stillRunning: drained.running };
    },
  };
}
