// Agenda's job queue and its event log (jobs/sequelize-backend.ts). The backend's connect() creates
// the same tables where no migration ran; a test holds the two to the same columns and indexes.
import { DataTypes, type QueryInterface } from "sequelize";
import { createTable } from "./helpers";

export async function up(qi: QueryInterface): Promise<void> {
  const date = () => ({ type: DataTypes.DATE(3), allowNull: true });
  const longText = qi.sequelize.getDialect() === "mysql" ? DataTypes.TEXT("long") : DataTypes.TEXT;

  await createTable(qi, "agenda_jobs", {
    id: { type: DataTypes.BIGINT, autoIncrement: true, primaryKey: true, allowNull: false },
    name: { type: DataTypes.STRING(255), allowNull: false },
    priority: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
    type: { type: DataTypes.STRING(16), allowNull: false, defaultValue: "normal" },
    next_run_at: date(),
    locked_at: date(),
    last_run_at: date(),
    last_finished_at: date(),
    failed_at: date(),
    fail_count: { type: DataTypes.INTEGER, allowNull: true },
    fail_reason: { type: DataTypes.TEXT, allowNull: true },
    repeat_interval: { type: DataTypes.STRING(255), allowNull: true },
    repeat_timezone: { type: DataTypes.STRING(64), allowNull: true },
    repeat_at: { type: DataTypes.STRING(255), allowNull: true },
    start_date: date(),
    end_date: date(),
    skip_days: { type: DataTypes.STRING(32), allowNull: true },
    data: { type: longText, allowNull: true },
    disabled: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
    progress: { type: DataTypes.DOUBLE, allowNull: true },
    fork: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
    // a hash of a single job's name or a unique job's constraint; the unique index keeps it to one row
    unique_key: { type: DataTypes.STRING(80), allowNull: true },
    debounce_started_at: date(),
    // bumped by each save that moves next_run_at, so the end of a run cannot undo a reschedule
    schedule_version: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
    locked_version: { type: DataTypes.INTEGER, allowNull: true },
    last_modified_by: { type: DataTypes.STRING(255), allowNull: true },
  });
  await qi.addIndex("agenda_jobs", {
    name: "agenda_jobs_find_next",
    fields: ["name", "disabled", "locked_at", "next_run_at", { name: "priority", order: "DESC" }],
  });
  await qi.addIndex("agenda_jobs", { name: "agenda_jobs_unique_key", fields: ["unique_key"], unique: true });
  await qi.addIndex("agenda_jobs", { name: "agenda_jobs_next_run_at", fields: ["next_run_at"] });

  await createTable(qi, "agenda_job_logs", {
    id: { type: DataTypes.BIGINT, autoIncrement: true, primaryKey: true, allowNull: false },
    logged_at: { type: DataTypes.DATE(3), allowNull: false },
    level: { type: DataTypes.STRING(8), allowNull: false },
    event: { type: DataTypes.STRING(32), allowNull: false },
    job_id: { type: DataTypes.STRING(64), allowNull: true },
    job_name: { type: DataTypes.STRING(255), allowNull: false },
    message: { type: DataTypes.TEXT, allowNull: false },
    duration_ms: { type: DataTypes.BIGINT, allowNull: true },
    error: { type: DataTypes.TEXT, allowNull: true },
    fail_count: { type: DataTypes.INTEGER, allowNull: true },
    retry_delay_ms: { type: DataTypes.BIGINT, allowNull: true },
    retry_attempt: { type: DataTypes.INTEGER, allowNull: true },
    agenda_name: { type: DataTypes.STRING(255), allowNull: true },
    meta: { type: DataTypes.TEXT, allowNull: true },
  });
  await qi.addIndex("agenda_job_logs", { name: "agenda_job_logs_logged_at", fields: ["logged_at"] });
  await qi.addIndex("agenda_job_logs", { name: "agenda_job_logs_job_id", fields: ["job_id", "logged_at"] });
  await qi.addIndex("agenda_job_logs", { name: "agenda_job_logs_job_name", fields: ["job_name", "logged_at"] });
}
