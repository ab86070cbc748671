// The storefront lookup (docs/decisions/0037): for one customer of the shop, the active segments
// they are in and which restricted product variants they may see. One indexed query per call (the
// customer by external id, their memberships by the customer_id index, each segment by its key),
// the restricted variants from this process's memory.
import type { Database } from "../db";
import { selectRows } from "../../segments/facts/stream.server";
import { isVisibleTo, restrictedVariants } from "./variant-segments.server";

export interface StorefrontAnswer {
  externalId: string;
  /** Codes of the active segments the customer is a member of, sorted. */
  segments: string[];
  /** Restricted variants only (every other variant is visible to everyone), by external id, sorted. */
  restrictedVariants: { visible: string[]; hidden: string[] };
}

// Straight from the driver: the product pages of a shop ask on every view. The LEFT JOINs keep the
// customer's row when they are in no segment, so "unknown customer" and "in nothing" differ.
const MEMBERSHIPS_SQL =
  "SELECT c.id AS customer_id, s.id AS segment_id, s.code AS code FROM customers c " +
  "LEFT JOIN segment_members m ON m.customer_id = c.id " +
  "LEFT JOIN segments s ON s.id = m.segment_id AND s.is_active = 1 AND s.deleted_at IS NULL " +
  "WHERE c.external_id = ?";

/**
 * The answer for the customer with this external id, its variants limited to these products' when
 * given (a product page asks about its own); null when the shop has no such customer.
 */
export async function lookupStorefrontCustomer(db: Database, externalId: string, options: { productExternalIds?: ReadonlySet<string> } = {}): Promise<StorefrontAnswer | null> {
  const [rows, variants] = await Promise.all([selectRows(db, MEMBERSHIPS_SQL, [externalId]), restrictedVariants(db)]);
  if (rows.length === 0) return null;
  const segmentIds = new Set<number>();
  const codes: string[] = [];
  for (const [, segmentId, code] of rows) {
    if (segmentId === null || segmentId === undefined) continue;
    segmentIds.add(Number(segmentId));
    codes.push(String(code));
  }
  const visible: string[] = [];
  const hidden: string[] = [];
  const only = options.productExternalIds;
  for (const v of variants) {
    if (only && !only.has(v.productExternalId)) continue;
    (isVisibleTo(v, segmentIds) ? visible : hidden).push(v.externalId);
  }
  return { externalId, segments: codes.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)), restrictedVariants: { visible, hidden } };
}
