import type { Database } from "../db";
import { onlyCustomersOf, type CustomerViewer } from "./viewer";

export type CustomerAccess = { ok: true } | { ok: false; reason: "not-found" | "forbidden" };

/** Whether the viewer may open this customer: it exists, and a manager opens only their assigned customers. */
export async function checkCustomerAccess(db: Database, customerId: number, viewer: CustomerViewer): Promise<CustomerAccess> {
  const row = await db.models.Customer.findByPk(customerId, { attributes: ["id", "managerId"], raw: true });
  if (!row) return { ok: false, reason: "not-found" };
  const managerId = onlyCustomersOf(viewer);
  if (managerId !== null && row.managerId !== managerId) return { ok: false, reason: "forbidden" };
  return { ok: true };
}
