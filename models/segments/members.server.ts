// A segment's stored members, a page at a time, newest customers first (keyset on the primary key
// (segment_id, customer_id), so a deep page costs what the first does).
import { Op } from "sequelize";
import type { Database } from "../db";

export interface SegmentMemberRow {
  id: number;
  externalId: string;
  firstName: string | null;
  lastName: string | null;
  email: string | null;
  phone: string | null;
  country: string | null;
  city: string | null;
  acceptsMarketing: boolean;
  enteredAt: Date;
}

export interface SegmentMemberPage {
  rows: SegmentMemberRow[];
  /** The customer id to pass as `after` for the next page; null on the last page. */
  nextAfter: number | null;
}

export const MEMBER_PAGE_MAX = 1000;

/** Members of a segment with a customer id below `after` (all when absent), at most `limit`. */
export async function listSegmentMembers(db: Database, segmentId: number, page: { after?: number; limit: number }): Promise<SegmentMemberPage> {
  const limit = Math.max(1, Math.min(page.limit, MEMBER_PAGE_MAX));
  const members = await db.models.SegmentMember.findAll({
    attributes: ["customerId", "enteredAt"],
    where: { segmentId, ...(page.after !== undefined ? { customerId: { [Op.lt]: page.after } } : {}) },
    order: [["customerId", "DESC"]],
    limit: limit + 1,
    raw: true,
  });
  const shown = members.slice(0, limit);
  const customers = shown.length
    ? await db.models.Customer.findAll({
        attributes: ["id", "externalId", "firstName", "lastName", "email", "phone", "country", "city", "acceptsMarketing"],
        where: { id: { [Op.in]: shown.map((m) => m.customerId) } },
        raw: true,
      })
    : [];
  const byId = new Map(customers.map((c) => [c.id, c]));
  const rows: SegmentMemberRow[] = [];
  for (const m of shown) {
    const c = byId.get(m.customerId);
    if (!c) continue;
    rows.push({
      id: c.id,
      externalId: c.externalId,
      firstName: c.firstName ?? null,
      lastName: c.lastName ?? null,
      email: c.email ?? null,
      phone: c.phone ?? null,
      country: c.country ?? null,
      city: c.city ?? null,
      acceptsMarketing: Boolean(c.acceptsMarketing),
      enteredAt: new Date(m.enteredAt),
    });
  }
  return { rows, nextAfter: members.length > limit ? shown[shown.length - 1].customerId : null };
}
