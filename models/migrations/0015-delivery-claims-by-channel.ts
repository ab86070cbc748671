import type { QueryInterface } from "sequelize";

/**
 * A campaign's sender claims each channel of its fallback chain apart (a slow SMS number must not
 * hold back Viber), so the index its claims walk has the channel before the due time. It replaces
 * the (campaign, status, due_at, id) index rather than joining it: every claim and every outcome
 * moves a row between statuses, and each index on the status is one more entry to move (the fan-out
 * bench's database work is mostly these moves). On the old index a claim for one channel walked past
 * the other channel's rows, and on MariaDB its FOR UPDATE locked them for a moment, so the other
 * channel's claim skipped them and found nothing.
 */
export async function up(qi: QueryInterface) {
  await qi.addIndex("campaign_deliveries", ["campaign_id", "status", "channel", "due_at", "id"], { name: "campaign_deliveries_next_by_channel" });
  await qi.removeIndex("campaign_deliveries", "campaign_deliveries_next");
}
