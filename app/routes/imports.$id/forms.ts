// The forms of the import page, one schema each, used by the browser and the action alike.
import { z } from "../../../models/zod";
import { zmsg } from "../../../models/messages";
import { DELIMITER_NAMES, ENCODINGS } from "../../../models/imports/formats";
import { TARGET_PATTERN, mappingProblems } from "../../../models/imports/targets";

const DELIMITER_CHOICES = Object.values(DELIMITER_NAMES) as [string, ...string[]];

export const FormatForm = z.object({
  intent: z.literal("format"),
  encoding: z.enum(ENCODINGS, zmsg("ingest.import.chooseEncoding")),
  delimiter: z.enum(DELIMITER_CHOICES, zmsg("ingest.import.chooseDelimiter")),
});

export const MappingForm = z.object({
  intent: z.literal("mapping"),
  targets: z
    .array(z.string(zmsg("ingest.import.chooseTarget")).regex(TARGET_PATTERN, zmsg("ingest.import.notATarget")), zmsg("ingest.import.mapColumns"))
    .min(1, zmsg("ingest.import.mapColumns"))
    .superRefine((targets, ctx) => {
      for (const problem of mappingProblems(targets)) {
        ctx.addIssue({ code: "custom", message: problem.message, path: problem.column === null ? [] : [problem.column] });
      }
    }),
});

export const RunForm = z.object({ intent: z.enum(["check", "import", "stop"]) });

export type PageIntent = "format" | "mapping" | "check" | "import" | "stop";
