// The demo store's campaigns: one sent yesterday, finished, with its report; one scheduled for
// tomorrow morning with its start job waiting for the worker. Both go through the real campaign
// functions (create, start, the audience through the segment engine, the sender); the sent one's
// messages go to the outbox whatever the environment configures, so a demo never reaches a person.
import { DateTime } from "luxon";
import type { ConsoleServices } from "../models/context";
import type { CampaignRow } from "../models/campaign-models";
import { getStoreSettings } from "../models/store.server";
import { Random } from "../models/demo/random";
import { createCampaign } from "../campaigns/campaigns.server";
import { requestStart, startCampaign } from "../campaigns/send.server";
import { runSender } from "../campaigns/sender.server";
import { resolveAudience } from "../campaigns/audience.server";
import { createOutboxSender } from "../campaigns/channels/outbox.server";
import { CHANNELS, type ChannelName, type ChannelSender } from "../campaigns/channels/channel";
import { progressAfter, type DeliveryProgress } from "../campaigns/inbound/delivery-progress";
import type { DeliveryReport, InboundProvider } from "../campaigns/inbound/events";
import { sqlLiteral } from "../models/sql/bulk";
import { campaignWiring } from "./campaign-wiring";

export const SENT_NAME = "Autumn collection: 15% off for our regulars";
const SCHEDULED_NAME = "Weekend sale reminder";
/** The segments the demo campaigns address (models/demo/segments.ts). */
const AUDIENCE = ["kids-clothing-parents"];
/** Sender batches the send is cut into: the clock moves a minute or so for each. */
const BATCHES = 30;

type Log = (line: string) => void;

/**
 * Creates the demo campaigns on a store with none. `now` is the first start's moment: the sent
 * campaign started at 10:00 store time the day before, the scheduled one starts at 10:00 the day after.
 */
export async function seedDemoCampaigns(services: ConsoleServices, options: { userId: number | null; seed: number; now: Date; log: Log }): Promise<void> {
  const { db } = services;
  if ((await db.models.Campaign.count()) > 0) return;
  const segments = await db.models.Segment.findAll({ attributes: ["id", "code"], where: { code: AUDIENCE, deletedAt: null }, raw: true });
  if (segments.length === 0) {
    options.log("campaigns: none, the demo segments are missing");
    return;
  }
  const store = await getStoreSettings(db);
  const today = DateTime.fromJSDate(options.now, { zone: store.timeZone }).startOf("day");
  const actor = { userId: options.userId };
  const includeSegmentIds = segments.map((s) => Number(s.id));
  const templates = {
    viber: { textBody: "Hi {{ customer.first_name | default: 'there' }}! Our autumn collection is in, and regulars get 15% off until Sunday." },
    sms: { textBody: "{{ store.name }}: autumn collection in, 15% off for you until Sunday." },
  };

  const sentAt = today.minus({ days: 1 }).set({ hour: 10 }).toJSDate();
  const sent = await createCampaign(db, { name: SENT_NAME, channels: ["viber", "sms"], includeSegmentIds, templates }, actor, new Date(sentAt.getTime() - 3_600_000));
  if (!sent.ok) throw new Error(`demo campaign: ${JSON.stringify(sent)}`);
  await sendInThePast(services, sent.campaign.id, sentAt, options, options.log);

  const startsAt = today.plus({ days: 1 }).set({ hour: 10 }).toJSDate();
  const scheduled = await createCampaign(
    db,
    {
      name: SCHEDULED_NAME,
      channels: ["sms"],
      includeSegmentIds,
      schedule: { kind: "at", timeZoneMode: "store", sendAt: startsAt.toISOString() },
      templates: { sms: { textBody: "{{ store.name }}: the weekend sale starts now. Up to 30% off, today and tomorrow." } },
    },
    actor,
    options.now,
  );
  if (!scheduled.ok) throw new Error(`demo campaign: ${JSON.stringify(scheduled)}`);
  const queued = await requestStart(db, services.jobs, scheduled.campaign.id, options.now);
  if (!queued.ok) throw new Error(`demo campaign: ${queued.reason}`);
  options.log(`campaigns: "${SENT_NAME}" sent yesterday through the outbox, "${SCHEDULED_NAME}" scheduled for tomorrow 10:00`);
}

/**
 * Sends the campaign as the worker would have from `startedAt`: the start job's audience and
 * start, then sender runs on a clock that moves a minute or so per batch, so the report shows a
 * send of about as long as a throttled SMS number takes. Then the receipts (see receipts below).
 */
async function sendInThePast(services: ConsoleServices, campaignId: number, startedAt: Date, { seed, now }: { seed: number; now: Date }, log: Log): Promise<void> {
  const { db } = services;
  const random = new Random(seed, 0xca3);
  let clockMs = startedAt.getTime();
  const clock = () => new Date(clockMs);
  const outbox = Object.fromEntries(CHANNELS.map((channel) => [channel, createOutboxSender(db, channel, { clock })])) as Record<ChannelName, ChannelSender>;
  const wiring = await campaignWiring(services, { senders: outbox }, clock);

  const queued = await requestStart(db, services.jobs, campaignId, startedAt);
  if (!queued.ok) throw new Error(`demo campaign: ${queued.reason}`);
  const campaign = (await db.models.Campaign.findByPk(campaignId, { raw: true })) as CampaignRow;
  const { recipients } = await resolveAudience({ db, engine: services.segments }, campaign, startedAt);
  await startCampaign(db, services.jobs, campaignId, recipients, startedAt);

  const queuedCount = await db.models.CampaignDelivery.count({ where: { campaignId, status: "queued" } });
  const batchSize = Math.max(5, Math.ceil(queuedCount / BATCHES));
  const quiet = { info: () => {}, warn: (detail: object, message: string) => log(`demo campaign: ${message} ${JSON.stringify(detail)}`) };
  const deps = { db, senders: outbox, render: wiring.renderDeliveries, ratePerSecond: () => 1_000_000, clock, log: quiet };
  const onBatch = async () => {
    clockMs += random.int(40, 100) * 1000;
  };
  // messages moved by quiet hours are due later: the clock jumps to them, as the send job would wait
  for (let run = 0; run < 50; run++) {
    const outcome = await runSender(deps, campaignId, `demo-first-start/${run}`, { batchSize, maxRunMs: 60_000, lanes: 1, onBatch });
    if (outcome.state !== "waiting" && outcome.state !== "continuing") break;
    if (outcome.nextRunAt) clockMs = Math.max(clockMs, outcome.nextRunAt.getTime());
  }
  await receipts(services, campaignId, random, now);
}

/** One chunk of the receipts' writes: a statement per chunk, not per message. */
const RECEIPT_CHUNK = 500;

/**
 * What the providers would have reported. Nothing left the machine (the outbox), so no provider
 * will: these receipts are the demo's invention. Most messages are delivered within seconds to
 * minutes, some are read on Viber, a few SMS are undelivered. Each row moves as the webhook
 * applier (campaigns/inbound/apply.server.ts) would move it, by the same rule (progressAfter), and
 * each receipt is recorded in delivery_events under a "demo-" key, as a webhook's is; but written
 * in bulk, a statement per few hundred rows, where the applier takes a transaction per event: on a
 * fresh database nothing else writes these rows, and a transaction per event would add seconds to
 * the first start.
 */
async function receipts(services: ConsoleServices, campaignId: number, random: Random, now: Date): Promise<void> {
  const { db } = services;
  const rows = await db.models.CampaignDelivery.findAll({
    attributes: ["id", "channel", "status", "providerMessageId", "sentAt", "deliveredAt", "readAt", "failedAt", "error"],
    where: { campaignId, status: "sent" },
    order: [["id", "ASC"]],
    raw: true,
  });
  const events: Array<{ deliveryId: number; provider: InboundProvider; eventKey: string; type: DeliveryReport; occurredAt: Date; payload: string; createdAt: Date }> = [];
  const moved: Array<{ id: number; progress: DeliveryProgress }> = [];
  for (const row of rows) {
    if (!row.providerMessageId || !row.sentAt || (row.channel !== "viber" && row.channel !== "sms")) continue;
    const id = Number(row.id);
    const sentMs = new Date(row.sentAt).getTime();
    // delays skewed short: most within a minute, a tail over the next half hour
    const delayMs = Math.round(2_000 + 1_800_000 * random.next() ** 4);
    const reports: Array<{ report: DeliveryReport; atMs: number; error: string | null }> = [];
    const roll = random.next();
    if (roll < 0.06) reports.push({ report: "failed", atMs: sentMs + delayMs, error: row.channel === "sms" ? "30003: Unreachable destination handset" : "The user is not reachable on Viber" });
    else if (roll < 0.9) {
      reports.push({ report: "delivered", atMs: sentMs + delayMs, error: null });
      if (row.channel === "viber" && random.chance(0.4)) reports.push({ report: "read", atMs: sentMs + delayMs + random.int(60, 7_200) * 1000, error: null });
    }
    let progress: DeliveryProgress = { status: row.status, deliveredAt: null, readAt: null, failedAt: null, error: null };
    for (const r of reports) {
      const at = new Date(r.atMs);
      progress = progressAfter(progress, r.report, at, r.error) ?? progress;
      events.push({
        deliveryId: id,
        provider: row.channel === "viber" ? "viber" : "twilio",
        eventKey: `demo-${id}-${r.report}`,
        type: r.report,
        occurredAt: at,
        payload: JSON.stringify({ providerMessageIds: [row.providerMessageId], deliveries: [id], error: r.error, demo: true }),
        createdAt: now,
      });
    }
    if (reports.length) moved.push({ id, progress });
  }
  const value = (v: Date | string | null) => sqlLiteral(v, db);
  await db.sequelize.transaction(async (transaction) => {
    for (let i = 0; i < events.length; i += RECEIPT_CHUNK) await db.models.DeliveryEvent.bulkCreate(events.slice(i, i + RECEIPT_CHUNK), { transaction });
    for (let i = 0; i < moved.length; i += RECEIPT_CHUNK) {
      const chunk = moved.slice(i, i + RECEIPT_CHUNK);
      const per = (pick: (p: DeliveryProgress) => Date | string | null) => `CASE id ${chunk.map((m) => `WHEN ${m.id} THEN ${value(pick(m.progress))}`).join(" ")} END`;
      await db.sequelize.query(
        `UPDATE campaign_deliveries SET status = ${per((p) => p.status)}, delivered_at = ${per((p) => p.deliveredAt)}, read_at = ${per((p) => p.readAt)},
           failed_at = ${per((p) => p.failedAt)}, error = ${per((p) => p.error)}, updated_at = ${value(now)}
         WHERE id IN (${chunk.map((m) => m.id).join(",")}) AND status = 'sent'`,
        { transaction },
      );
    }
  });
}
