// Custom profile field definitions: created, changed, ordered and deleted by admins (pages and
// API), each change audited in its transaction. Keys never change: segments, imports and the API
// name fields by key.
import { Op, col, fn, type Transaction } from "sequelize";
import type { Database } from "../db";
import type { CustomField, CustomFieldType } from "../models";
import { recordAudit, type AuditActor } from "../audit.server";
import { appendChanges, type ChangeSource } from "../change-log.server";
import { parseInput, type FieldError } from "../ingest/schemas";
import { chunks, inTransaction } from "../ingest/util";
import { CustomFieldInput, CustomFieldPatch } from "./definitions";
import { msg } from "../messages";
import { customersHoldingValues, namedSegments, segmentsUsingField, type SegmentUse } from "./usage.server";

export interface CustomFieldView {
  id: number;
  key: string;
  label: string;
  type: CustomFieldType;
  options: string[];
  position: number;
  /** Customers holding a value. */
  valueCount: number;
}

export interface DefinitionContext {
  actor: AuditActor;
  source: ChangeSource;
  now?: Date;
  /** Join the caller's transaction (an API write kept once per Idempotency-Key) instead of opening one. */
  transaction?: Transaction;
}

export type DefinitionOutcome<T> =
  | { ok: true; value: T }
  | { ok: false; kind: "invalid"; errors: FieldError[] }
  | { ok: false; kind: "missing" }
  | { ok: false; kind: "in_use"; errors: FieldError[]; segments: SegmentUse[] };

const optionsOf = (f: Pick<CustomField, "options">): string[] => (f.options ? (JSON.parse(f.options) as string[]) : []);

async function valueCounts(db: Database, ids: number[], transaction?: Transaction): Promise<Map<number, number>> {
  if (ids.length === 0) return new Map();
  const rows = (await db.models.CustomerFieldValue.findAll({
    attributes: ["customFieldId", [fn("COUNT", col("customer_id")), "n"]],
    where: { customFieldId: { [Op.in]: ids } },
    group: ["customFieldId"],
    raw: true,
    transaction,
  })) as unknown as Array<{ customFieldId: number; n: number }>;
  return new Map(rows.map((r) => [Number(r.customFieldId), Number(r.n)]));
}

function toView(f: CustomField, count: number): CustomFieldView {
  return { id: f.id, key: f.key, label: f.label, type: f.type, options: optionsOf(f), position: f.position, valueCount: count };
}

/** Every custom field in the store's order, with how many customers hold a value. */
export async function listCustomFields(db: Database): Promise<CustomFieldView[]> {
  const rows = await db.models.CustomField.findAll({ order: [["position", "ASC"], ["id", "ASC"]] });
  const counts = await valueCounts(db, rows.map((r) => r.id));
  return rows.map((r) => toView(r, counts.get(r.id) ?? 0));
}

export async function getCustomField(db: Database, by: { id: number } | { key: string }): Promise<CustomFieldView | null> {
  const row = await db.models.CustomField.findOne({ where: "id" in by ? { id: by.id } : { key: by.key } });
  if (!row) return null;
  return toView(row, (await valueCounts(db, [row.id])).get(row.id) ?? 0);
}

/** Puts the row with `id` at `position` (0 first; absent: last) among `model`'s rows, renumbering them 0…n−1 (id null: only that). */
export async function placeAt(
  model: Database["models"]["CustomField"] | Database["models"]["RegistrationQuestion"],
  id: number | null,
  position: number | undefined,
  transaction: Transaction,
): Promise<void> {
  const rows = (await (model as Database["models"]["CustomField"]).findAll({ attributes: ["id", "position"], order: [["position", "ASC"], ["id", "ASC"]], transaction, lock: transaction.LOCK.UPDATE })) as Array<{ id: number; position: number }>;
  const order = rows.map((r) => r.id).filter((r) => r !== id);
  if (id !== null) order.splice(position === undefined ? order.length : Math.min(position, order.length), 0, id);
  const current = new Map(rows.map((r) => [r.id, r.position]));
  for (const [index, rowId] of order.entries()) {
    if (current.get(rowId) !== index) await (model as Database["models"]["CustomField"]).update({ position: index }, { where: { id: rowId }, transaction });
  }
}

export async function createCustomField(db: Database, input: unknown, ctx: DefinitionContext): Promise<DefinitionOutcome<CustomFieldView>> {
  const parsed = parseInput(CustomFieldInput, input);
  if (!parsed.ok) return { ok: false, kind: "invalid", errors: parsed.errors };
  const f = parsed.value;
  const now = ctx.now ?? new Date();
  return inTransaction(db, ctx.transaction, async (transaction) => {
    const clash = await db.models.CustomField.findOne({ where: { key: f.key }, transaction });
    if (clash) return { ok: false, kind: "invalid", errors: [{ field: "key", reason: msg("admin.fieldKeyTaken", { key: f.key, label: clash.label }) }] };
    const row = await db.models.CustomField.create(
      { key: f.key, label: f.label, type: f.type, options: f.type === "select" ? JSON.stringify(f.options) : null, position: 1_000_000, createdAt: now, updatedAt: now },
      { transaction },
    );
    await placeAt(db.models.CustomField, row.id, f.position, transaction);
    await recordAudit(db, ctx.actor, "custom_field.create", { type: "custom_field", id: row.id, detail: { key: f.key, label: f.label, type: f.type, options: f.options ?? [] } }, transaction, now);
    await row.reload({ transaction });
    return { ok: true, value: toView(row, 0) };
  });
}

export async function updateCustomField(db: Database, by: { id: number } | { key: string }, input: unknown, ctx: DefinitionContext): Promise<DefinitionOutcome<CustomFieldView>> {
  const parsed = parseInput(CustomFieldPatch, input);
  if (!parsed.ok) return { ok: false, kind: "invalid", errors: parsed.errors };
  const patch = parsed.value;
  const now = ctx.now ?? new Date();
  return inTransaction(db, ctx.transaction, async (transaction): Promise<DefinitionOutcome<CustomFieldView>> => {
    const row = await db.models.CustomField.findOne({ where: "id" in by ? { id: by.id } : { key: by.key }, transaction, lock: transaction.LOCK.UPDATE });
    if (!row) return { ok: false, kind: "missing" };
    const before = toView(row, 0);
    const type = patch.type ?? row.type;
    const options = patch.options ?? (patch.type && patch.type !== "select" ? [] : before.options);
    const errors: FieldError[] = [];
    if (type === "select" && options.length === 0) errors.push({ field: "options", reason: msg("admin.selectNeedsOption") });
    if (type !== "select" && patch.options && patch.options.length > 0) errors.push({ field: "options", reason: msg("admin.typeTakesNoOptions", { type }) });
    const holders = (await valueCounts(db, [row.id], transaction)).get(row.id) ?? 0;
    if (type !== row.type) {
      const uses = await segmentsUsingField(db, row.key, undefined, transaction);
      if (holders > 0) errors.push({ field: "type", reason: msg("admin.typeHeld", { type: row.type, count: holders }) });
      else if (uses.length) errors.push({ field: "type", reason: msg("admin.typeUsed", { type: row.type, segments: namedSegments(uses) }) });
    } else if (type === "select") {
      // a removed option would leave the customers holding it with a value no longer allowed
      const removed = before.options.filter((o) => !options.includes(o));
      const held = await customersHoldingValues(db, row.id, removed, transaction);
      for (const value of removed) {
        const n = held.get(value) ?? 0;
        const uses = await segmentsUsingField(db, row.key, value, transaction);
        if (n > 0) errors.push({ field: "options", reason: msg("admin.optionHeld", { value, count: n }) });
        else if (uses.length) errors.push({ field: "options", reason: msg("admin.optionUsed", { value, segments: namedSegments(uses) }) });
      }
    }
    if (errors.length) return { ok: false, kind: "invalid", errors };
    const changes: Record<string, { from: unknown; to: unknown }> = {};
    if (patch.label !== undefined && patch.label !== row.label) changes.label = { from: row.label, to: patch.label };
    if (type !== row.type) changes.type = { from: row.type, to: type };
    const nextOptions = type === "select" ? options : [];
    if (JSON.stringify(nextOptions) !== JSON.stringify(before.options)) changes.options = { from: before.options, to: nextOptions };
    if (Object.keys(changes).length) {
      await row.update({ label: patch.label ?? row.label, type, options: type === "select" ? JSON.stringify(nextOptions) : null, updatedAt: now }, { transaction });
    }
    if (patch.position !== undefined) {
      const order = await db.models.CustomField.findAll({ attributes: ["id"], order: [["position", "ASC"], ["id", "ASC"]], transaction, raw: true });
      const from = order.findIndex((r) => r.id === row.id);
      if (from !== Math.min(patch.position, order.length - 1)) {
        await placeAt(db.models.CustomField, row.id, patch.position, transaction);
        changes.position = { from, to: Math.min(patch.position, order.length - 1) };
      }
    }
    if (Object.keys(changes).length) {
      await recordAudit(db, ctx.actor, "custom_field.update", { type: "custom_field", id: row.id, detail: { key: row.key, ...changes } }, transaction, now);
    }
    await row.reload({ transaction });
    return { ok: true, value: toView(row, holders) };
  });
}

/**
 * Deletes a field no segment uses, with its values; the customers who held one are logged as
 * changed, so every process's fact index re-reads them. A field a segment uses is refused.
 */
export async function deleteCustomField(db: Database, by: { id: number } | { key: string }, ctx: DefinitionContext): Promise<DefinitionOutcome<{ key: string; valuesRemoved: number }>> {
  const now = ctx.now ?? new Date();
  return inTransaction(db, ctx.transaction, async (transaction): Promise<DefinitionOutcome<{ key: string; valuesRemoved: number }>> => {
    const row = await db.models.CustomField.findOne({ where: "id" in by ? { id: by.id } : { key: by.key }, transaction, lock: transaction.LOCK.UPDATE });
    if (!row) return { ok: false, kind: "missing" };
    const uses = await segmentsUsingField(db, row.key, undefined, transaction);
    if (uses.length) {
      return { ok: false, kind: "in_use", segments: uses, errors: [{ field: "key", reason: msg("admin.fieldInUse", { label: row.label, segments: namedSegments(uses) }) }] };
    }
    const holders = await db.models.CustomerFieldValue.findAll({ attributes: ["customerId"], where: { customFieldId: row.id }, raw: true, transaction });
    for (const part of chunks(holders, 1000)) {
      await appendChanges(db, part.map((h) => ({ customerId: h.customerId, kind: "profile", fields: { changed: ["customFields"] } })), ctx.source, transaction, now);
    }
    await db.models.CustomerFieldValue.destroy({ where: { customFieldId: row.id }, transaction });
    await row.destroy({ transaction });
    await placeAt(db.models.CustomField, null, undefined, transaction);
    await recordAudit(db, ctx.actor, "custom_field.delete", { type: "custom_field", id: row.id, detail: { key: row.key, label: row.label, valuesRemoved: holders.length } }, transaction, now);
    return { ok: true, value: { key: row.key, valuesRemoved: holders.length } };
  });
}
