// A worker's senders follow the channels page: an admin who saves SMTP settings while a campaign is
// sending from the outbox sees its next batch go out by SMTP, without restarting the worker; a
// second save moves it to another server and closes the first one's connections.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, testDialect } from "../support/db";
import { SmtpPeer } from "../support/stand-ins/smtp";
import { waitFor } from "../jobs/support";
import { JobQueue } from "../../jobs/job-queue";
import { sendingDeps } from "../../jobs/send-campaign";
import { startCampaign } from "../../campaigns/send.server";
import { runSender } from "../../campaigns/sender.server";
import { ChannelThrottles } from "../../campaigns/throttle";
import { currentSenders, type SenderSet } from "../../campaigns/channels/current-senders.server";
import { saveChannelSettings } from "../../campaigns/channels/settings.server";
import { addCustomers } from "../customers/factory";
import { audience, createCampaign, helloRenderer, quietLog } from "./support";

const SECRET = "test-session-secret-long-enough-to-use";
const T0 = new Date("2026-05-04T09:00:00.000Z");

describe(`a running worker's senders follow the channels page, on ${testDialect}`, () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let queue: JobQueue;
  let first: SmtpPeer;
  let second: SmtpPeer;
  let channels: SenderSet;

  const saveSmtp = async (peer: SmtpPeer) => {
    const saved = await saveChannelSettings(db, "email", { host: "127.0.0.1", port: peer.port, security: "opportunistic", from: "Shop <news@shop.test>" }, { userId: null }, SECRET, new Date());
    expect(saved.ok, JSON.stringify(saved)).toBe(true);
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    queue = new JobQueue(db, { name: "settings-test", processEveryMs: 1_000 });
    [first, second] = await Promise.all([new SmtpPeer().start(), new SmtpPeer().start()]);
    // made as the worker makes them: nothing saved and no environment, so every channel is the outbox
    channels = await currentSenders(db, {}, SECRET);
  });
  afterAll(async () => {
    await channels?.close();
    await Promise.all([first?.close(), second?.close()]);
    await db.drop();
  });

  it("SMTP settings saved during a send take the next batch to SMTP; the batch before stays in the outbox", async () => {
    expect(channels.senders.email.provider).toBe("outbox");
    const customers = await addCustomers(db, Array.from({ length: 10 }, (_, i) => ({ externalId: `settings-${i}` })));
    const id = await createCampaign(db, T0);
    await startCampaign(db, queue, id, customers.map((customerId) => audience(1, T0, { from: customerId })[0]), T0);
    const deps = await sendingDeps({ db, channels, renderDeliveries: helloRenderer(), throttles: new ChannelThrottles(), clock: () => T0, log: { ...quietLog, error: () => {} } });
    let batches = 0;
    const run = await runSender(deps, id, "run-1", {
      batchSize: 5,
      lanes: 1,
      maxRunMs: 60_000,
      onBatch: async () => {
        if (++batches === 1) await saveSmtp(first);
      },
    });
    expect(run.state).toBe("finished");

    const rows = await db.models.CampaignDelivery.findAll({ where: { campaignId: id }, order: [["id", "ASC"]], raw: true });
    expect(rows.map((r) => [r.status, r.error])).toEqual(new Array(10).fill(["sent", null]));
    const outbox = await db.models.OutboxMessage.findAll({ where: { purpose: "campaign" }, raw: true });
    expect(outbox.map((o) => Number(o.deliveryId)).sort((a, b) => a - b)).toEqual(rows.slice(0, 5).map((r) => Number(r.id)));
    expect(rows.slice(0, 5).every((r) => r.providerMessageId?.startsWith("outbox-"))).toBe(true);
    expect(first.mails.map((m) => m.envelopeTo[0]).sort()).toEqual(rows.slice(5).map((r) => r.address).sort());
    expect(rows.slice(5).every((r) => r.providerMessageId === `<campaign-${id}-customer-${r.customerId}@shop.test>`)).toBe(true);
  });

  it("nothing saved since: no sender is rebuilt; another save replaces the pool and closes the old one's connections", async () => {
    expect(await channels.refresh()).toEqual([]);
    const before = channels.senders.email;
    expect(first.openConnections).toBeGreaterThan(0);

    await saveSmtp(second);
    expect(await channels.refresh()).toEqual(["email"]);
    expect(channels.senders.email).not.toBe(before);
    await channels.senders.email.send({ deliveryKey: "campaign-0-customer-1", to: "after@shop.test", message: { channel: "email", subject: "Hi", text: "Hello" } });
    expect(second.mails.map((m) => m.envelopeTo[0])).toEqual(["after@shop.test"]);
    await waitFor(() => first.openConnections === 0, 5_000, "the first server's connections to close");
  });
});
