import fs from "node:fs";
import path from "node:path";
import { Sequelize, Transaction, type Options, type TransactionOptions } from "sequelize";
import mysql2 from "mysql2";
import { enterWriteLine } from "./sql/write-line";
import { defineModels, type Models } from "./models";
import { migrate } from "./migrations";

export type Dialect = "sqlite" | "mysql";

/** An open store database: the Sequelize instance, its models, and which dialect it speaks. */
export interface Database {
  sequelize: Sequelize;
  dialect: Dialect;
  models: Models;
  url: string;
  close(): Promise<void>;
}

export interface OpenOptions {
  /** Run pending migrations after connecting. */
  migrate?: boolean;
  log?: (line: string) => void;
  /** Log every SQL statement (debugging). */
  logSql?: boolean;
  pool?: { max: number };
}

/** Parses `sqlite:<file>`, `sqlite::memory:`, `mysql://…` and `mariadb://…`. */
export function dialectOf(url: string): Dialect {
  if (url.startsWith("sqlite:")) return "sqlite";
  if (url.startsWith("mysql://") || url.startsWith("mariadb://")) return "mysql";
  throw new Error(`DATABASE_URL must start with sqlite:, mysql:// or mariadb:// (got ${url.split(":")[0]}:)`);
}

function sqliteFile(url: string): string {
  const rest = url.slice("sqlite:".length);
  return rest === ":memory:" || rest === "" ? ":memory:" : rest.replace(/^\/\/(?=\/)/, "");
}

/**
 * Sequelize's SQLite dialect opens a connection per transaction and never runs the afterConnect
 * hook for them, so the pragmas are applied here, once per connection, before it is used.
 */
function applyPragmasOnConnect(sequelize: Sequelize) {
  const manager = sequelize.connectionManager as unknown as { getConnection(options?: unknown): Promise<SqliteConnection> };
  const open = manager.getConnection.bind(manager);
  const ready = new WeakMap<SqliteConnection, Promise<void>>();
  manager.getConnection = async (options?: unknown) => {
    const connection = await open(options);
    let pragmas = ready.get(connection);
    if (!pragmas) {
      pragmas = new Promise<void>((resolve, reject) => connection.exec(SQLITE_PRAGMAS, (err) => (err ? reject(err) : resolve())));
      ready.set(connection, pragmas);
    }
    await pragmas;
    return connection;
  };
}

/**
 * Every top-level SQLite transaction of this process waits in the write line (models/sql/write-line.ts)
 * until the one before it has committed or rolled back. Nested ones (savepoints) do not.
 */
function putTransactionsInLine(sequelize: Sequelize) {
  const open = sequelize.transaction.bind(sequelize) as (options?: TransactionOptions, work?: (t: Transaction) => Promise<unknown>) => Promise<unknown>;
  const inLine = async (optionsOrWork?: TransactionOptions | ((t: Transaction) => Promise<unknown>), maybeWork?: (t: Transaction) => Promise<unknown>) => {
    const work = typeof optionsOrWork === "function" ? optionsOrWork : maybeWork;
    const options = typeof optionsOrWork === "function" ? {} : (optionsOrWork ?? {});
    if (options.transaction) return open(options, work);
    const release = await enterWriteLine(sequelize);
    if (work) {
      try {
        return await open(options, work);
      } finally {
        release();
      }
    }
    let transaction: Transaction;
    try {
      transaction = (await open(options)) as Transaction;
    } catch (error) {
      release();
      throw error;
    }
    // an unmanaged transaction leaves the line when it is committed or rolled back
    let left = false;
    const leave = () => {
      if (!left) (left = true), release();
    };
    const commit = transaction.commit.bind(transaction);
    const rollback = transaction.rollback.bind(transaction);
    transaction.commit = () => commit().finally(leave);
    transaction.rollback = () => rollback().finally(leave);
    return transaction;
  };
  sequelize.transaction = inLine as typeof sequelize.transaction;
}

interface SqliteConnection {
  exec(sql: string, cb: (err: Error | null) => void): void;
}

// WAL lets readers (previews, the fact index) run while a write commits; NORMAL sync is safe with WAL.
const SQLITE_PRAGMAS = "PRAGMA journal_mode=WAL; PRAGMA busy_timeout=15000; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;";

export async function openDatabase(url: string, options: OpenOptions = {}): Promise<Database> {
  const dialect = dialectOf(url);
  const common: Options = {
    logging: options.logSql ? (sql) => options.log?.(sql) ?? console.log(sql) : false,
    define: { underscored: true, freezeTableName: true },
    benchmark: false,
  };
  let sequelize: Sequelize;
  if (dialect === "sqlite") {
    const storage = sqliteFile(url);
    if (storage !== ":memory:") fs.mkdirSync(path.dirname(path.resolve(storage)), { recursive: true });
    sequelize = new Sequelize({
      ...common,
      dialect: "sqlite",
      storage,
      // One writer at a time: take the write lock when a transaction begins rather than on its
      // first write, so two transactions never deadlock upgrading their locks.
      transactionType: Transaction.TYPES.IMMEDIATE,
      retry: { max: 0 },
    });
    applyPragmasOnConnect(sequelize);
    putTransactionsInLine(sequelize);
  } else {
    const u = new URL(url.replace(/^mariadb:/, "mysql:"));
    sequelize = new Sequelize({
      ...common,
      dialect: "mysql",
      host: u.hostname,
      port: Number(u.port || 3306),
      username: decodeURIComponent(u.username),
      password: decodeURIComponent(u.password),
      database: u.pathname.replace(/^\//, ""),
      timezone: "+00:00",
      pool: { max: options.pool?.max ?? 10, min: 0, idle: 10_000, acquire: 60_000 },
      dialectOptions: {
        charset: "utf8mb4",
        supportBigNumbers: true,
        bigNumberStrings: false,
        decimalNumbers: true,
        // Sequelize fills in its own replacements: without this, mysql2 scans every statement for
        // `?` placeholders anyway (6–7 ms for the 200 KB INSERT of 1,000 customers)
        queryFormat: (sql: string, values?: unknown) =>
          values === undefined || (Array.isArray(values) && values.length === 0) ? sql : mysql2.format(sql, values as Parameters<typeof mysql2.format>[1]),
      },
    });
  }
  await sequelize.authenticate();
  const models = defineModels(sequelize);
  if (options.migrate) await migrate(sequelize, options.log);
  return {
    sequelize,
    dialect,
    models,
    url,
    close: () => sequelize.close(),
  };
}
