import { QueryTypes } from "sequelize";
import type { Database } from "../db";
import { readTimestamp } from "../sql/bulk";
import { CUSTOMER_PAGE_SIZE, type CustomerListQuery } from "./list-query";
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
}

const COLUMNS =
  "c.id, c.external_id, c.first_name, c.last_name, c.sort_name, c.email, c.phone, c.country, c.city, c.customer_group_id, c.accepts_marketing, c.registered_at";

/** What finding a page needs: the sort key (sort_name only in name order). The rest of a row is read for the page's 50 alone. */
interface PageKey {
  id: number;
  sort_name?: string;
}

/** The keyset condition and order for a page after (or before) a cursor; `idColumn` is the driving set's customer id. */
function keyset(
  cursor: ListCursor | null,
  sort: CustomerListQuery["sort"],
  backwards: boolean,
  idColumn: string,
): { where: SqlPart | null; orderBy: string } {
  if (sort === "newest") {
    const orderBy = backwards ? `${idColumn} ASC` : `${idColumn} DESC`;
    if (!cursor) return { where: null, orderBy };
    return { where: { sql: backwards ? `${idColumn} > ?` : `${idColumn} < ?`, values: [cursor.id] }, orderBy };
  }
  const orderBy = backwards ? "c.sort_name DESC, c.id DESC" : "c.sort_name ASC, c.id ASC";
  if (!cursor || cursor.sort !== "name") return { where: null, orderBy };
  // written as a range on sort_name plus a residual test, so both optimizers read one index range
  const where = backwards
    ? { sql: "c.sort_name <= ? AND (c.sort_name < ? OR c.id < ?)", values: [cursor.sortName, cursor.sortName, cursor.id] }
    : { sql: "c.sort_name >= ? AND (c.sort_name > ? OR c.id > ?)", values: [cursor.sortName, cursor.sortName, cursor.id] };
  return { where, orderBy };
}

function cursorOf(row: PageKey, sort: CustomerListQuery["sort"]): string {
  return encodeCursor(sort === "newest" ? { sort, id: row.id } : { sort, sortName: row.sort_name ?? "", id: row.id });
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

/** The keys of several queries as one page: each customer once, in the page's order. */
function mergeKeys(rows: PageKey[], sort: CustomerListQuery["sort"], backwards: boolean): PageKey[] {
  const byId = new Map(rows.map((r) => [r.id, r]));
  const direction = backwards ? -1 : 1;
  const compare =
    sort === "newest"
      ? (a: PageKey, b: PageKey) => direction * (b.id - a.id)
      : (a: PageKey, b: PageKey) => direction * (compareCodePoints(a.sort_name!, b.sort_name!) || a.id - b.id);
  return [...byId.values()].sort(compare);
}

/**
 * The SELECT of one page's keys (pageSize + 1 of them) starting from `driver`. Only the id and the
 * sort key: when no filter needs the rest of the row, the database reads the index alone.
 */
function pageSelect(db: Database, input: ListCustomersInput, driver: Driver, cursor: ListCursor | null, backwards: boolean, limit: number): SqlPart {
  const shape = customerQueryShape(db.dialect, input.viewer, input.query, driver);
  const page = keyset(cursor, input.query.sort, backwards, shape.idColumn);
  if (page.where) shape.where.push(page.where);
  const where = joinConditions(shape.where);
  return {
    sql: `SELECT ${input.query.sort === "name" ? "c.id, c.sort_name" : "c.id"} FROM ${shape.from.sql} WHERE ${where.sql} ORDER BY ${page.orderBy} LIMIT ${limit}`,
    values: [...shape.from.values, ...where.values],
  };
}

/**
 * One page of the customer list in a stable order (newest first by id, or by name), after or before
 * a keyset cursor, with the viewer's scope, the filters and the search applied in the query.
 */
export async function listCustomers(db: Database, input: ListCustomersInput): Promise<CustomerListPage> {
  const { query } = input;
  const pageSize = input.pageSize ?? CUSTOMER_PAGE_SIZE;
  const cursorText = query.after ?? query.before;
  const cursor = cursorText ? decodeCursor(cursorText, query.sort) : null;
  const backwards = !query.after && Boolean(query.before) && cursor !== null;
  const terms = query.q ? interpretSearch(query.q, input.storeCountry) : [];

  let keys: PageKey[];
  if (terms.length) {
    // each term is an index range that yields its own first page; the pages are merged
    const branches = terms.map((term) => pageSelect(db, input, { kind: "term", term }, cursor, backwards, pageSize + 1));
    const found = await db.sequelize.query<PageKey>(branches.map((b, i) => `SELECT * FROM (${b.sql}) b${i}`).join(" UNION ALL "), {
      replacements: branches.flatMap((b) => b.values),
      type: QueryTypes.SELECT,
    });
    keys = mergeKeys(found, query.sort, backwards).slice(0, pageSize + 1);
  } else {
    const driver = await chooseDriver(db, input.viewer, query, query.sort, input.driveLimit);
    const select = pageSelect(db, input, driver, cursor, backwards, pageSize + 1);
    keys = await db.sequelize.query<PageKey>(select.sql, { replacements: select.values, type: QueryTypes.SELECT });
  }
  const hasMore = keys.length > pageSize;
  const pageKeys = keys.slice(0, pageSize);
  if (backwards) pageKeys.reverse();
  const rows = await customersByIds(db, pageKeys.map((k) => k.id));

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
  return { rows: await withGroupsAndOrders(db, rows), nextCursor, previousCursor };
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

/** Group names and completed-order figures for one page: two lookups by the page's ids. */
async function withGroupsAndOrders(db: Database, rows: RawCustomer[]): Promise<CustomerListRow[]> {
  if (!rows.length) return [];
  const ids = rows.map((r) => r.id);
  const groupIds = [...new Set(rows.map((r) => r.customer_group_id).filter((g): g is number => g !== null))];
  const [groups, orders] = await Promise.all([
    groupIds.length
      ? db.models.CustomerGroup.findAll({ attributes: ["id", "name"], where: { id: groupIds }, raw: true })
      : Promise.resolve([] as Array<{ id: number; name: string }>),
    db.sequelize.query<{ customer_id: number; orders_count: number | string; total_spent: number | string | null }>(
      `SELECT customer_id, COUNT(*) AS orders_count, SUM(total) AS total_spent FROM orders
       WHERE customer_id IN (${ids.map(() => "?").join(",")}) AND status = 'completed' GROUP BY customer_id`,
      { replacements: ids, type: QueryTypes.SELECT },
    ),
  ]);
  const groupName = new Map(groups.map((g) => [g.id, g.name]));
  const orderFigures = new Map(orders.map((o) => [o.customer_id, { count: Number(o.orders_count), spent: Number(o.total_spent ?? 0) }]));
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
    ordersCount: orderFigures.get(r.id)?.count ?? 0,
    totalSpent: orderFigures.get(r.id)?.spent ?? 0,
  }));
}
