// Saving, reading and deleting segments. A definition is checked whole (shape, then what it refers
// to) before anything is written; problems come back with the criterion's index and field.
import { Op, type InferAttributes, type Transaction } from "sequelize";
import type { SegmentRow } from "../models/segment-models";
import type { Database } from "../models/db";
import { recordAudit, type AuditActor } from "../models/audit.server";
import { parseInput, type FieldError } from "../models/ingest/schemas";
import { msg } from "../models/messages";
import { SegmentDefinition, type Criterion, type Rule, type SegmentType } from "./definition";
import { checkReferences, referencedCodes } from "./validate.server";
import { evaluationReasonText } from "./evaluation-reason";

export interface SegmentView {
  id: number;
  code: string;
  name: string;
  type: SegmentType;
  isActive: boolean;
  match: "all" | "any";
  criteria: Criterion[];
  recomputeEveryMinutes: number;
  memberCount: number;
  lockedAt: Date | null;
  lastRecomputedAt: Date | null;
  /** Why the definition cannot be evaluated now (a segment it names is gone, say), in the reader's language; null when it can. */
  evaluationError: string | null;
  createdById: number | null;
  createdAt: Date;
  updatedAt: Date;
}

/** What a save or a delete did to a segment. */
export interface SegmentChange {
  segment: SegmentView;
  /** The segment before the change; null when it was created. */
  previous: SegmentView | null;
  definitionChanged: boolean;
  isDeleted: boolean;
}

/**
 * Work that must commit or roll back with a segment's save or delete, such as its recompute
 * schedule: `onSaved` runs inside the transaction. The caller passes it, so this module knows
 * nothing of the job queue.
 */
export interface SegmentSaveHooks {
  onSaved?(change: SegmentChange, transaction: Transaction): Promise<void>;
}

export type SaveOutcome = { ok: true; segment: SegmentView; definitionChanged: boolean } | { ok: false; errors: FieldError[] };

type Row = InferAttributes<SegmentRow>;

function toView(s: Row): SegmentView {
  return {
    id: s.id,
    code: s.code,
    name: s.name,
    type: s.type,
    isActive: Boolean(s.isActive),
    match: s.match,
    criteria: readCriteria(s.criteria),
    recomputeEveryMinutes: s.recomputeEveryMinutes,
    memberCount: s.memberCount,
    lockedAt: s.lockedAt ?? null,
    lastRecomputedAt: s.lastRecomputedAt ?? null,
    evaluationError: s.evaluationError ? evaluationReasonText(s.evaluationError) : null,
    createdById: s.createdById,
    createdAt: s.createdAt,
    updatedAt: s.updatedAt,
  };
}

export function ruleOf(segment: Pick<SegmentView, "match" | "criteria">): Rule {
  return { match: segment.match, criteria: segment.criteria };
}

/** Checks a definition without saving it: shape first, then the things it names. */
export async function checkDefinition(db: Database, input: unknown, segmentId?: number): Promise<{ ok: true; definition: SegmentDefinition } | { ok: false; errors: FieldError[] }> {
  const parsed = parseInput(SegmentDefinition, input, "criteria");
  if (!parsed.ok) return parsed;
  const errors = await checkReferences(db, parsed.value, segmentId);
  return errors.length ? { ok: false, errors } : { ok: true, definition: parsed.value };
}

/** Creates a segment, or updates one when `segmentId` is given. */
export async function saveSegment(db: Database, input: unknown, actor: AuditActor, segmentId?: number, hooks: SegmentSaveHooks = {}): Promise<SaveOutcome> {
  const checked = await checkDefinition(db, input, segmentId);
  if (!checked.ok) return checked;
  const d = checked.definition;
  const values = {
    code: d.code,
    name: d.name,
    type: d.type,
    isActive: d.isActive,
    match: d.match,
    criteria: JSON.stringify(d.criteria),
    recomputeEveryMinutes: d.recomputeEveryMinutes,
  };
  return db.sequelize.transaction(async (transaction) => {
    if (segmentId === undefined) {
      const row = await db.models.Segment.create({ ...values, createdById: actor.userId ?? null }, { transaction });
      await recordAudit(db, actor, "segment.create", { type: "segment", id: row.id, detail: values }, transaction);
      const segment = toView(row.get({ plain: true }) as Row);
      await hooks.onSaved?.({ segment, previous: null, definitionChanged: true, isDeleted: false }, transaction);
      return { ok: true as const, segment, definitionChanged: true };
    }
    const row = await db.models.Segment.findOne({ where: { id: segmentId, deletedAt: { [Op.is]: null } }, transaction });
    if (!row) return { ok: false as const, errors: [{ field: "id", reason: msg("segments.noSuchSegmentReason") }] };
    const previous = toView(row.get({ plain: true }) as Row);
    const definitionChanged = row.criteria !== values.criteria || row.match !== values.match || row.type !== values.type;
    const previousCode = row.code;
    // a snapshot whose definition changed is computed afresh once, then locked again; a definition
    // that passed the checks can be evaluated, whatever was wrong before
    await row.update({ ...values, evaluationError: null, ...(definitionChanged && d.type === "snapshot" ? { lockedAt: null } : {}) }, { transaction });
    await recordAudit(db, actor, "segment.update", { type: "segment", id: row.id, detail: values }, transaction);
    if (previousCode !== values.code) await renameReferences(db, previousCode, values.code, actor, transaction);
    const segment = toView(row.get({ plain: true }) as Row);
    await hooks.onSaved?.({ segment, previous, definitionChanged, isDeleted: false }, transaction);
    return { ok: true as const, segment, definitionChanged };
  });
}

export async function getSegment(db: Database, id: number): Promise<SegmentView | null> {
  const row = await db.models.Segment.findOne({ where: { id, deletedAt: { [Op.is]: null } }, raw: true });
  return row ? toView(row as Row) : null;
}

export async function getSegmentByCode(db: Database, code: string): Promise<SegmentView | null> {
  const row = await db.models.Segment.findOne({ where: { code, deletedAt: { [Op.is]: null } }, raw: true });
  return row ? toView(row as Row) : null;
}

export async function listSegments(db: Database): Promise<SegmentView[]> {
  const rows = await db.models.Segment.findAll({ where: { deletedAt: { [Op.is]: null } }, order: [["name", "ASC"]], raw: true });
  return rows.map((r) => toView(r as Row));
}

/** What the segment list is narrowed to: each part optional; `text` is found in the name or the code. */
export interface SegmentFilter {
  text?: string;
  type?: SegmentType;
  isActive?: boolean;
}

/**
 * The segments a filter keeps. Text is compared with case folded in JavaScript rather than by LIKE:
 * SQLite folds only ASCII, and names here are often Cyrillic or Greek.
 */
export function filterSegments<S extends Pick<SegmentView, "name" | "code" | "type" | "isActive">>(segments: S[], filter: SegmentFilter): S[] {
  const fold = (text: string) => text.normalize("NFC").toLocaleLowerCase().replaceAll("ς", "σ");
  const text = filter.text?.trim() ? fold(filter.text.trim()) : null;
  return segments.filter(
    (s) =>
      (filter.type === undefined || s.type === filter.type) &&
      (filter.isActive === undefined || s.isActive === filter.isActive) &&
      (text === null || fold(s.name).includes(text) || s.code.includes(text)),
  );
}

/** A code no live segment has, for a copy of `code`: code-copy, code-copy-2, … (at most 64 characters). */
export async function freeCopyCode(db: Database, code: string): Promise<string> {
  const taken = new Set((await db.models.Segment.findAll({ attributes: ["code"], where: { deletedAt: { [Op.is]: null } }, raw: true })).map((r) => r.code));
  for (let n = 1; ; n++) {
    const suffix = n === 1 ? "-copy" : `-copy-${n}`;
    const candidate = `${code.slice(0, 64 - suffix.length).replace(/[-_]+$/, "")}${suffix}`;
    if (!taken.has(candidate)) return candidate;
  }
}

/** Segments whose definitions name this one: they would break if it went away. */
export async function segmentsUsing(db: Database, code: string, transaction?: Transaction): Promise<Array<{ id: number; code: string; name: string; criteria: Criterion[] }>> {
  const rows = await db.models.Segment.findAll({ attributes: ["id", "code", "name", "criteria"], where: { deletedAt: { [Op.is]: null } }, raw: true, transaction });
  return rows
    .map((r) => ({ id: r.id, code: r.code, name: r.name, criteria: readCriteria(r.criteria) }))
    .filter((r) => referencedCodes(r.criteria).includes(code));
}

/** Stored criteria, or none when they are unreadable (written around the checks). */
function readCriteria(text: string): Criterion[] {
  try {
    const criteria: unknown = JSON.parse(text);
    return Array.isArray(criteria) ? (criteria as Criterion[]) : [];
  } catch {
    return [];
  }
}

/**
 * Definitions name segments by code (docs/decisions/0017-segment-references-follow-renames.md): a segment's new code is written into
 * every definition naming its old one, in the rename's transaction, so none is left naming nothing.
 * The rules mean what they meant, so nothing is recomputed.
 */
async function renameReferences(db: Database, from: string, to: string, actor: AuditActor, transaction: Transaction): Promise<void> {
  for (const user of await segmentsUsing(db, from, transaction)) {
    const criteria = user.criteria.map((c) => (c.field === "segment" && c.segment === from ? { ...c, segment: to } : c));
    await db.models.Segment.update({ criteria: JSON.stringify(criteria) }, { where: { id: user.id }, transaction });
    await recordAudit(db, actor, "segment.update", { type: "segment", id: user.id, detail: { criteria, renamed: { from, to } } }, transaction);
  }
}

/**
 * Deletes a segment that nothing uses. The row stays (its events still name it in customer
 * histories) with its code freed for reuse.
 */
export async function deleteSegment(
  db: Database,
  id: number,
  actor: AuditActor,
  now = new Date(),
  hooks: SegmentSaveHooks = {},
): Promise<{ ok: true } | { ok: false; usedBy: Array<{ id: number; code: string; name: string }> }> {
  const segment = await getSegment(db, id);
  if (!segment) return { ok: true };
  const usedBy = await segmentsUsing(db, segment.code);
  if (usedBy.length) return { ok: false, usedBy };
  await db.sequelize.transaction(async (transaction) => {
    // members_version moves on, so a recompute that read the members before this cannot write them back
    await db.models.Segment.update(
      { deletedAt: now, code: `${segment.code}~deleted~${id}`.slice(0, 100), isActive: false, membersVersion: db.sequelize.literal("members_version + 1") as never },
      { where: { id }, transaction },
    );
    await db.models.SegmentMember.destroy({ where: { segmentId: id }, transaction });
    await recordAudit(db, actor, "segment.delete", { type: "segment", id, detail: { code: segment.code, name: segment.name } }, transaction);
    await hooks.onSaved?.({ segment: { ...segment, isActive: false }, previous: segment, definitionChanged: false, isDeleted: true }, transaction);
  });
  return { ok: true };
}
