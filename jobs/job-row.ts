// Translation between Agenda's JobParameters and a row of the jobs table.
import { toJobId, type JobParameters } from "agenda";
import type { JobColumns } from "./job-tables";

/** A timestamp as either dialect returns it from a raw query: a Date (MariaDB) or text (SQLite). */
export function readTimestamp(value: Date | string | number | null | undefined): Date | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value;
  if (typeof value === "number") return new Date(value);
  // "2024-03-01 09:30:00.000 +00:00" → "2024-03-01T09:30:00.000+00:00"
  return new Date(value.replace(" ", "T").replace(" ", ""));
}

/** Numeric intervals go back as numbers: Agenda reads a number as milliseconds. */
function readInterval(value: string | null): string | number | undefined {
  if (value === null) return undefined;
  return /^\d+$/.test(value) ? Number(value) : value;
}

export function readJobData(text: string | null): unknown {
  return text === null ? null : JSON.parse(text);
}

export function writeJobData(data: unknown): string | null {
  const text = JSON.stringify(data);
  return text === undefined ? null : text;
}

/** The job a row holds; fields the row leaves empty are absent, as Agenda leaves them. */
export function rowToJob<DATA = unknown>(row: JobColumns): JobParameters<DATA> {
  const job: JobParameters<DATA> = {
    _id: toJobId(String(row.id)),
    name: row.name,
    priority: Number(row.priority),
    nextRunAt: readTimestamp(row.next_run_at),
    type: row.type === "single" ? "single" : "normal",
    data: readJobData(row.data) as DATA,
    disabled: Boolean(Number(row.disabled)),
  };
  const optional: Partial<JobParameters> = {
    lockedAt: readTimestamp(row.locked_at) ?? undefined,
    lastRunAt: readTimestamp(row.last_run_at) ?? undefined,
    lastFinishedAt: readTimestamp(row.last_finished_at) ?? undefined,
    failedAt: readTimestamp(row.failed_at) ?? undefined,
    failCount: row.fail_count ?? undefined,
    failReason: row.fail_reason ?? undefined,
    repeatInterval: readInterval(row.repeat_interval),
    repeatTimezone: row.repeat_timezone ?? undefined,
    repeatAt: row.repeat_at ?? undefined,
    startDate: readTimestamp(row.start_date) ?? undefined,
    endDate: readTimestamp(row.end_date) ?? undefined,
    skipDays: row.skip_days ? (JSON.parse(row.skip_days) as number[]) : undefined,
    progress: row.progress ?? undefined,
    fork: Number(row.fork) ? true : undefined,
    debounceStartedAt: readTimestamp(row.debounce_started_at) ?? undefined,
    lastModifiedBy: row.last_modified_by ?? undefined,
  };
  for (const [key, value] of Object.entries(optional)) {
    if (value !== undefined) (job as unknown as Record<string, unknown>)[key] = value;
  }
  return job;
}

const dateOrNull = (value: unknown): Date | null => {
  if (value === null || value === undefined) return null;
  const date = value instanceof Date ? value : new Date(value as string);
  if (Number.isNaN(date.getTime())) throw new Error(`not a date: ${String(value)}`);
  return date;
};

/** Column writers for each JobParameters field a save may set. */
const WRITERS: Partial<Record<keyof JobParameters, (value: unknown) => Partial<JobColumns>>> = {
  name: (v) => ({ name: String(v) }),
  priority: (v) => ({ priority: Number(v ?? 0) }),
  nextRunAt: (v) => ({ next_run_at: dateOrNull(v) }),
  type: (v) => ({ type: v === "single" ? "single" : "normal" }),
  lockedAt: (v) => ({ locked_at: dateOrNull(v) }),
  lastRunAt: (v) => ({ last_run_at: dateOrNull(v) }),
  lastFinishedAt: (v) => ({ last_finished_at: dateOrNull(v) }),
  failedAt: (v) => ({ failed_at: dateOrNull(v) }),
  failCount: (v) => ({ fail_count: v === undefined || v === null ? null : Number(v) }),
  failReason: (v) => ({ fail_reason: v === undefined || v === null ? null : String(v) }),
  repeatInterval: (v) => ({ repeat_interval: v === undefined || v === null || v === "" ? null : String(v) }),
  repeatTimezone: (v) => ({ repeat_timezone: (v as string | undefined) ?? null }),
  repeatAt: (v) => ({ repeat_at: (v as string | undefined) ?? null }),
  startDate: (v) => ({ start_date: dateOrNull(v) }),
  endDate: (v) => ({ end_date: dateOrNull(v) }),
  skipDays: (v) => ({ skip_days: Array.isArray(v) ? JSON.stringify(v) : null }),
  data: (v) => ({ data: writeJobData(v) }),
  disabled: (v) => ({ disabled: Boolean(v) }),
  progress: (v) => ({ progress: v === undefined || v === null ? null : Number(v) }),
  fork: (v) => ({ fork: Boolean(v) }),
  debounceStartedAt: (v) => ({ debounce_started_at: dateOrNull(v) }),
  lastModifiedBy: (v) => ({ last_modified_by: (v as string | undefined) ?? null }),
};

/**
 * The columns for the fields the job object carries. A field that is present but undefined is
 * written as NULL (as Mongo's $set does); a field that is absent is left as it is.
 */
export function jobToColumns(job: Partial<JobParameters>): Partial<JobColumns> {
  let columns: Partial<JobColumns> = {};
  for (const key of Object.keys(job) as Array<keyof JobParameters>) {
    const write = WRITERS[key];
    if (write) columns = { ...columns, ...write(job[key]) };
  }
  return columns;
}
