// The rows of an export, read in keyset-paged batches and never all at once: a segment's members
// by customer id through segment_members' (segment_id, customer_id) key, or the customer list's
// pages in the list's own order (its query plans, decision 10). Each batch's rows come straight
// from the driver as arrays, and the next batch is asked for
// before this one is written, so the database and the file writer work at the same time.
import type { Database } from "../db";
import type { Channel } from "../models";
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

/** What a batch's side lookups found: channel states, tag names and custom field values by customer id. */
interface BatchExtras {
  channels: Map<number, Partial<Record<Channel, boolean>>>;
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
const asRead = (_field: unknown, next: () => unknown) => next();

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
      return await new Promise((resolve, reject) => mysql.query({ sql, rowsAsArray: true, dateStrings: true, typeCast: asRead }, (err, rows) => (err ? reject(err) : resolve(rows))));
    }
    const sqlite = connection as { all(sql: string, params: unknown[], done: (err: Error | null, rows: Array<Record<string, unknown>>) => void): void };
    const rows = await new Promise<Array<Record<string, unknown>>>((resolve, reject) => sqlite.all(sql, [], (err, r) => (err ? reject(err) : resolve(r))));
    return rows.map((r) => Object.values(r));
  } finally {
    await manager.releaseConnection(connection);
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
 * holds one batch being written and the next one being read, whatever the export's size.
 */
export async function* exportRows(db: Database, source: ExportSource, options: ExportReadOptions): AsyncGenerator<ExportCell[][]> {
  const batchSize = options.batchSize ?? EXPORT_BATCH_ROWS;
  const { columns } = options;
  const customerColumns = columns.filter((c) => CUSTOMER_SQL[c] !== undefined);
  const withEntered = source.kind === "segment" && columns.includes("enteredAt");
  // the SELECT list: the id, the entry into the segment, then each customers column once
  const selected = ["c.id", ...(withEntered ? ["sm.entered_at"] : []), ...customerColumns.map((c) => CUSTOMER_SQL[c]!)];
  const positionOf = new Map<ExportColumn, number>(customerColumns.map((c, i) => [c, i + (withEntered ? 2 : 1)]));

  const fieldKeys = columns.filter((c) => c.startsWith("field:")).map((c) => c.slice("field:".length));
  const fieldDefs = fieldKeys.length
    ? await db.models.CustomField.findAll({ attributes: ["id", "key", "type"], where: { key: fieldKeys }, raw: true })
    : [];
  const fieldByKey = new Map(fieldDefs.map((f) => [f.key, f]));
  const wantsChannels = columns.some((c) => c.startsWith("channel:"));
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
      const channel = column.slice("channel:".length) as Channel;
      return (_row, id, extras) => {
        const state = extras.channels.get(id)?.[channel];
        return state === undefined ? null : state ? "subscribed" : "unsubscribed";
      };
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
        `SELECT ${selected.join(", ")} FROM segment_members sm ${join} customers c ON c.id = sm.customer_id WHERE sm.segment_id = ${Math.trunc(source.segmentId)} AND sm.customer_id > ${Math.trunc(Number(from ?? 0))} ORDER BY sm.customer_id LIMIT ${batchSize}`,
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
    const found = await selectArrays(db, `SELECT ${selected.join(", ")} FROM customers c WHERE c.id IN (${idList(page.ids)})`);
    const byId = new Map(found.map((r) => [Number(r[0]), r]));
    const rows = page.ids.map((id) => byId.get(id)).filter((r): r is unknown[] => r !== undefined);
    return { rows, ids: rows.map((r) => Number(r[0])), next: page.nextCursor };
  };

  const readExtras = async (ids: number[]): Promise<BatchExtras> => {
    const extras: BatchExtras = { channels: new Map(), tags: new Map(), fields: new Map() };
    if (!ids.length) return extras;
    const list = idList(ids);
    const [channels, tags, values] = await Promise.all([
      wantsChannels ? selectArrays(db, `SELECT customer_id, channel, is_subscribed FROM channel_identities WHERE customer_id IN (${list})`) : [],
      wantsTags ? selectArrays(db, `SELECT ct.customer_id, t.name FROM customer_tags ct JOIN tags t ON t.id = ct.tag_id WHERE ct.customer_id IN (${list}) ORDER BY t.name`) : [],
      fieldDefs.length
        ? selectArrays(db, `SELECT customer_id, custom_field_id, value_text, value_number, value_date FROM customer_field_values WHERE customer_id IN (${list}) AND custom_field_id IN (${idList(fieldDefs.map((f) => f.id))})`)
        : [],
    ]);
    for (const [customerId, channel, isSubscribed] of channels) {
      const id = Number(customerId);
      const states = extras.channels.get(id) ?? {};
      states[channel as Channel] = Boolean(Number(isSubscribed));
      extras.channels.set(id, states);
    }
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

  const needsExtras = wantsChannels || wantsTags || fieldDefs.length > 0;
  const noExtras: BatchExtras = { channels: new Map(), tags: new Map(), fields: new Map() };
  let next: Promise<RawBatch> | null = readBatch(null);
  try {
    while (next) {
      const batch: RawBatch = await next;
      // the next batch is read while this one's extras are looked up and its rows are written
      next = batch.next === null ? null : readBatch(batch.next);
      next?.catch(() => {});
      if (!batch.rows.length) break;
      const extras = needsExtras ? await readExtras(batch.ids) : noExtras;
      const out: ExportCell[][] = new Array(batch.rows.length);
      for (let r = 0; r < batch.rows.length; r++) {
        const row = batch.rows[r];
        const id = batch.ids[r];
        const line: ExportCell[] = new Array(cells.length);
        for (let c = 0; c < cells.length; c++) line[c] = cells[c](row, id, extras);
        out[r] = line;
      }
      yield out;
    }
  } finally {
    // a reader stopped early (the download was cancelled) leaves no query behind it
    await next?.catch(() => {});
  }
}
