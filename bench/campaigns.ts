// Campaign fan-out (issue 15): a campaign to 100k recipients sent to a stand-in provider running as
// its own process on loopback, timed from the start (the audience's delivery rows written) to the
// campaign finished (every row's outcome written; the two phases are logged apart), beside the raw
// HTTP ceiling to the same stand-in: the same client and concurrency posting the same number of
// messages with no database. Then a
// throttled campaign at a set rate for a minute (CAMPAIGN_THROTTLE_SECONDS shortens it), its rate
// measured at the stand-in from the first arrival to the last. Beside them, the same fan-out to a
// provider that answers at once in-process: the sender and the database alone, without HTTP.
// MariaDB (SQLite with --sqlite-only).
import http from "node:http";
import readline from "node:readline";
import { spawn, type ChildProcess } from "node:child_process";
import { performance } from "node:perf_hooks";
import { QueryTypes } from "sequelize";
import { JobQueue } from "../jobs/job-queue";
import type { Dialect } from "../models/db";
import { startCampaign, type SendRecipient } from "../campaigns/send.server";
import { runSender, type SenderDeps } from "../campaigns/sender.server";
import { ChannelThrottles } from "../campaigns/throttle";
import { CHANNELS, type ChannelName, type ChannelSender } from "../campaigns/channels/channel";
import { postMessage, standInSenders, type StandInStats } from "../test/campaigns/stand-in";
import { addCampaignRow } from "../test/support/campaign-row";
import { createBenchDatabase, type BenchContext, type BenchDatabase } from "./support";

const RECIPIENTS = 100_000;
const CONCURRENCY = 64;
const BATCH = 1_000;
const BAR_PER_S = 5_000;
const THROTTLE_RATE = 200;
const STAND_IN = new URL("../test/campaigns/stand-in-process.ts", import.meta.url).pathname;

async function startStandInProcess(): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ["--import", "tsx", STAND_IN], { stdio: ["ignore", "pipe", "inherit"] });
  const url = await new Promise<string>((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`stand-in exited with ${code}`)));
    readline.createInterface({ input: child.stdout! }).on("line", (line) => {
      if (line.startsWith("listening ")) resolve(line.slice("listening ".length));
    });
  });
  return { url, child };
}

function call(url: string, path: string, method: "GET" | "POST"): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = http.request(new URL(path, url), { method }, (res) => {
      let text = "";
      res.on("data", (c: Buffer) => (text += c.toString()));
      res.on("end", () => resolve(text));
    });
    req.on("error", reject);
    req.end();
  });
}

const stats = async (url: string) => JSON.parse(await call(url, "/stats", "GET")) as StandInStats;
const reset = (url: string) => call(url, "/reset", "POST");

/** The raw ceiling: `count` messages posted by the sender's own client, CONCURRENCY at a time, nothing else. */
async function rawCeiling(url: string, count: number): Promise<number> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 128 });
  const target = new URL("/messages", url);
  let next = 0;
  const post = async () => {
    while (next < count) {
      const i = next++;
      await postMessage(agent, target, { deliveryKey: `ceiling-${i}`, to: `customer-${i}@example.test`, message: { channel: "email", text: `Hello ${i}` } });
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, post));
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  return count / seconds;
}

const recipientsOf = (count: number, dueAt: Date): SendRecipient[] =>
  Array.from({ length: count }, (_, i) => ({ customerId: i + 1, channel: "email", address: `customer-${i + 1}@example.test`, skipReason: null, dueAt }));

/** Starts a campaign to `count` recipients and sends it to the end in one sender run; returns its seconds. */
/** A provider that takes every message at once, in this process: what the sender and the database do alone. */
function instantSenders(): Record<ChannelName, ChannelSender> {
  let next = 0;
  const sender = (channel: ChannelName): ChannelSender => ({
    channel,
    // a provider, not the outbox: the sender would store outbox messages inside its outcome writes
    provider: "smtp",
    defaultRatePerSecond: 1_000_000,
    send: async () => ({ providerMessageId: `instant-${++next}`, provider: "smtp" }),
    close: async () => {},
  });
  return Object.fromEntries(CHANNELS.map((channel) => [channel, sender(channel)])) as Record<ChannelName, ChannelSender>;
}

async function sendCampaign(
  db: BenchDatabase,
  url: string | null,
  count: number,
  ratePerSecond: number,
  log: (line: string) => void,
): Promise<{ seconds: number; sent: number }> {
  const now = new Date();
  const campaign = await addCampaignRow(db, now, { name: `bench ${count}` });
  const queue = new JobQueue(db, { name: "bench", processEveryMs: 1_000 });
  const senders = url ? standInSenders(url, { maxSockets: 128 }) : instantSenders();
  const deps: SenderDeps = {
    db,
    senders,
    render: async (_campaign, deliveries) => new Map(deliveries.map((d) => [d.id, { channel: d.channel, text: `Hello ${d.customerId}` }])),
    ratePerSecond: () => ratePerSecond,
    throttles: new ChannelThrottles(),
    clock: () => new Date(),
    log: { info: () => {}, warn: (detail, message) => console.warn(message, detail) },
  };
  const recipients = recipientsOf(count, now);
  const started = performance.now();
  await startCampaign(db, queue, campaign.id, recipients, new Date());
  const written = performance.now();
  const run = await runSender(deps, campaign.id, "bench-run", { batchSize: BATCH, maxRunMs: 3_600_000, concurrency: CONCURRENCY });
  const seconds = (performance.now() - started) / 1000;
  log(`${count.toLocaleString("en")} recipients: audience rows written in ${((written - started) / 1000).toFixed(1)} s, sent with outcomes written in ${((performance.now() - written) / 1000).toFixed(1)} s`);
  await Promise.all(Object.values(senders).map((s) => s.close()));
  if (run.state !== "finished") throw new Error(`the campaign did not finish: ${run.state}`);
  const [row] = await db.sequelize.query<{ sent: number }>("SELECT COUNT(*) AS sent FROM campaign_deliveries WHERE campaign_id = :id AND status = 'sent'", {
    replacements: { id: campaign.id },
    type: QueryTypes.SELECT,
  });
  return { seconds, sent: Number(row.sent) };
}

async function runOn(ctx: BenchContext, dialect: Dialect) {
  const count = ctx.customers ?? RECIPIENTS;
  const throttleSeconds = Number(process.env.CAMPAIGN_THROTTLE_SECONDS ?? 60);
  const standIn = await startStandInProcess();
  const db = await createBenchDatabase(dialect, ctx.mysqlUrl, "campaigns");
  try {
    await rawCeiling(standIn.url, 2_000); // warm-up: connections, JIT
    await reset(standIn.url);
    const ceiling = await rawCeiling(standIn.url, count);
    await reset(standIn.url);

    const fanout = await sendCampaign(db, standIn.url, count, 1_000_000, ctx.log);
    const arrived = await stats(standIn.url);
    if (fanout.sent !== count || arrived.distinct !== count || arrived.duplicates !== 0) {
      throw new Error(`fan-out: ${fanout.sent} rows sent, ${arrived.distinct} recipients reached, ${arrived.duplicates} twice (of ${count})`);
    }
    const fanoutPerS = count / fanout.seconds;
    ctx.record({ bench: "campaigns", dialect, what: `fan-out, ${count.toLocaleString("en")} recipients, rows written`, value: fanoutPerS, unit: "msg/s", baseline: { what: "raw HTTP ceiling", value: ceiling }, bar: { op: ">=", value: BAR_PER_S } });
    ctx.record({ bench: "campaigns", dialect, what: "fan-out as a share of the ceiling", value: (fanoutPerS / ceiling) * 100, unit: "%", bar: { op: ">=", value: 50 } });

    const alone = await sendCampaign(db, null, count, 1_000_000, ctx.log);
    ctx.record({ bench: "campaigns", dialect, what: "the same with a provider that answers at once, no HTTP", value: count / alone.seconds, unit: "msg/s" });

    await reset(standIn.url);
    await sendCampaign(db, standIn.url, THROTTLE_RATE * throttleSeconds, THROTTLE_RATE, ctx.log);
    const throttled = await stats(standIn.url);
    const errorPct = (Math.abs(throttled.perSecond - THROTTLE_RATE) / THROTTLE_RATE) * 100;
    ctx.record({ bench: "campaigns", dialect, what: `throttled at ${THROTTLE_RATE}/s for ${throttleSeconds} s, measured rate`, value: throttled.perSecond, unit: "msg/s" });
    ctx.record({ bench: "campaigns", dialect, what: "throttled rate's error", value: errorPct, unit: "%", bar: { op: "<=", value: 5 } });
    return { fanoutPerS, ceiling, errorPct };
  } finally {
    standIn.child.kill("SIGTERM");
    await db.drop();
  }
}

/** Returns the closing line `campaigns: fanout_per_s=F ceiling_per_s=C throttle_error_pct=E`. */
async function run(ctx: BenchContext): Promise<string> {
  const dialect: Dialect = ctx.dialects.includes("mysql") ? "mysql" : "sqlite";
  const { fanoutPerS, ceiling, errorPct } = await runOn(ctx, dialect);
  return `campaigns: fanout_per_s=${Math.round(fanoutPerS)} ceiling_per_s=${Math.round(ceiling)} throttle_error_pct=${errorPct.toFixed(2)}`;
}

export default { name: "campaigns", run };
