// Reads large result sets row by row, straight from each driver: Sequelize would buffer 3M order
// rows as objects before returning. Both dialects side by side.
import type { Database } from "../../models/db";

/** Called per row with its values in SELECT order. */
export type RowSink = (row: unknown[]) => void;

interface MysqlConnection {
  query(options: { sql: string; rowsAsArray: boolean; dateStrings: boolean; values?: unknown[] }): {
    on(event: "result", cb: (row: unknown[]) => void): unknown;
    on(event: "end", cb: () => void): unknown;
    on(event: "error", cb: (err: Error) => void): unknown;
  };
}

interface SqliteConnection {
  all(sql: string, params: unknown[], done: (err: Error | null, rows: Array<Record<string, unknown>>) => void): void;
  each(sql: string, params: unknown[], row: (err: Error | null, row: Record<string, unknown>) => void, done: (err: Error | null) => void): void;
}

/**
 * Streams the rows of one SELECT. Timestamps arrive as text ("YYYY-MM-DD HH:MM:SS.mmm", SQLite
 * with " +00:00"); read them with `utcMsOf`.
 */
export async function streamRows(db: Database, sql: string, params: unknown[], sink: RowSink, setup?: string): Promise<number> {
  const manager = db.sequelize.connectionManager as unknown as {
    getConnection(options: unknown): Promise<unknown>;
    releaseConnection(connection: unknown): Promise<void> | void;
  };
  const connection = await manager.getConnection({ type: "read" });
  let count = 0;
  try {
    if (db.dialect === "mysql") {
      if (setup) {
        await new Promise<void>((resolve, reject) =>
          (connection as unknown as { query(sql: string, done: (err: Error | null) => void): void }).query(setup, (err) => (err ? reject(err) : resolve())),
        );
      }
      await new Promise<void>((resolve, reject) => {
        const query = (connection as MysqlConnection).query({ sql, rowsAsArray: true, dateStrings: true, values: params });
        query.on("result", (row: unknown[]) => {
          count++;
          sink(row);
        });
        query.on("error", reject);
        query.on("end", () => resolve());
      });
    } else {
      let failed: Error | null = null;
      await new Promise<void>((resolve, reject) => {
        (connection as SqliteConnection).each(
          sql,
          params,
          (err, row) => {
            if (err || failed) {
              failed ??= err;
              return;
            }
            count++;
            try {
              sink(Object.values(row));
            } catch (error) {
              failed = error as Error;
            }
          },
          (err) => (err || failed ? reject(err ?? failed) : resolve()),
        );
      });
    }
  } finally {
    await manager.releaseConnection(connection);
  }
  return count;
}

/** Milliseconds since the epoch of a stored timestamp (text from either dialect, or a Date). */
export function utcMsOf(value: unknown): number | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value.getTime();
  const s = String(value);
  if (s.length >= 19 && s.charCodeAt(10) === 32 && (s.length === 19 || s.length === 23 || s.endsWith(" +00:00"))) {
    return Date.UTC(
      Number(s.slice(0, 4)),
      Number(s.slice(5, 7)) - 1,
      Number(s.slice(8, 10)),
      Number(s.slice(11, 13)),
      Number(s.slice(14, 16)),
      Number(s.slice(17, 19)),
      s.charCodeAt(19) === 46 ? Number(s.slice(20, 23)) : 0,
    );
  }
  const parsed = Date.parse(s.replace(" ", "T").replace(/ ([+-]\d\d:\d\d)$/, "$1"));
  return Number.isNaN(parsed) ? null : parsed;
}

/** Rows a SQLite chunk holds: bounded memory, few enough round trips. */
const SQLITE_CHUNK = 20_000;

export interface KeyedSelect {
  /** The columns, in the order the sink reads them. */
  columns: string;
  from: string;
  where?: string;
  /** A unique, indexed integer column to page by (SQLite's rowid alias: the table's id). */
  key: string;
  /** SQLite rows per chunk (tests make it small). */
  chunk?: number;
  /** MariaDB too delivers the rows in key order (SQLite's keyset pages always do). */
  ordered?: boolean;
}

/**
 * Streams a whole table (or join) by its key. MariaDB streams one query; SQLite's `each` would
 * queue every row its worker thread reads ahead of JavaScript (a million-customer store held over
 * a gigabyte that way), so there it reads by keyset, a chunk at a time.
 */
export async function streamByKey(db: Database, select: KeyedSelect, sink: RowSink): Promise<number> {
  const where = select.where ? ` WHERE ${select.where}` : "";
  if (db.dialect === "mysql") return streamRows(db, `SELECT ${select.columns} FROM ${select.from}${where}${select.ordered ? ` ORDER BY ${select.key}` : ""}`, [], sink);
  const manager = db.sequelize.connectionManager as unknown as {
    getConnection(options: unknown): Promise<unknown>;
    releaseConnection(connection: unknown): Promise<void> | void;
  };
  const connection = (await manager.getConnection({ type: "read" })) as SqliteConnection;
  const chunk = select.chunk ?? SQLITE_CHUNK;
  const sql = `SELECT ${select.columns}, ${select.key} AS page_key_ FROM ${select.from} WHERE ${select.where ? `(${select.where}) AND ` : ""}${select.key} > ? ORDER BY ${select.key} LIMIT ${chunk}`;
  let count = 0;
  let after = Number.MIN_SAFE_INTEGER;
  const read = (key: number) => new Promise<Array<Record<string, unknown>>>((resolve, reject) => connection.all(sql, [key], (err, r) => (err ? reject(err) : resolve(r))));
  let pending: Promise<Array<Record<string, unknown>>> | null = null;
  try {
    let next = read(after);
    for (;;) {
      const rows = await next;
      pending = null;
      const more = rows.length === chunk;
      // ask for the next chunk before handling this one: SQLite reads it on its own thread meanwhile
      if (more) {
        after = Number(rows[rows.length - 1]!.page_key_);
        pending = next = read(after);
      }
      for (const row of rows) sink(Object.values(row));
      count += rows.length;
      if (!more) break;
    }
  } catch (error) {
    // a sink that throws leaves a read in flight: let it finish before the connection goes back
    await pending?.catch(() => {});
    throw error;
  } finally {
    await manager.releaseConnection(connection);
  }
  return count;
}

/** SQL that differs between the dialects, for the fact index's aggregate reads. */
export interface FactSql {
  /** Whole seconds since the epoch of a stored timestamp (a store day never starts between seconds). */
  epoch(column: string): string;
  concat(...parts: string[]): string;
  /** Days since 1970-01-01 of a DATE column (NULL stays NULL). */
  epochDay(column: string): string;
  /** Values of a group joined by commas, optionally distinct or ordered. */
  groupConcat(expr: string, options?: { distinct?: boolean; orderBy?: string }): string;
}

export function factSql(dialect: Database["dialect"]): FactSql {
  if (dialect === "mysql") {
    return {
      epoch: (column) => `FLOOR(UNIX_TIMESTAMP(${column}))`,
      epochDay: (column) => `DATEDIFF(${column}, '1970-01-01')`,
      concat: (...parts) => `CONCAT(${parts.join(", ")})`,
      groupConcat: (expr, o = {}) => `GROUP_CONCAT(${o.distinct ? "DISTINCT " : ""}${expr}${o.orderBy ? ` ORDER BY ${o.orderBy}` : ""} SEPARATOR ',')`,
    };
  }
  return {
    epoch: (column) => `unixepoch(${column})`,
    epochDay: (column) => `CAST(unixepoch(${column}) / 86400 AS INTEGER)`,
    concat: (...parts) => parts.join(" || "),
    groupConcat: (expr, o = {}) => (o.distinct ? `group_concat(DISTINCT ${expr})` : `group_concat(${expr}, ','${o.orderBy ? ` ORDER BY ${o.orderBy}` : ""})`),
  };
}

/** Customers a SQLite chunk covers when reading per customer. */
const SQLITE_CUSTOMERS_PER_CHUNK = 8_000;

export interface PerCustomerSelect {
  /** The customer id column; every row arrives with it first. */
  customer: string;
  /** The other columns (aggregates when `grouped`). */
  columns: string;
  from: string;
  where?: string;
  /** One row per customer (GROUP BY the customer column). */
  grouped?: boolean;
  /** SQLite customers per chunk (tests make it small). */
  chunk?: number;
}

/**
 * Streams rows in ascending customer id, for the customers whose ids are given (ascending): SQLite
 * a range of ids at a time, the next range asked for before this one is handled; MariaDB in one
 * streamed query. Rows of customers outside the list may arrive too.
 */
export async function streamByCustomer(db: Database, ids: Int32Array, size: number, select: PerCustomerSelect, sink: RowSink): Promise<number> {
  const group = select.grouped ? ` GROUP BY ${select.customer}` : "";
  const head = `SELECT ${select.customer}, ${select.columns} FROM ${select.from}`;
  if (db.dialect === "mysql") {
    const where = select.where ? ` WHERE ${select.where}` : "";
    // a customer's grouped values may exceed the 1 MB default (MySQL's is 1 KB)
    return streamRows(db, `${head}${where}${group} ORDER BY ${select.customer}`, [], sink, "SET SESSION group_concat_max_len = 67108864");
  }
  if (size === 0) return 0;
  const manager = db.sequelize.connectionManager as unknown as {
    getConnection(options: unknown): Promise<unknown>;
    releaseConnection(connection: unknown): Promise<void> | void;
  };
  const connection = (await manager.getConnection({ type: "read" })) as SqliteConnection;
  const sql = `${head} WHERE ${select.where ? `(${select.where}) AND ` : ""}${select.customer} BETWEEN ? AND ?${group} ORDER BY ${select.customer}`;
  const chunk = select.chunk ?? SQLITE_CUSTOMERS_PER_CHUNK;
  const read = (from: number) => {
    const to = Math.min(from + chunk, size) - 1;
    return new Promise<Array<Record<string, unknown>>>((resolve, reject) => connection.all(sql, [ids[from], ids[to]], (err, r) => (err ? reject(err) : resolve(r))));
  };
  let count = 0;
  let pending: Promise<unknown> | null = null;
  try {
    let next = read(0);
    for (let from = 0; from < size; from += chunk) {
      const rows = await next;
      pending = null;
      if (from + chunk < size) pending = next = read(from + chunk);
      for (const row of rows) sink(Object.values(row));
      count += rows.length;
    }
  } catch (error) {
    await pending?.catch(() => {});
    throw error;
  } finally {
    await manager.releaseConnection(connection);
  }
  return count;
}
