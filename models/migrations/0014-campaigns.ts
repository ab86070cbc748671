import { DataTypes, type QueryInterface } from "sequelize";
import { createTable, timestamps } from "./helpers";

/**
 * Campaigns and what sending them leaves behind: one template per channel, one delivery row per
 * (campaign, customer) written when sending starts, the provider events that come back (each once),
 * the channels' settings, the store's marketing rules, and the customer's own time zone.
 */
export async function up(qi: QueryInterface) {
  const time = (allowNull = true) => ({ type: DataTypes.DATE(3), allowNull });
  const str = (length: number, allowNull = true) => ({ type: DataTypes.STRING(length), allowNull });

  await createTable(qi, "campaigns", {
    id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true, allowNull: false },
    name: str(200, false),
    // draft → scheduled → sending ⇄ paused → finished; or cancelled from any but finished
    status: str(16, false),
    // the fallback chain in order, comma-separated: "viber,sms"
    channels: str(64, false),
    // JSON arrays of segment ids
    include_segment_ids: { type: DataTypes.TEXT, allowNull: false },
    exclude_segment_ids: { type: DataTypes.TEXT, allowNull: false },
    // "now" or "at"; for "at" in the store's zone, send_at is the instant; in each customer's own
    // zone, local_send_at is the wall time ("2026-12-24T10:00") read in each customer's zone
    schedule_kind: str(8, false),
    time_zone_mode: str(16, false),
    send_at: time(),
    local_send_at: str(16),
    // "21:00" to "09:00", in the zone the message is sent by; both empty: no quiet hours
    quiet_hours_start: str(5),
    quiet_hours_end: str(5),
    created_by_id: { type: DataTypes.INTEGER, allowNull: true, references: { model: "users", key: "id" }, onDelete: "SET NULL" },
    started_at: time(),
    finished_at: time(),
    paused_at: time(),
    cancelled_at: time(),
    ...timestamps(),
  });
  await qi.addIndex("campaigns", ["status", "send_at"]);

  await createTable(qi, "message_templates", {
    id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true, allowNull: false },
    // what the template belongs to: "campaign" now, "automation" later
    owner_kind: str(16, false),
    owner_id: { type: DataTypes.INTEGER, allowNull: false },
    channel: str(16, false),
    subject: str(500),
    html_body: { type: DataTypes.TEXT, allowNull: true },
    text_body: { type: DataTypes.TEXT, allowNull: true },
    ...timestamps(),
  });
  await qi.addIndex("message_templates", ["owner_kind", "owner_id", "channel"], { unique: true, name: "message_templates_owner_channel" });

  await createTable(qi, "campaign_deliveries", {
    id: { type: DataTypes.BIGINT, autoIncrement: true, primaryKey: true, allowNull: false },
    campaign_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: "campaigns", key: "id" }, onDelete: "CASCADE" },
    customer_id: { type: DataTypes.INTEGER, allowNull: false },
    // the channel of the chain that reaches the customer; empty for a skip with no channel
    channel: str(16),
    address: str(320),
    // queued → in_flight → sent → delivered → read; failed; skipped (skip_reason); unknown (cut off
    // mid-call: never re-sent without the marketer asking); cancelled
    status: str(16, false),
    skip_reason: str(32),
    // not before this instant (schedule, the customer's zone, quiet hours)
    due_at: time(false),
    attempts: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
    // which worker claimed the row and when (a claim older than the lock lifetime is abandoned)
    claimed_by: str(64),
    claimed_at: time(),
    provider_message_id: str(255),
    error: { type: DataTypes.TEXT, allowNull: true },
    sent_at: time(),
    delivered_at: time(),
    read_at: time(),
    failed_at: time(),
    ...timestamps(),
  });
  // the key that makes a second message to one customer impossible
  await qi.addIndex("campaign_deliveries", ["campaign_id", "customer_id"], { unique: true, name: "campaign_deliveries_recipient" });
  // the sender's next batch: due queued rows of one campaign
  await qi.addIndex("campaign_deliveries", ["campaign_id", "status", "due_at", "id"], { name: "campaign_deliveries_next" });
  await qi.addIndex("campaign_deliveries", ["provider_message_id"], { name: "campaign_deliveries_provider_id" });
  // a customer's message history and the frequency cap
  await qi.addIndex("campaign_deliveries", ["customer_id", "sent_at"], { name: "campaign_deliveries_customer" });

  await createTable(qi, "delivery_events", {
    id: { type: DataTypes.BIGINT, autoIncrement: true, primaryKey: true, allowNull: false },
    delivery_id: { type: DataTypes.BIGINT, allowNull: true, references: { model: "campaign_deliveries", key: "id" }, onDelete: "CASCADE" },
    provider: str(16, false),
    // the provider's own id for the event (or a hash of its content): each event is applied once
    event_key: str(191, false),
    // delivered, read, failed, unsubscribed, subscribed, sent, …
    type: str(32, false),
    occurred_at: time(false),
    payload: { type: DataTypes.TEXT, allowNull: true },
    created_at: time(false),
  });
  await qi.addIndex("delivery_events", ["provider", "event_key"], { unique: true, name: "delivery_events_once" });
  await qi.addIndex("delivery_events", ["delivery_id", "id"]);

  await createTable(qi, "channel_settings", {
    channel: { type: DataTypes.STRING(16), primaryKey: true, allowNull: false },
    // JSON of the provider's settings; secrets sealed with the server's secret, never shown back
    settings: { type: DataTypes.TEXT, allowNull: false },
    // messages per second; empty: the provider's documented default
    rate_per_second: { type: DataTypes.INTEGER, allowNull: true },
    updated_by_id: { type: DataTypes.INTEGER, allowNull: true, references: { model: "users", key: "id" }, onDelete: "SET NULL" },
    ...timestamps(),
  });

  // the store's marketing rules: default quiet hours, the frequency cap, the price of an SMS part
  await qi.addColumn("store_settings", "quiet_hours_start", str(5));
  await qi.addColumn("store_settings", "quiet_hours_end", str(5));
  await qi.addColumn("store_settings", "frequency_cap_count", { type: DataTypes.INTEGER, allowNull: true });
  await qi.addColumn("store_settings", "frequency_cap_days", { type: DataTypes.INTEGER, allowNull: true });
  // thousandths of the store's currency per SMS part (0.0735 € = 74)
  await qi.addColumn("store_settings", "sms_part_price_millis", { type: DataTypes.INTEGER, allowNull: true });

  await qi.addColumn("customers", "time_zone", str(64));

  // a campaign message kept in the outbox (no provider configured) points at its delivery
  await qi.addColumn("outbox_messages", "delivery_id", { type: DataTypes.BIGINT, allowNull: true });
  await qi.addIndex("outbox_messages", ["delivery_id"]);
  await qi.addIndex("outbox_messages", ["channel", "id"]);
}
