// Exactly-once firing under fire: two automation workers, each a process of its own, follow the
// segment events, act on firings and send messages while customers enter, leave and enter again;
// this test kills one of them with SIGKILL at random moments and starts it again. At the end every
// entered event fired each automation once: one task per firing, one delivery row per message
// firing, and the provider stand-in saw no message twice. `npm test` runs the short form (200
// customers, 6 kills); `npm run test:faults` the full one (CAMPAIGN_FAULTS=full: 1,500, 20 kills).
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import readline from "node:readline";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, testDialect } from "../support/db";
import { JobQueue } from "../../jobs/job-queue";
import { addCustomers, addUser } from "../customers/factory";
import { addSegment } from "../campaigns/support";
import { startStandIn, type StandIn } from "../campaigns/stand-in";
import { addMembers, removeMembers } from "../../segments/manual.server";
import { createAutomation } from "../../automations/automations.server";
import type { AutomationInputIn } from "../../automations/definition";
import { waitFor } from "../jobs/support";

const FULL = process.env.CAMPAIGN_FAULTS === "full";
const CUSTOMERS = FULL ? 1_500 : 200;
const KILLS = FULL ? 20 : 6;
const WAVES = 10;
const LEASE_MS = 1_500;
const ROOT = new URL("../..", import.meta.url).pathname;
const WORKER = new URL("./automation-worker.ts", import.meta.url).pathname;

interface Worker {
  child: ChildProcessWithoutNullStreams;
  lines: string[];
  exited: Promise<unknown>;
}

describe(`two automation workers, one killed at random moments, on ${testDialect}`, () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let standIn: StandIn;
  const workers: Worker[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    standIn = await startStandIn();
  });
  afterAll(async () => {
    for (const worker of workers) if (worker.child.exitCode === null) worker.child.kill("SIGKILL");
    await Promise.all(workers.map((worker) => worker.exited));
    await standIn?.close();
    await db?.drop();
  });

  function spawnWorker(): Worker {
    const child = spawn(process.execPath, ["--import", "tsx", WORKER, db.url, standIn.url, String(LEASE_MS)], { cwd: ROOT, stdio: ["pipe", "pipe", "pipe"] });
    const lines: string[] = [];
    readline.createInterface({ input: child.stdout }).on("line", (line) => lines.push(line));
    child.stderr.on("data", (chunk: Buffer) => process.stderr.write(`[automation worker] ${chunk.toString()}`));
    const worker = { child, lines, exited: new Promise((resolve) => child.on("exit", resolve)) };
    workers.push(worker);
    return worker;
  }
  const ready = (worker: Worker) => waitFor(() => worker.lines.includes("ready"), 60_000, "a worker to connect");

  it("fires each automation once per entered event, sends each message at most once, and leaves every firing acted on", { timeout: FULL ? 900_000 : 300_000 }, async () => {
    const managerId = await addUser(db, "manager", "manager@shop.test", "Mila Manager");
    const marketerId = await addUser(db, "marketer", "marketer@shop.test", "Maya Marketer");
    const segmentId = await addSegment(db, "Returning", "returning");
    const queue = new JobQueue(db, { name: "automation-fault-test", processEveryMs: 1_000 });
    const make = async (fields: Pick<AutomationInputIn, "name" | "action">) => {
      const saved = await createAutomation(db, { ...fields, trigger: { segmentId, kind: "entered" }, cap: { kind: "none" } }, { userId: marketerId }, new Date(), { queue });
      if (!saved.ok) throw new Error(JSON.stringify(saved));
      return saved.automation.id;
    };
    const message = await make({ name: "Welcome back", action: { kind: "message", channels: ["email"], templates: { email: { subject: "Welcome back, {{ customer.first_name }}", htmlBody: "<p>Hello</p>" } } } });
    const task = await make({ name: "Call them", action: { kind: "task", title: "Call {{ customer.first_name }}", description: "", dueInHours: 24, fallbackUserId: managerId } });

    const specs = Array.from({ length: CUSTOMERS }, (_, i) => ({ externalId: `c-${i + 1}`, firstName: `Ana${i + 1}`, email: `ana${i + 1}@shop.test`, acceptsMarketing: true, managerId }));
    const customers = await addCustomers(db, specs);
    await db.models.ChannelIdentity.bulkCreate(customers.map((customerId, i) => ({ customerId, channel: "email" as const, address: `ana${i + 1}@shop.test`, isSubscribed: true, subscriptionChangedAt: new Date() })));

    // the segment's changes while the workers run: everyone enters in waves, then a fifth leave and
    // enter again (a second entered event each, which fires again: no cap)
    const size = Math.ceil(CUSTOMERS / WAVES);
    const changes: Array<() => Promise<unknown>> = [];
    for (let wave = 0; wave < WAVES; wave++) changes.push(() => addMembers(db, segmentId, customers.slice(wave * size, (wave + 1) * size), new Date()));
    const again = customers.filter((_, i) => i % 5 === 0);
    changes.push(() => removeMembers(db, segmentId, again, new Date()));
    changes.push(() => addMembers(db, segmentId, again, new Date()));

    const live = [spawnWorker(), spawnWorker()];
    await Promise.all(live.map(ready));
    let kills = 0;
    while (kills < KILLS || changes.length) {
      await changes.shift()?.();
      await new Promise((resolve) => setTimeout(resolve, 100 + Math.random() * 700));
      if (kills >= KILLS) continue;
      const slot = Math.floor(Math.random() * live.length);
      live[slot].child.kill("SIGKILL");
      await live[slot].exited;
      kills++;
      live[slot] = spawnWorker();
      await ready(live[slot]);
    }

    const entered = await db.models.SegmentEvent.count({ where: { segmentId, kind: "entered" } });
    expect(entered).toBe(CUSTOMERS + again.length);
    const settled = async () => {
      const open = await db.models.AutomationFiring.count({ where: { status: ["pending", "claimed"] } });
      const fired = await db.models.AutomationFiring.count();
      const unsent = await db.models.CampaignDelivery.count({ where: { status: ["queued", "in_flight"] } });
      return fired === 2 * entered && open === 0 && unsent === 0;
    };
    await waitFor(settled, FULL ? 600_000 : 240_000, "every firing to be acted on and every message sent");

    const firings = await db.models.AutomationFiring.findAll({ raw: true });
    for (const automationId of [message, task]) {
      const own = firings.filter((f) => f.automationId === automationId);
      // one firing per (automation, event), each acted on
      expect(own).toHaveLength(entered);
      expect(new Set(own.map((f) => f.segmentEventId)).size).toBe(entered);
      expect(own.filter((f) => f.status !== "done")).toEqual([]);
    }
    const tasks = await db.models.Task.findAll({ where: { automationId: task }, raw: true });
    expect(tasks).toHaveLength(entered);
    expect(new Set(tasks.map((t) => t.firingId)).size).toBe(entered);

    const campaign = await db.models.Campaign.findOne({ where: { automationId: message }, raw: true });
    const rows = await db.models.CampaignDelivery.findAll({ where: { campaignId: campaign!.id }, raw: true });
    expect(rows).toHaveLength(entered);
    expect(new Set(rows.map((row) => row.firingId)).size).toBe(entered);
    const count = (status: string) => rows.filter((row) => row.status === status).length;
    const duplicates = standIn.duplicates().length;
    console.log(`kills=${kills} firings=${firings.length} duplicates=${duplicates} sent=${count("sent")} unknown=${count("unknown")} skipped=${count("skipped")}`);
    expect(duplicates).toBe(0);
    expect(rows.filter((row) => !["sent", "unknown"].includes(row.status))).toEqual([]);
    // a row recorded sent reached the provider once; nothing reached it that is not a row
    for (const row of rows) if (row.status === "sent") expect(standIn.received.get(`automation-${message}-delivery-${row.id}`)).toBe(1);
    const keys = new Set(rows.map((row) => `automation-${message}-delivery-${row.id}`));
    expect([...standIn.received.keys()].filter((key) => !keys.has(key))).toEqual([]);
  });
});
