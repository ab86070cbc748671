// A segment's stored members, a page at a time, newest customers first (keyset on the primary key
// (segment_id, customer_id), so a deep page costs what the first does).
import { Op } from "sequelize";
import type { Database } from "../db";
import { seesDetailsOf, type CustomerViewer } from "../customers/viewer";

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
  managerId: number | null;
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
        attributes: ["id", "externalId", "firstName", "lastName", "email", "phone", "country", "city", "acceptsMarketing", "managerId"],
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
      managerId: c.managerId ?? null,
      enteredAt: new Date(m.enteredAt),
    });
  }
  return { rows, nextAfter: members.length > limit ? shown[shown.length - 1].customerId : null };
}

/** A member as a viewer may see them: another manager's customer by name and entry alone. */
export type VisibleMember = ({ hasDetails: true } & SegmentMemberRow) | { hasDetails: false; firstName: string | null; lastName: string | null; enteredAt: Date };

/** The members page for someone signed in to the console (see seesDetailsOf). */
export async function listVisibleSegmentMembers(
  db: Database,
  segmentId: number,
  page: { after?: number; limit: number },
  viewer: CustomerViewer,
): Promise<{ rows: VisibleMember[]; nextAfter: number | null }> {
  const { rows, nextAfter } = await listSegmentMembers(db, segmentId, page);
  return {
    rows: rows.map((r) => (seesDetailsOf(viewer, r) ? { hasDetails: true, ...r } : { hasDetails: false, firstName: r.firstName, lastName: r.lastName, enteredAt: r.enteredAt })),
    nextAfter,
  };
}
