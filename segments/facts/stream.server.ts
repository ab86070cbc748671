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

/** The rows of a small SELECT as arrays in SELECT order, straight from the driver ("?" placeholders). */
export async function selectRows(db: Database, sql: string, params: unknown[]): Promise<unknown[][]> {
  const rows: unknown[][] = [];
  await streamRows(db, sql, params, (row) => rows.push(row));
  return rows;
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
  /** Days since 1970-01-01 of a DATE column (NULL stays NULL). */
  epochDay(column: string): string;
}

export function factSql(dialect: Database["dialect"]): FactSql {
  if (dialect === "mysql") {
    return {
      epoch: (column) => `FLOOR(UNIX_TIMESTAMP(${column}))`,
      epochDay: (column) => `DATEDIFF(${column}, '1970-01-01')`,
    };
  }
  return {
    epoch: (column) => `unixepoch(${column})`,
    epochDay: (column) => `CAST(unixepoch(${column}) / 86400 AS INTEGER)`,
  };
}

/** SQLite customers per text when reading records. */
const SQLITE_CUSTOMERS_PER_TEXT = 8_000;

export interface RecordSelect {
  /** The customer id column: records come in its order. */
  customer: string;
  /** A text expression for one record: its fields joined by "|" (see RecordReader). */
  record: string;
  from: string;
  where?: string;
  /** One record per customer (GROUP BY the customer column); otherwise one per row. */
  grouped?: boolean;
  /** Customers per text (tests make it small). */
  chunk?: number;
  /**
   * Reads on a connection of its own, named by this, so that several tables load at once (a store
   * in memory has one connection: there they take turns).
   */
  lane?: string;
}

let streams = 0;

/** A SQLite connection for one stream: a lane's own, or the shared one. */
async function sqliteConnection(db: Database, lane: string | undefined): Promise<{ connection: SqliteConnection; release: () => Promise<void> }> {
  const manager = db.sequelize.connectionManager as unknown as {
    getConnection(options: unknown): Promise<unknown>;
    releaseConnection(connection: unknown): Promise<void> | void;
  };
  // unique per stream: two indexes loading in one process must not share (and close) a connection
  const uuid = lane === undefined ? undefined : `fact-index-${lane}-${++streams}`;
  const connection = (await manager.getConnection({ type: "read", uuid })) as SqliteConnection & { uuid?: string; filename?: string };
  // Sequelize closes a connection that carries its uuid when it is released (the shared in-memory one it keeps)
  if (uuid && connection.filename !== ":memory:" && connection.filename !== "") connection.uuid = uuid;
  return { connection, release: async () => void (await manager.releaseConnection(connection)) };
}

/**
 * SQLite only: the records of each range of the given customers (ascending ids) as one text, in
 * customer order, the next range asked for before this one is handled. node-sqlite3 makes a JS
 * object of every row on the main thread (~3 µs a row, more than SQLite takes to read it): a million
 * customers' rows as a few hundred texts read with RecordReader cost a small part of that.
 * Records of customers outside the list may arrive too. Returns the number of records.
 */
export async function streamRecords(db: Database, ids: Int32Array, size: number, select: RecordSelect, sink: (text: string) => void): Promise<number> {
  if (db.dialect !== "sqlite") throw new Error("streamRecords reads SQLite stores only");
  if (size === 0) return 0;
  const where = select.where ? `(${select.where}) AND ` : "";
  const group = select.grouped ? ` GROUP BY ${select.customer}` : "";
  const sql = `SELECT group_concat(r, char(10) ORDER BY k) AS t, COUNT(*) AS n FROM (SELECT ${select.customer} AS k, ${select.record} AS r FROM ${select.from} WHERE ${where}${select.customer} BETWEEN ? AND ?${group})`;
  const chunk = select.chunk ?? SQLITE_CUSTOMERS_PER_TEXT;
  const { connection, release } = await sqliteConnection(db, select.lane);
  const read = (from: number) => {
    const to = Math.min(from + chunk, size) - 1;
    return new Promise<Array<Record<string, unknown>>>((resolve, reject) => connection.all(sql, [ids[from], ids[to]], (err, r) => (err ? reject(err) : resolve(r))));
  };
  let count = 0;
  let pending: Promise<unknown> | null = null;
  try {
    let next = read(0);
    for (let from = 0; from < size; from += chunk) {
      const [row] = await next;
      pending = null;
      if (from + chunk < size) pending = next = read(from + chunk);
      if (row.t !== null) sink(String(row.t));
      count += Number(row.n);
    }
  } catch (error) {
    await pending?.catch(() => {});
    throw error;
  } finally {
    await release();
  }
  return count;
}

/**
 * SQLite only: a whole table's records in key order, as texts of `chunk` records (see
 * streamRecords), for the customers table itself, before any customer ids are known.
 */
export async function streamRecordsByKey(db: Database, select: { key: string; record: string; from: string; chunk?: number; lane?: string }, sink: (text: string) => void): Promise<number> {
  if (db.dialect !== "sqlite") throw new Error("streamRecordsByKey reads SQLite stores only");
  const chunk = select.chunk ?? SQLITE_CUSTOMERS_PER_TEXT;
  const sql = `SELECT group_concat(r, char(10) ORDER BY k) AS t, COUNT(*) AS n, MAX(k) AS last FROM (SELECT ${select.key} AS k, ${select.record} AS r FROM ${select.from} WHERE ${select.key} > ? ORDER BY ${select.key} LIMIT ${chunk})`;
  const { connection, release } = await sqliteConnection(db, select.lane);
  const read = (after: number) => new Promise<Array<Record<string, unknown>>>((resolve, reject) => connection.all(sql, [after], (err, r) => (err ? reject(err) : resolve(r))));
  let count = 0;
  let pending: Promise<unknown> | null = null;
  try {
    let next = read(Number.MIN_SAFE_INTEGER);
    for (;;) {
      const [row] = await next;
      pending = null;
      const n = Number(row.n);
      if (n === chunk) pending = next = read(Number(row.last));
      if (row.t !== null) sink(String(row.t));
      count += n;
      if (n < chunk) break;
    }
  } catch (error) {
    await pending?.catch(() => {});
    throw error;
  } finally {
    await release();
  }
  return count;
}
