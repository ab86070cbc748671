// The raw SQL of the Agenda backend, both dialects side by side. Everything else goes through
// Sequelize's query building. Raw here because:
// - locking the next job must be one atomic step that two processes can never both win: SQLite
//   has UPDATE … RETURNING; MariaDB has no RETURNING and Sequelize's mysql dialect cannot write
//   SKIP LOCKED, so it takes a short transaction of SELECT … FOR UPDATE SKIP LOCKED, then UPDATE;
// - a job's state (running, failed, queued, …) is a CASE over several columns, used both to filter
//   and to count by state in one pass;
// - the data prefilter needs LIKE with an explicit ESCAPE character.
import { DataTypes, QueryTypes, Transaction, type Sequelize } from "sequelize";
import { withDeadlockRetry } from "./deadlock-retry";
import type { JobColumns } from "./job-tables";

const quote = (sequelize: Sequelize, identifier: string) => sequelize.getQueryInterface().quoteIdentifier(identifier);

const isMariaDb = (sequelize: Sequelize) => sequelize.getDialect() === "mysql" || sequelize.getDialect() === "mariadb";

/**
 * A moment as the columns hold it (DATE(3) in the Sequelize instance's time zone). Not through
 * sequelize.escape(date): on MySQL that drops the milliseconds, and lock times and run times
 * compared without them would let a job through early or twice.
 */
export function sqlTime(sequelize: Sequelize, date: Date): string {
  const dialectTypes = (DataTypes as unknown as Record<string, { DATE: new (length: number) => { stringify(d: Date, o: object): string } }>)[sequelize.getDialect()];
  const timezone = (sequelize as unknown as { options: { timezone?: string } }).options.timezone ?? "+00:00";
  return new dialectTypes.DATE(3).stringify(date, { timezone });
}

const timeOrNull = (sequelize: Sequelize, date: Date | null) => (date ? sequelize.escape(sqlTime(sequelize, date)) : "NULL");

export interface LockNextJobRequest {
  table: string;
  name: string;
  /** Jobs due up to this moment are taken (Agenda looks one poll interval ahead). */
  nextScanAt: Date;
  /** A lock taken at or before this moment has expired: its worker is presumed dead. */
  lockDeadline: Date;
  lockedAt: Date;
  lastModifiedBy: string | null;
}

/**
 * Locks one job of a name that is ready to run, and returns its row as locked; undefined when there
 * is none. Expired locks come first (their job was due before anything still waiting), then unlocked
 * due jobs by next_run_at and priority. Both lookups walk the `<table>_find_next` index.
 */
export async function lockNextJob(sequelize: Sequelize, request: LockNextJobRequest): Promise<JobColumns | undefined> {
  return isMariaDb(sequelize) ? lockNextJobMariaDb(sequelize, request) : lockNextJobSqlite(sequelize, request);
}

function lockReplacements(sequelize: Sequelize, r: LockNextJobRequest) {
  return {
    name: r.name,
    nextScanAt: sqlTime(sequelize, r.nextScanAt),
    lockDeadline: sqlTime(sequelize, r.lockDeadline),
    lockedAt: sqlTime(sequelize, r.lockedAt),
    lastModifiedBy: r.lastModifiedBy,
  };
}

async function lockNextJobSqlite(sequelize: Sequelize, r: LockNextJobRequest): Promise<JobColumns | undefined> {
  const t = quote(sequelize, r.table);
  // One statement: SQLite runs it under its single write lock, so no other process can take the
  // same row between the choice and the update.
  const rows = await sequelize.query<JobColumns>(
    `UPDATE ${t} SET locked_at = :lockedAt, locked_version = schedule_version, last_modified_by = :lastModifiedBy
     WHERE id = COALESCE(
       (SELECT id FROM ${t} WHERE name = :name AND disabled = 0 AND locked_at <= :lockDeadline
        ORDER BY locked_at LIMIT 1),
       (SELECT id FROM ${t} WHERE name = :name AND disabled = 0 AND locked_at IS NULL AND next_run_at <= :nextScanAt
        ORDER BY next_run_at, priority DESC, id LIMIT 1))
     RETURNING *`,
    { type: QueryTypes.SELECT, replacements: lockReplacements(sequelize, r) },
  );
  return rows[0];
}

async function lockNextJobMariaDb(sequelize: Sequelize, r: LockNextJobRequest): Promise<JobColumns | undefined> {
  const t = quote(sequelize, r.table);
  const replacements = lockReplacements(sequelize, r);
  // Both lookups in one round trip; each part locks at most one row and skips rows other workers
  // hold. If both find one, the due job stays locked only until this transaction commits.
  const candidates = `
    (SELECT ${t}.*, 0 AS pick FROM ${t} WHERE name = :name AND disabled = 0 AND locked_at <= :lockDeadline
     ORDER BY locked_at LIMIT 1 FOR UPDATE SKIP LOCKED)
    UNION ALL
    (SELECT ${t}.*, 1 AS pick FROM ${t} WHERE name = :name AND disabled = 0 AND locked_at IS NULL AND next_run_at <= :nextScanAt
     ORDER BY next_run_at, priority DESC, id LIMIT 1 FOR UPDATE SKIP LOCKED)`;
  return withDeadlockRetry(() =>
    // READ COMMITTED: the locking reads take no gap locks, so they never hold up an INSERT of a new
    // job, and each sees the latest committed lock state.
    sequelize.transaction({ isolationLevel: Transaction.ISOLATION_LEVELS.READ_COMMITTED }, async (transaction) => {
      const rows = await sequelize.query<JobColumns & { pick: number }>(candidates, { type: QueryTypes.SELECT, replacements, transaction });
      const picked = rows.find((row) => Number(row.pick) === 0) ?? rows[0];
      if (!picked) return undefined;
      const { pick: _pick, ...row } = picked;
      await sequelize.query(
        `UPDATE ${t} SET locked_at = :lockedAt, locked_version = schedule_version, last_modified_by = :lastModifiedBy WHERE id = :id`,
        { type: QueryTypes.BULKUPDATE, replacements: { ...replacements, id: row.id }, transaction },
      );
      return { ...row, locked_at: r.lockedAt, locked_version: row.schedule_version, last_modified_by: r.lastModifiedBy };
    }),
  );
}

export interface LockJobRequest {
  table: string;
  id: string;
  name: string;
  nextRunAt: Date | null;
  lockedAt: Date;
  lastModifiedBy: string | null;
}

/** Locks one given job if it is unlocked, enabled and still due at the time the caller saw. */
export async function lockJobIfUnchanged(sequelize: Sequelize, r: LockJobRequest): Promise<JobColumns | undefined> {
  const t = quote(sequelize, r.table);
  const where = `id = :id AND name = :name AND locked_at IS NULL AND disabled = 0 AND ${r.nextRunAt ? "next_run_at = :nextRunAt" : "next_run_at IS NULL"}`;
  const set = "locked_at = :lockedAt, locked_version = schedule_version, last_modified_by = :lastModifiedBy";
  const replacements = {
    id: r.id,
    name: r.name,
    nextRunAt: r.nextRunAt ? sqlTime(sequelize, r.nextRunAt) : null,
    lockedAt: sqlTime(sequelize, r.lockedAt),
    lastModifiedBy: r.lastModifiedBy,
  };
  if (!isMariaDb(sequelize)) {
    const rows = await sequelize.query<JobColumns>(`UPDATE ${t} SET ${set} WHERE ${where} RETURNING *`, { type: QueryTypes.SELECT, replacements });
    return rows[0];
  }
  return withDeadlockRetry(() =>
    sequelize.transaction(async (transaction) => {
      const changed = await sequelize.query(`UPDATE ${t} SET ${set} WHERE ${where}`, { type: QueryTypes.BULKUPDATE, replacements, transaction });
      if (Number(changed) !== 1) return undefined;
      const rows = await sequelize.query<JobColumns>(`SELECT * FROM ${t} WHERE id = :id`, { type: QueryTypes.SELECT, replacements: { id: r.id }, transaction });
      return rows[0];
    }),
  );
}

/**
 * The value saveJobState writes to next_run_at: the processor's, unless a save rescheduled the job
 * after it was locked (schedule_version moved on), in which case that save's time stands. Without
 * this, a debounced save arriving while the job runs would be overwritten when the run ends.
 */
export function nextRunAtUnlessRescheduledSql(sequelize: Sequelize, nextRunAt: Date | null): string {
  return `CASE WHEN locked_version IS NULL OR locked_version = schedule_version THEN ${timeOrNull(sequelize, nextRunAt)} ELSE next_run_at END`;
}

/** The SQL twin of Agenda's computeJobState(job, now); the tests hold the two to each other. */
export function jobStateSql(sequelize: Sequelize, now: Date): string {
  const at = timeOrNull(sequelize, now);
  return `CASE
    WHEN locked_at IS NOT NULL THEN 'running'
    WHEN failed_at IS NOT NULL AND (last_finished_at IS NULL OR failed_at >= last_finished_at) THEN 'failed'
    WHEN repeat_interval IS NOT NULL AND repeat_interval <> '' AND repeat_interval <> '0' THEN 'repeating'
    WHEN next_run_at > ${at} THEN 'scheduled'
    WHEN next_run_at IS NOT NULL THEN 'queued'
    ELSE 'completed' END`;
}

/** The job is in `state` (one of computeJobState's; the caller has checked it is). */
export function jobStateIsSql(sequelize: Sequelize, now: Date, state: string): string {
  return `(${jobStateSql(sequelize, now)}) = ${sequelize.escape(state)}`;
}

const containing = (text: string) => `%${text.replace(/[!%_]/g, (c) => `!${c}`)}%`;

/** data LIKE '%fragment%', with '!' as the escape character on both databases. */
export function dataContainsSql(sequelize: Sequelize, fragment: string): string {
  return `${quote(sequelize, "data")} LIKE ${sequelize.escape(containing(fragment))} ESCAPE '!'`;
}

/** The name contains the text, in any letter case (the tables compare binary on MariaDB). */
export function nameContainsSql(sequelize: Sequelize, text: string): string {
  return `LOWER(name) LIKE ${sequelize.escape(containing(text.toLowerCase()))} ESCAPE '!'`;
}

export interface JobStateCount {
  name: string;
  state: string;
  disabled: boolean;
  count: number;
}

/** How many jobs of each name are in each state, and how many of those are disabled. */
export async function countJobsByState(sequelize: Sequelize, table: string, now: Date): Promise<JobStateCount[]> {
  const state = jobStateSql(sequelize, now);
  const rows = await sequelize.query<{ name: string; state: string; disabled: number | boolean; count: number | string }>(
    `SELECT name, ${state} AS state, disabled, COUNT(*) AS count FROM ${quote(sequelize, table)} GROUP BY name, ${state}, disabled`,
    { type: QueryTypes.SELECT },
  );
  return rows.map((row) => ({ name: row.name, state: row.state, disabled: Boolean(Number(row.disabled)), count: Number(row.count) }));
}
