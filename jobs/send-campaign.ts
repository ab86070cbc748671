import crypto from "node:crypto";
import { exponential, type Agenda, type Job } from "agenda";
import { channelRates, runSender, SEND_LEASE_MS, type SenderDeps } from "../campaigns/sender.server";
import { JOB_NAMES, type CampaignJobData } from "./job-names";
import type { WorkerDeps } from "./worker-deps";

/** A run stops claiming after this long and runs again at once, so campaigns sending at once take turns. */
export const SEND_RUN_MS = 60_000;
export const SEND_BATCH_SIZE = 500;
const TOUCH_EVERY_MS = 10_000;

/** What a run of the send job sends with: the worker's senders and rates, brought in line with the channels' settings before each batch. */
export async function sendingDeps(deps: Pick<WorkerDeps, "db" | "channels" | "renderDeliveries" | "throttles" | "clock" | "log">): Promise<SenderDeps> {
  const { senders } = deps.channels;
  let rates = await channelRates(deps.db, senders);
  const refreshChannels = async () => {
    // an admin saved a channel's settings: its sender was rebuilt, and its rate may have changed
    if ((await deps.channels.refresh()).length) rates = await channelRates(deps.db, senders);
  };
  return { db: deps.db, senders, render: deps.renderDeliveries, ratePerSecond: (channel) => rates(channel), refreshChannels, throttles: deps.throttles, clock: deps.clock, log: deps.log };
}

/**
 * The send job: one per campaign (unique by its id), so one worker sends a campaign at a time; each
 * run sends what is due and reschedules itself for what is due later. Its lock lifetime is the
 * lease after which another run takes a dead run's in-flight messages for unknown.
 */
export function defineSendCampaign(agenda: Agenda, deps: WorkerDeps) {
  agenda.define(
    JOB_NAMES.sendCampaign,
    async (job: Job<CampaignJobData>) => {
      const { campaignId } = job.attrs.data;
      // names the run in the rows it claims: the worker, then a part only this run has
      const runToken = `${(agenda.attrs.name ?? "worker").slice(0, 27)}/${crypto.randomUUID()}`;
      let lastTouch = Date.now();
      const run = await runSender(
        await sendingDeps(deps),
        campaignId,
        runToken,
        {
          batchSize: SEND_BATCH_SIZE,
          maxRunMs: SEND_RUN_MS,
          leaseMs: SEND_LEASE_MS,
          onBatch: async () => {
            if (Date.now() - lastTouch < TOUCH_EVERY_MS) return;
            lastTouch = Date.now();
            await job.touch();
          },
        },
      );
      if (run.nextRunAt) job.schedule(run.nextRunAt);
      if (run.state === "finished") deps.log.info({ campaignId }, "campaign finished");
    },
    { concurrency: 4, lockLifetime: SEND_LEASE_MS, backoff: exponential({ delay: 10_000, maxRetries: 5 }) },
  );
}
