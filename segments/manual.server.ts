// A manual segment's members change only by hand: a marketer adds or removes customers (one by
// one, or a CSV of external ids). Each change is an enter or leave event, like a recompute's, so
// customer histories and automations see manual segments the same way.
import { Op, QueryTypes, type Transaction } from "sequelize";
import type { Database } from "../models/db";
import { recordAudit, type AuditActor } from "../models/audit.server";
import { bulkInsert } from "../models/sql/bulk";

export type ManualChange =
  | { ok: true; changed: number; unchanged: number; memberCount: number }
  | { ok: false; reason: "missing" | "not_manual" };

const CHUNK = 1000;

async function lockManualSegment(db: Database, segmentId: number, transaction: Transaction) {
  const segment = await db.models.Segment.findOne({
    where: { id: segmentId, deletedAt: { [Op.is]: null } },
    transaction,
    // MariaDB: two hands editing one segment take turns; SQLite's write transactions already do.
    // Held to the commit, it also makes the segment's event ids visible in order (lockSegmentsForEvents).
    lock: db.dialect === "mysql" ? transaction.LOCK.UPDATE : undefined,
  });
  if (!segment) return { ok: false as const, reason: "missing" as const };
  if (segment.type !== "manual") return { ok: false as const, reason: "not_manual" as const };
  return { ok: true as const, segment };
}

async function currentMembers(db: Database, segmentId: number, customerIds: number[], transaction: Transaction): Promise<Set<number>> {
  const found = new Set<number>();
  for (let i = 0; i < customerIds.length; i += CHUNK) {
    const rows = (await db.sequelize.query("SELECT customer_id AS customerId FROM segment_members WHERE segment_id = :segmentId AND customer_id IN (:ids)", {
      replacements: { segmentId, ids: customerIds.slice(i, i + CHUNK) },
      type: QueryTypes.SELECT,
      transaction,
    })) as Array<{ customerId: number }>;
    for (const r of rows) found.add(Number(r.customerId));
  }
  return found;
}

async function change(
  db: Database,
  kind: "entered" | "left",
  segmentId: number,
  customerIds: number[],
  now: Date,
  actor: AuditActor,
  outer?: Transaction,
): Promise<ManualChange> {
  const ids = [...new Set(customerIds)];
  // inside a caller's transaction (an automation's action commits with its firing): a savepoint
  return db.sequelize.transaction({ transaction: outer }, async (transaction) => {
    const locked = await lockManualSegment(db, segmentId, transaction);
    if (!locked.ok) return locked;
    const { segment } = locked;
    // only customers that exist: an id from a stale page must not become a dangling member
    const existing = new Set<number>();
    for (let i = 0; i < ids.length; i += CHUNK) {
      const rows = await db.models.Customer.findAll({ attributes: ["id"], where: { id: { [Op.in]: ids.slice(i, i + CHUNK) } }, raw: true, transaction });
      for (const r of rows) existing.add(r.id);
    }
    const members = await currentMembers(db, segmentId, [...existing], transaction);
    const changing = [...existing].filter((id) => (kind === "entered" ? !members.has(id) : members.has(id))).sort((a, b) => a - b);
    const memberCount = segment.memberCount + (kind === "entered" ? changing.length : -changing.length);
    if (changing.length > 0) {
      if (kind === "entered") {
        await bulkInsert(db, "segment_members", ["segment_id", "customer_id", "entered_at"], changing.map((id) => [segmentId, id, now]), { transaction });
      } else {
        for (let i = 0; i < changing.length; i += CHUNK) {
          await db.models.SegmentMember.destroy({ where: { segmentId, customerId: { [Op.in]: changing.slice(i, i + CHUNK) } }, transaction });
        }
      }
      await bulkInsert(db, "segment_events", ["segment_id", "customer_id", "kind", "at", "recompute_id"], changing.map((id) => [segmentId, id, kind, now, null]), { transaction });
      await db.models.SegmentSize.create({ segmentId, at: now, size: memberCount }, { transaction });
      await db.models.Segment.update(
        { memberCount, membersVersion: segment.membersVersion + 1 },
        { where: { id: segmentId }, transaction },
      );
      await recordAudit(db, actor, kind === "entered" ? "segment.members.add" : "segment.members.remove", { type: "segment", id: segmentId, detail: { customers: changing.length } }, transaction, now);
    }
    return { ok: true as const, changed: changing.length, unchanged: ids.length - changing.length, memberCount };
  });
}

/** Adds customers to a manual segment; those already in (or unknown) are counted as unchanged. */
export function addMembers(db: Database, segmentId: number, customerIds: number[], now: Date, actor: AuditActor = {}, transaction?: Transaction): Promise<ManualChange> {
  return change(db, "entered", segmentId, customerIds, now, actor, transaction);
}

/** Removes customers from a manual segment; those not in it are counted as unchanged. */
export function removeMembers(db: Database, segmentId: number, customerIds: number[], now: Date, actor: AuditActor = {}, transaction?: Transaction): Promise<ManualChange> {
  return change(db, "left", segmentId, customerIds, now, actor, transaction);
}
