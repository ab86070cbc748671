// The store-wide frequency cap: "at most N marketing messages per customer per D days". A message
// counts from the moment it may have reached the customer: sent, delivered or read (by sent_at), and
// in flight or unknown (by claimed_at: the provider may have it). Queued, failed, skipped and
// cancelled rows never reached anyone.
import { Op, fn, col, type Transaction } from "sequelize";
import type { Database } from "../models/db";
import type { DeliveryStatus } from "../models/campaign-models";
import { capWindowStart, type FrequencyCap } from "./schedule";

export const CAPPED_STATUSES: readonly DeliveryStatus[] = ["sent", "delivered", "read", "in_flight", "unknown"];

const CHUNK = 2000;

/**
 * Which of these customers already have `cap.count` or more messages in the `cap.days` × 24 hours
 * up to `at` (so one more would pass the cap). `exceptCampaignId`: that campaign's own messages do
 * not count (a campaign sent again to those it has not reached).
 */
export async function customersAtCap(
  db: Database,
  customerIds: readonly number[],
  at: Date,
  cap: FrequencyCap,
  options: { exceptCampaignId?: number; transaction?: Transaction } = {},
): Promise<Set<number>> {
  const atCap = new Set<number>();
  const from = capWindowStart(at, cap);
  const inWindow = { [Op.gt]: from, [Op.lte]: at };
  const sorted = [...customerIds].sort((a, b) => a - b);
  const wanted = new Set(sorted);
  for (let i = 0; i < sorted.length; i += CHUNK) {
    const ids = sorted.slice(i, i + CHUNK);
    // dense ids (most of the store): one range read on campaign_deliveries_customer, others ignored below
    const dense = ids[ids.length - 1] - ids[0] + 1 <= 2 * ids.length;
    const rows = (await db.models.CampaignDelivery.findAll({
      attributes: ["customerId", [fn("COUNT", col("id")), "messages"]],
      where: {
        customerId: dense ? { [Op.between]: [ids[0], ids[ids.length - 1]] } : { [Op.in]: ids },
        status: { [Op.in]: [...CAPPED_STATUSES] },
        ...(options.exceptCampaignId !== undefined ? { campaignId: { [Op.ne]: options.exceptCampaignId } } : {}),
        [Op.or]: [{ sentAt: inWindow }, { sentAt: { [Op.is]: null }, claimedAt: inWindow }],
      },
      group: ["customerId"],
      raw: true,
      transaction: options.transaction,
    })) as unknown as Array<{ customerId: number; messages: number | string }>;
    for (const r of rows) if (Number(r.messages) >= cap.count && wanted.has(Number(r.customerId))) atCap.add(Number(r.customerId));
  }
  return atCap;
}
