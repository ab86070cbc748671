// Small factories for the sending tests: a campaign row, an audience, and the sender's parts aimed
// at a stand-in provider.
import type { Database } from "../../models/db";
import type { CampaignRow } from "../../models/campaign-models";
import type { ChannelName, ChannelSender, RenderedMessage } from "../../campaigns/channels/channel";
import type { SendRecipient } from "../../campaigns/send.server";
import type { RenderDeliveries, RenderOutcome, SenderDeps } from "../../campaigns/sender.server";

export async function createCampaign(db: Database, now: Date, fields: Partial<CampaignRow> = {}): Promise<number> {
  const campaign = await db.models.Campaign.create({
    name: "Spring sale",
    status: "draft",
    channels: "email",
    includeSegmentIds: "[]",
    excludeSegmentIds: "[]",
    scheduleKind: "now",
    timeZoneMode: "store",
    sendAt: null,
    localSendAt: null,
    quietHoursStart: null,
    quietHoursEnd: null,
    createdById: null,
    createdAt: now,
    updatedAt: now,
    ...fields,
  } as never);
  return campaign.id;
}

/** Customers `from`..`from + count - 1`, each reachable on `channel` at an address named by its id. */
export function audience(count: number, dueAt: Date, options: { from?: number; channel?: ChannelName; address?: (customerId: number) => string } = {}): SendRecipient[] {
  const from = options.from ?? 1;
  const channel = options.channel ?? "email";
  return Array.from({ length: count }, (_, i) => ({
    customerId: from + i,
    channel,
    address: options.address?.(from + i) ?? `customer-${from + i}@example.test`,
    skipReason: null,
    dueAt,
  }));
}

/** Renders "Hello <customer id>" on the delivery's channel; `problems` fail the given customers' messages. */
export function helloRenderer(problems: Map<number, string> = new Map()): RenderDeliveries {
  return async (_campaign, deliveries) => {
    const out = new Map<number, RenderOutcome>();
    for (const d of deliveries) {
      const problem = problems.get(d.customerId);
      const message: RenderedMessage = { channel: d.channel, text: `Hello ${d.customerId}` };
      out.set(d.id, problem ? { problem: { message: problem } } : message);
    }
    return out;
  };
}

export const quietLog = { info: () => {}, warn: () => {} };

export function senderDeps(db: Database, senders: Record<ChannelName, ChannelSender>, clock: () => Date, extra: Partial<SenderDeps> = {}): SenderDeps {
  return { db, senders, render: helloRenderer(), ratePerSecond: () => 100_000, clock, log: quietLog, ...extra };
}

export const deliveryKey = (campaignId: number, customerId: number) => `campaign-${campaignId}-customer-${customerId}`;

/** The campaign's delivery rows by customer id. */
export async function rowsByCustomer(db: Database, campaignId: number) {
  const rows = await db.models.CampaignDelivery.findAll({ where: { campaignId }, raw: true });
  return new Map(rows.map((row) => [Number(row.customerId), row]));
}
