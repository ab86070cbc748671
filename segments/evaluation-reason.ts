// Why a segment's definition cannot be evaluated, as the segment row keeps it. A recompute may run
// in a job (English) or for a reader of any language ("Recompute now"), and the row's reason is
// compared to tell a new problem from one already reported: so the row holds the message's key and
// values, never its words, and each reader is shown it in their own language.
import { msg } from "../models/messages";

/** An error whose message is a key of the errors catalogue with its values (EvaluationError and the like). */
interface KeyedError {
  key: string;
  params?: Record<string, unknown>;
}

const isKeyed = (error: unknown): error is KeyedError => error instanceof Error && typeof (error as Partial<KeyedError>).key === "string";

/** The reason to store for an error: its key and values when it has them, else its text as it is. */
export function storedEvaluationReason(error: unknown): string {
  if (isKeyed(error)) return JSON.stringify({ key: error.key, params: error.params ?? {} });
  return error instanceof Error ? error.message : String(error);
}

/** A stored reason in the reader's language; a reason stored as plain text (an engine's own error) as it is. */
export function evaluationReasonText(stored: string): string {
  if (stored.startsWith("{")) {
    try {
      const { key, params } = JSON.parse(stored) as Partial<KeyedError>;
      if (typeof key === "string" && key.startsWith("segments.")) return msg(key, params && typeof params === "object" ? params : {});
    } catch {
      // not one of ours: shown as it is
    }
  }
  return stored;
}
