// The FROM and WHERE of the customer list and its count, as SQL text with `?` placeholders, for
// both dialects side by side. Written as SQL rather than through Sequelize's query builder because
// the list decides which set of rows drives each query (list-plan.server.ts), forces that choice,
// and counts over LIMITed subqueries; none of which the builder can express.
import type { Dialect } from "../db";
import type { CustomerFilters } from "./list-query";
import type { SearchTerm } from "./search";
import { onlyCustomersOf, type CustomerViewer } from "./viewer";

export interface SqlPart {
  sql: string;
  values: Array<string | number>;
}

export type EqualityColumn = "country" | "customer_group_id" | "manager_id";

/**
 * The customers indexes a query may be told to walk. The names are the ones migrations 0001, 0003,
 * 0019 and 0020 gave them; "primary" is the table itself, in id order.
 */
export type CustomerIndex =
  | "primary"
  | "customers_by_total_spent"
  | "customers_by_orders_count"
  | "customers_by_last_order_at"
  | "customers_sort_name"
  | "customers_country"
  | "customers_customer_group_id"
  | "customers_manager_id"
  | "customers_country_sort_name"
  | "customers_customer_group_id_sort_name"
  | "customers_manager_id_sort_name"
  | "customers_search_name_sort_name"
  | "customers_email"
  | "customers_phone";

/** The rows a query starts from; every other condition is tested on the rows it yields. */
export type Driver =
  /** The customers table through an index that is in the page's order, so a page ends after enough matches. */
  | { kind: "walk"; index: CustomerIndex }
  /** The few customers with one value of an indexed column, read whole and sorted. */
  | { kind: "column"; column: EqualityColumn }
  /** The tag's customers, from the (tag_id, customer_id) index: in id order. */
  | { kind: "tag" }
  /** The customers subscribed on the channel, from the (channel, is_subscribed, customer_id) index: in id order. */
  | { kind: "channel" }
  /** The members of one of the segments filtered on, from segment_members' (segment_id, customer_id) key: in id order. */
  | { kind: "segment"; segmentId: number }
  /** One search term's index range (or the exact external id). */
  | { kind: "term"; term: SearchTerm };

export interface CustomerQueryShape {
  from: SqlPart;
  where: SqlPart[];
  /** The column that orders "newest first": the driving set's own customer id, so its index gives the order. */
  idColumn: string;
}

/** The equality filters on customers columns, the viewer's scope included; null stands for IS NULL. */
export function equalityFilters(viewer: CustomerViewer, filters: CustomerFilters): Array<{ column: EqualityColumn; value: string | number | null }> {
  const out: Array<{ column: EqualityColumn; value: string | number | null }> = [];
  const ownManager = onlyCustomersOf(viewer);
  if (ownManager !== null) out.push({ column: "manager_id", value: ownManager });
  else if (filters.manager === "none") out.push({ column: "manager_id", value: null });
  else if (filters.manager !== undefined) out.push({ column: "manager_id", value: filters.manager });
  if (filters.country) out.push({ column: "country", value: filters.country });
  if (filters.group !== undefined) out.push({ column: "customer_group_id", value: filters.group });
  return out;
}

/** A join that keeps its written order: SQLite's CROSS JOIN, MariaDB's STRAIGHT_JOIN. */
function orderedJoin(dialect: Dialect): string {
  return dialect === "sqlite" ? "CROSS JOIN" : "STRAIGHT_JOIN";
}

/**
 * `customers c` told which index to read. Neither optimizer can be left to choose: SQLite has no
 * idea how common a value is, and MariaDB, asked for 50 rows in name order, walked the whole
 * sort_name index for a search (59 s) or sorted 460,000 Viber subscribers (7 s).
 */
function customersThrough(dialect: Dialect, index: CustomerIndex | null): string {
  if (index === null) return "customers c";
  if (dialect === "sqlite") return index === "primary" ? "customers c NOT INDEXED" : `customers c INDEXED BY ${index}`;
  return `customers c FORCE INDEX (${index === "primary" ? "PRIMARY" : index})`;
}

/** The index a search term reads: the one on its column (the external id's unique index needs no telling). */
function termIndex(term: SearchTerm): CustomerIndex | null {
  if (term.column === "external_id") return null;
  // "first last" is indexed together with "last first", so a search in name order reads only the index
  return term.column === "search_name" ? "customers_search_name_sort_name" : `customers_${term.column}`;
}

export function termCondition(term: SearchTerm, column: string): SqlPart {
  if (term.column === "external_id") return { sql: `${column} = ?`, values: [term.equals] };
  if (term.to === null) return { sql: `${column} >= ?`, values: [term.from] };
  return { sql: `${column} >= ? AND ${column} < ?`, values: [term.from, term.to] };
}

/** The query's FROM and WHERE for the viewer's scope and the filters, starting from `driver`. */
export function customerQueryShape(dialect: Dialect, viewer: CustomerViewer, filters: CustomerFilters, driver: Driver): CustomerQueryShape {
  const where: SqlPart[] = [];
  const join = orderedJoin(dialect);
  let from: SqlPart = { sql: "customers c", values: [] };
  let idColumn = "c.id";
  if (driver.kind === "walk") from = { sql: customersThrough(dialect, driver.index), values: [] };
  if (driver.kind === "column") from = { sql: customersThrough(dialect, `customers_${driver.column}`), values: [] };
  if (driver.kind === "tag" && filters.tag !== undefined) {
    from = { sql: `customer_tags ct ${join} customers c ON c.id = ct.customer_id`, values: [] };
    idColumn = "ct.customer_id";
    where.push({ sql: "ct.tag_id = ?", values: [filters.tag] });
  } else if (driver.kind === "channel" && filters.channel) {
    from = { sql: `channel_identities ci ${join} customers c ON c.id = ci.customer_id`, values: [] };
    idColumn = "ci.customer_id";
    where.push({ sql: "ci.channel = ? AND ci.is_subscribed = 1", values: [filters.channel] });
  } else if (driver.kind === "segment" && filters.segment?.includes(driver.segmentId)) {
    from = { sql: `segment_members sm ${join} customers c ON c.id = sm.customer_id`, values: [] };
    idColumn = "sm.customer_id";
    where.push({ sql: "sm.segment_id = ?", values: [driver.segmentId] });
  } else if (driver.kind === "term") {
    const index = termIndex(driver.term);
    from = { sql: customersThrough(dialect, index), values: [] };
    where.push(termCondition(driver.term, `c.${driver.term.column}`));
  }

  // an erased customer's tombstone is in no list (docs/decisions/0040): left out by id, which every
  // index of the list covers, so a walk of a sort's index still reads no customer's row
  where.push({ sql: "c.id NOT IN (SELECT e.id FROM customers e WHERE e.erased_at IS NOT NULL)", values: [] });
  for (const { column, value } of equalityFilters(viewer, filters)) {
    const name = `c.${column}`;
    where.push(value === null ? { sql: `${name} IS NULL`, values: [] } : { sql: `${name} = ?`, values: [value] });
  }
  if (filters.marketing) where.push({ sql: "c.accepts_marketing = ?", values: [filters.marketing === "yes" ? 1 : 0] });
  if (filters.tag !== undefined && driver.kind !== "tag") {
    where.push({ sql: "EXISTS (SELECT 1 FROM customer_tags t WHERE t.customer_id = c.id AND t.tag_id = ?)", values: [filters.tag] });
  }
  if (filters.channel && driver.kind !== "channel") {
    // through (channel, is_subscribed, customer_id), which answers from the index alone; the
    // (customer_id, channel) index would read each identity's row for is_subscribed. A count, not
    // EXISTS: MariaDB made the EXISTS a semi-join and first copied all 460,000 Viber subscribers of
    // a million-customer store into a temporary table (260 ms a page), where one probe per row
    // walked takes 4 ms
    const identities = dialect === "sqlite" ? "channel_identities i INDEXED BY channel_identities_subscribed" : "channel_identities i FORCE INDEX (channel_identities_subscribed)";
    where.push({
      sql: `(SELECT COUNT(*) FROM ${identities} WHERE i.channel = ? AND i.is_subscribed = 1 AND i.customer_id = c.id) > 0`,
      values: [filters.channel],
    });
  }
  // Membership is a lookup of (segment_id, customer_id) in segment_members' key, written as a count
  // for the reason the channel test is: MariaDB may turn an EXISTS into a semi-join that first copies
  // a whole segment into a temporary table
  for (const segmentId of filters.segment ?? []) {
    if (driver.kind === "segment" && driver.segmentId === segmentId) continue;
    where.push({ sql: "(SELECT COUNT(*) FROM segment_members s WHERE s.segment_id = ? AND s.customer_id = c.id) > 0", values: [segmentId] });
  }
  for (const segmentId of filters.notSegment ?? []) {
    where.push({ sql: "(SELECT COUNT(*) FROM segment_members s WHERE s.segment_id = ? AND s.customer_id = c.id) = 0", values: [segmentId] });
  }
  return { from, where, idColumn };
}

export function joinConditions(parts: SqlPart[]): SqlPart {
  if (!parts.length) return { sql: "1 = 1", values: [] };
  return { sql: parts.map((p) => p.sql).join(" AND "), values: parts.flatMap((p) => p.values) };
}
