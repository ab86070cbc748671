// The two tables of the Agenda backend: the jobs and their event log. The app creates them with
// migration 0002; `ensureJobTables` creates them for a database that has no migrations (a script,
// another app sharing the queue). The column names are the same as the attribute names here, so
// raw SQL rows and Sequelize rows read alike.
import { DataTypes, Model, type ModelAttributes, type ModelStatic, type Sequelize } from "sequelize";

export interface JobTableNames {
  jobs: string;
  logs: string;
}

export const DEFAULT_JOB_TABLES: JobTableNames = { jobs: "agenda_jobs", logs: "agenda_job_logs" };

/** A row of the jobs table as the database returns it (SQLite: dates as text, booleans as 0/1). */
export interface JobColumns {
  id: number | string;
  name: string;
  priority: number;
  type: string;
  next_run_at: Date | string | null;
  locked_at: Date | string | null;
  last_run_at: Date | string | null;
  last_finished_at: Date | string | null;
  failed_at: Date | string | null;
  fail_count: number | null;
  fail_reason: string | null;
  repeat_interval: string | null;
  repeat_timezone: string | null;
  repeat_at: string | null;
  start_date: Date | string | null;
  end_date: Date | string | null;
  /** JSON array of weekdays, 0 = Sunday. */
  skip_days: string | null;
  /** JSON text of the job's data. */
  data: string | null;
  disabled: boolean | number;
  progress: number | null;
  fork: boolean | number;
  /** "s:…" for a single job, "u:…" for a unique one: a hash that a unique index keeps to one row. */
  unique_key: string | null;
  debounce_started_at: Date | string | null;
  /** Bumped by every save that sets next_run_at; see saveJobState. */
  schedule_version: number;
  /** schedule_version when the job was locked. */
  locked_version: number | null;
  last_modified_by: string | null;
}

export interface JobLogColumns {
  id: number | string;
  logged_at: Date | string;
  level: string;
  event: string;
  job_id: string | null;
  job_name: string;
  message: string;
  duration_ms: number | null;
  error: string | null;
  fail_count: number | null;
  retry_delay_ms: number | null;
  retry_attempt: number | null;
  agenda_name: string | null;
  /** JSON text. */
  meta: string | null;
}

export type JobRowModel = ModelStatic<Model<JobColumns, Partial<JobColumns>>>;
export type JobLogRowModel = ModelStatic<Model<JobLogColumns, Partial<JobLogColumns>>>;

function jobAttributes(sequelize: Sequelize): ModelAttributes {
  const date = () => ({ type: DataTypes.DATE(3), allowNull: true });
  return {
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
    data: { type: longText(sequelize), allowNull: true },
    disabled: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
    progress: { type: DataTypes.DOUBLE, allowNull: true },
    fork: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
    unique_key: { type: DataTypes.STRING(80), allowNull: true },
    debounce_started_at: date(),
    schedule_version: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
    locked_version: { type: DataTypes.INTEGER, allowNull: true },
    last_modified_by: { type: DataTypes.STRING(255), allowNull: true },
  };
}

function logAttributes(): ModelAttributes {
  return {
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
  };
}

function longText(sequelize: Sequelize) {
  return sequelize.getDialect() === "sqlite" ? DataTypes.TEXT : DataTypes.TEXT("long");
}

interface IndexSpec {
  name: string;
  fields: Array<string | { name: string; order: "ASC" | "DESC" }>;
  unique?: boolean;
}

/** Index names carry the table name: SQLite's index names are global to the database. */
function jobIndexes(table: string): IndexSpec[] {
  return [
    // The two lookups of getNextJobToRun: unlocked and due in (next_run_at, priority desc) order,
    // and expired locks in locked_at order, both under one name and not disabled.
    { name: `${table}_find_next`, fields: ["name", "disabled", "locked_at", "next_run_at", { name: "priority", order: "DESC" }] },
    { name: `${table}_unique_key`, fields: ["unique_key"], unique: true },
    { name: `${table}_next_run_at`, fields: ["next_run_at"] },
  ];
}

function logIndexes(table: string): IndexSpec[] {
  return [
    { name: `${table}_logged_at`, fields: ["logged_at"] },
    { name: `${table}_job_id`, fields: ["job_id", "logged_at"] },
    { name: `${table}_job_name`, fields: ["job_name", "logged_at"] },
  ];
}

/** The model the backend queries the jobs table through; one per table name and Sequelize instance. */
export function jobRowModel(sequelize: Sequelize, table: string): JobRowModel {
  const modelName = `AgendaJobRow:${table}`;
  if (sequelize.isDefined(modelName)) return sequelize.model(modelName) as JobRowModel;
  return sequelize.define(modelName, jobAttributes(sequelize), { tableName: table, timestamps: false, underscored: false, freezeTableName: true }) as JobRowModel;
}

export function jobLogRowModel(sequelize: Sequelize, table: string): JobLogRowModel {
  const modelName = `AgendaJobLogRow:${table}`;
  if (sequelize.isDefined(modelName)) return sequelize.model(modelName) as JobLogRowModel;
  return sequelize.define(modelName, logAttributes(), { tableName: table, timestamps: false, underscored: false, freezeTableName: true }) as JobLogRowModel;
}

/**
 * Creates the jobs and log tables and their indexes where missing. Safe to run from several
 * processes at once: a table or index another process created meanwhile is left as it is.
 */
export async function ensureJobTables(sequelize: Sequelize, tables: JobTableNames): Promise<void> {
  await ensureTable(sequelize, tables.jobs, jobAttributes(sequelize), jobIndexes(tables.jobs));
  await ensureTable(sequelize, tables.logs, logAttributes(), logIndexes(tables.logs));
}

async function ensureTable(sequelize: Sequelize, table: string, attributes: ModelAttributes, indexes: IndexSpec[]) {
  const qi = sequelize.getQueryInterface();
  if (!(await qi.tableExists(table))) {
    // CREATE TABLE IF NOT EXISTS: losing a race to another process is harmless
    await qi.createTable(table, attributes, { charset: "utf8mb4", collate: "utf8mb4_bin" });
  }
  const existing = async () => new Set(((await qi.showIndex(table)) as Array<{ name: string }>).map((i) => i.name));
  const present = await existing();
  for (const index of indexes) {
    if (present.has(index.name)) continue;
    try {
      await qi.addIndex(table, { name: index.name, fields: index.fields, unique: index.unique });
    } catch (error) {
      if (!(await existing()).has(index.name)) throw error;
    }
  }
}
