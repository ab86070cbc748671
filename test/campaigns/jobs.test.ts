// The campaign jobs on a real worker: a start request becomes a start job that fixes the audience,
// which becomes the send job that sends it to the end at the channel's set rate.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, testDialect } from "../support/db";
import { createLogger } from "../../server/logger";
import { createServices } from "../../server/services";
import { startWorker, type RunningWorker } from "../../server/worker";
import { requestStart, campaignProgress } from "../../campaigns/send.server";
import type { ConsoleServices } from "../../models/context";
import { waitFor } from "../jobs/support";
import { startStandIn, standInSenders, type StandIn } from "./stand-in";
import { audience, createCampaign, helloRenderer } from "./support";

describe(`campaign jobs on a worker on ${testDialect}`, () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let services: ConsoleServices;
  let worker: RunningWorker;
  let standIn: StandIn;
  const audienceAt: Date[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    standIn = await startStandIn();
    services = createServices(db, createLogger("silent"), { dataDir: "/tmp", publicUrl: "http://127.0.0.1", sessionSecret: "test-session-secret-long-enough-to-use", secureCookies: false }, { processEveryMs: 100 });
    worker = await startWorker(services, {
      mailer: null,
      followPollMs: 50,
      campaigns: {
        senders: standInSenders(standIn.url),
        resolveAudience: async (_deps, _campaign, now) => {
          audienceAt.push(now);
          return { recipients: [...audience(40, now), { customerId: 41, channel: null, address: null, skipReason: "unsubscribed", dueAt: now }] };
        },
        renderDeliveries: helloRenderer(),
      },
    });
  });
  afterAll(async () => {
    await worker.stop(5_000);
    await standIn.close();
    await db.drop();
  });

  it("a campaign asked to start now is started by its job and sent to the end at the channel's rate", { timeout: 60_000 }, async () => {
    const now = new Date();
    // an admin set email to 25 messages a second; the sender's own default is far higher
    await db.models.ChannelSettings.create({ channel: "email", settings: "{}", ratePerSecond: 25, updatedById: null, createdAt: now, updatedAt: now });
    const id = await createCampaign(db, now);
    expect(await requestStart(db, services.jobs, id, now)).toEqual({ ok: true, status: "scheduled" });
    await waitFor(async () => (await db.models.Campaign.findByPk(id, { raw: true }))!.status === "finished", 45_000, "the campaign to finish");

    expect(audienceAt).toHaveLength(1);
    expect(await campaignProgress(db, id)).toMatchObject({ sent: 40, skipped: 1, queued: 0, in_flight: 0 });
    expect(standIn.received.size).toBe(40);
    expect(standIn.duplicates()).toEqual([]);
    // 40 messages at 25/s: no faster than 39/25 s
    expect(standIn.arrivals[39] - standIn.arrivals[0]).toBeGreaterThan(1_400);
  });
});
