import type { AgendaBackend } from "agenda";
import type { Sequelize, Transaction } from "sequelize";
import { SequelizeJobLogger } from "./job-logger";
import { SequelizeJobRepository } from "./job-repository";
import { DEFAULT_JOB_TABLES, ensureJobTables, type JobTableNames } from "./job-tables";

export interface SequelizeBackendOptions {
  /** The database to keep jobs in. The backend never closes it. */
  sequelize: Sequelize;
  /** Default "agenda_jobs". */
  tableName?: string;
  /** Default "agenda_job_logs". */
  logsTableName?: string;
  /** The time the repository takes as now (job states, queue size, debounce). Tests set it. */
  clock?: () => Date;
}

/**
 * Agenda 6's storage on our own database through Sequelize: SQLite or MariaDB/MySQL. Jobs live in
 * the same database as the data they act on, so a job can be created in the transaction that makes
 * it necessary:
 *
 *   await sequelize.transaction(async (t) => {
 *     await segment.update({ isActive: true }, { transaction: t });
 *     await backend.withTransaction(t, () => agenda.now("recompute-segment", { segmentId: segment.id }));
 *   });
 *
 * Every Agenda call that saves, removes, disables or enables jobs inside `withTransaction` joins
 * the transaction; `backend.repository.saveJob(job, { transaction: t })` does the same for one save.
 * There is no notification channel: workers poll every `processEvery`.
 */
export class SequelizeBackend implements AgendaBackend {
  readonly name: string;
  readonly repository: SequelizeJobRepository;
  readonly logger: SequelizeJobLogger;
  /** The Sequelize instance is the caller's: agenda.stop() leaves it open. */
  readonly ownsConnection = false;
  private readonly sequelize: Sequelize;
  private readonly tables: JobTableNames;

  constructor(options: SequelizeBackendOptions) {
    this.sequelize = options.sequelize;
    this.tables = { jobs: options.tableName ?? DEFAULT_JOB_TABLES.jobs, logs: options.logsTableName ?? DEFAULT_JOB_TABLES.logs };
    this.name = `Sequelize (${options.sequelize.getDialect()})`;
    this.repository = new SequelizeJobRepository(this.sequelize, this.tables, options.clock);
    this.logger = new SequelizeJobLogger(this.sequelize, this.tables.logs);
  }

  /** Creates the jobs and log tables if they are missing (the app's migrations create them too). */
  async connect(): Promise<void> {
    await ensureJobTables(this.sequelize, this.tables);
  }

  /** Nothing to release: the connection pool belongs to the caller. */
  async disconnect(): Promise<void> {}

  /** Runs `work` with the job writes it makes through Agenda inside the caller's `transaction`. */
  withTransaction<T>(transaction: Transaction, work: () => Promise<T>): Promise<T> {
    return this.repository.withTransaction(transaction, work);
  }
}
