// The editor's live preview: a definition that is not saved → its problems, its count, what each
// criterion matches alone, the first customers with why, and for a saved segment the impact of
// saving, and with a customer picked in the preview, how each counted criterion judges them. A
// problem is an answer here, not a failure: the editor shows it next to its input.
import crypto from "node:crypto";
import { json, type ActionFunctionArgs } from "@remix-run/node";
import { z } from "../../models/zod";
import { msg, zmsg } from "../../models/messages";
import { requireRole } from "~/auth/session.server";
import { readForm } from "~/auth/forms.server";
import { checkDefinition, editImpact, previewWithReasons, ruleOf } from "~/domain/segments.server";
import type { PreviewAnswer } from "~/components/segments/preview-answer";

export const PREVIEW_LIMIT = 20;

const PreviewForm = z.object({
  definition: z.string().max(2_000_000),
  /** Criteria the browser knows are unfinished (text that is not a number yet), by index: not counted. */
  incomplete: z.preprocess((v) => (typeof v === "string" && v !== "" ? v.split(",") : []), z.array(z.coerce.number().int().min(0).max(100)).max(10)),
  segmentId: z.preprocess((v) => (v === "" ? undefined : v), z.coerce.number().int().positive().optional()),
  /** The customer picked in the preview's "Check a customer": judged against the draft as it stands. */
  customerId: z.preprocess((v) => (v === "" ? undefined : v), z.coerce.number(zmsg("segments.customerId")).int(zmsg("segments.customerId")).positive(zmsg("segments.customerId")).max(2 ** 31 - 1, zmsg("segments.customerId")).optional()),
});

/** Fields that say nothing about who is in: their problems do not stop the preview. */
const NAMING_FIELDS = ["name", "code", "isActive", "recomputeEveryMinutes"];

const answer = (data: PreviewAnswer, status = 200) => json<PreviewAnswer>(data, { status, headers: { "Cache-Control": "no-store" } });

export async function action({ request, context }: ActionFunctionArgs) {
  await requireRole(request, context, "admin", "marketer");
  const form = await readForm(request, context);
  const parsed = PreviewForm.safeParse(Object.fromEntries(form));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = String(issue.path[0] ?? "definition");
    return answer({ errors: [field === "definition" ? { field: "(body)", reason: msg("segments.sendDefinition") } : { field, reason: issue.message }], result: null }, 400);
  }
  let input: unknown;
  try {
    input = JSON.parse(parsed.data.definition);
  } catch {
    return answer({ errors: [{ field: "(body)", reason: msg("segments.definitionNotJson") }], result: null }, 400);
  }
  const { db, segments: engine } = context.services;
  const segmentId = parsed.data.segmentId;
  const checked = await checkDefinition(db, input, segmentId);
  let errors = checked.ok ? [] : checked.errors;
  let definition = checked.ok && parsed.data.incomplete.length === 0 ? checked.definition : null;
  // the original index of each criterion counted: all of them, unless some are unfinished
  let counted: number[] | null = null;
  const criteriaIn = input && typeof input === "object" && Array.isArray((input as { criteria?: unknown }).criteria) ? ((input as { criteria: unknown[] }).criteria) : null;
  const unfinished = new Set([...parsed.data.incomplete, ...errors.flatMap((e) => (e.index === undefined ? [] : [e.index]))]);
  const onlyNamingAndCriteria = errors.every((e) => e.index !== undefined || NAMING_FIELDS.includes(e.field));
  if (!definition && criteriaIn && onlyNamingAndCriteria) {
    // Count what is sound while the rest is still being typed: the name and code under a code nobody
    // has, and only the finished criteria (the editor says which ones it is not counting yet)
    counted = criteriaIn.map((_, i) => i).filter((i) => !unfinished.has(i));
    const placeholder = {
      ...(input as object),
      criteria: counted.map((i) => criteriaIn[i]),
      name: "preview",
      code: `preview-${crypto.randomBytes(8).toString("hex")}`,
      isActive: true,
      recomputeEveryMinutes: 5,
    };
    if (counted.length === 0 && criteriaIn.length > 0) return answer({ errors, result: null });
    const again = await checkDefinition(db, placeholder, segmentId);
    if (again.ok) definition = again.definition;
    else {
      // the placeholder's criteria are the counted ones: name each by its index in the editor
      const kept = counted;
      const more = again.errors.map((e) => (e.index === undefined ? e : { ...e, index: kept[e.index] ?? e.index }));
      errors = [...errors, ...more.filter((e) => !errors.some((o) => o.field === e.field && o.index === e.index))];
    }
  }
  if (!definition) return answer({ errors, result: null });
  const countedIndexes = counted ?? definition.criteria.map((_, i) => i);
  const isPartial = criteriaIn !== null && countedIndexes.length < criteriaIn.length;
  if (definition.type === "manual") {
    return answer({ errors, result: { definition, counted: [], count: null, perCriterion: [], customers: [], impact: null, checked: null, evaluatedMs: 0 } });
  }
  const now = new Date();
  const rule = ruleOf(definition);
  const customerId = parsed.data.customerId;
  try {
    const [preview, impact, explained] = await Promise.all([
      previewWithReasons(engine, rule, now, { limit: PREVIEW_LIMIT }),
      // the impact of saving is of the whole draft: not told while part of it is not counted
      segmentId && !isPartial ? editImpact(engine, segmentId, { type: definition.type, rule }, now) : Promise.resolve(null),
      customerId ? engine.explainCustomer(rule, customerId, now) : Promise.resolve(null),
    ]);
    const checked = customerId ? { customerId, isFound: explained !== null, matched: explained?.matched ?? false, reasons: explained?.reasons ?? [] } : null;
    return answer({
      errors,
      result: { definition, counted: countedIndexes, count: preview.count, perCriterion: preview.perCriterion, customers: preview.customers, impact, checked, evaluatedMs: preview.evaluatedMs },
    });
  } catch (error) {
    // something the definition names appeared after this process built its fact index. By name:
    // the engine's copy of segments/ is the server's, not the one bundled into the Remix build
    if (error instanceof Error && error.constructor.name.startsWith("EvaluationError")) return answer({ errors: [...errors, { field: "criteria", reason: error.message }], result: null });
    throw error;
  }
}
