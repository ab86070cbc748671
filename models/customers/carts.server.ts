import type { Database } from "../db";
import { readTimestamp } from "../sql/bulk";

export interface AbandonedCartView {
  id: number;
  externalId: string;
  abandonedAt: string;
  /** Minor units of `currency`. */
  value: number;
  currency: string;
  recoveredAt: string | null;
}

/** A customer's most recent abandoned carts and how many there are in all. The caller checks access. */
export async function listCustomerCarts(db: Database, input: { customerId: number; limit?: number }): Promise<{ carts: AbandonedCartView[]; total: number }> {
  const { AbandonedCart } = db.models;
  const [rows, total] = await Promise.all([
    AbandonedCart.findAll({ where: { customerId: input.customerId }, order: [["abandonedAt", "DESC"], ["id", "DESC"]], limit: input.limit ?? 20, raw: true }),
    AbandonedCart.count({ where: { customerId: input.customerId } }),
  ]);
  return {
    carts: rows.map((c) => ({
      id: c.id,
      externalId: c.externalId,
      abandonedAt: readTimestamp(c.abandonedAt)!.toISOString(),
      value: Number(c.value),
      currency: c.currency,
      recoveredAt: readTimestamp(c.recoveredAt)?.toISOString() ?? null,
    })),
    total,
  };
}
