import { AsyncLocalStorage } from "node:async_hooks";
import crypto from "node:crypto";
import {
  computeJobState,
  type JobId,
  type JobParameters,
  type JobRepository,
  type JobRepositoryOptions,
  type JobsOverview,
  type JobsQueryOptions,
  type JobsResult,
  type JobsSort,
  type JobState,
  type JobWithState,
  type RemoveJobsOptions,
} from "agenda";
import { Op, Transaction, UniqueConstraintError, type FindOptions, type Order, type Sequelize, type WhereOptions } from "sequelize";
import { canonicalJson, dataFilterFragments, dataMatches, normaliseDataFilter } from "./job-data-filter";
import { withDeadlockRetry } from "./deadlock-retry";
import { debounceSchedule } from "./job-debounce";
import { jobToColumns, readJobData, readTimestamp, rowToJob } from "./job-row";
import {
  countJobsByState,
  dataContainsSql,
  jobStateIsSql,
  lockJobIfUnchanged,
  lockNextJob,
  nameContainsSql,
  nextRunAtUnlessRescheduledSql,
} from "./job-sql";
import { inWriteLine } from "../models/sql/write-line";
import { ensureJobTables, jobRowModel, type JobColumns, type JobRowModel, type JobTableNames } from "./job-tables";

/** Agenda's repository options, plus the caller's transaction for the writes that accept one. */
export interface JobWriteOptions extends JobRepositoryOptions {
  transaction?: Transaction;
}

const STATES: ReadonlySet<string> = new Set(["running", "scheduled", "queued", "completed", "failed", "repeating", "paused"]);

const SORT_COLUMNS: Record<keyof JobsSort, string> = {
  nextRunAt: "next_run_at",
  lastRunAt: "last_run_at",
  lastFinishedAt: "last_finished_at",
  priority: "priority",
  name: "name",
  data: "data",
};

/** Ids per statement when a data filter has picked the rows to change. */
const ID_CHUNK = 500;

/** Job ids are the table's integer keys; anything else names no job. */
function parseId(id: unknown): number | null {
  const text = String(id);
  return /^\d{1,15}$/.test(text) ? Number(text) : null;
}

function sameTime(a: Date | null, b: Date | null): boolean {
  return (a?.getTime() ?? null) === (b?.getTime() ?? null);
}

/**
 * Agenda's JobRepository on a Sequelize database (SQLite or MariaDB/MySQL). See
 * docs/decisions/0003-agenda-job-locking.md for how two workers are kept from taking one job.
 */
export class SequelizeJobRepository implements JobRepository {
  readonly rows: JobRowModel;
  private readonly ambient = new AsyncLocalStorage<Transaction>();

  constructor(
    private readonly sequelize: Sequelize,
    private readonly tables: JobTableNames,
    private readonly clock: () => Date = () => new Date(),
  ) {
    this.rows = jobRowModel(sequelize, tables.jobs);
  }

  async connect(): Promise<void> {
    await ensureJobTables(this.sequelize, this.tables);
  }

  /**
   * Runs `work` with every job save, removal, disable and enable it makes (through Agenda or this
   * repository) inside `transaction`: the jobs exist if and only if the transaction commits.
   * Locking and running jobs never join it.
   */
  withTransaction<T>(transaction: Transaction, work: () => Promise<T>): Promise<T> {
    return this.ambient.run(transaction, work);
  }

  private callerTransaction(options?: JobWriteOptions): Transaction | undefined {
    const transaction = options?.transaction ?? this.ambient.getStore();
    const finished = (transaction as unknown as { finished?: string } | undefined)?.finished;
    if (finished) throw new Error(`a job cannot be written in a transaction that has already ended (${finished})`);
    return transaction;
  }

  /** Runs `work` in the caller's transaction, or in one of its own. */
  private inTransaction<T>(options: JobWriteOptions | undefined, work: (transaction: Transaction) => Promise<T>): Promise<T> {
    const caller = this.callerTransaction(options);
    if (caller) return work(caller);
    // on SQLite the transaction waits in the process's write line (models/db.ts)
    if (this.sequelize.getDialect() === "sqlite") return this.sequelize.transaction({ type: Transaction.TYPES.IMMEDIATE }, work);
    // READ COMMITTED: no gap locks from looking up a key that is not there yet
    return withDeadlockRetry(() => this.sequelize.transaction({ isolationLevel: Transaction.ISOLATION_LEVELS.READ_COMMITTED }, work));
  }

  /** A write outside any transaction of the caller's waits its turn on SQLite (models/sql/write-line.ts). */
  private write<T>(callerTransaction: Transaction | undefined, work: () => Promise<T>): Promise<T> {
    return callerTransaction ? work() : inWriteLine(this.sequelize, work);
  }

  // ---- reading --------------------------------------------------------------------------------

  async getJobById(id: string): Promise<JobParameters | null> {
    const key = parseId(id);
    if (key === null) return null;
    const row = await this.findRow({ where: { id: key } });
    return row ? rowToJob(row) : null;
  }

  async queryJobs(options: JobsQueryOptions = {}): Promise<JobsResult> {
    const now = this.clock();
    const skip = Math.max(0, options.skip ?? 0);
    const limit = Math.max(0, options.limit ?? 0);
    const conditions = this.queryConditions(options, now);
    if (!conditions) return { jobs: [], total: 0 };
    const order = this.order(options.sort);
    const withState = (row: JobColumns): JobWithState => {
      const job = rowToJob(row);
      return { ...job, _id: job._id as JobId, state: computeJobState(job, now) };
    };

    if (options.data === undefined) {
      const where = { [Op.and]: conditions };
      const total = await this.rows.count({ where });
      const rows = await this.findRows({ where, order, offset: skip || undefined, limit: limit || undefined });
      return { jobs: rows.map(withState), total };
    }
    // The data match is decided in JavaScript, so the page is cut after it.
    const filter = normaliseDataFilter(options.data);
    const where = { [Op.and]: [...conditions, ...dataFilterFragments(filter).map((f) => this.sequelize.literal(dataContainsSql(this.sequelize, f)))] };
    const rows = (await this.findRows({ where, order })).filter((row) => dataMatches(readJobData(row.data), filter));
    const page = limit > 0 ? rows.slice(skip, skip + limit) : rows.slice(skip);
    return { jobs: page.map(withState), total: rows.length };
  }

  private queryConditions(options: JobsQueryOptions, now: Date): WhereOptions[] | null {
    const conditions: WhereOptions[] = [];
    if (options.name) conditions.push({ name: options.name });
    else if (options.names?.length) conditions.push({ name: { [Op.in]: options.names } });
    if (options.id !== undefined) {
      const id = parseId(options.id);
      if (id === null) return null;
      conditions.push({ id });
    } else if (options.ids?.length) {
      const ids = options.ids.map(parseId).filter((id): id is number => id !== null);
      if (ids.length === 0) return null;
      conditions.push({ id: { [Op.in]: ids } });
    }
    if (options.search) conditions.push(this.sequelize.literal(nameContainsSql(this.sequelize, options.search)));
    if (options.includeDisabled === false) conditions.push({ disabled: false });
    if (options.state) {
      if (!STATES.has(options.state)) throw new Error(`unknown job state: ${String(options.state)}`);
      conditions.push(options.state === "paused" ? { disabled: true } : this.sequelize.literal(jobStateIsSql(this.sequelize, now, options.state)));
    }
    return conditions;
  }

  private order(sort: JobsSort | undefined): Order {
    const order: Array<[string, string]> = [];
    for (const [key, direction] of Object.entries(sort ?? {})) {
      const column = SORT_COLUMNS[key as keyof JobsSort];
      if (column && direction) order.push([column, direction === "asc" ? "ASC" : "DESC"]);
    }
    if (order.length === 0) order.push(["next_run_at", "DESC"], ["last_run_at", "DESC"]);
    order.push(["id", order[0][1]]);
    return order;
  }

  async getJobsOverview(): Promise<JobsOverview[]> {
    const counts = await countJobsByState(this.sequelize, this.tables.jobs, this.clock());
    const byName = new Map<string, JobsOverview>();
    for (const { name, state, disabled, count } of counts) {
      let overview = byName.get(name);
      if (!overview) {
        overview = { name, total: 0, running: 0, scheduled: 0, queued: 0, completed: 0, failed: 0, repeating: 0, paused: 0 };
        byName.set(name, overview);
      }
      overview.total += count;
      overview[state as Exclude<JobState, "paused">] += count;
      if (disabled) overview.paused += count;
    }
    return [...byName.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  async getDistinctJobNames(): Promise<string[]> {
    const rows = await this.findRows({ attributes: ["name"], group: ["name"], order: [["name", "ASC"]] });
    return rows.map((row) => row.name);
  }

  async getQueueSize(): Promise<number> {
    return this.rows.count({ where: { next_run_at: { [Op.lt]: this.clock() } } });
  }

  // ---- removing, disabling, enabling ----------------------------------------------------------

  /** The jobs an options object selects, or null when it selects nothing (no criteria, or bad ids). */
  private selectionConditions(options: RemoveJobsOptions): WhereOptions[] | null {
    const conditions: WhereOptions[] = [];
    if (options.id !== undefined) {
      const id = parseId(options.id);
      if (id === null) return null;
      conditions.push({ id });
    } else if (options.ids?.length) {
      const ids = options.ids.map(parseId).filter((id): id is number => id !== null);
      if (ids.length === 0) return null;
      conditions.push({ id: { [Op.in]: ids } });
    }
    if (options.name) conditions.push({ name: options.name });
    else if (options.names?.length) conditions.push({ name: { [Op.in]: options.names } });
    else if (options.notNames?.length) conditions.push({ name: { [Op.notIn]: options.notNames } });
    if (conditions.length === 0 && options.data === undefined) return null;
    return conditions;
  }

  /** Ids of the selected jobs when the selection has a data filter (decided in JavaScript). */
  private async selectedIds(conditions: WhereOptions[], data: unknown, transaction: Transaction | undefined): Promise<number[]> {
    const filter = normaliseDataFilter(data);
    const where = { [Op.and]: [...conditions, ...dataFilterFragments(filter).map((f) => this.sequelize.literal(dataContainsSql(this.sequelize, f)))] };
    const rows = await this.findRows({ where, attributes: ["id", "data"], transaction });
    return rows.filter((row) => dataMatches(readJobData(row.data), filter)).map((row) => Number(row.id));
  }

  async removeJobs(options: RemoveJobsOptions, writeOptions?: JobWriteOptions): Promise<number> {
    const conditions = this.selectionConditions(options);
    if (!conditions) return 0;
    const transaction = this.callerTransaction(writeOptions);
    if (options.data === undefined) return this.write(transaction, () => this.rows.destroy({ where: { [Op.and]: conditions }, transaction }));
    const ids = await this.selectedIds(conditions, options.data, transaction);
    return this.write(transaction, async () => {
      let removed = 0;
      for (let i = 0; i < ids.length; i += ID_CHUNK) {
        removed += await this.rows.destroy({ where: { id: { [Op.in]: ids.slice(i, i + ID_CHUNK) } }, transaction });
      }
      return removed;
    });
  }

  async disableJobs(options: RemoveJobsOptions, writeOptions?: JobWriteOptions): Promise<number> {
    return this.setDisabled(options, true, writeOptions);
  }

  async enableJobs(options: RemoveJobsOptions, writeOptions?: JobWriteOptions): Promise<number> {
    return this.setDisabled(options, false, writeOptions);
  }

  /** Counts the jobs that changed, on both databases (MariaDB reports changed rows, SQLite matched ones). */
  private async setDisabled(options: RemoveJobsOptions, disabled: boolean, writeOptions?: JobWriteOptions): Promise<number> {
    const conditions = this.selectionConditions(options);
    if (!conditions) return 0;
    const transaction = this.callerTransaction(writeOptions);
    const notYet = { disabled: !disabled };
    if (options.data === undefined) {
      const [count] = await this.write(transaction, () => this.rows.update({ disabled }, { where: { [Op.and]: [...conditions, notYet] }, transaction }));
      return count;
    }
    const ids = await this.selectedIds([...conditions, notYet], options.data, transaction);
    return this.write(transaction, async () => {
      let changed = 0;
      for (let i = 0; i < ids.length; i += ID_CHUNK) {
        const [count] = await this.rows.update({ disabled }, { where: { id: { [Op.in]: ids.slice(i, i + ID_CHUNK) }, ...notYet }, transaction });
        changed += count;
      }
      return changed;
    });
  }

  async purgeAllJobs(): Promise<number> {
    return this.write(undefined, () => this.rows.destroy({ where: {} }));
  }

  // ---- locking --------------------------------------------------------------------------------

  async getNextJobToRun(
    jobName: string,
    nextScanAt: Date,
    lockDeadline: Date,
    now: Date | undefined,
    options: JobRepositoryOptions | undefined,
  ): Promise<JobParameters | undefined> {
    const request = { table: this.tables.jobs, name: jobName, nextScanAt, lockDeadline, lockedAt: now ?? this.clock(), lastModifiedBy: options?.lastModifiedBy ?? null };
    const row = await this.write(undefined, () => lockNextJob(this.sequelize, request));
    return row ? rowToJob(row) : undefined;
  }

  async lockJob(job: JobParameters, options: JobRepositoryOptions | undefined): Promise<JobParameters | undefined> {
    if (!job._id || parseId(job._id) === null) return undefined;
    const request = {
      table: this.tables.jobs,
      id: String(job._id),
      name: job.name,
      nextRunAt: job.nextRunAt ? new Date(job.nextRunAt) : null,
      lockedAt: this.clock(),
      lastModifiedBy: options?.lastModifiedBy ?? null,
    };
    const row = await this.write(undefined, () => lockJobIfUnchanged(this.sequelize, request));
    return row ? rowToJob(row) : undefined;
  }

  /** Unlocks a job the processor locked but will not run now; a job already started (no next run) keeps its lock. */
  async unlockJob(job: JobParameters): Promise<void> {
    const id = job._id ? parseId(job._id) : null;
    if (id === null) return;
    await this.write(undefined, () => this.rows.update({ locked_at: null }, { where: { id, next_run_at: { [Op.ne]: null } } }));
  }

  async unlockJobs(jobIds: (JobId | string)[]): Promise<void> {
    const ids = jobIds.map(parseId).filter((id): id is number => id !== null);
    if (ids.length === 0) return;
    await this.write(undefined, () => this.rows.update({ locked_at: null }, { where: { id: { [Op.in]: ids } } }));
  }

  // ---- saving ---------------------------------------------------------------------------------

  /** What the processor writes as a job starts, touches, and ends. */
  async saveJobState(job: JobParameters, options: JobRepositoryOptions | undefined): Promise<void> {
    const id = job._id ? parseId(job._id) : null;
    if (id === null) throw new Error("Cannot save job state without job ID");
    const date = (value: Date | undefined) => (value ? new Date(value) : null);
    const where = { id, name: job.name };
    const values = {
      locked_at: date(job.lockedAt),
      last_run_at: date(job.lastRunAt),
      last_finished_at: date(job.lastFinishedAt),
      failed_at: date(job.failedAt),
      fail_count: job.failCount ?? null,
      fail_reason: job.failReason ?? null,
      progress: job.progress ?? null,
      last_modified_by: options?.lastModifiedBy ?? null,
      next_run_at: this.sequelize.literal(nextRunAtUnlessRescheduledSql(this.sequelize, date(job.nextRunAt ?? undefined))) as never,
    };
    const [count] = await this.write(undefined, () => this.rows.update(values, { where }));
    // MariaDB counts changed rows, so an update that changed nothing also reports 0
    if (count === 0 && (await this.rows.count({ where })) === 0) {
      throw new Error(`job ${id} (name: ${job.name}) cannot be updated in the database, maybe it does not exist anymore?`);
    }
  }

  /**
   * Inserts or updates a job as Agenda's save() asks: by id; a "single" job by name; a unique job by
   * its unique constraint (with insertOnly and debounce). Single and unique jobs are found through a
   * hashed key under a unique index, so two processes saving the same job at once make one row.
   * `options.transaction` (or withTransaction) makes the save part of the caller's transaction.
   */
  async saveJob<DATA = unknown>(job: JobParameters<DATA>, options?: JobWriteOptions): Promise<JobParameters<DATA>> {
    const { _id, unique, uniqueOpts, ...props } = job;
    const now = this.clock();
    const columns: Partial<JobColumns> = { ...jobToColumns(props as Partial<JobParameters>), last_modified_by: options?.lastModifiedBy ?? null };

    if (_id !== undefined && _id !== null) {
      const id = parseId(_id);
      if (id === null) return job;
      return this.inTransaction(options, async (transaction) => {
        const existing = await this.lockedRow({ id, name: props.name }, transaction);
        if (!existing) return job;
        await this.updateRow(existing, columns, transaction);
        return this.readRow<DATA>(existing.id, transaction);
      });
    }

    if (props.type === "single") {
      const key = `s:${hash(props.name)}`;
      return this.upsertByKey<DATA>(key, columns, options, (existing) => {
        const changes = { ...columns };
        // every() on a restart must not pull a pending run forward to now
        const requested = readTimestamp(columns.next_run_at ?? null);
        if (requested && requested <= now && existing.next_run_at !== null) delete changes.next_run_at;
        return changes;
      });
    }

    if (unique) {
      const key = uniqueKey(props.name, unique);
      const debounce = uniqueOpts?.debounce;
      const requested = readTimestamp(columns.next_run_at ?? null);
      const insert = { ...columns };
      if (debounce) {
        const schedule = debounceSchedule(null, requested, debounce, now);
        insert.next_run_at = schedule.nextRunAt;
        insert.debounce_started_at = schedule.debounceStartedAt;
      }
      return this.upsertByKey<DATA>(key, insert, options, (existing) => {
        if (uniqueOpts?.insertOnly && !debounce) return null;
        if (!debounce) return { ...columns };
        const schedule = debounceSchedule(
          {
            nextRunAt: readTimestamp(existing.next_run_at),
            debounceStartedAt: readTimestamp(existing.debounce_started_at),
            lastRunAt: readTimestamp(existing.last_run_at),
          },
          requested,
          debounce,
          now,
        );
        return { ...columns, next_run_at: schedule.nextRunAt, debounce_started_at: schedule.debounceStartedAt };
      });
    }

    const transaction = this.callerTransaction(options);
    const created = await this.write(transaction, () => this.rows.create({ ...columns, data: columns.data ?? null }, { transaction }));
    return rowToJob<DATA>(created.get({ plain: true }) as JobColumns);
  }

  /**
   * The unique job that saveJob would find for this name and unique constraint, or null; inside
   * `options.transaction` when given (a plain read: it locks nothing).
   */
  async getUniqueJob<DATA = unknown>(name: string, unique: Record<string, unknown>, options: { transaction?: Transaction } = {}): Promise<JobParameters<DATA> | null> {
    const row = await this.findRow({ where: { unique_key: uniqueKey(name, unique) }, transaction: options.transaction });
    return row ? rowToJob<DATA>(row) : null;
  }

  private async upsertByKey<DATA>(
    key: string,
    insert: Partial<JobColumns>,
    options: JobWriteOptions | undefined,
    changesFor: (existing: JobColumns) => Partial<JobColumns> | null,
  ): Promise<JobParameters<DATA>> {
    return this.inTransaction(options, async (transaction) => {
      // Never a locking read of a key that may not exist: in a caller's REPEATABLE READ transaction
      // (MariaDB's default) it takes a gap lock, and two saves of new keys in one gap then deadlock
      // on their inserts. A plain read, then a lock by id of a row that exists, or an insert.
      const seen = await this.findRow({ where: { unique_key: key }, transaction });
      let existing = seen ? await this.lockedRow({ id: seen.id }, transaction) : null;
      if (!existing) {
        try {
          const created = await this.rows.create({ ...insert, data: insert.data ?? null, unique_key: key }, { transaction });
          return rowToJob<DATA>(created.get({ plain: true }) as JobColumns);
        } catch (error) {
          // another process inserted it since we looked; it is committed now, so update that one
          if (!(error instanceof UniqueConstraintError)) throw error;
          existing = await this.lockedRow({ unique_key: key }, transaction);
          if (!existing) throw error;
        }
      }
      const changes = changesFor(existing);
      if (!changes) return rowToJob<DATA>(existing);
      await this.updateRow(existing, changes, transaction);
      return this.readRow<DATA>(existing.id, transaction);
    });
  }

  /** The row, locked for update (MariaDB) until the transaction ends; SQLite's transaction already holds the write lock. */
  private lockedRow(where: WhereOptions, transaction: Transaction): Promise<JobColumns | null> {
    return this.findRow({ where, transaction, lock: true });
  }

  /** Writes changes to a locked row; a changed run time bumps schedule_version (see saveJobState). */
  private async updateRow(existing: JobColumns, changes: Partial<JobColumns>, transaction: Transaction): Promise<void> {
    const values = { ...changes };
    if ("next_run_at" in values && !sameTime(readTimestamp(values.next_run_at ?? null), readTimestamp(existing.next_run_at))) {
      values.schedule_version = Number(existing.schedule_version) + 1;
    }
    await this.rows.update(values, { where: { id: existing.id }, transaction });
  }

  private async readRow<DATA>(id: number | string, transaction: Transaction): Promise<JobParameters<DATA>> {
    const row = await this.findRow({ where: { id }, transaction });
    if (!row) throw new Error(`job ${id} vanished while it was being saved`);
    return rowToJob<DATA>(row);
  }

  /** Rows as plain column objects (SQLite leaves dates as text and booleans as 0/1; rowToJob reads both). */
  private async findRows(options: FindOptions<JobColumns>): Promise<JobColumns[]> {
    return (await this.rows.findAll({ ...options, raw: true })) as unknown as JobColumns[];
  }

  private async findRow(options: FindOptions<JobColumns>): Promise<JobColumns | null> {
    return ((await this.rows.findOne({ ...options, raw: true })) as unknown as JobColumns | null) ?? null;
  }
}

function hash(text: string): string {
  return crypto.createHash("sha256").update(text).digest("base64url");
}

/** The key a unique job is kept under: one row per name and constraint. */
function uniqueKey(name: string, unique: unknown): string {
  return `u:${hash(`${name}\n${canonicalJson(unique)}`)}`;
}
