// The campaigns one customer received or was skipped from, for their page: one entry per delivery
// row, newest first, a page at a time. The caller checks that the viewer may see the customer.
import { Op } from "sequelize";
import type { Database } from "../models/db";
import type { CampaignStatus, DeliveryStatus, SkipReason } from "../models/campaign-models";
import { readTimestamp } from "../models/sql/bulk";

export const CUSTOMER_CAMPAIGNS_PAGE_SIZE = 10;

export interface CustomerCampaignEntry {
  deliveryId: number;
  campaignId: number;
  /** Null for a campaign that is gone (only drafts are deleted, and they have no deliveries). */
  campaignName: string | null;
  campaignStatus: CampaignStatus | null;
  channel: string | null;
  status: DeliveryStatus;
  skipReason: SkipReason | null;
  /** The latest thing that happened to the message: read, delivered, failed, sent; else when it is (or was) due. */
  at: Date;
}

export interface CustomerCampaignsPage {
  entries: CustomerCampaignEntry[];
  /** The next (older) page's cursor; null on the last page. */
  olderCursor: string | null;
  total: number;
}

/** A cursor this module gave (a delivery id), or null for anything else: the first page. */
function readCursor(text: string | null | undefined): number | null {
  return text && /^[1-9]\d{0,15}$/.test(text) ? Number(text) : null;
}

/**
 * The customer's campaign deliveries, newest first (rows are written when a campaign starts, so
 * the delivery id orders them by start), a page at a time by keyset on that id.
 */
export async function listCustomerCampaigns(db: Database, input: { customerId: number; cursor?: string | null; pageSize?: number }): Promise<CustomerCampaignsPage> {
  const pageSize = input.pageSize ?? CUSTOMER_CAMPAIGNS_PAGE_SIZE;
  const before = readCursor(input.cursor);
  const { CampaignDelivery, Campaign } = db.models;
  const [rows, total] = await Promise.all([
    CampaignDelivery.findAll({
      attributes: ["id", "campaignId", "channel", "status", "skipReason", "dueAt", "sentAt", "deliveredAt", "readAt", "failedAt", "createdAt"],
      where: { customerId: input.customerId, ...(before !== null ? { id: { [Op.lt]: before } } : {}) },
      order: [["id", "DESC"]],
      limit: pageSize + 1,
      raw: true,
    }),
    CampaignDelivery.count({ where: { customerId: input.customerId } }),
  ]);
  const page = rows.slice(0, pageSize);
  const campaignIds = [...new Set(page.map((r) => Number(r.campaignId)))];
  const campaigns = campaignIds.length ? await Campaign.findAll({ attributes: ["id", "name", "status"], where: { id: { [Op.in]: campaignIds } }, raw: true }) : [];
  const byId = new Map(campaigns.map((c) => [Number(c.id), c]));
  const entries = page.map((r) => {
    const campaign = byId.get(Number(r.campaignId));
    const at = readTimestamp(r.readAt) ?? readTimestamp(r.deliveredAt) ?? readTimestamp(r.failedAt) ?? readTimestamp(r.sentAt) ?? (r.status === "skipped" ? readTimestamp(r.createdAt) : readTimestamp(r.dueAt));
    return {
      deliveryId: Number(r.id),
      campaignId: Number(r.campaignId),
      campaignName: campaign?.name ?? null,
      campaignStatus: campaign?.status ?? null,
      channel: r.channel ?? null,
      status: r.status,
      skipReason: r.skipReason ?? null,
      at: at!,
    };
  });
  return { entries, olderCursor: rows.length > pageSize ? String(entries[entries.length - 1].deliveryId) : null, total };
}
