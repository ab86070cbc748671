// Recomputes: evaluate, compare with the stored members, and write the difference with its
// enter/leave events, a size sample and the recompute's outcome, all in one transaction.
import { Op, QueryTypes, type Transaction } from "sequelize";
import type { Database } from "../models/db";
import { bulkInsert } from "../models/sql/bulk";
import { isConflict } from "../models/idempotency.server";
import { lockSegmentsForEvents } from "../models/segments/events.server";
import type { Criterion, Rule } from "./definition";
import type { Bitset } from "./bitset";
import { compileRule, evaluate, EvaluationError } from "./evaluate";
import type { SegmentEngine } from "./engine.server";
import { msg } from "../models/messages";
import { evaluationReasonText, storedEvaluationReason } from "./evaluation-reason";

export type RecomputeTrigger = "schedule" | "save" | "incremental" | "manual";

export type RecomputeOutcome =
  | { status: "done"; recomputeId: number; size: number; entered: number; left: number; durationMs: number }
  | { status: "skipped"; reason: "inactive" | "manual" | "locked" | "deleted" | "missing" | "busy" }
  /** The definition cannot be evaluated; `isFirstReport` when this run is the first to find it so. */
  /** `error` in the language of whoever is answered (English in a job), for the log */
  | { status: "skipped"; reason: "unevaluable"; error: string; isFirstReport: boolean };

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
   * Called outside any transaction once the difference is known (`written` 0) and once it is
   * written: a job touches its lock here.
   */
  onProgress?: (progress: { written: number; total: number }) => Promise<void> | void;
  /** Members entering or leaving written per statement batch (default 20,000); every batch is in the one write transaction. */
  batchSize?: number;
  /** Called inside the write transaction after each batch: tests cut a recompute off half-way here. */
  afterBatch?: (progress: { written: number; total: number }) => Promise<void> | void;
}

const WRITE_BATCH = 20_000;

/** What the recompute record of a run whose process died (and so never finished it) says. */
export const ABANDONED_REASON = "the worker stopped before it finished";

/**
 * Recomputes one segment at `now`. Dynamic segments gain and lose members; accumulating ones only
 * gain; a snapshot is computed once and then locked; manual and inactive segments are left alone;
 * one whose definition cannot be evaluated is skipped and marked so. The recompute's record is
 * written first; its members, events, size sample and count are written in one transaction, so a
 * run cut off (even by its process dying) leaves nothing half-written, and a record that never
 * finished is marked failed later by failAbandonedRecomputes.
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

  const unevaluable = async (error: unknown): Promise<RecomputeOutcome> => {
    if (!isDefinitionError(error)) throw error;
    const reason = storedEvaluationReason(error);
    const [isFirstReport] = await noteEvaluationErrors(db, [{ id: segmentId, evaluationError: segment.evaluationError ?? null, reason }]);
    return { status: "skipped", reason: "unevaluable", error: errorText(error), isFirstReport };
  };
  let rule: Rule;
  try {
    rule = storedRule(segment);
  } catch (error) {
    return unevaluable(error);
  }
  const ctx = await engine.context(now, [rule]);
  const index = ctx.index;
  let evaluated: Bitset;
  try {
    evaluated = evaluate(ctx, rule).members;
  } catch (error) {
    return unevaluable(error);
  }
  const stored = await engine.storedMembers(segmentId, segment.membersVersion);
  const members = segment.type === "accumulating" ? evaluated.or(stored) : evaluated;
  const entered = members.clone().andNot(stored);
  const left = stored.clone().andNot(members);
  const enteredIds = [...entered].map((s) => index.ids[s]);
  const leftIds = [...left].map((s) => index.ids[s]);
  const size = members.count();
  const total = enteredIds.length + leftIds.length;
  const batchSize = Math.max(1, options.batchSize ?? WRITE_BATCH);

  const recomputeId = await db.sequelize.transaction(
    async (transaction) =>
      (await db.models.SegmentRecompute.create({ segmentId, trigger, startedAt: now, finishedAt: null, durationMs: null, size: null, entered: null, left: null, error: null }, { transaction })).id,
  );
  try {
    await options.onProgress?.({ written: 0, total });
    await db.sequelize.transaction(async (transaction) => {
      // before the first event: the segment's events then become visible in id order (0036)
      await lockSegmentsForEvents(db, [segmentId], transaction);
      for (let from = 0; from < total; from += batchSize) {
        const to = Math.min(total, from + batchSize);
        const enteredPart = enteredIds.slice(Math.min(from, enteredIds.length), Math.min(to, enteredIds.length));
        const leftPart = leftIds.slice(Math.max(0, from - enteredIds.length), Math.max(0, to - enteredIds.length));
        await writeMembership(db, segmentId, enteredPart, leftPart, now, recomputeId, transaction);
        await options.afterBatch?.({ written: to, total });
      }
      await db.models.SegmentSize.create({ segmentId, at: now, size }, { transaction });
      // members_version moves on by one, or nothing is written: someone else changed the members since we read them
      const [claimed] = await db.models.Segment.update(
        { memberCount: size, lastRecomputedAt: now, evaluationError: null, membersVersion: segment.membersVersion + 1, ...(segment.type === "snapshot" ? { lockedAt: now } : {}) },
        { where: { id: segmentId, membersVersion: segment.membersVersion }, transaction },
      );
      if (claimed !== 1) throw new MembersChangedError(`the members of segment ${segmentId} changed during the recompute`);
      const durationMs = Math.round(performance.now() - started);
      await db.models.SegmentRecompute.update(
        // error cleared: a run taken for dead while it was only slow finished after all
        { finishedAt: new Date(now.getTime() + durationMs), durationMs, size, entered: enteredIds.length, left: leftIds.length, error: null },
        { where: { id: recomputeId }, transaction },
      );
    });
  } catch (error) {
    await db.models.SegmentRecompute.update({ error: errorText(error).slice(0, 1000) }, { where: { id: recomputeId } }).catch(() => {});
    throw error;
  }
  await options.onProgress?.({ written: total, total });
  return { status: "done", recomputeId, size, entered: enteredIds.length, left: leftIds.length, durationMs: Math.round(performance.now() - started) };
}

/**
 * Marks the segment's recomputes that started before `startedBefore` and never finished nor failed
 * as failed: their process died mid-way (their writes rolled back with it). Returns how many.
 */
export async function failAbandonedRecomputes(db: Database, segmentId: number, startedBefore: Date): Promise<number> {
  const [count] = await db.models.SegmentRecompute.update(
    { error: ABANDONED_REASON },
    { where: { segmentId, finishedAt: { [Op.is]: null }, error: { [Op.is]: null }, startedAt: { [Op.lt]: startedBefore } } },
  );
  return count;
}

/** A segment row's rule; throws a DefinitionError when the stored criteria are not readable. */
function storedRule(segment: { match: Rule["match"]; criteria: string }): Rule {
  let criteria: unknown;
  try {
    criteria = JSON.parse(segment.criteria);
  } catch {
    throw new DefinitionError("segments.evalCriteriaNotJson");
  }
  if (!Array.isArray(criteria)) throw new DefinitionError("segments.evalCriteriaNotList");
  return { match: segment.match, criteria: criteria as Criterion[] };
}

/** Stored criteria that are no rule at all; keyed like an EvaluationError, so the segment row keeps the key (evaluation-reason.ts). */
class DefinitionError extends Error {
  constructor(readonly key: string) {
    super(msg(key));
  }
}

/** Whether an error says the definition itself cannot be evaluated (rather than the database failing). */
function isDefinitionError(error: unknown): boolean {
  // a definition written around the checks (straight into the database) may fail in other ways too
  return error instanceof EvaluationError || error instanceof DefinitionError || error instanceof TypeError;
}

const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * Stores why each segment cannot be evaluated (as storedEvaluationReason writes it), or clears it (`reason` null). Returns, per entry,
 * whether this call is the first to report that reason: the caller logs only those, so a broken
 * segment is logged once, not at every round of the change follower.
 */
async function noteEvaluationErrors(db: Database, notes: Array<{ id: number; evaluationError: string | null; reason: string | null }>): Promise<boolean[]> {
  const out: boolean[] = [];
  for (const { id, evaluationError, reason } of notes) {
    if (evaluationError === reason) {
      out.push(false);
      continue;
    }
    // conditional, so that of two processes finding the same error only one reports it
    const [changed] = await db.models.Segment.update(
      { evaluationError: reason },
      { where: { id, evaluationError: evaluationError === null ? { [Op.is]: null } : evaluationError } },
    );
    out.push(changed === 1 && reason !== null);
  }
  return out;
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
  /** Segments skipped because their definitions cannot be evaluated (`error` in the reader's language, English in a job); `isFirstReport` when this round found it first. */
  unevaluable: Array<{ segmentId: number; code: string; error: string; isFirstReport: boolean }>;
}

/**
 * Re-evaluates just these customers against every active dynamic and accumulating segment and
 * records who entered and left: what keeps segments current between scheduled recomputes. A
 * segment whose definition cannot be evaluated is skipped (and marked so); the others go on.
 */
export async function reevaluateCustomers(engine: SegmentEngine, customerIds: number[], now: Date): Promise<IncrementalOutcome> {
  const started = performance.now();
  const db = engine.db;
  const segments = await db.models.Segment.findAll({
    where: { isActive: true, type: { [Op.in]: ["dynamic", "accumulating"] }, deletedAt: { [Op.is]: null } },
    raw: true,
  });
  const outcome: IncrementalOutcome = { segments: segments.length, customers: customerIds.length, entered: 0, left: 0, durationMs: 0, unevaluable: [] };
  if (segments.length === 0 || customerIds.length === 0) return { ...outcome, durationMs: performance.now() - started };
  const errors = new Map<number, string>();
  const rules = new Map<number, Rule>();
  for (const s of segments) {
    try {
      rules.set(s.id, storedRule(s));
    } catch (error) {
      errors.set(s.id, storedEvaluationReason(error));
    }
  }
  const ctx = await engine.context(now, [...rules.values()]);
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
  const changes: Array<{ segment: (typeof segments)[number]; entered: number[]; left: number[] }> = [];
  for (const segment of segments) {
    const rule = rules.get(segment.id);
    if (!rule) continue;
    const entered: number[] = [];
    const left: number[] = [];
    try {
      const test = compileRule(ctx, rule, memo);
      for (const slot of slots) {
        const id = index.ids[slot];
        const isMember = current.has(`${segment.id}|${id}`);
        const matches = test(slot);
        if (matches && !isMember) entered.push(id);
        else if (!matches && isMember && segment.type === "dynamic") left.push(id);
      }
    } catch (error) {
      if (!isDefinitionError(error)) throw error;
      errors.set(segment.id, storedEvaluationReason(error));
      continue;
    }
    changes.push({ segment, entered, left });
  }
  await db.sequelize.transaction(async (transaction) => {
    // every segment written, locked in id order before the first event (0036)
    await lockSegmentsForEvents(db, changes.filter((c) => c.entered.length + c.left.length > 0).map((c) => c.segment.id), transaction);
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
  // only segments whose state changed are written: a broken one already marked, or a sound one never marked, costs nothing
  const noted = segments.filter((s) => (s.evaluationError ?? null) !== (errors.get(s.id) ?? null));
  const firsts = await noteEvaluationErrors(db, noted.map((s) => ({ id: s.id, evaluationError: s.evaluationError ?? null, reason: errors.get(s.id) ?? null })));
  for (const s of segments) {
    const error = errors.get(s.id);
    if (error !== undefined) outcome.unevaluable.push({ segmentId: s.id, code: s.code, error: evaluationReasonText(error), isFirstReport: firsts[noted.indexOf(s)] ?? false });
  }
  return { ...outcome, durationMs: performance.now() - started };
}

/** Members of a segment as customer ids (for small segments and tests). */
export async function memberIds(db: Database, segmentId: number): Promise<number[]> {
  const rows = await db.models.SegmentMember.findAll({ attributes: ["customerId"], where: { segmentId }, order: [["customerId", "ASC"]], raw: true });
  return rows.map((r) => r.customerId);
}

