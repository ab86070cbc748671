import { DataTypes, type QueryInterface } from "sequelize";
import { createTable, timestamps } from "./helpers";

/**
 * Automations (docs/decisions/0031): what acts when a customer enters or leaves a segment, one
 * firing per (automation, segment event) under a unique key, the per-customer cap ledger, and the
 * managers' tasks with their comments. An automation's messages go through the campaign sending
 * path: a hidden campaign per automation owns them (campaigns.automation_id), and each firing's
 * message is a delivery row keyed by the firing as well as the customer.
 */
export async function up(qi: QueryInterface) {
  const time = (allowNull = true) => ({ type: DataTypes.DATE(3), allowNull });
  const str = (length: number, allowNull = true) => ({ type: DataTypes.STRING(length), allowNull });
  const int = (allowNull = true) => ({ type: DataTypes.INTEGER, allowNull });
  const userRef = () => ({ type: DataTypes.INTEGER, allowNull: true, references: { model: "users", key: "id" }, onDelete: "SET NULL" });

  await createTable(qi, "automations", {
    id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true, allowNull: false },
    name: str(200, false),
    segment_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: "segments", key: "id" } },
    // "entered" or "left"
    trigger_kind: str(8, false),
    // "none", "minutes", "hours", "days" (delay_amount of them), or "next_day_at" (delay_time
    // "HH:mm" the day after the event, on the customer's clock)
    delay_kind: str(16, false),
    delay_amount: int(),
    delay_time: str(5),
    // "message", "task", "notify", "add_to_segment", "remove_from_segment"
    action_kind: str(24, false),
    // message: the fallback chain "viber,sms" (templates in message_templates, owner "automation")
    channels: str(64),
    // task: title and a Liquid description, due this many hours after the firing; a user when the
    // customer has no manager. notify: the user told.
    task_title: str(200),
    task_description: { type: DataTypes.TEXT, allowNull: true },
    task_due_hours: int(),
    fallback_user_id: userRef(),
    notify_user_id: userRef(),
    // add_to_segment / remove_from_segment: a manual segment
    target_segment_id: { type: DataTypes.INTEGER, allowNull: true },
    // "none", "once" (ever), or "days" (at most once per cap_days days)
    cap_kind: str(8, false),
    cap_days: int(),
    // "HH:mm" to "HH:mm" in the store's zone; both empty: any time
    firing_hours_start: str(5),
    firing_hours_end: str(5),
    is_active: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: true },
    // events up to this id were written before the automation existed: they do not fire it
    since_event_id: { type: DataTypes.BIGINT, allowNull: false, defaultValue: 0 },
    created_by_id: userRef(),
    paused_at: time(),
    deleted_at: time(),
    ...timestamps(),
  });
  await qi.addIndex("automations", ["segment_id", "trigger_kind"]);

  await createTable(qi, "automation_firings", {
    id: { type: DataTypes.BIGINT, autoIncrement: true, primaryKey: true, allowNull: false },
    automation_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: "automations", key: "id" }, onDelete: "CASCADE" },
    segment_event_id: { type: DataTypes.BIGINT, allowNull: false },
    customer_id: { type: DataTypes.INTEGER, allowNull: false },
    // "entered" or "left": the event's kind, kept for the re-check at run time
    event_kind: str(8, false),
    event_at: time(false),
    // pending → claimed → done | skipped; held (automation paused); cancelled (deleted)
    status: str(16, false),
    skip_reason: str(32),
    due_at: time(false),
    attempts: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
    claimed_by: str(64),
    claimed_at: time(),
    acted_at: time(),
    // what the action made: the delivery of the message, the task, the notification
    delivery_id: { type: DataTypes.BIGINT, allowNull: true },
    task_id: { type: DataTypes.BIGINT, allowNull: true },
    notification_id: { type: DataTypes.BIGINT, allowNull: true },
    error: { type: DataTypes.TEXT, allowNull: true },
    ...timestamps(),
  });
  // the key that makes one segment event act at most once per automation
  await qi.addIndex("automation_firings", ["automation_id", "segment_event_id"], { unique: true, name: "automation_firings_once" });
  // the runner's next batch: due pending rows
  await qi.addIndex("automation_firings", ["status", "due_at", "id"], { name: "automation_firings_next" });
  // an automation's report and its pause, resume and delete
  await qi.addIndex("automation_firings", ["automation_id", "status", "id"], { name: "automation_firings_by_automation" });
  await qi.addIndex("automation_firings", ["customer_id", "id"]);

  // the frequency cap, one row per (automation, customer) that ever acted: its last firing
  await createTable(qi, "automation_caps", {
    automation_id: { type: DataTypes.INTEGER, primaryKey: true, allowNull: false, references: { model: "automations", key: "id" }, onDelete: "CASCADE" },
    customer_id: { type: DataTypes.INTEGER, primaryKey: true, allowNull: false },
    firing_id: { type: DataTypes.BIGINT, allowNull: false },
    fired_at: time(false),
  });

  await createTable(qi, "tasks", {
    id: { type: DataTypes.BIGINT, autoIncrement: true, primaryKey: true, allowNull: false },
    customer_id: { type: DataTypes.INTEGER, allowNull: true, references: { model: "customers", key: "id" }, onDelete: "SET NULL" },
    assignee_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: "users", key: "id" } },
    title: str(200, false),
    description: { type: DataTypes.TEXT, allowNull: true },
    due_at: time(),
    // "open" or "done"
    status: str(8, false),
    completed_at: time(),
    completed_by_id: userRef(),
    automation_id: { type: DataTypes.INTEGER, allowNull: true, references: { model: "automations", key: "id" }, onDelete: "SET NULL" },
    firing_id: { type: DataTypes.BIGINT, allowNull: true },
    created_by_id: userRef(),
    ...timestamps(),
  });
  // a manager's inbox: open tasks, the overdue first
  await qi.addIndex("tasks", ["assignee_id", "status", "due_at", "id"], { name: "tasks_inbox" });
  await qi.addIndex("tasks", ["customer_id", "id"]);
  await qi.addIndex("tasks", ["firing_id"], { unique: true, name: "tasks_firing" });

  await createTable(qi, "task_comments", {
    id: { type: DataTypes.BIGINT, autoIncrement: true, primaryKey: true, allowNull: false },
    task_id: { type: DataTypes.BIGINT, allowNull: false, references: { model: "tasks", key: "id" }, onDelete: "CASCADE" },
    author_id: userRef(),
    body: { type: DataTypes.TEXT, allowNull: false },
    created_at: time(false),
  });
  await qi.addIndex("task_comments", ["task_id", "id"]);

  // an automation's hidden campaign: its messages' owner on the campaign sending path
  await qi.addColumn("campaigns", "automation_id", { type: DataTypes.INTEGER, allowNull: true });
  await qi.addIndex("campaigns", ["automation_id"], { unique: true, name: "campaigns_automation" });
  // campaign rows keep 0; an automation's message is one row per firing, so a customer the cap lets
  // through again gets a second row, and a firing never gets two
  await qi.addColumn("campaign_deliveries", "firing_id", { type: DataTypes.BIGINT, allowNull: false, defaultValue: 0 });
  // the new key first: MariaDB's foreign key on campaign_id needs an index to lean on throughout
  await qi.addIndex("campaign_deliveries", ["campaign_id", "customer_id", "firing_id"], { unique: true, name: "campaign_deliveries_recipient_firing" });
  await qi.removeIndex("campaign_deliveries", "campaign_deliveries_recipient");
}
