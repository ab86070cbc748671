// What the campaign tests share: segments to aim at, a campaign as the API takes it and as the page
// form posts it, delivery rows written directly, a campaign row, an audience, and the sender's parts
// aimed at a stand-in provider.
import type { Database } from "../../models/db";
import type { CampaignRow, DeliveryStatus, SkipReason } from "../../models/campaign-models";
import { saveSegment } from "../../segments/store.server";
import { addCampaignRow } from "../support/campaign-row";
import type { ChannelName, ChannelSender, RenderedMessage } from "../../campaigns/channels/channel";
import type { SendRecipient } from "../../campaigns/send.server";
import type { RenderDeliveries, RenderOutcome, SenderDeps } from "../../campaigns/sender.server";

/** A campaign row (test/support/campaign-row.ts); returns its id. */
export async function createCampaign(db: Database, now: Date, fields: Partial<CampaignRow> = {}): Promise<number> {
  return (await addCampaignRow(db, now, fields)).id;
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

/** A manual segment (nothing to compute); returns its id. */
export async function addSegment(db: Database, name: string, code: string): Promise<number> {
  const saved = await saveSegment(db, { name, code, type: "manual", criteria: [] }, { userId: null });
  if (!saved.ok) throw new Error(JSON.stringify(saved.errors));
  return saved.segment.id;
}

/** A whole campaign as POST /api/v1/campaigns takes it. */
export function campaignBody(segmentId: number, fields: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: "Spring sale",
    channels: ["email", "sms"],
    includeSegmentIds: [segmentId],
    templates: {
      email: { subject: "Spring is here, {{ customer.first_name }}", htmlBody: "<h1>Spring sale</h1><p>20% off</p>" },
      sms: { textBody: "Spring sale: 20% off today" },
    },
    ...fields,
  };
}

/** The same campaign as the page form posts it. */
export function campaignForm(segmentId: number, fields: Record<string, string | string[]> = {}): Record<string, string | string[]> {
  return {
    name: "Spring sale",
    channels: ["email", "sms"],
    includeSegmentIds: [String(segmentId)],
    scheduleKind: "now",
    timeZoneMode: "store",
    sendAt: "",
    quietHoursMode: "store",
    "templates.email.subject": "Spring is here, {{ customer.first_name }}",
    "templates.email.htmlBody": "<h1>Spring sale</h1><p>20% off</p>",
    "templates.email.textBody": "",
    "templates.sms.textBody": "Spring sale: 20% off today",
    ...fields,
  };
}

export interface DeliverySpec {
  customerId: number;
  status: DeliveryStatus;
  channel?: string | null;
  address?: string | null;
  skipReason?: SkipReason | null;
  error?: string | null;
}

/** Delivery rows of a campaign, as starting it would write them. */
export async function addDeliveries(db: Database, campaignId: number, specs: DeliverySpec[], at = new Date("2026-03-01T10:00:00Z")): Promise<void> {
  await db.models.CampaignDelivery.bulkCreate(
    specs.map((s) => ({
      campaignId,
      customerId: s.customerId,
      channel: s.channel === undefined ? "email" : s.channel,
      address: s.address === undefined ? `c${s.customerId}@shop.test` : s.address,
      status: s.status,
      skipReason: s.skipReason ?? null,
      error: s.error ?? null,
      dueAt: at,
      sentAt: ["sent", "delivered", "read"].includes(s.status) ? at : null,
      createdAt: at,
      updatedAt: at,
    })),
  );
}
