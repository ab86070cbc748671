import { Agenda, type JobParameters } from "agenda";
import type { Transaction } from "sequelize";
import type { Database } from "../models/db";
import { bulkInsert, type SqlValue } from "../models/sql/bulk";
import { writeJobData } from "./job-row";
import { SequelizeBackend } from "./sequelize-backend";
import type { SequelizeJobRepository } from "./job-repository";

export interface JobQueueOptions {
  /** Names this process in the jobs it locks (and in their log). */
  name: string;
  /** How often a worker looks for due jobs. */
  processEveryMs: number;
}

/**
 * A process's way into the job queue, which lives in the store's own database. Every process
 * enqueues (in the transaction that makes a job necessary); only worker processes run jobs, through
 * the one Agenda this holds.
 */
export class JobQueue {
  readonly backend: SequelizeBackend;
  private instance: Agenda | null = null;

  constructor(
    readonly db: Database,
    private readonly options: JobQueueOptions,
  ) {
    this.backend = new SequelizeBackend({ sequelize: db.sequelize });
  }

  get repository(): SequelizeJobRepository {
    return this.backend.repository;
  }

  /** This process's Agenda, made on first use: a web process that only enqueues never makes one. */
  get agenda(): Agenda {
    this.instance ??= new Agenda({
      backend: this.backend,
      name: this.options.name,
      processEvery: this.options.processEveryMs,
      defaultConcurrency: 2,
      maxConcurrency: 10,
      // lock only what can start soon, so several workers share a queue that fills at once
      defaultLockLimit: 2,
    });
    return this.instance;
  }

  get isAgendaMade(): boolean {
    return this.instance !== null;
  }

  /** Saves a job; inside `transaction` it exists if and only if that transaction commits. */
  save<DATA>(job: JobParameters<DATA>, transaction?: Transaction): Promise<JobParameters<DATA>> {
    return this.repository.saveJob(job, { transaction, lastModifiedBy: this.options.name });
  }

  /**
   * Saves new plain jobs (never saved, neither single nor unique) as save() would insert each, in as
   * few multi-row INSERTs as fit, inside `transaction`.
   */
  async saveNew<DATA>(jobs: Array<JobParameters<DATA>>, transaction: Transaction): Promise<void> {
    if (jobs.length === 0) return;
    for (const job of jobs) {
      if (job._id !== undefined || job.unique || job.type === "single") throw new Error(`saveNew takes new plain jobs only (${job.name})`);
    }
    const columns = ["name", "priority", "type", "next_run_at", "data", "disabled", "fork", "schedule_version", "last_modified_by"];
    const rows: SqlValue[][] = jobs.map((job) => [job.name, job.priority ?? 0, "normal", job.nextRunAt ? new Date(job.nextRunAt) : null, writeJobData(job.data), false, false, 0, this.options.name]);
    await bulkInsert(this.db, String(this.repository.rows.getTableName()), columns, rows, { transaction });
  }
}

/** A job as Agenda's create() makes it: normal, priority 0, due at `nextRunAt`. */
export function jobOf<DATA>(name: string, data: DATA, nextRunAt: Date, extra: Partial<JobParameters<DATA>> = {}): JobParameters<DATA> {
  return { name, data, nextRunAt, priority: 0, type: "normal", ...extra };
}
