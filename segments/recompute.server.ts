// Recomputes: evaluate, compare with the stored members, and write the difference with its
// enter/leave events, a size sample and the recompute's record, all in one transaction.
import { Op, QueryTypes, type Transaction } from "sequelize";
import type { Database } from "../models/db";
import { bulkInsert } from "../models/sql/bulk";
import { isConflict } from "../models/idempotency.server";
import type { Criterion, Rule } from "./definition";
import { compileRule, evaluate } from "./evaluate";
import type { SegmentEngine } from "./engine.server";

export type RecomputeTrigger = "schedule" | "save" | "incremental" | "manual";

export type RecomputeOutcome =
  | { status: "done"; recomputeId: number; size: number; entered: number; left: number; durationMs: number }
  | { status: "skipped"; reason: "inactive" | "manual" | "locked" | "deleted" | "missing" | "busy" };

/** Raised when the members changed between reading and writing them; the caller may simply run again. */
export class MembersChangedError extends Error {}

/**
 * Whether a recompute (or re-evaluation) met another writer of the same members: the members
 * changed under it, a member the other had just inserted, a deadlock or a busy database. Its
 * transaction rolled back whole; running it again starts from what is stored.
 */
export function isRecomputeConflict(error: unknown): boolean {
  return error instanceof MembersChangedError || isConflict(error);
}

// below MariaDB's in_predicate_conversion_threshold (1,000): a longer IN list becomes a derived table
const DELETE_CHUNK = 500;

export interface RecomputeOptions {
  /**
   * Called after each batch of a diff too large for one transaction, outside any transaction: a
   * job touches its lock here. A diff that fits one batch calls it once, at the end.
   */
  onProgress?: (progress: { written: number; total: number }) => Promise<void> | void;
  /** Members entering or leaving written per transaction (default 20,000). */
  batchSize?: number;
}

const WRITE_BATCH = 20_000;

/**
 * Recomputes one segment at `now`. Dynamic segments gain and lose members; accumulating ones only
 * gain; a snapshot is computed once and then locked; manual and inactive segments are left alone.
 * A diff larger than one batch is written in several transactions, each checking that nobody else
 * changed the members meanwhile; one cut off half-way leaves members and events that agree, and
 * the next recompute writes the rest.
 */
export async function recomputeSegment(
  engine: SegmentEngine,
  segmentId: number,
  now: Date,
  trigger: RecomputeTrigger = "schedule",
  options: RecomputeOptions = {},
): Promise<RecomputeOutcome> {
  const db = engine.db;
  const started = performance.now();
  const segment = await db.models.Segment.findByPk(segmentId, { raw: true });
  if (!segment) return { status: "skipped", reason: "missing" };
  if (segment.deletedAt) return { status: "skipped", reason: "deleted" };
  if (!segment.isActive) return { status: "skipped", reason: "inactive" };
  if (segment.type === "manual") return { status: "skipped", reason: "manual" };
  if (segment.type === "snapshot" && segment.lockedAt) return { status: "skipped", reason: "locked" };

  const rule: Rule = { match: segment.match, criteria: JSON.parse(segment.criteria) as Criterion[] };
  const ctx = await engine.context(now, [rule]);
  const index = ctx.index;
  const evaluated = evaluate(ctx, rule).members;
  const stored = await engine.storedMembers(segmentId, segment.membersVersion);
  const members = segment.type === "accumulating" ? evaluated.or(stored) : evaluated;
  const entered = members.clone().andNot(stored);
  const left = stored.clone().andNot(members);
  const enteredIds = [...entered].map((s) => index.ids[s]);
  const leftIds = [...left].map((s) => index.ids[s]);
  const size = members.count();
  const total = enteredIds.length + leftIds.length;
  const batchSize = Math.max(1, options.batchSize ?? WRITE_BATCH);

  let version = segment.membersVersion;
  /** Moves members_version on by one, or fails when someone else moved it since we read the members. */
  const claimVersion = async (transaction: Transaction, values: Record<string, unknown> = {}) => {
    const [updated] = await db.models.Segment.update({ ...values, membersVersion: version + 1 }, { where: { id: segmentId, membersVersion: version }, transaction });
    if (updated !== 1) throw new MembersChangedError(`the members of segment ${segmentId} changed during the recompute`);
    version += 1;
  };
  const finish = async (transaction: Transaction, recordId: number) => {
    await db.models.SegmentSize.create({ segmentId, at: now, size }, { transaction });
    await claimVersion(transaction, { memberCount: size, lastRecomputedAt: now, ...(segment.type === "snapshot" ? { lockedAt: now } : {}) });
    const durationMs = Math.round(performance.now() - started);
    await db.models.SegmentRecompute.update(
      { finishedAt: new Date(now.getTime() + durationMs), durationMs, size, entered: enteredIds.length, left: leftIds.length },
      { where: { id: recordId }, transaction },
    );
  };
  const newRecord = async (transaction: Transaction) =>
    (await db.models.SegmentRecompute.create({ segmentId, trigger, startedAt: now, finishedAt: null, durationMs: null, size: null, entered: null, left: null, error: null }, { transaction })).id;

  let recomputeId: number;
  if (total <= batchSize) {
    recomputeId = await db.sequelize.transaction(async (transaction) => {
      const id = await newRecord(transaction);
      await writeMembership(db, segmentId, enteredIds, leftIds, now, id, transaction);
      await finish(transaction, id);
      return id;
    });
  } else {
    recomputeId = await db.sequelize.transaction(newRecord);
    try {
      for (let from = 0; from < total; from += batchSize) {
        const to = Math.min(total, from + batchSize);
        const enteredPart = enteredIds.slice(Math.min(from, enteredIds.length), Math.min(to, enteredIds.length));
        const leftPart = leftIds.slice(Math.max(0, from - enteredIds.length), Math.max(0, to - enteredIds.length));
        await db.sequelize.transaction(async (transaction) => {
          await writeMembership(db, segmentId, enteredPart, leftPart, now, recomputeId, transaction);
          await claimVersion(transaction);
        });
        if (to < total) await options.onProgress?.({ written: to, total });
      }
      await db.sequelize.transaction((transaction) => finish(transaction, recomputeId));
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      await db.models.SegmentRecompute.update({ error: reason.slice(0, 1000) }, { where: { id: recomputeId } }).catch(() => {});
      throw error;
    }
  }
  await options.onProgress?.({ written: total, total });
  return { status: "done", recomputeId, size, entered: enteredIds.length, left: leftIds.length, durationMs: Math.round(performance.now() - started) };
}

/** Inserts and deletes members and records an event for each, inside the caller's transaction. */
async function writeMembership(
  db: Database,
  segmentId: number,
  enteredIds: number[],
  leftIds: number[],
  now: Date,
  recomputeId: number | null,
  transaction: Transaction,
): Promise<void> {
  await bulkInsert(db, "segment_members", ["segment_id", "customer_id", "entered_at"], enteredIds.map((id) => [segmentId, id, now]), { transaction });
  for (let i = 0; i < leftIds.length; i += DELETE_CHUNK) {
    await db.models.SegmentMember.destroy({ where: { segmentId, customerId: { [Op.in]: leftIds.slice(i, i + DELETE_CHUNK) } }, transaction });
  }
  const events = [
    ...enteredIds.map((id) => [segmentId, id, "entered", now, recomputeId]),
    ...leftIds.map((id) => [segmentId, id, "left", now, recomputeId]),
  ] as Array<[number, number, string, Date, number | null]>;
  await bulkInsert(db, "segment_events", ["segment_id", "customer_id", "kind", "at", "recompute_id"], events, { transaction });
}

export interface IncrementalOutcome {
  segments: number;
  customers: number;
  entered: number;
  left: number;
  durationMs: number;
}

/**
 * Re-evaluates just these customers against every active dynamic and accumulating segment and
 * records who entered and left: what keeps segments current between scheduled recomputes.
 */
export async function reevaluateCustomers(engine: SegmentEngine, customerIds: number[], now: Date): Promise<IncrementalOutcome> {
  const started = performance.now();
  const db = engine.db;
  const segments = await db.models.Segment.findAll({
    where: { isActive: true, type: { [Op.in]: ["dynamic", "accumulating"] }, deletedAt: { [Op.is]: null } },
    raw: true,
  });
  const outcome: IncrementalOutcome = { segments: segments.length, customers: customerIds.length, entered: 0, left: 0, durationMs: 0 };
  if (segments.length === 0 || customerIds.length === 0) return { ...outcome, durationMs: performance.now() - started };
  const rules = segments.map((s) => ({ match: s.match, criteria: JSON.parse(s.criteria) as Criterion[] }) as Rule);
  const ctx = await engine.context(now, rules);
  const index = ctx.index;
  const slots = customerIds.map((id) => index.slotOf(id)).filter((s): s is number => s !== undefined);
  const current = new Set<string>();
  for (let i = 0; i < customerIds.length; i += DELETE_CHUNK) {
    const rows = (await db.sequelize.query(
      "SELECT segment_id AS segmentId, customer_id AS customerId FROM segment_members WHERE customer_id IN (:ids) AND segment_id IN (:segments)",
      { replacements: { ids: customerIds.slice(i, i + DELETE_CHUNK), segments: segments.map((s) => s.id) }, type: QueryTypes.SELECT },
    )) as Array<{ segmentId: number; customerId: number }>;
    for (const r of rows) current.add(`${r.segmentId}|${r.customerId}`);
  }
  const memo = new Map<string, unknown>();
  const changes = segments.map((segment, i) => {
    const test = compileRule(ctx, rules[i], memo);
    const entered: number[] = [];
    const left: number[] = [];
    for (const slot of slots) {
      const id = index.ids[slot];
      const isMember = current.has(`${segment.id}|${id}`);
      const matches = test(slot);
      if (matches && !isMember) entered.push(id);
      else if (!matches && isMember && segment.type === "dynamic") left.push(id);
    }
    return { segment, entered, left };
  });
  await db.sequelize.transaction(async (transaction) => {
    for (const { segment, entered, left } of changes) {
      if (entered.length === 0 && left.length === 0) continue;
      await writeMembership(db, segment.id, entered, left, now, null, transaction);
      await db.models.Segment.update(
        { memberCount: db.sequelize.literal(`member_count + ${entered.length - left.length}`) as never, membersVersion: db.sequelize.literal("members_version + 1") as never },
        { where: { id: segment.id }, transaction },
      );
      outcome.entered += entered.length;
      outcome.left += left.length;
    }
  });
  return { ...outcome, durationMs: performance.now() - started };
}

/** Members of a segment as customer ids (for small segments and tests). */
export async function memberIds(db: Database, segmentId: number): Promise<number[]> {
  const rows = await db.models.SegmentMember.findAll({ attributes: ["customerId"], where: { segmentId }, order: [["customerId", "ASC"]], raw: true });
  return rows.map((r) => r.customerId);
}

