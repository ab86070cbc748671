// A whole automation worker as a process of its own, for automation-kill.test.ts to run two of and
// kill: node --import tsx test/faults/automation-worker.ts <database url> <stand-in url> <lease ms>
// It prints "ready" once connected, then, round after round until killed, follows the segment
// events into firings, acts on due firings, and sends what the automations' hidden campaigns have
// due to the stand-in provider, each step with this process's own run tokens.
import { openDatabase } from "../../models/db";
import { JobQueue } from "../../jobs/job-queue";
import { followSegmentEvents, newFollowerState } from "../../automations/follow.server";
import { runDueFirings } from "../../automations/run.server";
import { runSender } from "../../campaigns/sender.server";
import { campaignRenderer } from "../../campaigns/render-deliveries.server";
import { renderForCustomers } from "../../campaigns/templates/render.server";
import { ChannelThrottles } from "../../campaigns/throttle";
import { standInSenders } from "../campaigns/stand-in";

const [url, standInUrl, leaseArg] = process.argv.slice(2);
const leaseMs = Number(leaseArg);
const db = await openDatabase(url, { pool: { max: 4 } });
const queue = new JobQueue(db, { name: `automation-fault-${process.pid}`, processEveryMs: 1_000 });
const clock = () => new Date();
const quiet = { info: () => {}, warn: () => {} };
const senderDeps = {
  db,
  senders: standInSenders(standInUrl, { maxSockets: 8 }),
  render: campaignRenderer(db, renderForCustomers, () => "https://console.test/u", clock),
  ratePerSecond: () => 200,
  throttles: new ChannelThrottles(),
  clock,
  log: quiet,
};
const follower = newFollowerState();
console.log("ready");
for (let round = 1; ; round++) {
  const token = `fault-${process.pid}-${round}`;
  // a short grace: an event id skipped by a rolled-back write is given up on quickly
  await followSegmentEvents(db, follower, { now: clock(), monotonicMs: performance.now(), batch: 50, gapGraceMs: 10_000 });
  // small batches and short runs, so that a kill lands inside one
  await runDueFirings({ db, queue, clock, publicUrl: "https://console.test", log: quiet }, token, { batchSize: 20, maxRunMs: 1_000, leaseMs });
  const campaigns = await db.models.Campaign.findAll({ where: { status: "sending" }, attributes: ["id", "automationId"], raw: true });
  for (const campaign of campaigns) {
    if (campaign.automationId === null) continue;
    await runSender(senderDeps, campaign.id, `${token}-${campaign.id}`, { batchSize: 10, maxRunMs: 1_000, leaseMs, lanes: 1, concurrency: 8 });
  }
  console.log(`round ${round}`);
  await new Promise((resolve) => setTimeout(resolve, 50));
}
