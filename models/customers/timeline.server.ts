import { Op, type WhereOptions } from "sequelize";
import type { Database } from "../db";
import type { OrderStatus } from "../models";
import { readTimestamp } from "../sql/bulk";

export const TIMELINE_PAGE_SIZE = 20;

/** One line of a customer's history; `at` is ISO 8601. */
export type TimelineEntry =
  | { type: "change"; id: number; at: string; kind: string; source: string; fields: unknown }
  | { type: "order"; id: number; at: string; externalId: string; status: OrderStatus; total: number; currency: string }
  | { type: "cart"; id: number; at: string; externalId: string; value: number; currency: string; recoveredAt: string | null }
  | { type: "registered"; id: number; at: string }
  | { type: "segment"; id: number; at: string; kind: "entered" | "left"; segment: { id: number; name: string; isDeleted: boolean } };

export interface TimelinePage {
  entries: TimelineEntry[];
  /** Cursor of the next (older) page, or null when the history ends here. */
  olderCursor: string | null;
}

// Entries at the same moment are ordered by source, then id: a change-log row is written after the
// order or cart it records, so it comes first in a newest-first list.
// A segment event follows the change that caused it, so it comes before it.
const RANK: Record<TimelineEntry["type"], number> = { segment: 4, change: 3, order: 2, cart: 1, registered: 0 };

interface Position {
  at: number;
  rank: number;
  id: number;
}

function encode(p: Position): string {
  return Buffer.from(JSON.stringify([p.at, p.rank, p.id])).toString("base64url");
}

function decode(text: string | null | undefined): Position | null {
  if (!text) return null;
  try {
    const v = JSON.parse(Buffer.from(text, "base64url").toString("utf8")) as unknown[];
    if (Array.isArray(v) && v.length === 3 && v.every((n) => Number.isSafeInteger(n))) return { at: v[0] as number, rank: v[1] as number, id: v[2] as number };
  } catch {
    // not a cursor: the first page
  }
  return null;
}

const positionOf = (e: TimelineEntry): Position => ({ at: Date.parse(e.at), rank: RANK[e.type], id: e.id });

/** Newest first: later moment, then higher rank, then higher id. */
function compareNewestFirst(a: Position, b: Position): number {
  return b.at - a.at || b.rank - a.rank || b.id - a.id;
}

/** The condition on one source's (time, id) columns for the entries that come after `cursor` in newest-first order. */
function olderThan(cursor: Position | null, rank: number, timeColumn: string): WhereOptions | null {
  if (!cursor) return null;
  const at = new Date(cursor.at);
  if (rank < cursor.rank) return { [timeColumn]: { [Op.lte]: at } };
  if (rank > cursor.rank) return { [timeColumn]: { [Op.lt]: at } };
  return { [Op.or]: [{ [timeColumn]: { [Op.lt]: at } }, { [timeColumn]: at, id: { [Op.lt]: cursor.id } }] };
}

function parseFields(text: string | null): unknown {
  if (text === null) return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * A customer's history, newest first, a page at a time: the change log (with where each change came
 * from), the segments entered and left, the orders placed, the carts abandoned, and the registration. Each source is read by
 * keyset up to a page's worth and the pieces are merged. The caller checks access.
 */
export async function getCustomerTimeline(
  db: Database,
  input: { customerId: number; cursor?: string | null; pageSize?: number },
): Promise<TimelinePage> {
  const { CustomerChange, Order, AbandonedCart, Customer, SegmentEvent, Segment } = db.models;
  const pageSize = input.pageSize ?? TIMELINE_PAGE_SIZE;
  const cursor = decode(input.cursor);
  const customerId = input.customerId;
  const and = (extra: WhereOptions | null): WhereOptions => (extra ? { [Op.and]: [{ customerId }, extra] } : { customerId });
  const take = pageSize + 1;

  const [changes, orders, carts, customer, segmentEvents] = await Promise.all([
    CustomerChange.findAll({ where: and(olderThan(cursor, RANK.change, "createdAt")), order: [["createdAt", "DESC"], ["id", "DESC"]], limit: take, raw: true }),
    Order.findAll({ where: and(olderThan(cursor, RANK.order, "placedAt")), order: [["placedAt", "DESC"], ["id", "DESC"]], limit: take, raw: true }),
    AbandonedCart.findAll({ where: and(olderThan(cursor, RANK.cart, "abandonedAt")), order: [["abandonedAt", "DESC"], ["id", "DESC"]], limit: take, raw: true }),
    Customer.findByPk(customerId, { attributes: ["id", "registeredAt"], raw: true }),
    SegmentEvent.findAll({ where: and(olderThan(cursor, RANK.segment, "at")), order: [["at", "DESC"], ["id", "DESC"]], limit: take, raw: true }),
  ]);
  const segmentIds = [...new Set(segmentEvents.map((e) => e.segmentId))];
  const segments = new Map(
    (segmentIds.length ? await Segment.findAll({ attributes: ["id", "name", "deletedAt"], where: { id: { [Op.in]: segmentIds } }, raw: true }) : []).map((s) => [
      s.id,
      { id: s.id, name: s.name, isDeleted: Boolean(s.deletedAt) },
    ]),
  );
  const iso = (v: unknown) => readTimestamp(v)!.toISOString();
  const entries: TimelineEntry[] = [
    ...changes.map((c): TimelineEntry => ({ type: "change", id: Number(c.id), at: iso(c.createdAt), kind: c.kind, source: c.source, fields: parseFields(c.fields) })),
    ...orders.map((o): TimelineEntry => ({ type: "order", id: o.id, at: iso(o.placedAt), externalId: o.externalId, status: o.status, total: Number(o.total), currency: o.currency })),
    ...segmentEvents.map((e): TimelineEntry => ({
      type: "segment",
      id: Number(e.id),
      at: iso(e.at),
      kind: e.kind === "left" ? "left" : "entered",
      segment: segments.get(e.segmentId) ?? { id: e.segmentId, name: `#${e.segmentId}`, isDeleted: true },
    })),
    ...carts.map((c): TimelineEntry => ({
      type: "cart",
      id: c.id,
      at: iso(c.abandonedAt),
      externalId: c.externalId,
      value: Number(c.value),
      currency: c.currency,
      recoveredAt: readTimestamp(c.recoveredAt)?.toISOString() ?? null,
    })),
  ];
  if (customer?.registeredAt) {
    const registered: TimelineEntry = { type: "registered", id: customer.id, at: iso(customer.registeredAt) };
    if (!cursor || compareNewestFirst(cursor, positionOf(registered)) < 0) entries.push(registered);
  }
  entries.sort((a, b) => compareNewestFirst(positionOf(a), positionOf(b)));
  const page = entries.slice(0, pageSize);
  const last = page[page.length - 1];
  return { entries: page, olderCursor: entries.length > pageSize && last ? encode(positionOf(last)) : null };
}
