// Which set of rows a customer-list query starts from. Neither database chooses well on its own:
// SQLite (built without STAT4) takes every tag, country or manager to be as common as the average
// one, so on a synthetic million-customer store a rare tag made it scan the whole table (1.3 s);
// MariaDB, asked for 50 rows in name order, sorted 460,000 Viber subscribers (7 s). So the
// candidate sets are measured first, each probe reading at most `driveLimit` + 1 index entries:
// - the smallest set that is small drives: read whole, each customer looked up by id, then sorted;
// - when every set is large, they are measured again up to RANK_LIMIT, and the query walks the
//   smallest one through an index already in the page's order (the id order of an equality, tag or
//   channel index, or a (filter, sort_name) index), testing each row; a page ends after 50 matches.
//   In an order-total sort the walk is always the total's index, which carries the filtered
//   columns (migration 0020): its rows are tested without being read, so even a walk past most of
//   the store to reach filters the order is made of (the VIP group, lowest spenders first) costs
//   an index scan, where sorting their set read each customer's row.
// A search does not come here: each of its terms is an index range that drives its own query.
import { QueryTypes } from "sequelize";
import type { Database } from "../db";
import { ORDER_TOTAL_SORTS, type CustomerFilters, type CustomerSort } from "./list-query";
import { equalityFilters, type CustomerIndex, type Driver, type EqualityColumn } from "./list-sql";
import type { CustomerViewer } from "./viewer";

/** Up to this many rows, a set is read whole and sorted rather than walked in order. */
export const DRIVE_LIMIT = 5000;
/** How far large sets are counted to tell which is smallest. */
export const RANK_LIMIT = 100_000;

/** COUNT(*) of a query's rows, reading no more than `cap + 1` of them. */
export async function cappedCount(db: Database, sql: string, values: Array<string | number>, cap: number): Promise<number> {
  const [row] = await db.sequelize.query<{ n: number | string }>(`SELECT COUNT(*) AS n FROM (${sql} LIMIT ${cap + 1}) capped`, {
    replacements: values,
    type: QueryTypes.SELECT,
  });
  return Number(row?.n ?? 0);
}

type Candidate = { kind: "column"; column: EqualityColumn } | { kind: "tag" } | { kind: "channel" } | { kind: "segment"; segmentId: number };

function candidateSql(candidate: Candidate, viewer: CustomerViewer, filters: CustomerFilters): { sql: string; values: Array<string | number> } {
  if (candidate.kind === "tag") return { sql: "SELECT customer_id FROM customer_tags WHERE tag_id = ?", values: [filters.tag!] };
  if (candidate.kind === "channel") return { sql: "SELECT customer_id FROM channel_identities WHERE channel = ? AND is_subscribed = 1", values: [filters.channel!] };
  if (candidate.kind === "segment") return { sql: "SELECT customer_id FROM segment_members WHERE segment_id = ?", values: [candidate.segmentId] };
  const filter = equalityFilters(viewer, filters).find((f) => f.column === candidate.column)!;
  return filter.value === null
    ? { sql: `SELECT id FROM customers WHERE ${candidate.column} IS NULL`, values: [] }
    : { sql: `SELECT id FROM customers WHERE ${candidate.column} = ?`, values: [filter.value] };
}

/** Walking a large set in the page's order: an equality column's own index, or the tag's or channel's. */
function walkOf(candidate: Candidate | null, sort: CustomerSort | null): Driver {
  const byTotal = sort === null ? undefined : ORDER_TOTAL_SORTS[sort];
  if (byTotal) return { kind: "walk", index: `customers_by_${byTotal.column}` };
  if (candidate?.kind === "tag" || candidate?.kind === "channel" || candidate?.kind === "segment") {
    // by name, the order comes from customers; the tag, channel or segment is then a test on each row
    return sort === "name" ? { kind: "walk", index: "customers_sort_name" } : candidate;
  }
  if (candidate?.kind === "column") {
    return { kind: "walk", index: (sort === "name" ? `customers_${candidate.column}_sort_name` : `customers_${candidate.column}`) as CustomerIndex };
  }
  return { kind: "walk", index: sort === "name" ? "customers_sort_name" : "primary" };
}

/** The driver for a page in `sort` order, or for a count when `sort` is null. */
export async function chooseDriver(
  db: Database,
  viewer: CustomerViewer,
  filters: CustomerFilters,
  sort: CustomerSort | null,
  driveLimit = DRIVE_LIMIT,
): Promise<Driver> {
  const columns: Candidate[] = equalityFilters(viewer, filters).map((f) => ({ kind: "column", column: f.column }));
  const candidates: Candidate[] = [...columns];
  if (filters.tag !== undefined) candidates.push({ kind: "tag" });
  if (filters.channel) candidates.push({ kind: "channel" });
  for (const segmentId of filters.segment ?? []) candidates.push({ kind: "segment", segmentId });
  if (!candidates.length) return walkOf(null, sort);
  const byTotal = sort === null ? undefined : ORDER_TOTAL_SORTS[sort];
  // one equality filter alone: its own index is in the page's order, (country) for newest, (country, sort_name) by name
  if (candidates.length === 1 && columns.length === 1 && sort !== null && !byTotal) return walkOf(columns[0], sort);

  const sizes = new Map<Candidate, number>();
  for (const candidate of candidates) {
    const probe = candidateSql(candidate, viewer, filters);
    sizes.set(candidate, await cappedCount(db, probe.sql, probe.values, driveLimit));
  }
  const smallest = () => [...sizes].sort((a, b) => a[1] - b[1])[0];
  const [best, size] = smallest();
  if (size <= driveLimit) return best;
  if (byTotal) return walkOf(null, sort);

  // every set is large: measure further to walk the smallest, in an order the page can use
  const walkable = sort === "name" ? (columns.length ? columns : candidates) : candidates;
  if (walkable.length > 1) {
    for (const candidate of walkable) {
      const probe = candidateSql(candidate, viewer, filters);
      sizes.set(candidate, await cappedCount(db, probe.sql, probe.values, RANK_LIMIT));
    }
  }
  const ranked = [...sizes].filter(([c]) => walkable.includes(c)).sort((a, b) => a[1] - b[1]);
  return walkOf(ranked[0]?.[0] ?? null, sort);
}
