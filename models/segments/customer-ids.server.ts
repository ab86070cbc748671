// Customers named by external id (a CSV of ids for a manual segment): which exist, and their ids.
import { Op } from "sequelize";
import type { Database } from "../db";

const CHUNK = 1000;

/** The console ids of these external ids; unknown ones are returned apart, in the order given. */
export async function customerIdsByExternalId(db: Database, externalIds: string[]): Promise<{ ids: number[]; unknown: string[] }> {
  const wanted = [...new Set(externalIds)];
  const found = new Map<string, number>();
  for (let i = 0; i < wanted.length; i += CHUNK) {
    const rows = await db.models.Customer.findAll({ attributes: ["id", "externalId"], where: { externalId: { [Op.in]: wanted.slice(i, i + CHUNK) } }, raw: true });
    for (const r of rows) found.set(r.externalId, r.id);
  }
  return { ids: wanted.filter((e) => found.has(e)).map((e) => found.get(e)!), unknown: wanted.filter((e) => !found.has(e)) };
}

/** Which of these customers are members of the segment (a page of search results, say). */
export async function membersAmong(db: Database, segmentId: number, customerIds: number[]): Promise<Set<number>> {
  if (customerIds.length === 0) return new Set();
  const rows = await db.models.SegmentMember.findAll({ attributes: ["customerId"], where: { segmentId, customerId: { [Op.in]: customerIds.slice(0, CHUNK) } }, raw: true });
  return new Set(rows.map((r) => r.customerId));
}
