import { DataTypes, type QueryInterface } from "sequelize";
import { createTable, timestamps } from "./helpers";

/** Segments, their members, the enter/leave events, size samples and the record of each recompute. */
export async function up(qi: QueryInterface) {
  const id = { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true, allowNull: false };
  const bigId = { type: DataTypes.BIGINT, autoIncrement: true, primaryKey: true, allowNull: false };
  const segmentRef = { type: DataTypes.INTEGER, allowNull: false, references: { model: "segments", key: "id" }, onDelete: "CASCADE" };
  const customerRef = { type: DataTypes.INTEGER, allowNull: false, references: { model: "customers", key: "id" }, onDelete: "CASCADE" };

  await createTable(qi, "segments", {
    id,
    code: { type: DataTypes.STRING(100), allowNull: false, unique: true },
    name: { type: DataTypes.STRING(200), allowNull: false },
    type: { type: DataTypes.STRING(16), allowNull: false },
    is_active: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: true },
    match: { type: DataTypes.STRING(8), allowNull: false, defaultValue: "all" },
    criteria: { type: DataTypes.TEXT, allowNull: false },
    recompute_every_minutes: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 5 },
    created_by_id: { type: DataTypes.INTEGER, allowNull: true, references: { model: "users", key: "id" }, onDelete: "SET NULL" },
    member_count: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
    // bumped by every write to the members: a recompute commits only if nothing changed them since it read them
    members_version: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
    // a snapshot segment is computed once and then locked
    locked_at: { type: DataTypes.DATE(3), allowNull: true },
    last_recomputed_at: { type: DataTypes.DATE(3), allowNull: true },
    deleted_at: { type: DataTypes.DATE(3), allowNull: true },
    ...timestamps(),
  });

  await createTable(qi, "segment_members", {
    segment_id: { ...segmentRef, primaryKey: true },
    customer_id: { ...customerRef, primaryKey: true },
    entered_at: { type: DataTypes.DATE(3), allowNull: false },
  });
  await qi.addIndex("segment_members", ["customer_id"]);

  await createTable(qi, "segment_recomputes", {
    id: bigId,
    segment_id: segmentRef,
    trigger: { type: DataTypes.STRING(16), allowNull: false },
    started_at: { type: DataTypes.DATE(3), allowNull: false },
    finished_at: { type: DataTypes.DATE(3), allowNull: true },
    duration_ms: { type: DataTypes.INTEGER, allowNull: true },
    size: { type: DataTypes.INTEGER, allowNull: true },
    entered: { type: DataTypes.INTEGER, allowNull: true },
    left: { type: DataTypes.INTEGER, allowNull: true },
    error: { type: DataTypes.TEXT, allowNull: true },
  });
  await qi.addIndex("segment_recomputes", ["segment_id", "id"]);

  // Append-only; the customer history, the automations and the feed's ?since= read it by id.
  await createTable(qi, "segment_events", {
    id: bigId,
    segment_id: segmentRef,
    customer_id: customerRef,
    kind: { type: DataTypes.STRING(8), allowNull: false },
    at: { type: DataTypes.DATE(3), allowNull: false },
    recompute_id: { type: DataTypes.BIGINT, allowNull: true },
  });
  await qi.addIndex("segment_events", ["segment_id", "id"]);
  await qi.addIndex("segment_events", ["customer_id", "id"]);

  await createTable(qi, "segment_sizes", {
    id: bigId,
    segment_id: segmentRef,
    at: { type: DataTypes.DATE(3), allowNull: false },
    size: { type: DataTypes.INTEGER, allowNull: false },
  });
  await qi.addIndex("segment_sizes", ["segment_id", "at"]);
}
