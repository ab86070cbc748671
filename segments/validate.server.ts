// The checks of a definition that need the store: do the categories, custom fields, questions and
// segments it names exist, and would saving it make segments refer to themselves.
import { Op } from "sequelize";
import type { Database } from "../models/db";
import type { FieldError } from "../models/ingest/schemas";
import { msg } from "../models/messages";
import type { Criterion, SegmentDefinition } from "./definition";

/** Codes of the segments a list of criteria refers to. */
export function referencedCodes(criteria: Criterion[]): string[] {
  return criteria.filter((c): c is Extract<Criterion, { field: "segment" }> => c.field === "segment").map((c) => c.segment);
}

/**
 * Problems with the references of a definition, each with the criterion's index and field.
 * `segmentId` is the segment being edited (absent for a new one).
 */
export async function checkReferences(db: Database, definition: SegmentDefinition, segmentId?: number): Promise<FieldError[]> {
  const errors: FieldError[] = [];
  const m = db.models;
  const criteria = definition.criteria;

  const categoryIds = [...new Set(criteria.flatMap((c) => (c.field === "orderedFromCategory" ? c.categories : [])))];
  const known = new Set(
    categoryIds.length ? (await m.Category.findAll({ attributes: ["externalId"], where: { externalId: { [Op.in]: categoryIds } }, raw: true })).map((c) => c.externalId) : [],
  );
  const fieldKeys = [...new Set(criteria.flatMap((c) => (c.field === "customField" ? [c.key] : [])))];
  const fields = new Map(
    (fieldKeys.length ? await m.CustomField.findAll({ where: { key: { [Op.in]: fieldKeys } }, raw: true }) : []).map((f) => [f.key, f]),
  );
  const questionKeys = [...new Set(criteria.flatMap((c) => (c.field === "registrationAnswer" ? [c.question] : [])))];
  const questions = questionKeys.length ? await m.RegistrationQuestion.findAll({ where: { key: { [Op.in]: questionKeys } }, raw: true }) : [];
  const options = questions.length ? await m.RegistrationOption.findAll({ where: { questionId: { [Op.in]: questions.map((q) => q.id) } }, raw: true }) : [];
  const optionKeys = new Map(questions.map((q) => [q.key, new Set(options.filter((o) => o.questionId === q.id).map((o) => o.key))]));

  criteria.forEach((c, index) => {
    const fail = (field: string, reason: string) => errors.push({ index, field, reason });
    if (c.field === "orderedFromCategory") {
      c.categories.forEach((id, i) => {
        if (!known.has(id)) fail(`categories[${i}]`, msg("segments.unknownCategory", { id }));
      });
    } else if (c.field === "customField") {
      const field = fields.get(c.key);
      if (!field) fail("key", msg("segments.unknownCustomField", { key: c.key }));
      else if (field.type !== c.condition.type) fail("condition.type", msg("segments.fieldTypeMismatch", { key: c.key, type: field.type, expected: c.condition.type }));
      else if (c.condition.type === "select") {
        const allowed: string[] = field.options ? JSON.parse(field.options) : [];
        c.condition.values.forEach((v, i) => {
          if (!allowed.includes(v.value)) fail(`condition.values[${i}].value`, msg("segments.notFieldOption", { value: v.value, key: c.key, options: allowed.join(", ") }));
        });
      }
    } else if (c.field === "registrationAnswer") {
      const keys = optionKeys.get(c.question);
      if (!keys) fail("question", msg("segments.unknownQuestion", { key: c.question }));
      else {
        c.options.forEach((o, i) => {
          if (!keys.has(o)) fail(`options[${i}]`, msg("segments.notQuestionOption", { option: o, key: c.question }));
        });
      }
    }
  });

  const clash = await m.Segment.findOne({ where: { code: definition.code, ...(segmentId ? { id: { [Op.ne]: segmentId } } : {}) }, raw: true });
  if (clash) errors.push({ field: "code", reason: msg("segments.codeTaken", { code: definition.code, name: clash.name }) });

  // segment references: each must exist, and following them from this segment must never come back to it
  const refs = referencedCodes(criteria);
  if (refs.length) {
    const all = await m.Segment.findAll({ attributes: ["id", "code", "criteria"], where: { deletedAt: { [Op.is]: null } }, raw: true });
    const byCode = new Map(all.map((s) => [s.code, s]));
    const self = segmentId ? all.find((s) => s.id === segmentId)?.code : undefined;
    const refsOf = (code: string): string[] => {
      if (code === definition.code || code === self) return refs;
      const row = byCode.get(code);
      return row ? referencedCodes(JSON.parse(row.criteria) as Criterion[]) : [];
    };
    const selfCodes = self && self !== definition.code ? [definition.code, self] : [definition.code];
    criteria.forEach((c, index) => {
      if (c.field !== "segment") return;
      if (!selfCodes.includes(c.segment) && !byCode.has(c.segment)) {
        errors.push({ index, field: "segment", reason: msg("segments.unknownSegmentRef", { code: c.segment }) });
        return;
      }
      const path = cycleFrom(c.segment, selfCodes, refsOf);
      if (path) errors.push({ index, field: "segment", reason: msg("segments.cycle", { path: [definition.code, ...path].join(" → ") }) });
    });
  }
  return errors;
}

/** The path from `start` to one of `targets` through the references, or null when there is none. */
function cycleFrom(start: string, targets: string[], refsOf: (code: string) => string[]): string[] | null {
  const seen = new Set<string>();
  const walk = (code: string, path: string[]): string[] | null => {
    if (targets.includes(code)) return [...path, code];
    if (seen.has(code)) return null;
    seen.add(code);
    for (const next of refsOf(code)) {
      const found = walk(next, [...path, code]);
      if (found) return found;
    }
    return null;
  };
  return walk(start, []);
}
