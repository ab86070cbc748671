import { DataTypes, type QueryInterface } from "sequelize";
import { createTable } from "./helpers";

/**
 * Secret feeds and history retention (docs/decisions/0036). A segment's feed is one row: the
 * SHA-256 of its token (never the token), the formats it serves, and when it was enabled, rotated
 * or revoked (a revoked feed keeps its row with no hash, so nothing can match it). Every served read
 * is a row of segment_feed_reads. segment_prune_marks remember, per segment, the newest event id the
 * retention job deleted: a feed or API cursor below it learns that history was pruned. The store's
 * retention in days lives with its other settings; segment_events and segment_sizes get an index on
 * `at` so the daily prune finds the old rows without a scan.
 */
export async function up(qi: QueryInterface) {
  const time = (allowNull = true) => ({ type: DataTypes.DATE(3), allowNull });
  const userRef = () => ({ type: DataTypes.INTEGER, allowNull: true, references: { model: "users", key: "id" }, onDelete: "SET NULL" });

  await createTable(qi, "segment_feeds", {
    id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true, allowNull: false },
    segment_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: "segments", key: "id" }, onDelete: "CASCADE" },
    // hex SHA-256 of the token; null once revoked
    token_hash: { type: DataTypes.STRING(64), allowNull: true },
    // "csv json": what the feed serves
    formats: { type: DataTypes.STRING(32), allowNull: false },
    enabled_by_id: userRef(),
    enabled_at: time(false),
    rotated_at: time(),
    revoked_at: time(),
    created_at: time(false),
    updated_at: time(false),
  });
  await qi.addIndex("segment_feeds", ["segment_id"], { unique: true, name: "segment_feeds_segment" });
  await qi.addIndex("segment_feeds", ["token_hash"], { unique: true, name: "segment_feeds_token" });

  await createTable(qi, "segment_feed_reads", {
    id: { type: DataTypes.BIGINT, autoIncrement: true, primaryKey: true, allowNull: false },
    segment_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: "segments", key: "id" }, onDelete: "CASCADE" },
    at: time(false),
    address: { type: DataTypes.STRING(64), allowNull: false },
    // "members" or "events"
    resource: { type: DataTypes.STRING(16), allowNull: false },
    // "csv" or "json"
    format: { type: DataTypes.STRING(8), allowNull: false },
    rows: { type: DataTypes.INTEGER, allowNull: false },
  });
  await qi.addIndex("segment_feed_reads", ["segment_id", "id"]);
  await qi.addIndex("segment_feed_reads", ["at"]);

  await createTable(qi, "segment_prune_marks", {
    segment_id: { type: DataTypes.INTEGER, primaryKey: true, allowNull: false },
    // every event of the segment at or below this id that was older than the retention is gone
    events_pruned_through_id: { type: DataTypes.BIGINT, allowNull: false },
    updated_at: time(false),
  });

  await qi.addColumn("store_settings", "history_retention_days", { type: DataTypes.INTEGER, allowNull: false, defaultValue: 400 });
  await qi.addIndex("segment_events", ["at"], { name: "segment_events_at" });
  await qi.addIndex("segment_sizes", ["at"], { name: "segment_sizes_at" });
}
