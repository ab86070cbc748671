import { exponential, type Agenda, type Job } from "agenda";
import type { Database } from "../models/db";
import type { CampaignRow } from "../models/campaign-models";
import type { SegmentEngine } from "../segments/engine.server";
import { startCampaign, type SendRecipient } from "../campaigns/send.server";
import { JOB_NAMES, type CampaignJobData } from "./job-names";
import type { WorkerDeps } from "./worker-deps";

/** campaigns/audience.server.ts's resolveAudience, as this job calls it. */
export type ResolveAudience = (deps: { db: Database; engine: SegmentEngine }, campaign: CampaignRow, now: Date) => Promise<{ recipients: SendRecipient[] }>;

/** A start not touched for this long is taken to be dead and is run again (starting twice is a no-op). */
export const START_LOCK_MS = 5 * 60_000;

/**
 * The start job: at a scheduled campaign's first instant, fixes its audience through the segment
 * engine and starts sending (one per campaign; the campaign's status makes a second run a no-op).
 */
export function defineStartCampaign(agenda: Agenda, deps: WorkerDeps) {
  agenda.define(
    JOB_NAMES.startCampaign,
    async (job: Job<CampaignJobData>) => {
      const { campaignId } = job.attrs.data;
      const campaign = await deps.db.models.Campaign.findByPk(campaignId, { raw: true });
      // cancelled, or started by an earlier run
      if (!campaign || campaign.status !== "scheduled") return;
      const now = deps.clock();
      const { recipients } = await deps.resolveAudience({ db: deps.db, engine: deps.engine }, campaign, now);
      const { started } = await startCampaign(deps.db, deps.queue, campaignId, recipients, now);
      if (started) deps.log.info({ campaignId, recipients: recipients.length }, "campaign started");
    },
    { concurrency: 1, lockLifetime: START_LOCK_MS, backoff: exponential({ delay: 10_000, maxRetries: 3 }) },
  );
}
