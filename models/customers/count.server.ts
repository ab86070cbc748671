import { QueryTypes } from "sequelize";
import type { Database } from "../db";
import type { CustomerFilters, CustomerListQuery } from "./list-query";
import { customerQueryShape, equalityFilters, joinConditions, type Driver, type SqlPart } from "./list-sql";
import { cappedCount, chooseDriver } from "./list-plan.server";
import { interpretSearch } from "./search";
import type { CustomerViewer } from "./viewer";

/** Past this many matches the list says "10,000+" instead of counting on. */
export const CUSTOMER_COUNT_CAP = 10_000;

export interface CustomerCount {
  /** Exact when `isCapped` is false; otherwise the cap. */
  count: number;
  isCapped: boolean;
}

function hasCustomerConditions(viewer: CustomerViewer, filters: CustomerFilters): boolean {
  return equalityFilters(viewer, filters).length > 0 || filters.marketing !== undefined;
}

function idsSelect(db: Database, viewer: CustomerViewer, filters: CustomerFilters, driver: Driver): SqlPart {
  const shape = customerQueryShape(db.dialect, viewer, filters, driver);
  const where = joinConditions(shape.where);
  return { sql: `SELECT c.id FROM ${shape.from.sql} WHERE ${where.sql}`, values: [...shape.from.values, ...where.values] };
}

/**
 * How many customers the list's search and filters match, counted up to a cap: the database stops
 * reading after cap + 1 matching rows, so the count costs at most that many index entries however
 * large the store is. A search counts each of its terms up to the cap; only when none passes it
 * are the terms' matches put together and counted exactly.
 */
export async function countCustomers(
  db: Database,
  input: { viewer: CustomerViewer; query: Pick<CustomerListQuery, "q" | "country" | "group" | "tag" | "manager" | "marketing" | "channel" | "segment" | "notSegment">; storeCountry: string | null; cap?: number; driveLimit?: number },
): Promise<CustomerCount> {
  const cap = input.cap ?? CUSTOMER_COUNT_CAP;
  const capped = (n: number): CustomerCount => (n > cap ? { count: cap, isCapped: true } : { count: n, isCapped: false });
  const terms = input.query.q ? interpretSearch(input.query.q, input.storeCountry) : [];
  if (terms.length) {
    const branches = terms.map((term) => idsSelect(db, input.viewer, input.query, { kind: "term", term }));
    for (const branch of branches) {
      if ((await cappedCount(db, branch.sql, branch.values, cap)) > cap) return capped(cap + 1);
    }
    const [row] = await db.sequelize.query<{ n: number | string }>(`SELECT COUNT(*) AS n FROM (${branches.map((b) => b.sql).join(" UNION ")}) matched`, {
      replacements: branches.flatMap((b) => b.values),
      type: QueryTypes.SELECT,
    });
    return capped(Number(row?.n ?? 0));
  }
  const driver = await chooseDriver(db, input.viewer, input.query, null, input.driveLimit);
  const { tag, channel, segment, notSegment } = input.query;
  const noSegments = !segment && !notSegment;
  const onlyTag = driver.kind === "tag" && !channel && noSegments && !hasCustomerConditions(input.viewer, input.query);
  const onlyChannel = driver.kind === "channel" && tag === undefined && noSegments && !hasCustomerConditions(input.viewer, input.query);
  const onlySegment = driver.kind === "segment" && tag === undefined && !channel && segment?.length === 1 && !notSegment && !hasCustomerConditions(input.viewer, input.query);
  // a tag or a channel alone is counted in its own index, without looking a single customer up
  if (onlyTag) return capped(await cappedCount(db, "SELECT customer_id FROM customer_tags WHERE tag_id = ?", [tag!], cap));
  if (onlySegment) return capped(await cappedCount(db, "SELECT customer_id FROM segment_members WHERE segment_id = ?", [segment![0]], cap));
  if (onlyChannel) return capped(await cappedCount(db, "SELECT customer_id FROM channel_identities WHERE channel = ? AND is_subscribed = 1", [channel!], cap));
  const select = idsSelect(db, input.viewer, input.query, driver);
  return capped(await cappedCount(db, select.sql, select.values, cap));
}
