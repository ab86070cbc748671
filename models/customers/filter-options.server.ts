import { Op, QueryTypes } from "sequelize";
import type { Database } from "../db";
import { onlyCustomersOf, type CustomerViewer } from "./viewer";

export interface CustomerFilterOptions {
  countries: string[];
  groups: Array<{ id: number; name: string }>;
  tags: Array<{ id: number; name: string }>;
  /** Empty for a manager, who sees only their own customers anyway. */
  managers: Array<{ id: number; name: string; isActive: boolean }>;
  /** Live segments, by name: the segment filters offer them. */
  segments: Array<{ id: number; name: string; code: string }>;
}

/**
 * The countries the store's customers live in, one index seek per country instead of a read of
 * every row: MariaDB does that for a DISTINCT over an index by itself (a loose index scan); SQLite
 * is walked from each country to the next by a recursive query. A manager is offered the same
 * list: the countries of only their own customers would mean reading all of those customers.
 */
async function customerCountries(db: Database): Promise<string[]> {
  const sql =
    db.dialect === "mysql"
      ? "SELECT DISTINCT country FROM customers WHERE country IS NOT NULL ORDER BY country"
      : `WITH RECURSIVE seen(country) AS (
           SELECT MIN(country) FROM customers WHERE country IS NOT NULL
           UNION ALL
           SELECT (SELECT MIN(c.country) FROM customers c WHERE c.country > seen.country) FROM seen WHERE seen.country IS NOT NULL
         )
         SELECT country FROM seen WHERE country IS NOT NULL`;
  const rows = await db.sequelize.query<{ country: string }>(sql, { type: QueryTypes.SELECT });
  return rows.map((r) => r.country);
}

/** What the list's filter menus offer. */
export async function getCustomerFilterOptions(db: Database, viewer: CustomerViewer): Promise<CustomerFilterOptions> {
  const { CustomerGroup, Tag, User, Segment } = db.models;
  const managerId = onlyCustomersOf(viewer);
  const [countries, groups, tags, managers, segments] = await Promise.all([
    customerCountries(db),
    CustomerGroup.findAll({ attributes: ["id", "name"], order: [["name", "ASC"]], raw: true }),
    Tag.findAll({ attributes: ["id", "name"], order: [["name", "ASC"]], raw: true }),
    managerId === null
      ? User.findAll({ attributes: ["id", "name", "isActive"], where: { role: "manager" }, order: [["name", "ASC"]], raw: true })
      : Promise.resolve([]),
    Segment.findAll({ attributes: ["id", "name", "code"], where: { deletedAt: { [Op.is]: null } }, order: [["name", "ASC"]], raw: true }),
  ]);
  return {
    countries,
    groups: groups.map((g) => ({ id: g.id, name: g.name })),
    tags: tags.map((t) => ({ id: t.id, name: t.name })),
    managers: managers.map((m) => ({ id: m.id, name: m.name, isActive: Boolean(m.isActive) })),
    segments: segments.map((s) => ({ id: s.id, name: s.name, code: s.code })),
  };
}
