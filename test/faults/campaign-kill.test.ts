// The never-twice rule under fire: a separate worker process sends a campaign to a stand-in
// provider while this test kills it with SIGKILL at random moments and starts it again. At the end
// the provider has seen no recipient twice, and every delivery row is sent, skipped with a reason,
// or unknown. `npm test` runs the short form (500 recipients, 5 kills); `npm run test:faults` the
// full one (CAMPAIGN_FAULTS=full: 5,000 recipients, 20 kills) on MariaDB.
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import readline from "node:readline";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, testDialect } from "../support/db";
import { JobQueue } from "../../jobs/job-queue";
import { startCampaign, type SendRecipient } from "../../campaigns/send.server";
import { startStandIn, type StandIn } from "../campaigns/stand-in";
import { createCampaign, deliveryKey } from "../campaigns/support";
import { waitFor } from "../jobs/support";

const FULL = process.env.CAMPAIGN_FAULTS === "full";
const RECIPIENTS = FULL ? 5_000 : 500;
const KILLS = FULL ? 20 : 5;
// slow enough that the kills land while the campaign is sending: 5 s (full: 20 s) of sending
const RATE = FULL ? 250 : 100;
const LEASE_MS = 1_500;
const ROOT = new URL("../..", import.meta.url).pathname;
const WORKER = new URL("./campaign-worker.ts", import.meta.url).pathname;

interface Worker {
  child: ChildProcessWithoutNullStreams;
  lines: string[];
  exited: Promise<unknown>;
}

describe(`a campaign's worker killed at random moments on ${testDialect}`, () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let standIn: StandIn;
  let current: Worker | null = null;

  beforeAll(async () => {
    db = await createTestDatabase();
    standIn = await startStandIn();
  });
  afterAll(async () => {
    if (current && current.child.exitCode === null) current.child.kill("SIGKILL");
    await current?.exited;
    await standIn.close();
    await db.drop();
  });

  function spawnWorker(campaignId: number): Worker {
    const child = spawn(process.execPath, ["--import", "tsx", WORKER, db.url, standIn.url, String(campaignId), String(RATE), String(LEASE_MS)], {
      cwd: ROOT,
      stdio: ["pipe", "pipe", "pipe"],
    });
    const lines: string[] = [];
    readline.createInterface({ input: child.stdout }).on("line", (line) => lines.push(line));
    child.stderr.on("data", (chunk: Buffer) => process.stderr.write(`[campaign worker] ${chunk.toString()}`));
    const exited = new Promise((resolve) => child.on("exit", resolve));
    return { child, lines, exited };
  }

  it(`never sends a recipient twice, and leaves every row sent, skipped with a reason, or unknown`, { timeout: FULL ? 900_000 : 300_000 }, async () => {
    const now = new Date();
    const campaignId = await createCampaign(db, now);
    // every 20th customer has not consented: skipped, with that reason
    const recipients: SendRecipient[] = Array.from({ length: RECIPIENTS }, (_, i) => ({
      customerId: i + 1,
      channel: "email",
      address: i % 20 === 19 ? null : `customer-${i + 1}@example.test`,
      skipReason: i % 20 === 19 ? "no_consent" : null,
      dueAt: now,
    }));
    expect(await startCampaign(db, new JobQueue(db, { name: "fault-test", processEveryMs: 1_000 }), campaignId, recipients, now)).toEqual({ started: true });

    let kills = 0;
    const statusOf = async () => (await db.models.Campaign.findByPk(campaignId, { raw: true }))!.status;
    while (kills < KILLS) {
      current = spawnWorker(campaignId);
      const worker = current;
      await waitFor(() => worker.lines.includes("ready"), 60_000, "the worker to connect");
      // a random moment of its sending: before a claim, between claim and call, mid-call, mid-write
      await new Promise((resolve) => setTimeout(resolve, 50 + Math.random() * 550));
      worker.child.kill("SIGKILL");
      await worker.exited;
      kills++;
      if (worker.lines.includes("finished")) throw new Error(`the campaign finished after ${kills} kills: too fast for ${KILLS}`);
    }
    current = spawnWorker(campaignId);
    const last = current;
    await waitFor(() => last.lines.includes("finished"), FULL ? 600_000 : 240_000, "the campaign to finish");
    expect(await statusOf()).toBe("finished");

    const rows = await db.models.CampaignDelivery.findAll({ where: { campaignId }, raw: true });
    const duplicates = standIn.duplicates().length;
    const unaccounted = rows.filter((row) => !(row.status === "sent" || row.status === "unknown" || (row.status === "skipped" && row.skipReason))).length;
    const count = (status: string) => rows.filter((row) => row.status === status).length;
    console.log(`kills=${kills} duplicates=${duplicates} unaccounted=${unaccounted}`);
    console.log(`  rows=${rows.length} sent=${count("sent")} unknown=${count("unknown")} skipped=${count("skipped")}`);

    expect(kills).toBeGreaterThanOrEqual(KILLS);
    expect(rows).toHaveLength(RECIPIENTS);
    expect(duplicates).toBe(0);
    expect(unaccounted).toBe(0);
    // a row recorded sent reached the provider (once); nothing reached it that is not a row of the campaign
    for (const row of rows) if (row.status === "sent") expect(standIn.received.get(deliveryKey(campaignId, row.customerId))).toBe(1);
    const keys = new Set(rows.map((row) => deliveryKey(campaignId, row.customerId)));
    expect([...standIn.received.keys()].filter((key) => !keys.has(key))).toEqual([]);
    expect(count("skipped")).toBe(RECIPIENTS / 20);
  });
});
