import type { Database } from "./db";

export interface StoreOverview {
  customers: number;
  orders: number;
  completedRevenue: number;
  subscribedCustomers: number;
}

/** Headline figures for the dashboard. */
export async function getStoreOverview(db: Database): Promise<StoreOverview> {
  const { Customer, Order, ChannelIdentity } = db.models;
  const [customers, orders, revenue, subscribed] = await Promise.all([
    Customer.count(),
    Order.count(),
    Order.sum("total", { where: { status: "completed" } }),
    ChannelIdentity.count({ where: { isSubscribed: true }, distinct: true, col: "customerId" }),
  ]);
  return { customers, orders, completedRevenue: Number(revenue ?? 0), subscribedCustomers: subscribed };
}
