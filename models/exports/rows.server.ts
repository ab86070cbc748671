// The rows of an export, read in keyset-paged batches and never all at once: a segment's members
// by customer id through segment_members' (segment_id, customer_id) key, or the customer list's
// pages in the list's own order (its query plans, decision 10). Each batch's rows come straight
// from the driver as arrays, and the next batch is asked for
// before this one is written, so the database and the file writer work at the same time.
import mysql2 from "mysql2";
import type { Database } from "../db";
import { CHANNELS } from "../models";
import { listCustomerIds } from "../customers/list.server";
import type { CustomerListQuery } from "../customers/list-query";
import type { CustomerViewer } from "../customers/viewer";
import type { ExportColumn, ExportFormat } from "./columns";

/** Whose rows: a segment's members, or the customers the list's search and filters show this viewer. */
export type ExportSource =
  | { kind: "segment"; segmentId: number }
  | { kind: "customers"; query: CustomerListQuery; viewer: CustomerViewer; storeCountry: string | null };

/** One cell: text, a number, or empty. */
export type ExportCell = string | number | null;

export interface ExportReadOptions {
  columns: ExportColumn[];
  format: ExportFormat;
  /** The store's currency: totals are written in its major unit ("812.40"). */
  currency: string;
  /** Rows per batch (tests make it small to cross batch edges). */
  batchSize?: number;
}

// a batch small enough that its rows die young: at 5,000 they outlived the scavenger and the old
// generation grew by ~90 MB between collections; at 1,000 resident memory stays within ~15 MB
export const EXPORT_BATCH_ROWS = 1_000;

/** The customers columns a fixed column reads. */
const CUSTOMER_SQL: Partial<Record<ExportColumn, string>> = {
  externalId: "c.external_id",
  firstName: "c.first_name",
  lastName: "c.last_name",
  email: "c.email",
  phone: "c.phone",
  country: "c.country",
  city: "c.city",
  birthday: "c.birthday",
  registeredAt: "c.registered_at",
  customerGroup: "c.customer_group_id",
  manager: "c.manager_id",
  acceptsMarketing: "c.accepts_marketing",
  ordersCount: "c.orders_count",
  totalSpent: "c.total_spent",
  lastOrderAt: "c.last_order_at",
};

/** What a batch's side lookups found: tag names and custom field values by customer id. */
interface BatchExtras {
  tags: Map<number, string[]>;
  fields: Map<number, Map<number, ExportCell>>;
}

interface RawBatch {
  rows: unknown[][];
  ids: number[];
  /** Where the next batch starts: a customer id (segment) or a list cursor (customers); null after the last. */
  next: number | string | null;
}

/** mysql2 keeps a connection's own type cast (Sequelize's) unless a query gives a function: this one reads each value as the driver does. */
const DRIVER_CAST = (_field: unknown, next: () => unknown) => next();

interface DriverConnections {
  getConnection(options: unknown): Promise<unknown>;
  releaseConnection(connection: unknown): Promise<void> | void;
}

/**
 * The rows of one SELECT (no placeholders: every value in it is a number this module wrote) as
 * arrays, straight from the driver. On MariaDB without Sequelize's type casting, which parsed every
 * DATETIME through moment-timezone (the largest cost of an export after waiting for the server):
 * moments come back as the text they are stored as.
 */
async function selectArrays(db: Database, sql: string): Promise<unknown[][]> {
  const manager = db.sequelize.connectionManager as unknown as DriverConnections;
  const connection = await manager.getConnection({ type: "read" });
  try {
    if (db.dialect === "mysql") {
      const mysql = connection as { query(options: object, done: (err: Error | null, rows: unknown[][]) => void): void };
      return await new Promise((resolve, reject) => mysql.query({ sql, rowsAsArray: true, dateStrings: true, typeCast: DRIVER_CAST }, (err, rows) => (err ? reject(err) : resolve(rows))));
    }
    const sqlite = connection as { all(sql: string, params: unknown[], done: (err: Error | null, rows: Array<Record<string, unknown>>) => void): void };
    const rows = await new Promise<Array<Record<string, unknown>>>((resolve, reject) => sqlite.all(sql, [], (err, r) => (err ? reject(err) : resolve(r))));
    return rows.map((r) => Object.values(r));
  } finally {
    await manager.releaseConnection(connection);
  }
}

/**
 * A MariaDB SELECT's rows as arrays, in batches, from one streamed query on a connection of its own
 * (outside Sequelize's pool, so without its per-value type casting: the driver's generated parser
 * reads each row, DATETIMEs as the text they are stored as). No round trip per batch, and the
 * connection is paused while two batches wait to be written, so memory stays at a few batches
 * whatever the row count. A reader that stops early closes the connection mid-result.
 */
async function* streamedBatches(db: Database, sql: string, batchSize: number): AsyncGenerator<unknown[][]> {
  const config = db.sequelize.config;
  const connection = mysql2.createConnection({
    host: config.host,
    port: Number(config.port),
    user: config.username,
    password: config.password ?? undefined,
    database: config.database,
    charset: "utf8mb4",
    timezone: "+00:00",
    supportBigNumbers: true,
    bigNumberStrings: false,
    decimalNumbers: true,
    dateStrings: true,
  });
  const waiting: unknown[][][] = [];
  let current: unknown[][] = [];
  let ended = false;
  let failure: Error | null = null;
  let paused = false;
  let wake: (() => void) | null = null;
  const notify = () => {
    const w = wake;
    wake = null;
    w?.();
  };
  connection.on("error", (error: Error) => {
    failure ??= error;
    notify();
  });
  const query = connection.query({ sql, rowsAsArray: true });
  query.on("result", (row) => {
    current.push(row as unknown as unknown[]);
    if (current.length < batchSize) return;
    waiting.push(current);
    current = [];
    if (waiting.length >= 1 && !paused) {
      paused = true;
      connection.pause();
    }
    notify();
  });
  query.on("error", (error: Error) => {
    failure ??= error;
    notify();
  });
  query.on("end", () => {
    if (current.length) waiting.push(current);
    current = [];
    ended = true;
    notify();
  });
  try {
    for (;;) {
      const batch = waiting.shift();
      if (batch) {
        if (paused && waiting.length < 1) {
          paused = false;
          connection.resume();
        }
        yield batch;
        continue;
      }
      if (failure) throw failure;
      if (ended) return;
      await new Promise<void>((resolve) => (wake = resolve));
    }
  } finally {
    if (ended && !failure) connection.end();
    else connection.destroy();
  }
}

/** A stored moment as ISO 8601 UTC: MariaDB's "YYYY-MM-DD HH:MM:SS.mmm", SQLite's the same with " +00:00". */
export function isoOfStored(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value.toISOString();
  const s = String(value);
  // "2026-03-01 10:00:00.000" (MariaDB) or the same with " +00:00" (SQLite): the common case first
  if ((s.length === 23 || s.length === 30) && s.charCodeAt(10) === 32 && s.charCodeAt(19) === 46) return `${s.slice(0, 10)}T${s.slice(11, 23)}Z`;
  if (s.length >= 23 && s.charCodeAt(10) === 32 && s.charCodeAt(19) === 46 && (s.length === 23 || s.endsWith(" +00:00"))) return `${s.slice(0, 10)}T${s.slice(11, 23)}Z`;
  const ms = Date.parse(s.replace(" ", "T").replace(/ ([+-]\d\d:\d\d)$/, "$1"));
  return Number.isNaN(ms) ? s : new Date(ms).toISOString();
}

function currencyDigits(currency: string): number {
  try {
    return new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    return 2;
  }
}

const idList = (ids: number[]) => ids.map((id) => Math.trunc(Number(id))).join(",");

/**
 * The rows of the export, a batch at a time, each row its cells in the order of `columns`. Memory
 * holds one batch being written and the next ones being read, whatever the export's size. A
 * batch's arrays are reused for the next one.
 */
export async function* exportRows(db: Database, source: ExportSource, options: ExportReadOptions): AsyncGenerator<ExportCell[][]> {
  const batchSize = options.batchSize ?? EXPORT_BATCH_ROWS;
  const { columns } = options;
  const customerColumns = columns.filter((c) => CUSTOMER_SQL[c] !== undefined);
  const withEntered = source.kind === "segment" && columns.includes("enteredAt");
  // the SELECT list: the id, the entry into the segment, then each customers column once
  // a channel's consent by a join per channel asked for ((customer_id, channel) is unique): it cost
  // the server less than a side query per batch cost this process (decision 0035)
  const channelColumns = columns.filter((c) => c.startsWith("channel:") && (CHANNELS as readonly string[]).includes(c.slice("channel:".length)));
  const channelAlias = (column: ExportColumn) => `ch_${column.slice("channel:".length)}`;
  const selected = [
    "c.id",
    ...(withEntered ? ["sm.entered_at"] : []),
    ...customerColumns.map((c) => CUSTOMER_SQL[c]!),
    // named, or SQLite's rows (objects) would keep one is_subscribed of several
    ...channelColumns.map((c) => `${channelAlias(c)}.is_subscribed AS ${channelAlias(c)}_subscribed`),
  ];
  const positionOf = new Map<ExportColumn, number>([...customerColumns, ...channelColumns].map((c, i) => [c, i + (withEntered ? 2 : 1)]));
  const joins = channelColumns.map((c) => ` LEFT JOIN channel_identities ${channelAlias(c)} ON ${channelAlias(c)}.customer_id = c.id AND ${channelAlias(c)}.channel = '${c.slice("channel:".length)}'`).join("");

  const fieldKeys = columns.filter((c) => c.startsWith("field:")).map((c) => c.slice("field:".length));
  const fieldDefs = fieldKeys.length
    ? await db.models.CustomField.findAll({ attributes: ["id", "key", "type"], where: { key: fieldKeys }, raw: true })
    : [];
  const fieldByKey = new Map(fieldDefs.map((f) => [f.key, f]));
  const wantsTags = columns.includes("tags");
  const [groups, managers] = await Promise.all([
    columns.includes("customerGroup") ? db.models.CustomerGroup.findAll({ attributes: ["id", "name"], raw: true }) : [],
    columns.includes("manager") ? db.models.User.findAll({ attributes: ["id", "email"], raw: true }) : [],
  ]);
  const groupName = new Map(groups.map((g) => [Number(g.id), g.name]));
  const managerEmail = new Map(managers.map((m) => [Number(m.id), m.email]));
  const digits = currencyDigits(options.currency);
  const scale = 10 ** digits;

  // one function per column, chosen once: a row is then a plain loop over them
  type Cell = (row: unknown[], id: number, extras: BatchExtras) => ExportCell;
  const text = (i: number): Cell => (row) => (row[i] === null || row[i] === undefined ? null : String(row[i]));
  const cellOf = (column: ExportColumn): Cell => {
    const i = positionOf.get(column);
    switch (column) {
      case "registeredAt":
      case "lastOrderAt":
        return (row) => isoOfStored(row[i!]);
      case "enteredAt":
        return (row) => isoOfStored(row[1]);
      case "acceptsMarketing":
        return (row) => (Number(row[i!]) ? "yes" : "no");
      case "ordersCount":
        return (row) => Number(row[i!]);
      case "totalSpent":
        return options.format === "xlsx" ? (row) => Number(row[i!]) / scale : (row) => (Number(row[i!]) / scale).toFixed(digits);
      case "customerGroup":
        return (row) => (row[i!] === null ? null : (groupName.get(Number(row[i!])) ?? null));
      case "manager":
        return (row) => (row[i!] === null ? null : (managerEmail.get(Number(row[i!])) ?? null));
      case "birthday":
        return (row) => (row[i!] === null || row[i!] === undefined ? null : String(row[i!]).slice(0, 10));
      case "tags":
        return (_row, id, extras) => extras.tags.get(id)?.join(", ") ?? null;
    }
    if (column.startsWith("channel:")) {
      // no identity on that channel: an empty cell
      if (i === undefined) return () => null;
      return (row) => (row[i] === null || row[i] === undefined ? null : Number(row[i]) ? "subscribed" : "unsubscribed");
    }
    if (column.startsWith("field:")) {
      const field = fieldByKey.get(column.slice("field:".length));
      if (!field) return () => null;
      return (_row, id, extras) => extras.fields.get(id)?.get(Number(field.id)) ?? null;
    }
    return text(i!);
  };
  const cells = columns.map(cellOf);

  const readBatch = async (from: number | string | null): Promise<RawBatch> => {
    if (source.kind === "segment") {
      const join = db.dialect === "sqlite" ? "CROSS JOIN" : "STRAIGHT_JOIN";
      const rows = await selectArrays(
        db,
        `SELECT ${selected.join(", ")} FROM segment_members sm ${join} customers c ON c.id = sm.customer_id${joins} WHERE sm.segment_id = ${Math.trunc(source.segmentId)} AND sm.customer_id > ${Math.trunc(Number(from ?? 0))} ORDER BY sm.customer_id LIMIT ${batchSize}`,
      );
      const ids = rows.map((r) => Number(r[0]));
      return { rows, ids, next: rows.length === batchSize ? ids[ids.length - 1] : null };
    }
    const page = await listCustomerIds(db, {
      viewer: source.viewer,
      query: { ...source.query, after: typeof from === "string" ? from : undefined, before: undefined },
      storeCountry: source.storeCountry,
      pageSize: batchSize,
    });
    if (!page.ids.length) return { rows: [], ids: [], next: null };
    const found = await selectArrays(db, `SELECT ${selected.join(", ")} FROM customers c${joins} WHERE c.id IN (${idList(page.ids)})`);
    const byId = new Map(found.map((r) => [Number(r[0]), r]));
    const rows = page.ids.map((id) => byId.get(id)).filter((r): r is unknown[] => r !== undefined);
    return { rows, ids: rows.map((r) => Number(r[0])), next: page.nextCursor };
  };

  const readExtras = async (ids: number[]): Promise<BatchExtras> => {
    const extras: BatchExtras = { tags: new Map(), fields: new Map() };
    if (!ids.length) return extras;
    const list = idList(ids);
    const [tags, values] = await Promise.all([
      wantsTags ? selectArrays(db, `SELECT ct.customer_id, t.name FROM customer_tags ct JOIN tags t ON t.id = ct.tag_id WHERE ct.customer_id IN (${list}) ORDER BY t.name`) : [],
      fieldDefs.length
        ? selectArrays(db, `SELECT customer_id, custom_field_id, value_text, value_number, value_date FROM customer_field_values WHERE customer_id IN (${list}) AND custom_field_id IN (${idList(fieldDefs.map((f) => f.id))})`)
        : [],
    ]);
    for (const [customerId, name] of tags) {
      const id = Number(customerId);
      const names = extras.tags.get(id) ?? [];
      names.push(String(name));
      extras.tags.set(id, names);
    }
    for (const [customerId, fieldId, valueText, valueNumber, valueDate] of values) {
      const id = Number(customerId);
      const byField = extras.fields.get(id) ?? new Map<number, ExportCell>();
      const value = valueText !== null && valueText !== undefined ? String(valueText) : valueNumber !== null && valueNumber !== undefined ? Number(valueNumber) : valueDate ? String(valueDate).slice(0, 10) : null;
      byField.set(Number(fieldId), value);
      extras.fields.set(id, byField);
    }
    return extras;
  };

  const needsExtras = wantsTags || fieldDefs.length > 0;
  const noExtras: BatchExtras = { tags: new Map(), fields: new Map() };
  // where the batches come from: a segment on MariaDB is one streamed query; otherwise keyset pages,
  // the next one asked for while this one is written
  async function* batches(): AsyncGenerator<RawBatch> {
    if (source.kind === "segment" && db.dialect === "mysql") {
      const sql = `SELECT ${selected.join(", ")} FROM segment_members sm STRAIGHT_JOIN customers c ON c.id = sm.customer_id${joins} WHERE sm.segment_id = ${Math.trunc(source.segmentId)} ORDER BY sm.customer_id`;
      for await (const rows of streamedBatches(db, sql, batchSize)) yield { rows, ids: rows.map((r) => Number(r[0])), next: null };
      return;
    }
    let next: Promise<RawBatch> | null = readBatch(null);
    try {
      while (next) {
        const batch: RawBatch = await next;
        next = batch.next === null ? null : readBatch(batch.next);
        next?.catch(() => {});
        if (!batch.rows.length) break;
        yield batch;
      }
    } finally {
      // a reader stopped early (the download was cancelled) leaves no query behind it
      await next?.catch(() => {});
    }
  }

  // a batch's row arrays are filled again for the next batch (a million short-lived arrays were a
  // good part of an export's garbage): a reader writes or copies a batch before it asks for the next.
  // The next batch's side lookups run while this one is written.
  const lines: ExportCell[][] = [];
  const withExtras = (batch: RawBatch) => {
    const extras = needsExtras ? readExtras(batch.ids) : Promise.resolve(noExtras);
    extras.catch(() => {});
    return { batch, extras };
  };
  const source$ = batches();
  let step = await source$.next();
  let ahead = step.done ? null : withExtras(step.value);
  try {
    while (ahead) {
      const { batch, extras: extrasRead } = ahead;
      step = await source$.next();
      ahead = step.done ? null : withExtras(step.value);
      const extras = await extrasRead;
      while (lines.length < batch.rows.length) lines.push(new Array<ExportCell>(cells.length));
      for (let r = 0; r < batch.rows.length; r++) {
        const row = batch.rows[r];
        const id = batch.ids[r];
        const line = lines[r];
        for (let c = 0; c < cells.length; c++) line[c] = cells[c](row, id, extras);
      }
      yield lines.length === batch.rows.length ? lines : lines.slice(0, batch.rows.length);
    }
  } finally {
    await ahead?.extras.catch(() => {});
    await source$.return(undefined);
  }
}
