// Which segments name a custom field, a question or one of their options, and how many customers
// hold a value: what decides whether a definition may be deleted or an option removed.
import { Op, col, fn, type Transaction } from "sequelize";
import type { Database } from "../db";
import { msg } from "../messages";

export interface SegmentUse {
  id: number;
  code: string;
  name: string;
}

/** The parts of a criterion (segments/definition.ts) these checks read; stored criteria are JSON. */
interface StoredCriterion {
  field?: string;
  key?: string;
  question?: string;
  options?: unknown;
  condition?: { type?: string; values?: Array<{ value?: unknown }> };
}

function criteriaOf(text: string): StoredCriterion[] {
  try {
    const parsed: unknown = JSON.parse(text);
    return Array.isArray(parsed) ? (parsed as StoredCriterion[]) : [];
  } catch {
    return [];
  }
}

async function segmentsWhere(db: Database, uses: (c: StoredCriterion) => boolean, transaction?: Transaction): Promise<SegmentUse[]> {
  const rows = await db.models.Segment.findAll({
    attributes: ["id", "code", "name", "criteria"],
    where: { deletedAt: { [Op.is]: null } },
    order: [["name", "ASC"]],
    raw: true,
    transaction,
  });
  return rows.filter((s) => criteriaOf(s.criteria).some(uses)).map((s) => ({ id: s.id, code: s.code, name: s.name }));
}

/** Segments with a criterion on this custom field (or on one of its select values, when given). */
export function segmentsUsingField(db: Database, key: string, selectValue?: string, transaction?: Transaction): Promise<SegmentUse[]> {
  return segmentsWhere(
    db,
    (c) =>
      c.field === "customField" &&
      c.key === key &&
      (selectValue === undefined || (c.condition?.type === "select" && (c.condition.values ?? []).some((v) => v.value === selectValue))),
    transaction,
  );
}

/** Segments with a criterion on this question (or naming this option of it, when given). */
export function segmentsUsingQuestion(db: Database, key: string, optionKey?: string, transaction?: Transaction): Promise<SegmentUse[]> {
  return segmentsWhere(
    db,
    (c) => c.field === "registrationAnswer" && c.question === key && (optionKey === undefined || (Array.isArray(c.options) && c.options.includes(optionKey))),
    transaction,
  );
}

/** "“VIP” (vip), …": how a refusal names the segments, each quoted as the reader's language quotes. */
export function namedSegments(uses: SegmentUse[]): string {
  return uses.map((s) => msg("admin.namedSegment", { name: s.name, code: s.code })).join(", ");
}

/** Customers holding each of these select values of a field. */
export async function customersHoldingValues(db: Database, fieldId: number, values: string[], transaction?: Transaction): Promise<Map<string, number>> {
  if (values.length === 0) return new Map();
  const rows = (await db.models.CustomerFieldValue.findAll({
    attributes: ["valueText", [fn("COUNT", col("customer_id")), "n"]],
    where: { customFieldId: fieldId, valueText: { [Op.in]: values } },
    group: ["valueText"],
    raw: true,
    transaction,
  })) as unknown as Array<{ valueText: string; n: number }>;
  return new Map(rows.map((r) => [r.valueText, Number(r.n)]));
}

/** Customers who chose each of these options. */
export async function customersChoosing(db: Database, optionIds: number[], transaction?: Transaction): Promise<Map<number, number>> {
  if (optionIds.length === 0) return new Map();
  const rows = (await db.models.RegistrationAnswer.findAll({
    attributes: ["optionId", [fn("COUNT", col("customer_id")), "n"]],
    where: { optionId: { [Op.in]: optionIds } },
    group: ["optionId"],
    raw: true,
    transaction,
  })) as unknown as Array<{ optionId: number; n: number }>;
  return new Map(rows.map((r) => [Number(r.optionId), Number(r.n)]));
}
