import type { Database } from "../db";
import { checkCustomerAccess } from "./access.server";
import { listCustomerCarts, type AbandonedCartView } from "./carts.server";
import { listCustomerOrders, type CustomerOrdersPage } from "./orders.server";
import { getCustomerProfile, type CustomerProfile } from "./profile.server";
import { getCustomerTimeline, type TimelinePage } from "./timeline.server";
import type { CustomerViewer } from "./viewer";

export interface CustomerPage {
  profile: CustomerProfile;
  orders: CustomerOrdersPage;
  carts: { carts: AbandonedCartView[]; total: number };
  timeline: TimelinePage;
}

export type CustomerPageResult = { ok: true; page: CustomerPage } | { ok: false; reason: "not-found" | "forbidden" };

/** What the customer page shows, for a viewer allowed to open it: a manager only their assigned customers. */
export async function getCustomerPage(
  db: Database,
  input: { customerId: number; viewer: CustomerViewer; ordersCursor?: string | null; historyCursor?: string | null },
): Promise<CustomerPageResult> {
  const access = await checkCustomerAccess(db, input.customerId, input.viewer);
  if (!access.ok) return access;
  const [profile, orders, carts, timeline] = await Promise.all([
    getCustomerProfile(db, input.customerId),
    listCustomerOrders(db, { customerId: input.customerId, cursor: input.ordersCursor }),
    listCustomerCarts(db, { customerId: input.customerId }),
    getCustomerTimeline(db, { customerId: input.customerId, cursor: input.historyCursor }),
  ]);
  // deleted between the access check and the reads
  if (!profile) return { ok: false, reason: "not-found" };
  return { ok: true, page: { profile, orders, carts, timeline } };
}
