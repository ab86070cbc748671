// Automations on a real database with the clock controlled: segment events (a manual segment's
// members changed by hand) become firings through the follower, the runner acts on them, and a
// message goes through the campaign sender to a provider stand-in on loopback.
import crypto from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createTestDatabase, testDialect } from "../support/db";
import { JobQueue } from "../../jobs/job-queue";
import { addCustomers } from "../customers/factory";
import { addSegment, senderDeps } from "../campaigns/support";
import { startStandIn, standInSenders, type StandIn, type ArrivedMessage } from "../campaigns/stand-in";
import { addMembers, removeMembers } from "../../segments/manual.server";
import { createUser } from "../../models/users.server";
import { runSender } from "../../campaigns/sender.server";
import { campaignRenderer } from "../../campaigns/render-deliveries.server";
import { renderForCustomers } from "../../campaigns/templates/render.server";
import { createAutomation, deleteAutomation, pauseAutomation, resumeAutomation, automationReport } from "../../automations/automations.server";
import { followSegmentEvents, newFollowerState } from "../../automations/follow.server";
import { runDueFirings, FIRING_LEASE_MS } from "../../automations/run.server";
import { claimDueFirings } from "../../automations/claim-sql";
import type { AutomationInputIn } from "../../automations/definition";
import { cancelCampaign, pauseCampaign, requestStart, resumeCampaign } from "../../campaigns/send.server";
import { deleteCampaign, getCampaign, updateCampaign } from "../../campaigns/campaigns.server";

const T0 = new Date("2026-05-04T09:00:00.000Z");
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

describe(`automations on ${testDialect}`, () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let queue: JobQueue;
  let standIn: StandIn;
  let now: Date;
  const clock = () => now;
  const arrived: ArrivedMessage[] = [];
  let managerId = 0;
  let otherManagerId = 0;
  let marketerId = 0;
  let serial = 0;

  beforeAll(async () => {
    db = await createTestDatabase();
    queue = new JobQueue(db, { name: "automation-test", processEveryMs: 1_000 });
    standIn = await startStandIn();
    managerId = (await createUser(db, { email: "manager@shop.test", name: "Mila Manager", password: "x".repeat(12), role: "manager" })).id;
    otherManagerId = (await createUser(db, { email: "other@shop.test", name: "Oleg Other", password: "x".repeat(12), role: "manager" })).id;
    marketerId = (await createUser(db, { email: "marketer@shop.test", name: "Maya Marketer", password: "x".repeat(12), role: "marketer" })).id;
  });
  afterAll(async () => {
    await standIn?.close();
    await db?.drop();
  });
  beforeEach(() => {
    now = T0;
    standIn.reset();
    arrived.length = 0;
    standIn.respond = (message) => {
      arrived.push(message);
      return { status: 200 };
    };
  });

  /** A customer who accepts marketing and is subscribed by email. */
  async function customer(fields: { managerId?: number | null; acceptsMarketing?: boolean } = {}): Promise<number> {
    const n = ++serial;
    const [id] = await addCustomers(db, [{ externalId: `c-${n}`, firstName: `Ana${n}`, email: `ana${n}@shop.test`, acceptsMarketing: fields.acceptsMarketing ?? true, managerId: fields.managerId ?? null }]);
    await db.models.ChannelIdentity.create({ customerId: id, channel: "email", address: `ana${n}@shop.test`, isSubscribed: true, subscriptionChangedAt: T0 });
    return id;
  }

  async function segment(): Promise<number> {
    const n = ++serial;
    return addSegment(db, `Segment ${n}`, `seg_${n}`);
  }

  async function automation(segmentId: number, fields: Partial<AutomationInputIn> = {}): Promise<number> {
    const saved = await createAutomation(
      db,
      {
        name: "Welcome back",
        trigger: { segmentId, kind: "entered" },
        action: { kind: "message", channels: ["email"], templates: { email: { subject: "Welcome back, {{ customer.first_name }}", htmlBody: "<p>We missed you</p>" } } },
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
  const runner = (token = "runner-1") => runDueFirings({ db, queue, clock, publicUrl: "https://console.test", log: { warn: () => {} } }, token);

  /** Sends what the automation's hidden campaign has due, through the real sender and templates. */
  async function send(automationId: number) {
    const campaign = await db.models.Campaign.findOne({ where: { automationId }, raw: true });
    // only a message automation has a hidden campaign
    if (!campaign) return null;
    const deps = senderDeps(db, standInSenders(standIn.url), clock, { render: campaignRenderer(db, renderForCustomers, () => "https://console.test/u", clock) });
    return runSender(deps, campaign.id, `sender-${crypto.randomUUID()}`, { batchSize: 50, maxRunMs: 10_000, lanes: 1 });
  }

  /** Follows the events, acts on due firings, sends due messages. */
  async function settle(automationId: number) {
    await follow();
    await runner();
    await send(automationId);
  }

  const firingsOf = (automationId: number) => db.models.AutomationFiring.findAll({ where: { automationId }, order: [["id", "ASC"]], raw: true });

  it("a customer entering the segment gets the message once, however often the follower and runner run", async () => {
    const seg = await segment();
    const a = await automation(seg);
    const c = await customer();
    await addMembers(db, seg, [c], now);
    for (let i = 0; i < 3; i++) await settle(a);
    const email = await db.models.ChannelIdentity.findOne({ where: { customerId: c }, raw: true });
    expect(arrived.map((m) => m.to)).toEqual([email!.address]);
    expect(standIn.duplicates()).toEqual([]);
    const [firing] = await firingsOf(a);
    expect(firing).toMatchObject({ status: "done", customerId: c });
    const delivery = await db.models.CampaignDelivery.findByPk(firing.deliveryId!, { raw: true });
    expect(delivery).toMatchObject({ status: "sent", customerId: c, firingId: Number(firing.id) });
  });

  it("a customer who left before the delay ends gets no message, and the firing says why", async () => {
    const seg = await segment();
    const a = await automation(seg, { delay: { kind: "days", amount: 3 } });
    const c = await customer();
    await addMembers(db, seg, [c], now);
    await follow();
    now = new Date(T0.getTime() + DAY);
    await removeMembers(db, seg, [c], now);
    await settle(a);
    expect((await firingsOf(a))[0].status).toBe("pending");
    now = new Date(T0.getTime() + 3 * DAY + 1);
    await settle(a);
    const [firing] = await firingsOf(a);
    expect(firing).toMatchObject({ status: "skipped", skipReason: "left_before_delay" });
    expect(arrived).toHaveLength(0);
    expect((await automationReport(db, a)).skipped.left_before_delay).toBe(1);
  });

  it("a customer who stays past the delay gets the message when it ends, not before", async () => {
    const seg = await segment();
    const a = await automation(seg, { delay: { kind: "hours", amount: 2 } });
    const c = await customer();
    await addMembers(db, seg, [c], now);
    await settle(a);
    expect(arrived).toHaveLength(0);
    now = new Date(T0.getTime() + 2 * HOUR);
    await settle(a);
    expect(arrived.map((m) => m.to)).toEqual([`ana${serial}@shop.test`]);
    expect(c).toBeGreaterThan(0);
  });

  it("entering twice within a once-ever cap sends one message; the second firing is skipped by the cap", async () => {
    const seg = await segment();
    const a = await automation(seg, { cap: { kind: "once" } });
    const c = await customer();
    await addMembers(db, seg, [c], now);
    await settle(a);
    now = new Date(T0.getTime() + HOUR);
    await removeMembers(db, seg, [c], now);
    now = new Date(T0.getTime() + 2 * HOUR);
    await addMembers(db, seg, [c], now);
    await settle(a);
    expect(arrived).toHaveLength(1);
    expect((await firingsOf(a)).map((f) => [f.status, f.skipReason])).toEqual([
      ["done", null],
      ["skipped", "automation_cap"],
    ]);
  });

  it("a cap of once per 7 days lets a customer through again after the 7 days", async () => {
    const seg = await segment();
    const a = await automation(seg, { cap: { kind: "days", days: 7 } });
    const c = await customer();
    await addMembers(db, seg, [c], now);
    await settle(a);
    for (const day of [1, 8]) {
      now = new Date(T0.getTime() + day * DAY);
      await removeMembers(db, seg, [c], now);
      now = new Date(now.getTime() + HOUR);
      await addMembers(db, seg, [c], now);
      await settle(a);
    }
    expect((await firingsOf(a)).map((f) => f.skipReason ?? f.status)).toEqual(["done", "automation_cap", "done"]);
    expect(arrived).toHaveLength(2);
    expect(standIn.duplicates()).toEqual([]);
  });

  it("a customer who does not accept marketing gets nothing, skipped for no consent", async () => {
    const seg = await segment();
    const a = await automation(seg);
    const c = await customer({ acceptsMarketing: false });
    await addMembers(db, seg, [c], now);
    await settle(a);
    expect(arrived).toHaveLength(0);
    expect((await firingsOf(a))[0]).toMatchObject({ status: "skipped", skipReason: "no_consent" });
  });

  it("a leave trigger fires when the customer leaves, not when they enter", async () => {
    const seg = await segment();
    const a = await automation(seg, { trigger: { segmentId: seg, kind: "left" }, action: { kind: "notify", userId: marketerId } });
    const c = await customer();
    await addMembers(db, seg, [c], now);
    await settle(a);
    expect(await firingsOf(a)).toHaveLength(0);
    now = new Date(T0.getTime() + HOUR);
    await removeMembers(db, seg, [c], now);
    await settle(a);
    const [firing] = await firingsOf(a);
    expect(firing).toMatchObject({ status: "done", eventKind: "left", customerId: c });
    const notification = await db.models.Notification.findByPk(firing.notificationId!, { raw: true });
    expect(notification).toMatchObject({ userId: marketerId, kind: "automation.notice", link: `/customers/${c}` });
  });

  it("a task goes to the customer's manager, with the description rendered, a bell notification and an email in the outbox", async () => {
    const seg = await segment();
    const a = await automation(seg, {
      action: { kind: "task", title: "Call back", description: "Call {{ customer.first_name }} about the order", dueInHours: 24, fallbackUserId: otherManagerId },
    });
    const mine = await customer({ managerId });
    const orphan = await customer();
    await addMembers(db, seg, [mine, orphan], now);
    await follow();
    await runner();
    const tasks = await db.models.Task.findAll({ where: { automationId: a }, order: [["customerId", "ASC"]], raw: true });
    expect(tasks.map((t) => [t.customerId, t.assigneeId, t.status])).toEqual([
      [mine, managerId, "open"],
      [orphan, otherManagerId, "open"],
    ]);
    expect(tasks[0].description).toBe(`Call Ana${serial - 1} about the order`);
    expect(new Date(tasks[0].dueAt!).getTime()).toBe(T0.getTime() + DAY);
    expect(await db.models.Notification.count({ where: { userId: managerId, kind: "task.assigned" } })).toBe(1);
    const emails = await db.models.OutboxMessage.findAll({ where: { recipient: "manager@shop.test" }, raw: true });
    expect(emails).toHaveLength(1);
    expect(emails[0].subject).toBe("New task: Call back");
    expect(emails[0].textBody).toContain(`/tasks/${tasks[0].id}`);
  });

  it("two followers and two runners at once still act once per event", async () => {
    const seg = await segment();
    const a = await automation(seg, { action: { kind: "task", title: "Greet", description: "", dueInHours: null, fallbackUserId: otherManagerId }, cap: { kind: "none" } });
    const customers = await Promise.all(Array.from({ length: 30 }, () => customer({ managerId })));
    await addMembers(db, seg, customers.slice(0, 15), now);
    const second = newFollowerState();
    await Promise.all([
      follow(),
      followSegmentEvents(db, second, { now, monotonicMs: performance.now() }),
      addMembers(db, seg, customers.slice(15), now),
    ]);
    await Promise.all([follow(), followSegmentEvents(db, second, { now, monotonicMs: performance.now() })]);
    await Promise.all([runner("runner-a"), runner("runner-b"), runner("runner-c")]);
    await Promise.all([runner("runner-a"), runner("runner-b")]);
    expect(await db.models.AutomationFiring.count({ where: { automationId: a } })).toBe(30);
    const tasks = await db.models.Task.findAll({ where: { automationId: a }, raw: true });
    expect(tasks).toHaveLength(30);
    expect(new Set(tasks.map((t) => t.customerId)).size).toBe(30);
  });

  it("a runner that died after claiming leaves its firings to the next run after the lease, which acts on them once", async () => {
    const seg = await segment();
    const a = await automation(seg, { action: { kind: "notify", userId: marketerId } });
    const c = await customer();
    await addMembers(db, seg, [c], now);
    await follow();
    const claimed = await claimDueFirings(db, { runToken: "dead-runner", now, limit: 10 });
    expect(claimed.map((f) => f.customerId)).toContain(c);
    now = new Date(T0.getTime() + FIRING_LEASE_MS / 2);
    await runner();
    expect((await firingsOf(a))[0].status).toBe("claimed");
    now = new Date(T0.getTime() + FIRING_LEASE_MS + 1);
    await runner();
    await runner();
    const [firing] = await firingsOf(a);
    expect(firing).toMatchObject({ status: "done", attempts: 2 });
    expect(await db.models.Notification.count({ where: { userId: marketerId, kind: "automation.notice" } })).toBeGreaterThanOrEqual(1);
    expect(await db.models.Notification.count({ where: { id: firing.notificationId! } })).toBe(1);
  });

  it("pausing holds waiting firings and their messages; resuming sends them; deleting cancels what still waits", async () => {
    const seg = await segment();
    const a = await automation(seg, { delay: { kind: "minutes", amount: 30 } });
    const [c1, c2] = [await customer(), await customer()];
    await addMembers(db, seg, [c1], now);
    await follow();
    expect((await pauseAutomation(db, a, { userId: marketerId }, now)).ok).toBe(true);
    await addMembers(db, seg, [c2], now);
    await follow();
    expect((await firingsOf(a)).map((f) => f.status)).toEqual(["held", "held"]);
    now = new Date(T0.getTime() + HOUR);
    await settle(a);
    expect(arrived).toHaveLength(0);
    expect((await resumeAutomation(db, queue, a, { userId: marketerId }, now)).ok).toBe(true);
    await settle(a);
    expect(arrived).toHaveLength(2);
    const [c3] = [await customer()];
    await addMembers(db, seg, [c3], now);
    await follow();
    const deleted = await deleteAutomation(db, a, { userId: marketerId }, now);
    expect(deleted).toEqual({ ok: true, cancelled: 1 });
    now = new Date(now.getTime() + HOUR);
    await follow();
    await runner();
    expect((await firingsOf(a)).map((f) => f.status)).toEqual(["done", "done", "cancelled"]);
    expect(arrived).toHaveLength(2);
  });

  it("an action due outside the firing hours waits for the next allowed time in the store's zone", async () => {
    const seg = await segment();
    // the store's zone is UTC in a fresh database; 09:00 UTC is outside 10:00–18:00
    const a = await automation(seg, { action: { kind: "notify", userId: marketerId }, firingHours: { start: "10:00", end: "18:00" } });
    const c = await customer();
    await addMembers(db, seg, [c], now);
    await follow();
    const [firing] = await firingsOf(a);
    expect(new Date(firing.dueAt).toISOString()).toBe("2026-05-04T10:00:00.000Z");
    await runner();
    expect((await firingsOf(a))[0].status).toBe("pending");
    now = new Date("2026-05-04T10:00:00.000Z");
    await runner();
    expect((await firingsOf(a))[0].status).toBe("done");
  });

  it("refuses an automation with bad input, naming the field, and writes nothing", async () => {
    const before = await db.models.Automation.count();
    const refused = await createAutomation(db, { name: "", trigger: { segmentId: 987654, kind: "entered" }, action: { kind: "notify", userId: 987654 } }, { userId: marketerId }, now);
    expect(refused.ok).toBe(false);
    const fields = refused.ok ? [] : "errors" in refused ? refused.errors.map((e) => e.field) : [];
    expect(fields).toContain("name");
    const refusedRefs = await createAutomation(db, { name: "x", trigger: { segmentId: 987654, kind: "entered" }, action: { kind: "notify", userId: 987654 } }, { userId: marketerId }, now);
    expect(refusedRefs.ok ? [] : "errors" in refusedRefs ? refusedRefs.errors.map((e) => e.field).sort() : []).toEqual(["action.userId", "trigger.segmentId"]);
    expect(await db.models.Automation.count()).toBe(before);
  });

  it("a message automation's hidden campaign is not one a marketer can read, edit, start, pause, cancel or delete", async () => {
    const id = await automation(await segment());
    const hidden = await db.models.Campaign.findOne({ where: { automationId: id }, raw: true });
    expect(hidden).not.toBeNull();
    const campaignId = hidden!.id;
    const actor = { userId: marketerId, ip: null };
    expect(await getCampaign(db, campaignId)).toBeNull();
    for (const control of [requestStart, pauseCampaign, resumeCampaign, cancelCampaign]) {
      expect(await control(db, queue, campaignId, now)).toMatchObject({ ok: false });
    }
    expect(await updateCampaign(db, campaignId, { name: "Taken over" }, actor, now, { patch: true })).toMatchObject({ ok: false, kind: "not_found" });
    expect(await deleteCampaign(db, campaignId, actor, now)).toMatchObject({ ok: false, kind: "not_found" });
    expect(await db.models.Campaign.findByPk(campaignId, { raw: true })).toMatchObject({ name: hidden!.name, status: hidden!.status });
  });
});
