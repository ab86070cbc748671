// The segments a customer is in now, from segment_members (its index on customer_id).
import { Op } from "sequelize";
import type { Database } from "../db";
import type { SegmentRow } from "../segment-models";

export interface CustomerMembership {
  segmentId: number;
  code: string;
  name: string;
  type: SegmentRow["type"];
  isActive: boolean;
  match: "all" | "any";
  /** JSON array of criteria, as stored. */
  criteria: string;
  enteredAt: Date;
}

/** Every live segment the customer is a member of, by name. */
export async function customerMemberships(db: Database, customerId: number): Promise<CustomerMembership[]> {
  const members = await db.models.SegmentMember.findAll({ attributes: ["segmentId", "enteredAt"], where: { customerId }, raw: true });
  if (members.length === 0) return [];
  const segments = await db.models.Segment.findAll({
    attributes: ["id", "code", "name", "type", "isActive", "match", "criteria"],
    where: { id: { [Op.in]: members.map((m) => m.segmentId) }, deletedAt: { [Op.is]: null } },
    raw: true,
  });
  const entered = new Map(members.map((m) => [m.segmentId, new Date(m.enteredAt)]));
  return segments
    .map((s) => ({ segmentId: s.id, code: s.code, name: s.name, type: s.type, isActive: Boolean(s.isActive), match: s.match, criteria: s.criteria, enteredAt: entered.get(s.id)! }))
    .sort((a, b) => a.name.localeCompare(b.name));
}
