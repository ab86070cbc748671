// The runner acting on a claimed batch in one transaction (docs/decisions/0034), on a real database
// with the clock controlled: many firings of message, task and notify automations act once each with
// their rows linked right; a second firing of one customer in the batch waits for the first's cap;
// and a firing whose write fails (a trigger on the tasks table refuses one customer) neither stops
// nor doubles the others (its batch is tried in halves, the smallest failing part one by one), and
// acts once after the lease when the fault is gone.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { QueryTypes } from "sequelize";
import { createTestDatabase, testDialect } from "../support/db";
import { JobQueue } from "../../jobs/job-queue";
import { JOB_NAMES } from "../../jobs/job-names";
import { addCustomers } from "../customers/factory";
import { addSegment } from "../campaigns/support";
import { addMembers, removeMembers } from "../../segments/manual.server";
import { createUser } from "../../models/users.server";
import { createAutomation } from "../../automations/automations.server";
import { followSegmentEvents, newFollowerState } from "../../automations/follow.server";
import { runDueFirings, FIRING_LEASE_MS } from "../../automations/run.server";
import type { AutomationInputIn } from "../../automations/definition";

const T0 = new Date("2026-05-04T09:00:00.000Z");
const HOUR = 3_600_000;

describe(`automation firings acted on in batches on ${testDialect}`, () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let queue: JobQueue;
  let now: Date;
  const clock = () => now;
  const warnings: string[] = [];
  let managerId = 0;
  let marketerId = 0;
  let serial = 0;

  beforeAll(async () => {
    db = await createTestDatabase();
    queue = new JobQueue(db, { name: "batch-test", processEveryMs: 1_000 });
    managerId = (await createUser(db, { email: "manager@batch.test", name: "Mila Manager", password: "x".repeat(12), role: "manager" })).id;
    marketerId = (await createUser(db, { email: "marketer@batch.test", name: "Maya Marketer", password: "x".repeat(12), role: "marketer" })).id;
  });
  afterAll(() => db?.drop());
  beforeEach(() => {
    now = T0;
    warnings.length = 0;
  });

  async function customers(count: number): Promise<number[]> {
    const inputs = Array.from({ length: count }, () => {
      const n = ++serial;
      return { externalId: `b-${n}`, firstName: `Ana${n}`, email: `ana${n}@batch.test`, acceptsMarketing: true, managerId };
    });
    const ids = await addCustomers(db, inputs);
    for (const [i, id] of ids.entries()) await db.models.ChannelIdentity.create({ customerId: id, channel: "email", address: inputs[i].email, isSubscribed: true, subscriptionChangedAt: T0 });
    return ids;
  }

  async function automation(segmentId: number, fields: Partial<AutomationInputIn>): Promise<number> {
    const saved = await createAutomation(
      db,
      {
        name: `Automation ${++serial}`,
        trigger: { segmentId, kind: "entered" },
        action: { kind: "message", channels: ["email"], templates: { email: { subject: "Hello {{ customer.first_name }}", htmlBody: "<p>Hi</p>" } } },
        ...fields,
      },
      { userId: marketerId },
      now,
      { queue },
    );
    if (!saved.ok) throw new Error(JSON.stringify(saved));
    return saved.automation.id;
  }

  const follower = newFollowerState();
  const follow = () => followSegmentEvents(db, follower, { now, monotonicMs: performance.now() });
  const runner = (token = "runner-1", batchSize = 200) =>
    runDueFirings({ db, queue, clock, publicUrl: "https://console.test", log: { warn: (_detail, message) => warnings.push(message) } }, token, { batchSize });
  const firingsOf = (automationId: number) => db.models.AutomationFiring.findAll({ where: { automationId }, order: [["id", "ASC"]], raw: true });
  const deliverEmailJobs = async () =>
    Number(
      (
        await db.sequelize.query<{ n: number }>("SELECT COUNT(*) AS n FROM agenda_jobs WHERE name = :name", { replacements: { name: JOB_NAMES.deliverEmail }, type: QueryTypes.SELECT })
      )[0].n,
    );

  it("many firings of a message, a task and a notify automation act once each, in one batch, with their rows linked", async () => {
    const seg = await addSegment(db, "Batch", `batch_${++serial}`);
    const message = await automation(seg, {});
    const task = await automation(seg, { action: { kind: "task", title: "Call", description: "Call {{ customer.first_name }}", dueInHours: 24, fallbackUserId: null } });
    const notify = await automation(seg, { action: { kind: "notify", userId: marketerId } });
    const ids = await customers(40);
    const jobsBefore = await deliverEmailJobs();
    await addMembers(db, seg, ids, now);
    await follow();
    const run = await runner();
    expect(warnings).toEqual([]);
    expect(run).toMatchObject({ claimed: 120, done: 120, skipped: 0, failed: 0 });
    // a second run finds nothing left
    expect(await runner()).toMatchObject({ claimed: 0 });

    const messageFirings = await firingsOf(message);
    expect(messageFirings.map((f) => f.status)).toEqual(Array(40).fill("done"));
    const deliveries = await db.models.CampaignDelivery.findAll({ where: { firingId: messageFirings.map((f) => Number(f.id)) }, raw: true });
    expect(deliveries).toHaveLength(40);
    for (const f of messageFirings) expect(deliveries.find((d) => Number(d.id) === Number(f.deliveryId))).toMatchObject({ firingId: Number(f.id), customerId: f.customerId, status: "queued" });
    const campaign = await db.models.Campaign.findOne({ where: { automationId: message }, raw: true });
    const sendJob = await queue.repository.getUniqueJob(JOB_NAMES.sendCampaign, { "data.campaignId": campaign!.id });
    expect(new Date(sendJob!.nextRunAt!).getTime()).toBeLessThanOrEqual(now.getTime());

    const names = new Map((await db.models.Customer.findAll({ attributes: ["id", "firstName"], where: { id: ids }, raw: true })).map((c) => [c.id, c.firstName]));
    const taskFirings = await firingsOf(task);
    const tasks = await db.models.Task.findAll({ where: { automationId: task }, raw: true });
    expect(tasks).toHaveLength(40);
    for (const f of taskFirings) {
      const t = tasks.find((row) => Number(row.id) === Number(f.taskId))!;
      expect(t).toMatchObject({ firingId: Number(f.id), customerId: f.customerId, assigneeId: managerId, description: `Call ${names.get(f.customerId)}` });
      const note = await db.models.Notification.findByPk(f.notificationId!, { raw: true });
      expect(note).toMatchObject({ userId: managerId, kind: "task.assigned", link: `/tasks/${t.id}` });
    }
    const emails = await db.models.OutboxMessage.findAll({ where: { purpose: "notification", recipient: "manager@batch.test" }, raw: true });
    expect(emails).toHaveLength(40);
    expect(new Set(emails.map((e) => e.customerId))).toEqual(new Set(ids));
    expect(await deliverEmailJobs()).toBe(jobsBefore + 40);

    const notifyFirings = await firingsOf(notify);
    const notes = await db.models.Notification.findAll({ where: { id: notifyFirings.map((f) => Number(f.notificationId)) }, raw: true });
    expect(notes.map((n) => n.link).sort()).toEqual(ids.map((c) => `/customers/${c}`).sort());
    expect(notes.every((n) => n.userId === marketerId && n.kind === "automation.notice")).toBe(true);
  });

  it("a customer who enters, leaves and enters again before the runner runs: the second firing meets the first's cap, or acts when there is none", async () => {
    const seg = await addSegment(db, "Twice", `twice_${++serial}`);
    const once = await automation(seg, { cap: { kind: "once" } });
    const every = await automation(seg, { action: { kind: "notify", userId: marketerId }, cap: { kind: "none" } });
    const [c] = await customers(1);
    await addMembers(db, seg, [c], now);
    now = new Date(T0.getTime() + 60_000);
    await removeMembers(db, seg, [c], now);
    now = new Date(T0.getTime() + 120_000);
    await addMembers(db, seg, [c], now);
    await follow();
    await runner();
    expect(warnings).toEqual([]);
    expect((await firingsOf(once)).map((f) => f.skipReason ?? f.status)).toEqual(["done", "automation_cap"]);
    expect(await db.models.CampaignDelivery.count({ where: { customerId: c } })).toBe(1);
    const everyFirings = await firingsOf(every);
    expect(everyFirings.map((f) => f.status)).toEqual(["done", "done"]);
    expect(new Set(everyFirings.map((f) => f.notificationId)).size).toBe(2);
  });

  it("one firing's failed write sends the batch to act in halves, then alone: the others act once, it waits for the lease and then acts once", async () => {
    const seg = await addSegment(db, "Fault", `fault_${++serial}`);
    const task = await automation(seg, { action: { kind: "task", title: "Call", description: "", dueInHours: null, fallbackUserId: null } });
    const ids = await customers(40);
    const poisoned = ids[17];
    if (testDialect === "mysql") {
      await db.sequelize.query(`CREATE TRIGGER refuse_task BEFORE INSERT ON tasks FOR EACH ROW BEGIN IF NEW.customer_id = ${poisoned} THEN SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'refused'; END IF; END`);
    } else {
      await db.sequelize.query(`CREATE TRIGGER refuse_task BEFORE INSERT ON tasks WHEN NEW.customer_id = ${poisoned} BEGIN SELECT RAISE(ABORT, 'refused'); END`);
    }
    try {
      await addMembers(db, seg, ids, now);
      await follow();
      const run = await runner();
      expect(run).toMatchObject({ claimed: 40, done: 39, failed: 1 });
      expect(warnings).toEqual([
        "a batch of automation firings could not be written together: trying it in parts",
        "an automation firing could not be acted on: it goes back in line after the lease",
      ]);
      const firings = await firingsOf(task);
      expect(firings.map((f) => (f.customerId === poisoned ? `${f.status}:${f.taskId}` : f.status))).toEqual(ids.map((c) => (c === poisoned ? "claimed:null" : "done")));
      expect((await db.models.Task.findAll({ where: { automationId: task }, raw: true })).map((t) => t.customerId).sort((a, b) => a! - b!)).toEqual(ids.filter((c) => c !== poisoned));
    } finally {
      await db.sequelize.query("DROP TRIGGER IF EXISTS refuse_task");
    }
    // within the lease nobody takes it; after it, the next run acts on it once
    now = new Date(T0.getTime() + FIRING_LEASE_MS / 2);
    expect(await runner("runner-2")).toMatchObject({ claimed: 0, released: 0 });
    now = new Date(T0.getTime() + FIRING_LEASE_MS + 1);
    expect(await runner("runner-2")).toMatchObject({ released: 1, claimed: 1, done: 1 });
    const tasks = await db.models.Task.findAll({ where: { automationId: task }, raw: true });
    expect(tasks).toHaveLength(40);
    expect(new Set(tasks.map((t) => t.customerId))).toEqual(new Set(ids));
    expect((await firingsOf(task)).every((f) => f.status === "done")).toBe(true);
  });

  it("a batch smaller than the due firings: every batch acts, and the run ends with nothing due", async () => {
    const seg = await addSegment(db, "Small batches", `small_${++serial}`);
    const a = await automation(seg, { action: { kind: "notify", userId: marketerId }, delay: { kind: "hours", amount: 1 } });
    const ids = await customers(25);
    await addMembers(db, seg, ids, now);
    await follow();
    expect(await runner("runner-1", 7)).toMatchObject({ claimed: 0 });
    now = new Date(T0.getTime() + HOUR);
    const run = await runner("runner-1", 7);
    expect(run).toMatchObject({ claimed: 25, done: 25, nextDueAt: null });
    expect(warnings).toEqual([]);
    expect(new Set((await firingsOf(a)).map((f) => f.notificationId)).size).toBe(25);
  });
});
