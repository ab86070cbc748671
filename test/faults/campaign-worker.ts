// The sender as a process of its own, for the fault test (campaign-kill.test.ts) to kill:
//   node --import tsx test/faults/campaign-worker.ts <database url> <stand-in url> <campaign id> <rate/s> <lease ms>
// It prints "ready" once connected, then runs the sender on the campaign, run after run, until the
// campaign is finished; then prints "finished" and exits.
import { openDatabase } from "../../models/db";
import { runSender } from "../../campaigns/sender.server";
import { ChannelThrottles } from "../../campaigns/throttle";
import { standInSenders } from "../campaigns/stand-in";
import { helloRenderer } from "../campaigns/support";

const [url, standInUrl, campaignArg, rateArg, leaseArg] = process.argv.slice(2);
const campaignId = Number(campaignArg);
const ratePerSecond = Number(rateArg);
const leaseMs = Number(leaseArg);
const db = await openDatabase(url, { pool: { max: 4 } });
const deps = {
  db,
  senders: standInSenders(standInUrl, { maxSockets: 16 }),
  render: helloRenderer(),
  ratePerSecond: () => ratePerSecond,
  throttles: new ChannelThrottles(),
  clock: () => new Date(),
  log: { info: () => {}, warn: () => {} },
};
console.log("ready");
for (let n = 1; ; n++) {
  const run = await runSender(deps, campaignId, `fault-${process.pid}-${n}`, { batchSize: 10, maxRunMs: 5_000, leaseMs, lanes: 2, concurrency: 16 });
  if (run.state === "finished") break;
  if (run.state !== "waiting" && run.state !== "continuing") throw new Error(`the campaign stopped sending: ${run.state}`);
  await new Promise((resolve) => setTimeout(resolve, Math.min(1_000, Math.max(0, run.nextRunAt!.getTime() - Date.now()))));
}
console.log("finished");
await db.close();
process.exit(0);
