// The reading side of "Save these filters as a segment" (list-segment.ts): the criteria the new
// segment's editor is opened with, checked as the API checks a definition's.
import { z } from "zod/v4";
import { Criterion, MAX_CRITERIA } from "../../segments/definition";

const PrefilledCriteria = z.array(Criterion).min(1).max(MAX_CRITERIA);

/** The criteria in the editor's `criteria` parameter; null (a blank editor) when there are none or they are not well-formed. */
export function readPrefilledCriteria(text: string | null): Criterion[] | null {
  if (!text) return null;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  const parsed = PrefilledCriteria.safeParse(value);
  return parsed.success ? parsed.data : null;
}
