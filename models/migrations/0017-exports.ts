import { DataTypes, type QueryInterface } from "sequelize";
import { createTable } from "./helpers";

/**
 * Exports of segment members or of the filtered customer list (docs/decisions/0035): one row per
 * export that runs as a job, with its progress, its file and when the file expires; and the store's
 * export settings (whether marketers may export, from how many rows an export runs as a job, how
 * long its file is kept).
 */
export async function up(qi: QueryInterface) {
  const time = (allowNull = true) => ({ type: DataTypes.DATE(3), allowNull });
  const str = (length: number, allowNull = true) => ({ type: DataTypes.STRING(length), allowNull });

  await createTable(qi, "exports", {
    id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true, allowNull: false },
    // who asked: a console user, or an API key
    user_id: { type: DataTypes.INTEGER, allowNull: true, references: { model: "users", key: "id" }, onDelete: "SET NULL" },
    api_key_id: { type: DataTypes.INTEGER, allowNull: true, references: { model: "api_keys", key: "id" }, onDelete: "SET NULL" },
    // "segment" (segment_id) or "customers" (the list's filters as JSON)
    source: str(16, false),
    segment_id: { type: DataTypes.INTEGER, allowNull: true, references: { model: "segments", key: "id" }, onDelete: "SET NULL" },
    filters: { type: DataTypes.TEXT, allowNull: true },
    // "csv" or "xlsx"; the chosen columns and the CSV options (delimiter, byte order mark) as JSON
    format: str(8, false),
    columns: { type: DataTypes.TEXT, allowNull: false },
    options: { type: DataTypes.TEXT, allowNull: false },
    // "queued", "running", "done", "failed", "expired"
    status: str(16, false),
    // rows counted when the export was asked for (the progress bar's 100 %), and written so far
    total_rows: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
    written_rows: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
    file_name: str(200, false),
    file_path: str(1000),
    file_size: { type: DataTypes.BIGINT, allowNull: true },
    error: { type: DataTypes.TEXT, allowNull: true },
    started_at: time(),
    finished_at: time(),
    expires_at: time(),
    created_at: time(false),
    updated_at: time(false),
  });
  await qi.addIndex("exports", ["user_id", "id"]);
  await qi.addIndex("exports", ["status", "expires_at"]);

  await qi.addColumn("store_settings", "marketers_may_export", { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false });
  await qi.addColumn("store_settings", "export_job_from_rows", { type: DataTypes.INTEGER, allowNull: false, defaultValue: 50_000 });
  await qi.addColumn("store_settings", "export_keep_hours", { type: DataTypes.INTEGER, allowNull: false, defaultValue: 72 });
}
