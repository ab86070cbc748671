// The forms of the import page, one schema each, used by the browser and the action alike.
import { z } from "../../../models/zod";
import { DELIMITER_NAMES, ENCODINGS } from "../../../models/imports/formats";
import { TARGET_PATTERN, mappingProblems } from "../../../models/imports/targets";

const DELIMITER_CHOICES = Object.values(DELIMITER_NAMES) as [string, ...string[]];

export const FormatForm = z.object({
  intent: z.literal("format"),
  encoding: z.enum(ENCODINGS, { error: "Choose an encoding from the list." }),
  delimiter: z.enum(DELIMITER_CHOICES, { error: "Choose a delimiter from the list." }),
});

export const MappingForm = z.object({
  intent: z.literal("mapping"),
  targets: z
    .array(z.string({ error: "Choose what this column becomes." }).regex(TARGET_PATTERN, "is not a customer field"), { error: "Map the columns." })
    .min(1, "Map the columns.")
    .superRefine((targets, ctx) => {
      for (const problem of mappingProblems(targets)) {
        ctx.addIssue({ code: "custom", message: problem.message, path: problem.column === null ? [] : [problem.column] });
      }
    }),
});

export const RunForm = z.object({ intent: z.enum(["check", "import", "stop"]) });

export type PageIntent = "format" | "mapping" | "check" | "import" | "stop";
