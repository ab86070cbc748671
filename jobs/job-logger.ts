import type { JobLogEntry, JobLogger, JobLogQuery, JobLogQueryResult } from "agenda";
import { Op, type Sequelize, type WhereOptions } from "sequelize";
import { readTimestamp } from "./job-row";
import { inWriteLine } from "../models/sql/write-line";
import { jobLogRowModel, type JobLogColumns, type JobLogRowModel } from "./job-tables";

const DEFAULT_LIMIT = 50;

/** Agenda's JobLogger: job lifecycle events (start, success, fail, retry, …) stored in the logs table. */
export class SequelizeJobLogger implements JobLogger {
  readonly rows: JobLogRowModel;

  constructor(
    private readonly sequelize: Sequelize,
    table: string,
  ) {
    this.rows = jobLogRowModel(sequelize, table);
  }

  async log(entry: Omit<JobLogEntry, "_id">): Promise<void> {
    await inWriteLine(this.sequelize, () => this.write(entry));
  }

  private async write(entry: Omit<JobLogEntry, "_id">): Promise<void> {
    await this.rows.create({
      logged_at: entry.timestamp ?? new Date(),
      level: entry.level,
      event: entry.event,
      job_id: entry.jobId ?? null,
      job_name: entry.jobName,
      message: entry.message,
      duration_ms: entry.duration ?? null,
      error: entry.error ?? null,
      fail_count: entry.failCount ?? null,
      retry_delay_ms: entry.retryDelay ?? null,
      retry_attempt: entry.retryAttempt ?? null,
      agenda_name: entry.agendaName ?? null,
      meta: entry.meta === undefined ? null : JSON.stringify(entry.meta),
    });
  }

  async getLogs(query: JobLogQuery = {}): Promise<JobLogQueryResult> {
    const where = this.where(query);
    const direction = query.sort === "asc" ? "ASC" : "DESC";
    const total = await this.rows.count({ where });
    const rows = (await this.rows.findAll({
      where,
      order: [
        ["logged_at", direction],
        ["id", direction],
      ],
      limit: query.limit ?? DEFAULT_LIMIT,
      offset: query.offset || undefined,
      raw: true,
    })) as unknown as JobLogColumns[];
    return { entries: rows.map(toEntry), total };
  }

  async clearLogs(query: JobLogQuery = {}): Promise<number> {
    return inWriteLine(this.sequelize, () => this.rows.destroy({ where: this.where(query) }));
  }

  private where(query: JobLogQuery): WhereOptions {
    const conditions: WhereOptions[] = [];
    if (query.jobId !== undefined) conditions.push({ job_id: String(query.jobId) });
    if (query.jobName !== undefined) conditions.push({ job_name: query.jobName });
    if (query.level !== undefined) conditions.push({ level: { [Op.in]: [query.level].flat() } });
    if (query.event !== undefined) conditions.push({ event: { [Op.in]: [query.event].flat() } });
    if (query.from) conditions.push({ logged_at: { [Op.gte]: query.from } });
    if (query.to) conditions.push({ logged_at: { [Op.lte]: query.to } });
    return { [Op.and]: conditions };
  }
}

function toEntry(row: JobLogColumns): JobLogEntry {
  const entry: JobLogEntry = {
    _id: String(row.id),
    timestamp: readTimestamp(row.logged_at) as Date,
    level: row.level as JobLogEntry["level"],
    event: row.event as JobLogEntry["event"],
    jobName: row.job_name,
    message: row.message,
  };
  const optional: Partial<JobLogEntry> = {
    jobId: row.job_id ?? undefined,
    duration: row.duration_ms === null ? undefined : Number(row.duration_ms),
    error: row.error ?? undefined,
    failCount: row.fail_count ?? undefined,
    retryDelay: row.retry_delay_ms === null ? undefined : Number(row.retry_delay_ms),
    retryAttempt: row.retry_attempt ?? undefined,
    agendaName: row.agenda_name ?? undefined,
    meta: row.meta === null ? undefined : (JSON.parse(row.meta) as Record<string, unknown>),
  };
  for (const [key, value] of Object.entries(optional)) {
    if (value !== undefined) (entry as unknown as Record<string, unknown>)[key] = value;
  }
  return entry;
}
