import { QueryTypes } from "sequelize";
import type { Database, Dialect } from "../db";
import { formatTimestamp, readTimestamp } from "../sql/bulk";
import { CUSTOMER_PAGE_SIZE, ORDER_TOTAL_SORTS, type CustomerListQuery, type CustomerSort } from "./list-query";
import { decodeCursor, encodeCursor, type ListCursor } from "./cursor";
import { customerQueryShape, joinConditions, type Driver, type SqlPart } from "./list-sql";
import { chooseDriver } from "./list-plan.server";
import { interpretSearch } from "./search";
import type { CustomerViewer } from "./viewer";

export interface CustomerListRow {
  id: number;
  externalId: string;
  firstName: string | null;
  lastName: string | null;
  email: string | null;
  phone: string | null;
  country: string | null;
  city: string | null;
  groupName: string | null;
  acceptsMarketing: boolean;
  /** ISO 8601. */
  registeredAt: string | null;
  /** Completed orders, and their sum in minor units: what "number of orders" and "total spent" count. */
  ordersCount: number;
  totalSpent: number;
  /** ISO 8601: the latest order that is not cancelled, as the "last order" criterion has it. */
  lastOrderAt: string | null;
}

export interface CustomerListPage {
  rows: CustomerListRow[];
  /** Cursor for the page after this one (`after=`), or null on the last page. */
  nextCursor: string | null;
  /** Cursor for the page before this one (`before=`), or null on the first page. */
  previousCursor: string | null;
}

export interface ListCustomersInput {
  viewer: CustomerViewer;
  query: CustomerListQuery;
  /** For national phone numbers typed in the search box. */
  storeCountry: string | null;
  pageSize?: number;
  /** Sets up to this size drive the query (list-plan.server.ts); tests lower it to walk the other plans. */
  driveLimit?: number;
}

interface RawCustomer {
  id: number;
  external_id: string;
  first_name: string | null;
  last_name: string | null;
  sort_name: string;
  email: string | null;
  phone: string | null;
  country: string | null;
  city: string | null;
  customer_group_id: number | null;
  accepts_marketing: number | boolean;
  registered_at: unknown;
  total_spent: number | string;
  orders_count: number | string;
  last_order_at: unknown;
}

const COLUMNS =
  "c.id, c.external_id, c.first_name, c.last_name, c.sort_name, c.email, c.phone, c.country, c.city, c.customer_group_id, c.accepts_marketing, c.registered_at, c.total_spent, c.orders_count, c.last_order_at";

/** What finding a page needs: the id and the sort key. The rest of a row is read for the page's 50 alone. */
interface PageKey {
  id: number;
  /** In name order. */
  sortName?: string;
  /** In an order-total sort: the total, or a last order as epoch milliseconds (null: none). */
  value?: number | null;
}

/** A page's keys as the database returns them: the sort key, when there is one, as `sort_key`. */
interface RawKey {
  id: number;
  sort_key?: unknown;
}

/** One index range a page is read from, in the order it is read (the page's order, or its reverse going back). */
interface KeyRange {
  where: SqlPart | null;
  orderBy: string;
}

/** The keyset condition and order for a page after (or before) a cursor; `idColumn` is the driving set's customer id. */
function keysetRanges(dialect: Dialect, cursor: ListCursor | null, sort: CustomerSort, backwards: boolean, idColumn: string): KeyRange[] {
  if (sort === "newest") {
    const orderBy = backwards ? `${idColumn} ASC` : `${idColumn} DESC`;
    if (!cursor) return [{ where: null, orderBy }];
    return [{ where: { sql: backwards ? `${idColumn} > ?` : `${idColumn} < ?`, values: [cursor.id] }, orderBy }];
  }
  if (sort === "name") {
    const orderBy = backwards ? "c.sort_name DESC, c.id DESC" : "c.sort_name ASC, c.id ASC";
    if (!cursor || cursor.sort !== "name") return [{ where: null, orderBy }];
    // written as a range on sort_name plus a residual test, so both optimizers read one index range
    const where = backwards
      ? { sql: "c.sort_name <= ? AND (c.sort_name < ? OR c.id < ?)", values: [cursor.sortName, cursor.sortName, cursor.id] }
      : { sql: "c.sort_name >= ? AND (c.sort_name > ? OR c.id > ?)", values: [cursor.sortName, cursor.sortName, cursor.id] };
    return [{ where, orderBy }];
  }
  const { column, descending } = ORDER_TOTAL_SORTS[sort]!;
  const col = `c.${column}`;
  // towards lower values: a descending page read forwards, or an ascending one read back
  const down = descending !== backwards;
  const direction = down ? "DESC" : "ASC";
  const cmp = down ? "<" : ">";
  const all = (where: string): KeyRange => ({ where: where ? { sql: where, values: [] } : null, orderBy: `${col} ${direction}, c.id ${direction}` });
  // After a cursor: first the customers tied with its row, past its id, then those past its value.
  // Two ranges the index seeks straight to; as one (value <= ? AND (value < ? OR id < ?)) the
  // databases read every tie on the cursor's near side first (a third of a demo store spent nothing).
  // A range of one value names the id alone as its order: so MariaDB sees it needs no sorting.
  const after = (value: string | number, id: number): KeyRange[] => [
    { where: { sql: `${col} = ? AND c.id ${cmp} ?`, values: [value, id] }, orderBy: `c.id ${direction}` },
    { where: { sql: `${col} ${cmp} ?`, values: [value] }, orderBy: `${col} ${direction}, c.id ${direction}` },
  ];
  const at = cursor && "value" in cursor ? cursor : null;
  if (column !== "last_order_at") return at && at.value !== null ? after(at.value, at.id) : [all("")];
  // Customers who never ordered come after every date, in either direction. A range never holds
  // NULL, so they are a range of their own (the index's NULL entries, in id order), read after the
  // dated ones going forwards and before them going back.
  const undated = (where: string, values: Array<string | number> = []): KeyRange => ({ where: { sql: `${col} IS NULL${where}`, values }, orderBy: `c.id ${direction}` });
  if (!at) return [all(`${col} IS NOT NULL`), undated("")];
  if (at.value === null) {
    const rest = undated(` AND c.id ${cmp} ?`, [at.id]);
    return backwards ? [rest, all(`${col} IS NOT NULL`)] : [rest];
  }
  const dated = after(formatTimestamp(new Date(at.value), dialect), at.id);
  return backwards ? dated : [...dated, undated("")];
}

/** The SELECT list of a page's keys: the id and the sort key, nothing a filter does not need already. */
function keyColumns(sort: CustomerSort): string {
  if (sort === "newest") return "c.id";
  if (sort === "name") return "c.id, c.sort_name AS sort_key";
  return `c.id, c.${ORDER_TOTAL_SORTS[sort]!.column} AS sort_key`;
}

function readKey(row: RawKey, sort: CustomerSort): PageKey {
  const id = Number(row.id);
  if (sort === "newest") return { id };
  if (sort === "name") return { id, sortName: String(row.sort_key ?? "") };
  if (ORDER_TOTAL_SORTS[sort]!.column === "last_order_at") return { id, value: readTimestamp(row.sort_key)?.getTime() ?? null };
  return { id, value: Number(row.sort_key) };
}

function cursorOf(key: PageKey, sort: CustomerSort): string {
  if (sort === "newest") return encodeCursor({ sort, id: key.id });
  if (sort === "name") return encodeCursor({ sort, sortName: key.sortName ?? "", id: key.id });
  return encodeCursor({ sort, value: key.value ?? null, id: key.id });
}

/** Code point order, which is how SQLite's BINARY and MariaDB's utf8mb4_bin collations compare. */
export function compareCodePoints(a: string, b: string): number {
  if (a === b) return 0;
  const x = [...a];
  const y = [...b];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    if (x[i] !== y[i]) return x[i].codePointAt(0)! - y[i].codePointAt(0)!;
  }
  return x.length - y.length;
}

/** Negative when `a` comes first on the page. */
function comparePageOrder(sort: CustomerSort, a: PageKey, b: PageKey): number {
  if (sort === "newest") return b.id - a.id;
  if (sort === "name") return compareCodePoints(a.sortName!, b.sortName!) || a.id - b.id;
  const sign = ORDER_TOTAL_SORTS[sort]!.descending ? -1 : 1;
  const [x, y] = [a.value ?? null, b.value ?? null];
  if (x === null || y === null) {
    if (x !== y) return x === null ? 1 : -1;
    return sign * (a.id - b.id);
  }
  return sign * (x - y || a.id - b.id);
}

/** The keys of several queries as one page: each customer once, in the page's order (reversed going back). */
function mergeKeys(rows: PageKey[], sort: CustomerSort, backwards: boolean): PageKey[] {
  const byId = new Map(rows.map((r) => [r.id, r]));
  const direction = backwards ? -1 : 1;
  return [...byId.values()].sort((a, b) => direction * comparePageOrder(sort, a, b));
}

/**
 * The SELECT of one range's keys (`limit` of them) starting from `driver`. Only the id and the sort
 * key: when no filter needs the rest of the row, the database reads the index alone.
 */
function rangeSelect(db: Database, input: ListCustomersInput, driver: Driver, range: KeyRange, limit: number): SqlPart {
  const shape = customerQueryShape(db.dialect, input.viewer, input.query, driver);
  if (range.where) shape.where.push(range.where);
  const where = joinConditions(shape.where);
  return {
    sql: `SELECT ${keyColumns(input.query.sort)} FROM ${shape.from.sql} WHERE ${where.sql} ORDER BY ${range.orderBy} LIMIT ${limit}`,
    values: [...shape.from.values, ...where.values],
  };
}

/** The SELECTs of one page's keys starting from `driver`, one for each range of the order. */
function pageSelects(db: Database, input: ListCustomersInput, driver: Driver, cursor: ListCursor | null, backwards: boolean, limit: number): SqlPart[] {
  const { idColumn } = customerQueryShape(db.dialect, input.viewer, input.query, driver);
  return keysetRanges(db.dialect, cursor, input.query.sort, backwards, idColumn).map((range) => rangeSelect(db, input, driver, range, limit));
}

async function selectKeys(db: Database, select: SqlPart, sort: CustomerSort): Promise<PageKey[]> {
  const found = await db.sequelize.query<RawKey>(select.sql, { replacements: select.values, type: QueryTypes.SELECT });
  return found.map((row) => readKey(row, sort));
}

/** The keys the SELECTs find, as one page in order: a single SELECT as it is, several merged. */
async function findKeys(db: Database, selects: SqlPart[], sort: CustomerSort, backwards: boolean, limit: number): Promise<PageKey[]> {
  if (selects.length === 1) return selectKeys(db, selects[0], sort);
  const union = { sql: selects.map((b, i) => `SELECT * FROM (${b.sql}) b${i}`).join(" UNION ALL "), values: selects.flatMap((b) => b.values) };
  return mergeKeys(await selectKeys(db, union, sort), sort, backwards).slice(0, limit);
}

/**
 * One page of the customer list in a stable order (newest first by id, by name, or by an order
 * total), after or before a keyset cursor, with the viewer's scope, the filters and the search
 * applied in the query.
 */
export async function listCustomers(db: Database, input: ListCustomersInput): Promise<CustomerListPage> {
  const { ids, nextCursor, previousCursor } = await listCustomerIds(db, input);
  return { rows: await withGroupNames(db, await customersByIds(db, ids)), nextCursor, previousCursor };
}

/** One page of the list as customer ids in the page's order, with its cursors: what an export walks. */
export async function listCustomerIds(db: Database, input: ListCustomersInput): Promise<{ ids: number[]; nextCursor: string | null; previousCursor: string | null }> {
  const { query } = input;
  const pageSize = input.pageSize ?? CUSTOMER_PAGE_SIZE;
  const cursorText = query.after ?? query.before;
  const cursor = cursorText ? decodeCursor(cursorText, query.sort) : null;
  const backwards = !query.after && Boolean(query.before) && cursor !== null;
  const terms = query.q ? interpretSearch(query.q, input.storeCountry) : [];

  const limit = pageSize + 1;
  let keys: PageKey[];
  if (terms.length) {
    // each term is an index range that yields its own first page; the pages are merged
    keys = await findKeys(db, terms.flatMap((term) => pageSelects(db, input, { kind: "term", term }, cursor, backwards, limit)), query.sort, backwards, limit);
  } else {
    const driver = await chooseDriver(db, input.viewer, query, query.sort, input.driveLimit);
    keys = await findKeys(db, pageSelects(db, input, driver, cursor, backwards, limit), query.sort, backwards, limit);
  }
  const hasMore = keys.length > pageSize;
  const pageKeys = keys.slice(0, pageSize);
  if (backwards) pageKeys.reverse();

  let nextCursor: string | null = null;
  let previousCursor: string | null = null;
  if (pageKeys.length) {
    const first = cursorOf(pageKeys[0], query.sort);
    const last = cursorOf(pageKeys[pageKeys.length - 1], query.sort);
    if (backwards) {
      nextCursor = last;
      previousCursor = hasMore ? first : null;
    } else {
      nextCursor = hasMore ? last : null;
      previousCursor = cursor ? first : null;
    }
  }
  return { ids: pageKeys.map((k) => k.id), nextCursor, previousCursor };
}

/** The page's customers, in the order of `ids`. */
async function customersByIds(db: Database, ids: number[]): Promise<RawCustomer[]> {
  if (!ids.length) return [];
  const rows = await db.sequelize.query<RawCustomer>(`SELECT ${COLUMNS} FROM customers c WHERE c.id IN (${ids.map(() => "?").join(",")})`, {
    replacements: ids,
    type: QueryTypes.SELECT,
  });
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids.map((id) => byId.get(id)).filter((r): r is RawCustomer => r !== undefined);
}

/** Group names for one page: one lookup by the page's group ids. */
async function withGroupNames(db: Database, rows: RawCustomer[]): Promise<CustomerListRow[]> {
  if (!rows.length) return [];
  const groupIds = [...new Set(rows.map((r) => r.customer_group_id).filter((g): g is number => g !== null))];
  const groups = groupIds.length ? await db.models.CustomerGroup.findAll({ attributes: ["id", "name"], where: { id: groupIds }, raw: true }) : [];
  const groupName = new Map(groups.map((g) => [g.id, g.name]));
  return rows.map((r) => ({
    id: r.id,
    externalId: r.external_id,
    firstName: r.first_name,
    lastName: r.last_name,
    email: r.email,
    phone: r.phone,
    country: r.country,
    city: r.city,
    groupName: r.customer_group_id === null ? null : (groupName.get(r.customer_group_id) ?? null),
    acceptsMarketing: Boolean(r.accepts_marketing),
    registeredAt: readTimestamp(r.registered_at)?.toISOString() ?? null,
    ordersCount: Number(r.orders_count),
    totalSpent: Number(r.total_spent),
    lastOrderAt: readTimestamp(r.last_order_at)?.toISOString() ?? null,
  }));
}
