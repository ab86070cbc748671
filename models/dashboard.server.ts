import { Op } from "sequelize";
import type { Database } from "./db";
import type { Role } from "./models";

export interface StoreOverview {
  customers: number;
  orders: number;
  /** Null for a viewer whose role does not see the store's revenue (see seesStoreRevenue). */
  completedRevenue: number | null;
  subscribedCustomers: number;
}

export const WEEK_MS = 7 * 24 * 60 * 60 * 1000;

/** The store-wide revenue is for admins and marketers; a manager's work is their own customers. */
export function seesStoreRevenue(role: Role): boolean {
  return role === "admin" || role === "marketer";
}

/** Headline figures for the dashboard, as the viewer's role may see them. */
export async function getStoreOverview(db: Database, viewer: { role: Role }): Promise<StoreOverview> {
  const { Customer, Order, ChannelIdentity } = db.models;
  const [customers, orders, revenue, subscribed] = await Promise.all([
    Customer.count(),
    Order.count(),
    seesStoreRevenue(viewer.role) ? Order.sum("total", { where: { status: "completed" } }) : Promise.resolve(null),
    ChannelIdentity.count({ where: { isSubscribed: true }, distinct: true, col: "customerId" }),
  ]);
  return { customers, orders, completedRevenue: seesStoreRevenue(viewer.role) ? Number(revenue ?? 0) : null, subscribedCustomers: subscribed };
}

/**
 * Each segment's change over the week: its size now against its size a week ago, or, for a segment
 * formed within the week, against nobody (it had no members before its first formation). Reading
 * the first sample instead made a segment formed minutes ago at 372 and grown to 373 read "+1"
 * beside a sparkline that rises from nothing. Null for a segment never computed.
 */
export async function weekChanges(db: Database, segments: Array<{ id: number; memberCount: number }>, now: Date): Promise<Map<number, number | null>> {
  const weekAgo = new Date(now.getTime() - WEEK_MS);
  const out = new Map<number, number | null>();
  for (const s of segments) {
    const [then, first] = await Promise.all([
      db.models.SegmentSize.findOne({ where: { segmentId: s.id, at: { [Op.lte]: weekAgo } }, order: [["at", "DESC"], ["id", "DESC"]], raw: true }),
      db.models.SegmentSize.findOne({ where: { segmentId: s.id }, order: [["at", "ASC"], ["id", "ASC"]], attributes: ["id"], raw: true }),
    ]);
    out.set(s.id, then ? s.memberCount - then.size : first ? s.memberCount : null);
  }
  return out;
}
