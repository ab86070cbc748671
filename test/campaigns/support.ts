// What the campaign page and API tests share: segments to aim at, a campaign as the API takes it
// and as the page form posts it, and delivery rows written the way the sending part will write
// them (a test-local stand-in: sending is built elsewhere).
import type { Database } from "../../models/db";
import type { DeliveryStatus, SkipReason } from "../../models/campaign-models";
import { saveSegment } from "../../segments/store.server";

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
