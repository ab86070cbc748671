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
export async function streamRows(db: Database, sql: string, params: unknown[], sink: RowSink): Promise<number> {
  const manager = db.sequelize.connectionManager as unknown as {
    getConnection(options: unknown): Promise<unknown>;
    releaseConnection(connection: unknown): Promise<void> | void;
  };
  const connection = await manager.getConnection({ type: "read" });
  let count = 0;
  try {
    if (db.dialect === "mysql") {
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
  try {
    for (;;) {
      const rows = await new Promise<Array<Record<string, unknown>>>((resolve, reject) => connection.all(sql, [after], (err, r) => (err ? reject(err) : resolve(r))));
      for (const row of rows) sink(Object.values(row));
      count += rows.length;
      if (rows.length < chunk) break;
      after = Number(rows[rows.length - 1]!.page_key_);
    }
  } finally {
    await manager.releaseConnection(connection);
  }
  return count;
}
