import { DataTypes, type QueryInterface } from "sequelize";
import { createTable } from "./helpers";

/**
 * In-app notifications (the bell), the outbox every outgoing message passes through (stored and
 * viewable in the console; sent when a provider is configured), and where each follower of the
 * change log has got to, so the incremental recompute resumes after a restart.
 */
export async function up(qi: QueryInterface) {
  const userRef = { type: DataTypes.INTEGER, allowNull: false, references: { model: "users", key: "id" }, onDelete: "CASCADE" };

  await createTable(qi, "notifications", {
    id: { type: DataTypes.BIGINT, autoIncrement: true, primaryKey: true, allowNull: false },
    user_id: userRef,
    // what happened, e.g. "segment.formed"; the page renders it from the catalogue with `params`
    kind: { type: DataTypes.STRING(64), allowNull: false },
    params: { type: DataTypes.TEXT, allowNull: true },
    link: { type: DataTypes.STRING(500), allowNull: true },
    read_at: { type: DataTypes.DATE(3), allowNull: true },
    created_at: { type: DataTypes.DATE(3), allowNull: false },
  });
  // the bell's unread count and the newest-first list are both one range of this index
  await qi.addIndex("notifications", ["user_id", "read_at", "id"]);
  await qi.addIndex("notifications", ["user_id", "id"]);

  await createTable(qi, "outbox_messages", {
    id: { type: DataTypes.BIGINT, autoIncrement: true, primaryKey: true, allowNull: false },
    channel: { type: DataTypes.STRING(16), allowNull: false },
    // why it is sent: "notification" now, campaigns and automations later
    purpose: { type: DataTypes.STRING(32), allowNull: false },
    recipient: { type: DataTypes.STRING(320), allowNull: false },
    user_id: { type: DataTypes.INTEGER, allowNull: true, references: { model: "users", key: "id" }, onDelete: "SET NULL" },
    customer_id: { type: DataTypes.INTEGER, allowNull: true, references: { model: "customers", key: "id" }, onDelete: "SET NULL" },
    subject: { type: DataTypes.STRING(500), allowNull: true },
    text_body: { type: DataTypes.TEXT, allowNull: true },
    html_body: { type: DataTypes.TEXT, allowNull: true },
    // queued → sending → sent | failed | unknown (a send cut off mid-call is never repeated), or stored (no provider)
    status: { type: DataTypes.STRING(16), allowNull: false },
    attempts: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
    error: { type: DataTypes.TEXT, allowNull: true },
    provider_message_id: { type: DataTypes.STRING(255), allowNull: true },
    created_at: { type: DataTypes.DATE(3), allowNull: false },
    updated_at: { type: DataTypes.DATE(3), allowNull: false },
    sent_at: { type: DataTypes.DATE(3), allowNull: true },
  });
  await qi.addIndex("outbox_messages", ["status", "id"]);

  await createTable(qi, "change_log_positions", {
    reader: { type: DataTypes.STRING(64), primaryKey: true, allowNull: false },
    change_id: { type: DataTypes.BIGINT, allowNull: false },
    updated_at: { type: DataTypes.DATE(3), allowNull: false },
  });
}
