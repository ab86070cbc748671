// Enter and leave events, read four ways: a segment's latest (its page), a segment's after an id
// (integrations that follow a segment), a customer's (their history), each one range of an index on
// (segment_id, id) or (customer_id, id); and the whole store's latest (the dashboard), a walk down
// the primary key.
//
// One segment's events become visible in id order: every writer of a segment's events holds the
// segment's row lock from before its first event until it commits (lockSegmentsForEvents), so a
// reader of one segment may follow it by id alone. Across segments ids still commit out of order
// on MariaDB; the automations' follower, which reads every segment, keeps its gaps (0031, 0036).
import { Op, QueryTypes, type Transaction } from "sequelize";
import type { Database } from "../db";
import { seesDetailsOf, type CustomerViewer } from "../customers/viewer";

export interface SegmentEventRow {
  id: number;
  segmentId: number;
  customerId: number;
  kind: "entered" | "left";
  at: Date;
  recomputeId: number | null;
}

const toRow = (e: { id: number | string; segmentId: number; customerId: number; kind: string; at: Date | string; recomputeId: number | string | null }): SegmentEventRow => ({
  id: Number(e.id),
  segmentId: e.segmentId,
  customerId: e.customerId,
  kind: e.kind === "left" ? "left" : "entered",
  at: new Date(e.at),
  recomputeId: e.recomputeId === null ? null : Number(e.recomputeId),
});

export interface NamedSegmentEvent extends SegmentEventRow {
  customer: { externalId: string; firstName: string | null; lastName: string | null; managerId: number | null } | null;
}

/** A segment's latest events, newest first, with the customer's name. */
export async function latestSegmentEvents(db: Database, segmentId: number, limit: number): Promise<NamedSegmentEvent[]> {
  const rows = (await db.models.SegmentEvent.findAll({ where: { segmentId }, order: [["id", "DESC"]], limit, raw: true })).map(toRow);
  return withCustomers(db, rows);
}

/**
 * Takes the row locks of these segments, in id order, inside a transaction that is about to write
 * their events, and holds them to its commit: two writers of one segment's events take turns, so
 * the later one's ids are both larger and visible later (docs/decisions/0036). SQLite runs one write
 * transaction at a time already.
 */
export async function lockSegmentsForEvents(db: Database, segmentIds: number[], transaction: Transaction): Promise<void> {
  if (db.dialect !== "mysql" || segmentIds.length === 0) return;
  const ids = [...new Set(segmentIds)].sort((a, b) => a - b);
  await db.sequelize.query("SELECT id FROM segments WHERE id IN (:ids) ORDER BY id FOR UPDATE", { replacements: { ids }, transaction, type: QueryTypes.SELECT });
}

/**
 * The newest event id of the segment (0 when it has none): a cursor from which a reader sees every
 * event written after this moment, since the segment's ids become visible in order.
 */
export async function latestSegmentEventId(db: Database, segmentId: number): Promise<number> {
  const row = await db.models.SegmentEvent.findOne({ attributes: ["id"], where: { segmentId }, order: [["id", "DESC"]], raw: true });
  return row ? Number(row.id) : 0;
}

export interface EventFeedRow extends SegmentEventRow {
  externalId: string | null;
}

/** A segment's events after event id `since`, oldest first, with the customer's external id. */
export async function segmentEventsSince(db: Database, segmentId: number, since: number, limit: number): Promise<EventFeedRow[]> {
  const rows = (await db.models.SegmentEvent.findAll({ where: { segmentId, id: { [Op.gt]: since } }, order: [["id", "ASC"]], limit, raw: true })).map(toRow);
  const ids = [...new Set(rows.map((r) => r.customerId))];
  const customers = ids.length ? await db.models.Customer.findAll({ attributes: ["id", "externalId"], where: { id: { [Op.in]: ids } }, raw: true }) : [];
  const byId = new Map(customers.map((c) => [c.id, c.externalId]));
  return rows.map((r) => ({ ...r, externalId: byId.get(r.customerId) ?? null }));
}

export interface CustomerSegmentEvent extends SegmentEventRow {
  segment: { code: string; name: string; isDeleted: boolean };
}

/** A customer's enter and leave events, newest first, with the segment's name (deleted segments too). */
export async function customerSegmentEvents(db: Database, customerId: number, limit: number): Promise<CustomerSegmentEvent[]> {
  const rows = (await db.models.SegmentEvent.findAll({ where: { customerId }, order: [["id", "DESC"]], limit, raw: true })).map(toRow);
  const ids = [...new Set(rows.map((r) => r.segmentId))];
  const segments = ids.length ? await db.models.Segment.findAll({ attributes: ["id", "code", "name", "deletedAt"], where: { id: { [Op.in]: ids } }, raw: true }) : [];
  const byId = new Map(segments.map((s) => [s.id, { code: s.code.replace(/~deleted~\d+$/, ""), name: s.name, isDeleted: Boolean(s.deletedAt) }]));
  return rows.map((r) => ({ ...r, segment: byId.get(r.segmentId) ?? { code: "", name: `#${r.segmentId}`, isDeleted: true } }));
}

export interface StoreSegmentEvent extends NamedSegmentEvent {
  segment: { id: number; name: string };
}

/**
 * The store's latest enter and leave events over all segments that still exist, newest first, with
 * the customer's and the segment's names: the dashboard's feed. A walk down the primary key that
 * passes over deleted segments' events.
 */
export async function latestStoreSegmentEvents(db: Database, limit: number): Promise<StoreSegmentEvent[]> {
  if (limit <= 0) return [];
  const live = await db.models.Segment.findAll({ attributes: ["id", "name"], where: { deletedAt: null }, raw: true });
  if (live.length === 0) return [];
  const names = new Map(live.map((s) => [s.id, s.name]));
  const rows: SegmentEventRow[] = [];
  // pages of the primary key from the newest down; a deleted segment's events are skipped, so a
  // page may yield fewer than it read, and the walk goes on until it has enough or runs out
  const page = Math.max(limit * 2, 50);
  let before: number | null = null;
  while (rows.length < limit) {
    const batch: SegmentEventRow[] = (
      await db.models.SegmentEvent.findAll({ where: before === null ? {} : { id: { [Op.lt]: before } }, order: [["id", "DESC"]], limit: page, raw: true })
    ).map(toRow);
    for (const r of batch) if (names.has(r.segmentId) && rows.length < limit) rows.push(r);
    if (batch.length < page) break;
    before = batch[batch.length - 1].id;
  }
  return (await withCustomers(db, rows)).map((r) => ({ ...r, segment: { id: r.segmentId, name: names.get(r.segmentId)! } }));
}

/** The events with their customers' names, read in one query. */
async function withCustomers(db: Database, rows: SegmentEventRow[]): Promise<NamedSegmentEvent[]> {
  const ids = [...new Set(rows.map((r) => r.customerId))];
  const customers = ids.length
    ? await db.models.Customer.findAll({ attributes: ["id", "externalId", "firstName", "lastName", "managerId"], where: { id: { [Op.in]: ids } }, raw: true })
    : [];
  const byId = new Map(customers.map((c) => [c.id, { externalId: c.externalId, firstName: c.firstName ?? null, lastName: c.lastName ?? null, managerId: c.managerId ?? null }]));
  return rows.map((r) => ({ ...r, customer: byId.get(r.customerId) ?? null }));
}

/** An event as a viewer may see it: another manager's customer by name alone, without ids. */
export type VisibleSegmentEvent<E extends NamedSegmentEvent> = Omit<E, "customerId" | "customer"> & {
  customerId: number | null;
  customer: { externalId: string | null; firstName: string | null; lastName: string | null } | null;
};

/** The events with the details the viewer may not see taken out (see seesDetailsOf). */
export function eventsForViewer<E extends NamedSegmentEvent>(events: E[], viewer: CustomerViewer): Array<VisibleSegmentEvent<E>> {
  return events.map(({ customer, customerId, ...event }) => {
    // a customer deleted since is nobody's: only those who see every customer see their id
    if (seesDetailsOf(viewer, { managerId: customer ? customer.managerId : -1 })) {
      return { ...event, customerId, customer: customer && { externalId: customer.externalId, firstName: customer.firstName, lastName: customer.lastName } };
    }
    return { ...event, customerId: null, customer: customer && { externalId: null, firstName: customer.firstName, lastName: customer.lastName } };
  });
}
