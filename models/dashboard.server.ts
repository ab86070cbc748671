import type { Database } from "./db";
import type { Role } from "./models";

export interface StoreOverview {
  customers: number;
  orders: number;
  /** Null for a viewer whose role does not see the store's revenue (see seesStoreRevenue). */
  completedRevenue: number | null;
  subscribedCustomers: number;
}

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
