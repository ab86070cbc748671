import { z } from "zod/v4";
import { msg } from "./messages";

// zod compiles object parsers with `new Function` when it may, and finds out by trying once; in the
// browser, under the console's Content-Security-Policy (no 'unsafe-eval'), that try is a reported
// violation. Every module that builds schemas imports z from here, so this runs before the first
// schema exists; forms parse fast enough without compiling. The server keeps compiling (bulk ingest).
if (typeof document !== "undefined") z.config({ jitless: true });

const SIZED: Record<string, string> = { string: "characters", array: "items", set: "items", file: "bytes" };

/**
 * zod's own message for an issue a schema gave no words for, in the reader's language (models/messages.ts):
 * each is a reason that follows the field's name ("email: must be an email address").
 */
function genericMessage(issue: z.core.$ZodRawIssue): string | undefined {
  switch (issue.code) {
    case "invalid_type": {
      if (issue.input === undefined) return msg("generic.required");
      const expected = String(issue.expected);
      return ["string", "number", "boolean", "object", "array", "date", "bigint", "int"].includes(expected) ? msg(`generic.type.${expected}`) : msg("generic.type.other", { expected });
    }
    case "too_small": {
      const unit = SIZED[String(issue.origin)];
      const minimum = Number(issue.minimum);
      if (unit === "characters" && minimum === 1) return msg("generic.empty");
      if (unit) return msg(`generic.tooSmall.${unit}`, { count: minimum });
      return msg(issue.inclusive ? "generic.tooSmall.atLeast" : "generic.tooSmall.greaterThan", { minimum: String(issue.minimum) });
    }
    case "too_big": {
      const unit = SIZED[String(issue.origin)];
      if (unit) return msg(`generic.tooBig.${unit}`, { count: Number(issue.maximum) });
      return msg(issue.inclusive ? "generic.tooBig.atMost" : "generic.tooBig.lessThan", { maximum: String(issue.maximum) });
    }
    case "invalid_format": {
      const format = String(issue.format);
      return ["email", "url", "datetime", "date", "time", "uuid"].includes(format) ? msg(`generic.format.${format}`) : msg("generic.format.other");
    }
    case "invalid_value":
      return msg("generic.oneOf", { values: issue.values.map((v) => String(v)).join(", ") });
    case "not_multiple_of":
      return msg("generic.multipleOf", { divisor: String(issue.divisor) });
    case "unrecognized_keys":
      return msg("generic.unknownField");
    case "invalid_union":
      return msg("generic.noForm");
    case "invalid_key":
    case "invalid_element":
    case "custom":
      return msg("generic.invalid");
    default:
      return undefined;
  }
}

z.config({ customError: genericMessage });

export { z };
