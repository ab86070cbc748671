// Multi-row INSERTs written as SQL text, for the write paths where Sequelize's bulkCreate costs more
// than the database does (it builds a model instance and formats each date through moment for every
// row: ~1.5 ms a customer against ~0.1 ms of SQL). Both dialects side by side; `npm run bench`
// prints the difference.
import { QueryTypes, type Transaction } from "sequelize";
import type { Database, Dialect } from "../db";

export type SqlValue = string | number | boolean | Date | null | undefined;

export type Conflict =
  /** Skip rows whose unique key exists (MariaDB INSERT IGNORE, SQLite INSERT OR IGNORE). */
  | "ignore"
  /** Update these columns of the row whose unique `keys` match. */
  | { keys: string[]; update: string[] };

export interface BulkInsertOptions {
  transaction?: Transaction;
  conflict?: Conflict;
}

const MAX_STATEMENT_CHARS = 4_000_000; // well under MariaDB's default 16 MB max_allowed_packet
const pad = (n: number, width = 2) => String(n).padStart(width, "0");

/** A moment as each dialect stores it from Sequelize: UTC, milliseconds, SQLite with its offset suffix. */
export function formatTimestamp(date: Date, dialect: Dialect): string {
  const s = `${date.getUTCFullYear()}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())} ${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}.${pad(date.getUTCMilliseconds(), 3)}`;
  return dialect === "sqlite" ? `${s} +00:00` : s;
}

/** Reads a timestamp column from a raw query: a Date on MariaDB, a string on SQLite. */
export function readTimestamp(value: unknown): Date | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value;
  const s = String(value);
  // "2024-03-01 09:30:00.000 +00:00" → ISO
  return new Date(s.replace(" ", "T").replace(" +00:00", "Z").replace(/ ([+-]\d\d:\d\d)$/, "$1"));
}

// Characters that need escaping in a string literal: only ' on SQLite; on MariaDB also backslash
// and the control characters its escaping rewrites. A double quote is itself inside '…' (ANSI_QUOTES
// or not), so JSON text such as the change log's fields skips Sequelize's slower escape.
const NEEDS_ESCAPE = { sqlite: /['\0]/, mysql: /['\\\0\n\r\b\t\x1a]/ } as const;

/** A value as SQL text; strings that need it go through Sequelize's own escaping for the dialect. */
export function sqlLiteral(value: SqlValue, db: Database): string {
  const dialect = db.dialect;
  if (value === null || value === undefined) return "NULL";
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new Error(`not a finite number: ${value}`);
    return String(value);
  }
  if (typeof value === "boolean") return value ? "1" : "0";
  if (value instanceof Date) return `'${formatTimestamp(value, dialect)}'`;
  if (!NEEDS_ESCAPE[dialect].test(value)) return `'${value}'`;
  // SQLite reads SQL text up to the first NUL, so a string holding one travels as hex
  if (dialect === "sqlite" && value.includes("\0")) return `CAST(X'${Buffer.from(value, "utf8").toString("hex")}' AS TEXT)`;
  return db.sequelize.escape(value);
}

function quoteName(name: string, dialect: Dialect): string {
  return dialect === "mysql" ? `\`${name}\`` : `"${name}"`;
}

function head(db: Database, table: string, columns: string[], conflict: Conflict | undefined): string {
  const verb = conflict === "ignore" ? (db.dialect === "mysql" ? "INSERT IGNORE INTO" : "INSERT OR IGNORE INTO") : "INSERT INTO";
  return `${verb} ${quoteName(table, db.dialect)} (${columns.map((c) => quoteName(c, db.dialect)).join(",")}) VALUES `;
}

function tail(db: Database, conflict: Conflict | undefined): string {
  if (!conflict || conflict === "ignore") return "";
  const q = (c: string) => quoteName(c, db.dialect);
  if (db.dialect === "mysql") return ` ON DUPLICATE KEY UPDATE ${conflict.update.map((c) => `${q(c)}=VALUES(${q(c)})`).join(",")}`;
  return ` ON CONFLICT (${conflict.keys.map(q).join(",")}) DO UPDATE SET ${conflict.update.map((c) => `${q(c)}=excluded.${q(c)}`).join(",")}`;
}

/** Inserts rows (arrays in `columns` order) in as few statements as fit. Column names are the table's own (snake_case). */
export async function bulkInsert(db: Database, table: string, columns: string[], rows: SqlValue[][], options: BulkInsertOptions = {}): Promise<void> {
  for (const sql of statements(db, table, columns, rows, options.conflict, "")) await execute(db, sql, options.transaction, false);
}

/**
 * Inserts rows as bulkInsert does and returns the `returning` columns of each inserted row, in no
 * particular order (INSERT … RETURNING: MariaDB 10.5+, SQLite 3.35+), which saves reading new ids
 * back by a second query.
 */
export async function bulkInsertReturning<R>(
  db: Database,
  table: string,
  columns: string[],
  rows: SqlValue[][],
  returning: string[],
  options: { transaction: Transaction },
): Promise<R[]> {
  const found: R[] = [];
  const end = ` RETURNING ${returning.map((c) => quoteName(c, db.dialect)).join(",")}`;
  for (const sql of statements(db, table, columns, rows, undefined, end)) found.push(...(await execute<R>(db, sql, options.transaction, true)));
  return found;
}

/** The INSERT statements for `rows`, each at most MAX_STATEMENT_CHARS long. */
function statements(db: Database, table: string, columns: string[], rows: SqlValue[][], conflict: Conflict | undefined, returning: string): string[] {
  if (rows.length === 0) return [];
  const start = head(db, table, columns, conflict);
  const end = tail(db, conflict) + returning;
  const done: string[] = [];
  let sql = start;
  let size = start.length + end.length;
  // a batch usually repeats a few moments (its `now`): format each distinct one once
  const moments = new Map<number, string>();
  for (const row of rows) {
    if (row.length !== columns.length) throw new Error(`row has ${row.length} values for ${columns.length} columns of ${table}`);
    // one string grown by += (a rope V8 flattens once, when the driver encodes it) costs less than
    // joining a string per row
    let tuple = "(";
    for (let i = 0; i < row.length; i++) {
      const value = row[i];
      let text: string;
      if (value instanceof Date) {
        const ms = value.getTime();
        const known = moments.get(ms);
        if (known === undefined) moments.set(ms, (text = sqlLiteral(value, db)));
        else text = known;
      } else text = sqlLiteral(value, db);
      tuple += i ? "," + text : text;
    }
    tuple += ")";
    if (sql !== start && size + tuple.length + 1 > MAX_STATEMENT_CHARS) {
      done.push(sql + end);
      sql = start;
      size = start.length + end.length;
    }
    sql += sql === start ? tuple : "," + tuple;
    size += tuple.length + 1;
  }
  done.push(sql + end);
  return done;
}

type Connection = {
  query?(options: { sql: string }, callback: (error: Error | null, result: unknown) => void): unknown;
  run?(sql: string, callback: (error: Error | null) => void): unknown;
  all?(sql: string, callback: (error: Error | null, rows: unknown[]) => void): unknown;
};

/**
 * Runs a statement of this module. In a transaction it goes straight to that transaction's
 * connection: Sequelize's query() copies the whole text several times on the way (trim, and a
 * toLowerCase per statement-kind check), which for the 250 KB INSERT of 1,000 customers costs
 * more than building it. Errors are turned into Sequelize's own (UniqueConstraintError, …), so
 * callers see what query() would have thrown.
 */
async function execute<R>(db: Database, sql: string, transaction: Transaction | undefined, returnsRows: boolean): Promise<R[]> {
  if (!transaction) {
    await db.sequelize.query(sql, { type: QueryTypes.INSERT, raw: true });
    return [];
  }
  if ((transaction as unknown as { finished?: string }).finished) {
    throw new Error(`${(transaction as unknown as { finished: string }).finished} has been called on this transaction, you can no longer use it`);
  }
  const connection = (transaction as unknown as { connection: Connection }).connection;
  const failed = (error: Error & { sql?: string }) => {
    error.sql = sql;
    const Query = (db.sequelize as unknown as { dialect: { Query: new (c: unknown, s: unknown, o: unknown) => { formatError(e: Error, stack?: string): Error } } }).dialect.Query;
    return new Query(connection, db.sequelize, { transaction }).formatError(error, new Error().stack);
  };
  return new Promise<R[]>((resolve, reject) => {
    if (db.dialect === "mysql") {
      connection.query!({ sql }, (error, result) => (error ? reject(failed(error)) : resolve(returnsRows ? (result as R[]) : [])));
    } else if (returnsRows) {
      connection.all!(sql, (error, rows) => (error ? reject(failed(error)) : resolve(rows as R[])));
    } else {
      connection.run!(sql, (error) => (error ? reject(failed(error)) : resolve([])));
    }
  });
}
