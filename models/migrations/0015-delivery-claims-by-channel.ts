import type { QueryInterface } from "sequelize";

/**
 * A campaign's sender claims each channel of its fallback chain apart (a slow SMS number must not
 * hold back Viber). On the (campaign, status, due_at, id) index a claim for one channel walks past
 * the other channel's queued rows, and on MariaDB its FOR UPDATE SKIP LOCKED then locks them for a
 * moment: another channel's claim that meets them skips them and finds nothing. With the channel in
 * the index each claim reads only its own channel's rows.
 */
export async function up(qi: QueryInterface) {
  await qi.addIndex("campaign_deliveries", ["campaign_id", "status", "channel", "due_at", "id"], { name: "campaign_deliveries_next_by_channel" });
}
