import { z } from "../../models/zod";

/**
 * Parses a webhook body with its schema; on failure, the first problem as the field's dotted path
 * and what was wrong with it ("entry.0.messaging.1.delivery.watermark", "must be a number").
 */
export function parseBody<S extends z.ZodType>(schema: S, data: unknown): { ok: true; value: z.infer<S> } | { ok: false; field: string; reason: string } {
  const parsed = schema.safeParse(data, { reportInput: true });
  if (parsed.success) return { ok: true, value: parsed.data };
  const issue = parsed.error.issues[0];
  const field = issue && issue.path.length ? issue.path.map(String).join(".") : "body";
  if (issue?.code === "invalid_type") {
    if ("input" in issue && issue.input === undefined) return { ok: false, field, reason: "is required" };
    return { ok: false, field, reason: `must be ${issue.expected === "object" ? "an object" : issue.expected === "array" ? "a list" : `a ${issue.expected}`}` };
  }
  return { ok: false, field, reason: issue?.message ?? "is not valid" };
}
