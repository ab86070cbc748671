// The export dialog's form, read the same way on the server (the action that starts an export)
// and in the browser (the dialog disables its button while no column is ticked). Browser-safe.
import { z } from "../zod";
import { msg, zmsg } from "../messages";
import { DELIMITERS, EXPORT_FORMATS, ExportColumns, isUsableDelimiter, type CsvOptions, type ExportColumn, type ExportFormat } from "./columns";

const id = z.string().regex(/^[1-9]\d{0,9}$/, zmsg("admin.notId")).transform(Number);

export const ExportForm = z
  .object({
    source: z.enum(["segment", "customers"], zmsg("admin.exportSource")),
    segmentId: id.optional(),
    /** The customer list's URL parameters (its search and filters), as the list page had them. */
    filters: z.string().max(4000).optional(),
    format: z.enum(EXPORT_FORMATS, zmsg("admin.exportFormat")),
    columns: ExportColumns,
    delimiter: z.enum(["comma", "semicolon", "tab", "other"], zmsg("admin.delimiterName")).default("comma"),
    otherDelimiter: z.string().optional(),
    bom: z.boolean().default(false),
  })
  .superRefine((form, ctx) => {
    if (form.source === "segment" && form.segmentId === undefined) ctx.addIssue({ code: "custom", path: ["segmentId"], message: msg("admin.segmentNeeded") });
    if (form.delimiter === "other" && !isUsableDelimiter(form.otherDelimiter ?? "")) {
      ctx.addIssue({ code: "custom", path: ["otherDelimiter"], message: msg("admin.delimiterCharacter") });
    }
  });
export type ExportForm = z.output<typeof ExportForm>;

/** The form's fields as the schema takes them: columns from every ticked box, the byte order mark from its checkbox. */
export function readExportForm(form: FormData): ReturnType<typeof ExportForm.safeParse> {
  const text = (name: string) => {
    const value = form.get(name);
    return typeof value === "string" && value !== "" ? value : undefined;
  };
  return ExportForm.safeParse({
    source: text("source"),
    segmentId: text("segmentId"),
    filters: typeof form.get("filters") === "string" ? String(form.get("filters")) : undefined,
    format: text("format"),
    columns: form.getAll("columns").filter((c): c is string => typeof c === "string"),
    delimiter: text("delimiter"),
    otherDelimiter: typeof form.get("otherDelimiter") === "string" ? String(form.get("otherDelimiter")) : undefined,
    bom: form.get("bom") === "on",
  });
}

export function csvOptionsOf(form: Pick<ExportForm, "delimiter" | "otherDelimiter" | "bom">): CsvOptions {
  return { delimiter: form.delimiter === "other" ? form.otherDelimiter! : DELIMITERS[form.delimiter], bom: form.bom };
}

export type { ExportColumn, ExportFormat };
