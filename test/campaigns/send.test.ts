// Sending a campaign on a real database to a provider stand-in on loopback: starting, claiming,
// the outcomes of provider answers, dead runs, pause, resume, cancel and the two resends.
import { QueryTypes } from "sequelize";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createTestDatabase, testDialect } from "../support/db";
import { JobQueue } from "../../jobs/job-queue";
import { JOB_NAMES } from "../../jobs/job-names";
import { readTimestamp } from "../../models/sql/bulk";
import {
  cancelCampaign,
  campaignProgress,
  firstStartInstant,
  pauseCampaign,
  requestStart,
  resendToNotReached,
  resendUnknown,
  resumeCampaign,
  startCampaign,
} from "../../campaigns/send.server";
import { runSender, SEND_LEASE_MS, MAX_SEND_ATTEMPTS, type SenderDeps } from "../../campaigns/sender.server";
import { claimDueDeliveries, settleClaimed } from "../../campaigns/delivery-sql";
import { campaignRenderer, type CampaignTemplate } from "../../campaigns/render-deliveries.server";
import { startStandIn, standInSenders, type StandIn } from "./stand-in";
import { audience, createCampaign, deliveryKey, helloRenderer, rowsByCustomer, senderDeps } from "./support";

const T0 = new Date("2026-05-04T09:00:00.000Z");
// one batch under way at a time, so the tests can say which batch a pause or cancel met
const OPTIONS = { batchSize: 10, maxRunMs: 60_000, lanes: 1 };

describe(`sending a campaign on ${testDialect}`, () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let queue: JobQueue;
  let standIn: StandIn;
  let now: Date;
  let deps: SenderDeps;
  const clock = () => now;
  const later = (ms: number) => new Date(now.getTime() + ms);

  beforeAll(async () => {
    db = await createTestDatabase();
    queue = new JobQueue(db, { name: "send-test", processEveryMs: 1_000 });
    standIn = await startStandIn();
  });
  afterAll(async () => {
    await standIn.close();
    await db.drop();
  });
  beforeEach(async () => {
    now = T0;
    standIn.reset();
    deps = senderDeps(db, standInSenders(standIn.url), clock);
  });

  const sendJobs = (campaignId: number) =>
    db.sequelize
      .query<{ data: string; next_run_at: unknown }>("SELECT data, next_run_at FROM agenda_jobs WHERE name = :name", {
        replacements: { name: JOB_NAMES.sendCampaign },
        type: QueryTypes.SELECT,
      })
      .then((rows) => rows.filter((row) => (JSON.parse(row.data) as { campaignId: number }).campaignId === campaignId));

  const statusOf = async (campaignId: number) => (await db.models.Campaign.findByPk(campaignId, { raw: true }))!.status;

  async function startedCampaign(recipients = audience(30, T0), fields = {}) {
    const id = await createCampaign(db, now, fields);
    expect(await startCampaign(db, queue, id, recipients, now)).toEqual({ started: true });
    return id;
  }

  describe("starting", () => {
    it("a draft is put in line once: scheduled, with one start job at its send time", async () => {
      const sendAt = new Date(T0.getTime() + 3_600_000);
      const id = await createCampaign(db, now, { scheduleKind: "at", sendAt });
      expect(await requestStart(db, queue, id, now)).toEqual({ ok: true, status: "scheduled" });
      expect(await requestStart(db, queue, id, now)).toEqual({ ok: true, status: "scheduled" });
      const jobs = (await db.sequelize.query<{ data: string; next_run_at: unknown }>("SELECT data, next_run_at FROM agenda_jobs WHERE name = :name", {
        replacements: { name: JOB_NAMES.startCampaign },
        type: QueryTypes.SELECT,
      })).filter((row) => (JSON.parse(row.data) as { campaignId: number }).campaignId === id);
      expect(jobs).toHaveLength(1);
      expect(readTimestamp(jobs[0].next_run_at)).toEqual(sendAt);
      expect(await statusOf(id)).toBe("scheduled");
    });

    it("starts a campaign in each customer's own zone when the first zone reaches its wall time", () => {
      const inZones = { scheduleKind: "at" as const, timeZoneMode: "customer" as const, sendAt: null, localSendAt: "2026-05-05T10:00" };
      // 10:00 on Kiritimati (UTC+14) is 20:00 UTC the day before
      expect(firstStartInstant(inZones, T0)).toEqual(new Date("2026-05-04T20:00:00Z"));
      expect(firstStartInstant({ ...inZones, localSendAt: "2026-05-04T10:00" }, T0)).toEqual(T0);
      expect(firstStartInstant({ ...inZones, localSendAt: "tomorrow" }, T0)).toBeNull();
      expect(firstStartInstant({ ...inZones, scheduleKind: "now" }, T0)).toEqual(T0);
    });

    it("a campaign at a time with none, or one already sending, is not put in line", async () => {
      const timeless = await createCampaign(db, now, { scheduleKind: "at", sendAt: null });
      expect(await requestStart(db, queue, timeless, now)).toMatchObject({ ok: false });
      expect(await statusOf(timeless)).toBe("draft");
      const sending = await startedCampaign(audience(1, T0));
      expect(await requestStart(db, queue, sending, now)).toMatchObject({ ok: false, reason: expect.stringContaining("sending") });
      expect(await requestStart(db, queue, 987_654, now)).toMatchObject({ ok: false });
    });

    it("starting twice, even at once, writes the audience once and one send job", async () => {
      const id = await createCampaign(db, now);
      const results = await Promise.all([startCampaign(db, queue, id, audience(50, T0), now), startCampaign(db, queue, id, audience(80, T0), now)]);
      expect(results.map((r) => r.started).sort()).toEqual([false, true]);
      expect(await startCampaign(db, queue, id, audience(50, T0), now)).toEqual({ started: false });
      const rows = await db.models.CampaignDelivery.count({ where: { campaignId: id } });
      expect([50, 80]).toContain(rows);
      expect(await sendJobs(id)).toHaveLength(1);
      expect(await statusOf(id)).toBe("sending");
    });

    it("writes a row per customer of the audience, the unreachable skipped with their reason", async () => {
      const recipients = [
        ...audience(5, T0),
        { customerId: 6, channel: null, address: null, skipReason: "no_consent" as const, dueAt: T0 },
        { customerId: 7, channel: "sms" as const, address: null, skipReason: "unsubscribed" as const, dueAt: T0 },
        // reachable by nothing, and no reason given: no address
        { customerId: 8, channel: null, address: null, skipReason: null, dueAt: T0 },
        // the same customer twice: one row
        ...audience(1, T0, { from: 1 }),
      ];
      const id = await startedCampaign(recipients);
      const rows = await rowsByCustomer(db, id);
      expect(rows.size).toBe(8);
      expect([6, 7, 8].map((c) => [rows.get(c)!.status, rows.get(c)!.skipReason])).toEqual([
        ["skipped", "no_consent"],
        ["skipped", "unsubscribed"],
        ["skipped", "no_address"],
      ]);
      expect(await campaignProgress(db, id)).toMatchObject({ queued: 5, skipped: 3, sent: 0 });
    });
  });

  describe("a sender run", () => {
    it("finishes a campaign that reaches nobody at its first run", async () => {
      const id = await startedCampaign([{ customerId: 1, channel: null, address: null, skipReason: "no_consent", dueAt: T0 }]);
      expect((await sendJobs(id)).map((job) => readTimestamp(job.next_run_at))).toEqual([T0]);
      expect(await runSender(deps, id, "run-a", OPTIONS)).toMatchObject({ state: "finished", counts: { claimed: 0 } });
      expect(standIn.received.size).toBe(0);
    });

    it("sends every queued message once, keeps the provider's ids and finishes the campaign", async () => {
      const id = await startedCampaign(audience(45, T0));
      const run = await runSender(deps, id, "run-a", { ...OPTIONS, lanes: 3 });
      expect(run).toMatchObject({ state: "finished", nextRunAt: null, counts: { claimed: 45, sent: 45 } });
      expect(standIn.received.size).toBe(45);
      expect(standIn.duplicates()).toEqual([]);
      const rows = [...(await rowsByCustomer(db, id)).values()];
      expect(rows.every((row) => row.status === "sent" && /^m-\d+$/.test(row.providerMessageId ?? "") && row.attempts === 1)).toBe(true);
      expect(await statusOf(id)).toBe("finished");
      expect((await campaignProgress(db, id)).sent).toBe(45);
    });

    it("two runs at once on one campaign share it: every customer gets one message", async () => {
      const id = await startedCampaign(audience(300, T0));
      const [a, b] = await Promise.all([runSender(deps, id, "run-a", { ...OPTIONS, batchSize: 7, lanes: 3 }), runSender(deps, id, "run-b", { ...OPTIONS, batchSize: 13, lanes: 2 })]);
      expect(a.counts.claimed + b.counts.claimed).toBe(300);
      expect(standIn.received.size).toBe(300);
      expect(standIn.duplicates()).toEqual([]);
      expect(await campaignProgress(db, id)).toMatchObject({ sent: 300, queued: 0, in_flight: 0 });
      expect(await statusOf(id)).toBe("finished");
    });

    it("leaves messages due later for a later run, and asks to run again when the first is due", async () => {
      const inAnHour = later(3_600_000);
      const id = await startedCampaign([...audience(3, T0), ...audience(2, inAnHour, { from: 4 }), ...audience(1, later(7_200_000), { from: 6 })]);
      const first = await runSender(deps, id, "run-a", OPTIONS);
      expect(first).toMatchObject({ state: "waiting", nextRunAt: inAnHour, counts: { sent: 3 } });
      now = inAnHour;
      expect(await runSender(deps, id, "run-b", OPTIONS)).toMatchObject({ state: "waiting", counts: { sent: 2 } });
      now = later(3_600_000);
      expect(await runSender(deps, id, "run-c", OPTIONS)).toMatchObject({ state: "finished", counts: { sent: 1 } });
      expect(standIn.received.size).toBe(6);
    });

    it("a message the provider certainly did not take is tried again later; a refused one fails; a cut-off one is unknown", async () => {
      standIn.respond = (message, times) => {
        if (message.to.startsWith("busy") && times === 1) return { status: 503, retryAfterS: 90 };
        if (message.to.startsWith("bad")) return { status: 400 };
        if (message.to.startsWith("cut")) return "drop";
        return { status: 200 };
      };
      const address = (c: number) => (c <= 2 ? `busy-${c}@example.test` : c === 3 ? "bad@example.test" : c === 4 ? "cut@example.test" : `ok-${c}@example.test`);
      const id = await startedCampaign(audience(6, T0, { address }));
      const first = await runSender(deps, id, "run-a", OPTIONS);
      // the busy provider asked for 90 s, more than the first backoff (30 s)
      expect(first).toMatchObject({ state: "waiting", nextRunAt: later(90_000), counts: { sent: 2, retried: 2, failed: 1, unknown: 1 } });
      let rows = await rowsByCustomer(db, id);
      expect(rows.get(1)).toMatchObject({ status: "queued", claimedBy: null, error: expect.stringContaining("503") });
      expect(rows.get(3)).toMatchObject({ status: "failed", error: expect.stringContaining("400") });
      expect(rows.get(4)).toMatchObject({ status: "unknown", error: expect.stringContaining("may have been sent") });

      now = later(90_000);
      expect(await runSender(deps, id, "run-b", OPTIONS)).toMatchObject({ state: "finished", counts: { sent: 2 } });
      rows = await rowsByCustomer(db, id);
      expect([1, 2].map((c) => [rows.get(c)!.status, rows.get(c)!.attempts])).toEqual([
        ["sent", 2],
        ["sent", 2],
      ]);
      // the cut-off message reached the provider once and was never sent again
      expect(standIn.received.get(deliveryKey(id, 4))).toBe(1);
      expect(rows.get(4)!.status).toBe("unknown");
    });

    it(`a message the provider never takes fails after ${MAX_SEND_ATTEMPTS} attempts`, async () => {
      standIn.respond = () => ({ status: 429 });
      const id = await startedCampaign(audience(1, T0));
      for (let attempt = 1; attempt <= MAX_SEND_ATTEMPTS; attempt++) {
        const run = await runSender(deps, id, `run-${attempt}`, OPTIONS);
        if (attempt < MAX_SEND_ATTEMPTS) now = run.nextRunAt!;
        else expect(run.state).toBe("finished");
      }
      expect((await rowsByCustomer(db, id)).get(1)).toMatchObject({ status: "failed", attempts: MAX_SEND_ATTEMPTS, error: expect.stringContaining(`after ${MAX_SEND_ATTEMPTS} attempts`) });
      expect(standIn.received.get(deliveryKey(id, 1))).toBe(MAX_SEND_ATTEMPTS);
    });

    it("a message whose template cannot be rendered for a customer fails with the reason, and the rest go", async () => {
      const id = await startedCampaign(audience(4, T0));
      const run = await runSender({ ...deps, render: helloRenderer(new Map([[2, "unknown variable customer.nickname (line 1)"]])) }, id, "run-a", OPTIONS);
      expect(run.counts).toMatchObject({ sent: 3, failed: 1 });
      expect((await rowsByCustomer(db, id)).get(2)).toMatchObject({ status: "failed", error: expect.stringContaining("customer.nickname") });
      expect(standIn.received.has(deliveryKey(id, 2))).toBe(false);
    });

    it("when rendering itself breaks, the claimed messages go back in line unsent", async () => {
      const id = await startedCampaign(audience(4, T0));
      await expect(runSender({ ...deps, render: () => Promise.reject(new Error("template store unreachable")) }, id, "run-a", OPTIONS)).rejects.toThrow("unreachable");
      expect(await campaignProgress(db, id)).toMatchObject({ queued: 4, in_flight: 0 });
      expect(await runSender(deps, id, "run-b", OPTIONS)).toMatchObject({ state: "finished", counts: { sent: 4 } });
    });
  });

  describe("rendering a batch", () => {
    it("renders each delivery from the campaign's template for its channel, once for the batch's customers", async () => {
      const id = await startedCampaign([...audience(2, T0), ...audience(1, T0, { from: 3, channel: "sms", address: () => "+359888000003" })], { channels: "email,sms" });
      await db.models.MessageTemplate.create({ ownerKind: "campaign", ownerId: id, channel: "email", subject: "Hi", htmlBody: "<p>Hi</p>", textBody: null, createdAt: now, updatedAt: now });
      const calls: Array<{ templates: CampaignTemplate[]; customerIds: number[] }> = [];
      const render = campaignRenderer(
        db,
        async (_db, templates, customerIds, options) => {
          calls.push({ templates, customerIds });
          return new Map(customerIds.map((c) => [c, new Map([["email", { channel: "email" as const, subject: "Hi", text: `Hi ${c} ${options.unsubscribeUrl(c, "email")}` }]])]));
        },
        (customerId, channel) => `https://shop.example/unsubscribe/${channel}-${customerId}`,
        clock,
      );
      const run = await runSender({ ...deps, render }, id, "run-a", OPTIONS);
      // a batch per channel of the chain, each rendered by one call for its customers
      expect(calls.flatMap((call) => call.customerIds).sort()).toEqual([1, 2, 3]);
      for (const call of calls) expect(call.templates).toEqual([{ channel: "email", subject: "Hi", htmlBody: "<p>Hi</p>", textBody: null }]);
      expect(run.counts).toMatchObject({ sent: 2, failed: 1 });
      expect((await rowsByCustomer(db, id)).get(3)).toMatchObject({ status: "failed", error: expect.stringContaining("no sms template") });
    });
  });

  describe("a run that dies between claim and outcome", () => {
    it("leaves its messages unknown once the lease has passed, never sent again", async () => {
      const id = await startedCampaign(audience(20, T0));
      // a run claims five, then its process is killed before it records anything
      const dead = await claimDueDeliveries(db, { campaignId: id, runToken: "dead-run", now, limit: 5 });
      expect(dead).toHaveLength(5);

      const within = await runSender(deps, id, "run-b", OPTIONS);
      expect(within).toMatchObject({ state: "waiting", counts: { sent: 15, abandoned: 0 } });
      expect(within.nextRunAt!.getTime()).toBe(T0.getTime() + SEND_LEASE_MS + 1);
      expect((await campaignProgress(db, id)).in_flight).toBe(5);

      now = within.nextRunAt!;
      expect(await runSender(deps, id, "run-c", OPTIONS)).toMatchObject({ state: "finished", counts: { abandoned: 5, claimed: 0 } });
      const rows = await rowsByCustomer(db, id);
      for (const d of dead) {
        expect(rows.get(d.customerId)).toMatchObject({ status: "unknown", error: expect.stringContaining("may have been sent") });
        expect(standIn.received.has(deliveryKey(id, d.customerId))).toBe(false);
      }
      // the dead run's answer, should it ever come, changes nothing
      expect(await settleClaimed(db, "dead-run", { status: "sent", rows: dead.map((d) => ({ id: d.id, providerMessageId: "late" })) }, now)).toBe(0);
      expect(await campaignProgress(db, id)).toMatchObject({ unknown: 5, sent: 15, in_flight: 0 });
    });
  });

  describe("pause, resume and cancel", () => {
    it("a pause stops claiming: the batch in flight finishes, the rest wait for the resume", async () => {
      const id = await startedCampaign(audience(30, T0));
      let renders = 0;
      const pausing: SenderDeps = {
        ...deps,
        render: async (campaign, deliveries) => {
          if (++renders === 1) expect(await pauseCampaign(db, queue, id, now)).toEqual({ ok: true, status: "paused" });
          return helloRenderer()(campaign, deliveries);
        },
      };
      expect(await runSender(pausing, id, "run-a", OPTIONS)).toMatchObject({ state: "paused", nextRunAt: null, counts: { sent: 10 } });
      expect(await campaignProgress(db, id)).toMatchObject({ sent: 10, queued: 20, in_flight: 0 });
      expect(await statusOf(id)).toBe("paused");
      expect(await runSender(deps, id, "run-b", OPTIONS)).toMatchObject({ state: "paused", counts: { claimed: 0 } });
      expect(await pauseCampaign(db, queue, id, now)).toEqual({ ok: true, status: "paused" });

      now = later(60_000);
      expect(await resumeCampaign(db, queue, id, now)).toEqual({ ok: true, status: "sending" });
      const jobs = await sendJobs(id);
      expect(jobs.map((job) => readTimestamp(job.next_run_at))).toEqual([now]);
      expect(await runSender(deps, id, "run-c", OPTIONS)).toMatchObject({ state: "finished", counts: { sent: 20 } });
      expect(standIn.received.size).toBe(30);
      expect(standIn.duplicates()).toEqual([]);
    });

    it("a cancel cancels the queued messages; those in flight finish", async () => {
      const id = await startedCampaign(audience(30, T0));
      let renders = 0;
      const cancelling: SenderDeps = {
        ...deps,
        render: async (campaign, deliveries) => {
          if (++renders === 1) expect(await cancelCampaign(db, queue, id, now)).toEqual({ ok: true, status: "cancelled" });
          return helloRenderer()(campaign, deliveries);
        },
      };
      expect(await runSender(cancelling, id, "run-a", OPTIONS)).toMatchObject({ state: "cancelled", nextRunAt: null, counts: { sent: 10 } });
      expect(await campaignProgress(db, id)).toMatchObject({ sent: 10, cancelled: 20, queued: 0, in_flight: 0 });
      expect(await statusOf(id)).toBe("cancelled");
      expect(await resumeCampaign(db, queue, id, now)).toMatchObject({ ok: false });
      expect(await pauseCampaign(db, queue, id, now)).toMatchObject({ ok: false });
    });

    it("a message the provider turned away during a cancel is cancelled, not left in line", async () => {
      const id = await startedCampaign(audience(3, T0));
      standIn.respond = (message) => (message.to.startsWith("customer-1@") ? { status: 503 } : { status: 200 });
      const cancelling: SenderDeps = {
        ...deps,
        render: async (campaign, deliveries) => {
          await cancelCampaign(db, queue, id, now);
          return helloRenderer()(campaign, deliveries);
        },
      };
      expect(await runSender(cancelling, id, "run-a", OPTIONS)).toMatchObject({ state: "cancelled", counts: { sent: 2, retried: 1 } });
      expect(await campaignProgress(db, id)).toMatchObject({ sent: 2, cancelled: 1, queued: 0, in_flight: 0 });
    });
  });

  describe("sending again", () => {
    it("to those not reached: the audience now minus everyone the campaign reached or may have reached", async () => {
      standIn.respond = (message) => (message.to.startsWith("bad") ? { status: 400 } : message.to.startsWith("cut") ? "drop" : { status: 200 });
      const address = (c: number) => (c === 2 ? "bad@example.test" : c === 3 ? "cut@example.test" : `customer-${c}@example.test`);
      const first = [...audience(4, T0, { address }), { customerId: 5, channel: null, address: null, skipReason: "no_consent" as const, dueAt: T0 }];
      const id = await startedCampaign(first);
      expect(await resendToNotReached(db, queue, id, audience(1, T0), now)).toMatchObject({ ok: false, reason: expect.stringContaining("sending") });
      await runSender(deps, id, "run-a", OPTIONS);
      expect(await campaignProgress(db, id)).toMatchObject({ sent: 2, failed: 1, unknown: 1, skipped: 1 });

      now = later(86_400_000);
      // a day later: customer 2 has a good address, 5 has consented, 6 has joined the segment
      const resend = await resendToNotReached(db, queue, id, audience(6, now), now);
      expect(resend).toEqual({ ok: true, queued: 3 });
      expect(await statusOf(id)).toBe("sending");
      expect(await runSender(deps, id, "run-b", OPTIONS)).toMatchObject({ state: "finished", counts: { sent: 3 } });
      for (const c of [1, 4, 5, 6]) expect(standIn.received.get(deliveryKey(id, c))).toBe(1);
      // customer 2's first message was refused by the provider, the second taken
      expect(standIn.received.get(deliveryKey(id, 2))).toBe(2);
      // the cut-off message is not sent again by this: only resendUnknown does that
      expect(standIn.received.get(deliveryKey(id, 3))).toBe(1);
      expect(await campaignProgress(db, id)).toMatchObject({ sent: 5, unknown: 1, failed: 0, skipped: 0 });
    });

    it("the unknowns, when the marketer asks: put back in line and sent", async () => {
      standIn.respond = (message, times) => (message.to.startsWith("cut") && times === 1 ? "drop" : { status: 200 });
      const id = await startedCampaign(audience(3, T0, { address: (c) => (c === 1 ? "cut@example.test" : `customer-${c}@example.test`) }));
      await runSender(deps, id, "run-a", OPTIONS);
      expect(await statusOf(id)).toBe("finished");
      expect(await resendUnknown(db, queue, id, now)).toEqual({ ok: true, queued: 1 });
      expect(await statusOf(id)).toBe("sending");
      expect(await runSender(deps, id, "run-b", OPTIONS)).toMatchObject({ state: "finished", counts: { sent: 1 } });
      // asked for explicitly: the customer may now have it twice
      expect(standIn.received.get(deliveryKey(id, 1))).toBe(2);
      expect(await resendUnknown(db, queue, id, now)).toEqual({ ok: true, queued: 0 });
    });
  });

  describe("throttling", () => {
    it("a slow channel of the fallback chain holds back only its own messages", async () => {
      // the SMS rows come first in line
      const recipients = [...audience(6, T0, { channel: "sms", address: (c) => `+35988800000${c}` }), ...audience(40, T0, { from: 7 })];
      const id = await startedCampaign(recipients, { channels: "viber,email,sms" });
      const run = await runSender({ ...deps, ratePerSecond: (channel) => (channel === "sms" ? 2 : 10_000) }, id, "run-a", { ...OPTIONS, lanes: 2 });
      expect(run).toMatchObject({ state: "finished", counts: { sent: 46 } });
      // the SMS go two a second; the emails go alongside, all 40 before the fourth SMS (1.5 s in)
      const isSms = new Set(recipients.slice(0, 6).map((r) => deliveryKey(id, r.customerId)));
      const arrivalOrder = [...standIn.received.keys()];
      expect(arrivalOrder).toHaveLength(46);
      const fourthSms = arrivalOrder.filter((key) => isSms.has(key))[3];
      expect(arrivalOrder.slice(0, arrivalOrder.indexOf(fourthSms)).filter((key) => !isSms.has(key))).toHaveLength(40);
    });

    it("a channel's rate holds its messages to that many a second", async () => {
      const id = await startedCampaign(audience(60, T0));
      const run = await runSender({ ...deps, ratePerSecond: () => 40 }, id, "run-a", { ...OPTIONS, batchSize: 500 });
      expect(run.counts.sent).toBe(60);
      // 60 messages at 40/s, starting with one token: no faster than 59/40 s (a little timer slack allowed)
      const spanMs = standIn.arrivals[standIn.arrivals.length - 1] - standIn.arrivals[0];
      expect(spanMs).toBeGreaterThan(1_350);
    });
  });
});
