import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prepareFirstRun } from "../../server/bootstrap";
import { createServices } from "../../server/services";
import { createLogger } from "../../server/logger";
import { segmentScheduleHooks } from "../../jobs/segment-schedule";
import { JOB_NAMES } from "../../jobs/job-names";
import { listSegments } from "../../segments/store.server";
import { createTestDatabase, testDialect } from "../support/db";
import { deliveryTimeline } from "../../campaigns/report-timeline.server";
import { deliveryCounts } from "../../campaigns/report.server";

describe(`the first start on ${testDialect}`, () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db.drop();
  });

  it("makes one login per role, a demo store with example segments scheduled for their first recompute, and nothing on a second start", async () => {
    const services = createServices(db, createLogger("silent"), { dataDir: "/tmp", publicUrl: "http://127.0.0.1", sessionSecret: "x".repeat(32), secureCookies: false });
    const lines: string[] = [];
    const options = { demoCustomers: 300, demoSeed: 7, log: (line: string) => lines.push(line), segmentHooks: segmentScheduleHooks(services.jobs), services };
    const before = Date.now();
    const logins = await prepareFirstRun(db, options);
    const after = Date.now();
    expect(logins.map((l) => l.role)).toEqual(["admin", "marketer", "manager"]);
    expect(await db.models.Customer.count()).toBe(300);

    const segments = await listSegments(db);
    expect(segments.length).toBe(7);
    const marketer = await db.models.User.findOne({ where: { role: "marketer", email: "marketer@demo.store" }, raw: true });
    expect(new Set(segments.map((s) => s.createdById))).toEqual(new Set([marketer!.id]));
    expect(lines.some((l) => l.includes("skipped"))).toBe(false);
    // every example is active and recomputing, so each has its repeating job, due now
    const { jobs } = await services.jobs.repository.queryJobs({ name: JOB_NAMES.recomputeSegment });
    expect(jobs.map((j) => Number((j.data as { segmentId: number }).segmentId)).sort((a, b) => a - b)).toEqual(segments.map((s) => s.id).sort((a, b) => a - b));
    expect(jobs.every((j) => Number(j.repeatInterval) === 5 * 60_000)).toBe(true);

    // the demo campaigns: one sent yesterday at 10:00 in the store's zone (Sofia), finished through
    // the outbox with its receipts; one scheduled for 10:00 tomorrow, its start job saved
    const campaigns = await db.models.Campaign.findAll({ where: { automationId: null }, order: [["id", "ASC"]], raw: true });
    expect(campaigns.map((c) => c.status)).toEqual(["finished", "scheduled"]);
    const [sent, scheduled] = campaigns;
    const sofia = (d: Date) => new Intl.DateTimeFormat("en-GB", { timeZone: "Europe/Sofia", hour: "2-digit", minute: "2-digit" }).format(d);
    expect(sofia(new Date(sent.startedAt!))).toBe("10:00");
    expect(new Date(sent.startedAt!).getTime()).toBeLessThan(before - 12 * 3_600_000);
    const counts = await deliveryCounts(db, sent.id);
    const reached = counts.byStatus.sent + counts.byStatus.delivered + counts.byStatus.read + counts.byStatus.failed;
    expect(counts.byStatus.queued + counts.byStatus.in_flight + counts.byStatus.unknown).toBe(0);
    expect(counts.byStatus.skipped).toBeGreaterThan(0);
    expect(counts.byStatus.delivered + counts.byStatus.read).toBeGreaterThan(reached / 2);
    expect(await db.models.OutboxMessage.count({ where: { purpose: "campaign" } })).toBe(reached);
    const timeline = await deliveryTimeline(db, sent.id, "Europe/Sofia");
    expect(timeline.buckets.length).toBeGreaterThan(5);
    expect(timeline.buckets.filter((b) => b.sent > 0).length).toBeGreaterThan(3);
    expect(timeline.buckets.reduce((n, b) => n + b.sent, 0)).toBe(reached);
    expect(await db.models.DeliveryEvent.count()).toBeGreaterThanOrEqual(counts.byStatus.delivered + counts.byStatus.read + counts.byStatus.failed);

    const tomorrow = new Date(new Date(scheduled.sendAt!).getTime());
    expect(sofia(tomorrow)).toBe("10:00");
    expect(tomorrow.getTime()).toBeGreaterThan(after);
    expect(tomorrow.getTime()).toBeLessThan(after + 48 * 3_600_000);
    const starts = (await services.jobs.repository.queryJobs({ name: JOB_NAMES.startCampaign })).jobs;
    const waiting = starts.filter((j) => Number((j.data as { campaignId: number }).campaignId) === scheduled.id);
    expect(waiting).toHaveLength(1);
    expect(new Date(waiting[0].nextRunAt!).getTime()).toBe(tomorrow.getTime());

    // the demo automations: a welcome-back email on the lapsed buyers, and call tasks for big
    // spenders that already fired through the follower and runner for the segment's newest entries
    const automations = await db.models.Automation.findAll({ order: [["id", "ASC"]], raw: true });
    expect(automations.map((a) => [a.actionKind, Boolean(a.isActive)])).toEqual([["message", true], ["task", true]]);
    const segmentCodes = new Map(segments.map((s) => [s.id, s.code]));
    expect(automations.map((a) => segmentCodes.get(a.segmentId))).toEqual(["lapsed-buyers", "vip-big-spenders"]);
    const manager = await db.models.User.findOne({ where: { email: "manager@demo.store" }, raw: true });
    const tasks = await db.models.Task.findAll({ raw: true });
    expect(tasks.length).toBeGreaterThanOrEqual(3);
    expect(tasks.every((t) => t.automationId === automations[1].id && t.firingId !== null && t.status === "open")).toBe(true);
    expect(tasks.filter((t) => t.assigneeId === manager!.id).length).toBeGreaterThanOrEqual(2);
    const firings = await db.models.AutomationFiring.findAll({ where: { automationId: automations[1].id }, raw: true });
    expect(firings.filter((f) => f.status === "done").length).toBe(tasks.length);
    // each customer's task went to their manager, who heard of it by the bell and by email; a customer nobody manages is skipped
    const customers = await db.models.Customer.findAll({ where: { id: tasks.map((t) => t.customerId!) }, raw: true });
    for (const t of tasks) expect(t.assigneeId).toBe(customers.find((c) => c.id === t.customerId)!.managerId);
    expect(firings.filter((f) => f.status === "skipped").every((f) => f.skipReason === "no_assignee")).toBe(true);
    expect(await db.models.Notification.count({ where: { kind: "task.assigned" } })).toBe(tasks.length);
    expect(await db.models.OutboxMessage.count({ where: { purpose: "notification" } })).toBeGreaterThan(0);
    expect(await db.models.AutomationFiring.count({ where: { automationId: automations[0].id } })).toBe(0);

    expect(await prepareFirstRun(db, options)).toEqual([]);
    expect((await listSegments(db)).length).toBe(7);
    expect(await db.models.Campaign.count({ where: { automationId: null } })).toBe(2);
    expect(await db.models.Automation.count()).toBe(2);
    expect(await db.models.Task.count()).toBe(tasks.length);
    expect(await db.models.User.count()).toBe(3 + 4);
  });
});
