// The outbox as a campaign's channel keeps decision 0019's rule 4: a message stored in the outbox
// and its delivery's move to "sent" commit together. A failure between them (here a trigger that
// refuses the move to "sent") leaves neither, the rows go back in line, and the next run stores
// each message once.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, testDialect } from "../support/db";
import { JobQueue } from "../../jobs/job-queue";
import { startCampaign } from "../../campaigns/send.server";
import { runSender } from "../../campaigns/sender.server";
import { createOutboxSender } from "../../campaigns/channels/outbox.server";
import { CHANNELS, type ChannelName, type ChannelSender } from "../../campaigns/channels/channel";
import { addCustomers } from "../customers/factory";
import { audience, createCampaign, senderDeps } from "./support";

const T0 = new Date("2026-05-04T09:00:00.000Z");

describe(`campaign messages to the outbox on ${testDialect}`, () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let queue: JobQueue;

  beforeAll(async () => {
    db = await createTestDatabase();
    queue = new JobQueue(db, { name: "outbox-test", processEveryMs: 1_000 });
  });
  afterAll(() => db?.drop());

  const refuseSent = () =>
    db.dialect === "mysql"
      ? db.sequelize.query(
          `CREATE TRIGGER refuse_sent BEFORE UPDATE ON campaign_deliveries FOR EACH ROW
           BEGIN IF NEW.status = 'sent' THEN SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'refused by the test'; END IF; END`,
        )
      : db.sequelize.query(
          `CREATE TRIGGER refuse_sent BEFORE UPDATE OF status ON campaign_deliveries WHEN NEW.status = 'sent' BEGIN SELECT RAISE(ABORT, 'refused by the test'); END`,
        );
  const allowSent = () => db.sequelize.query("DROP TRIGGER IF EXISTS refuse_sent");

  it("a failure between storing and marking sent leaves neither; the retry stores each message once", async () => {
    const customers = await addCustomers(db, Array.from({ length: 6 }, (_, i) => ({ externalId: `outbox-${i}` })));
    const id = await createCampaign(db, T0);
    await startCampaign(db, queue, id, customers.map((customerId) => audience(1, T0, { from: customerId })[0]), T0);
    const senders = Object.fromEntries(CHANNELS.map((channel) => [channel, createOutboxSender(db, channel, { clock: () => T0 })])) as Record<ChannelName, ChannelSender>;
    const deps = senderDeps(db, senders, () => T0);
    const options = { batchSize: 4, lanes: 1, maxRunMs: 60_000 };

    await refuseSent();
    try {
      const failure = await runSender(deps, id, "run-1", options).then(
        () => null,
        (error: Error & { original?: Error }) => error.original?.message ?? error.message,
      );
      expect(failure).toMatch(/refused by the test/);
    } finally {
      await allowSent();
    }
    expect(await db.models.OutboxMessage.count()).toBe(0);
    const afterFailure = await db.models.CampaignDelivery.findAll({ where: { campaignId: id }, raw: true });
    expect(afterFailure.map((r) => [r.status, r.providerMessageId])).toEqual(new Array(6).fill(["queued", null]));

    const run = await runSender(deps, id, "run-2", options);
    expect(run).toMatchObject({ state: "finished", counts: { sent: 6, unknown: 0 } });
    const rows = await db.models.CampaignDelivery.findAll({ where: { campaignId: id }, order: [["id", "ASC"]], raw: true });
    const stored = await db.models.OutboxMessage.findAll({ order: [["id", "ASC"]], raw: true });
    expect(stored).toHaveLength(6);
    expect(stored.map((o) => Number(o.deliveryId)).sort((a, b) => a - b)).toEqual(rows.map((r) => Number(r.id)));
    const byDelivery = new Map(stored.map((o) => [Number(o.deliveryId), o]));
    for (const row of rows) {
      expect(row.status).toBe("sent");
      expect(row.providerMessageId).toBe(`outbox-${byDelivery.get(Number(row.id))!.id}`);
      expect(byDelivery.get(Number(row.id))!.providerMessageId).toBe(row.providerMessageId);
    }
  });
});
