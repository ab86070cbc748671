// The order totals each customer row carries for the list's sorts (migration 0020): what the
// segment criteria call total spent and number of orders (completed orders only, whatever else an
// order's status says) and last order (the latest order that is not cancelled).
import type { Transaction } from "sequelize";
import type { Database } from "../db";

const CHUNK = 1000;

/**
 * Sets the customers' order totals from their orders as they stand in `transaction`, so that the
 * write that changed an order and the totals it implies commit together. Computed again from the
 * orders rather than adjusted by a difference: an order that changes status, total or customer
 * leaves nothing to get out of step, and on MariaDB the UPDATE locks the customer row first, so two
 * writers of one customer's orders take turns and the second counts the first one's order.
 */
export async function refreshOrderTotals(db: Database, customerIds: Iterable<number>, transaction: Transaction | undefined): Promise<void> {
  const ids = [...new Set(customerIds)].sort((a, b) => a - b);
  for (let i = 0; i < ids.length; i += CHUNK) {
    const part = ids.slice(i, i + CHUNK);
    await db.sequelize.query(
      `UPDATE customers SET
         total_spent = (SELECT COALESCE(SUM(o.total), 0) FROM orders o WHERE o.customer_id = customers.id AND o.status = 'completed'),
         orders_count = (SELECT COUNT(*) FROM orders o WHERE o.customer_id = customers.id AND o.status = 'completed'),
         last_order_at = (SELECT MAX(o.placed_at) FROM orders o WHERE o.customer_id = customers.id AND o.status <> 'cancelled')
       WHERE id IN (${part.map(() => "?").join(",")})`,
      { replacements: part, transaction },
    );
  }
}
