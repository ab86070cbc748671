// What a custom profile field and a registration question are, as the admin pages and the API take
// them. Browser-safe (zod only): the question editor checks its rows with these before posting.
import { z } from "../zod";
import { msg, zmsg } from "../messages";
import { oneLine } from "../ingest/text";

/** The languages the console speaks; English is the one every text must have. */
export const LANGUAGES = ["en", "bg", "el", "ru", "uk"] as const;
export type Language = (typeof LANGUAGES)[number];
export const OTHER_LANGUAGES = ["bg", "el", "ru", "uk"] as const satisfies readonly Language[];

// models.ts's CUSTOM_FIELD_TYPES, repeated because importing models.ts would bring Sequelize into the browser
export const FIELD_TYPES = ["text", "number", "date", "select"] as const;

/** A new key: it names the record in API paths, segment criteria and import mappings, so it is URL-safe and never changes. */
export const DefinitionKey = z
  .string(zmsg("admin.keyType"))
  .trim()
  .regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, zmsg("admin.keyForm"))
  .meta({ example: "clothing_size" });

// zod's own messages say it: "must be text", "must not be empty", "must be at most 200 characters long"
const line = (max: number) => oneLine(z.string().trim().min(1).max(max));

/** One text in the console's languages: English required, the others optional (they fall back to English). */
export const Texts = (max: number) =>
  z
    .strictObject({
      en: line(max),
      bg: line(max).nullable().optional(),
      el: line(max).nullable().optional(),
      ru: line(max).nullable().optional(),
      uk: line(max).nullable().optional(),
    }, zmsg("admin.textsType"))
    .meta({ description: `The text by language (${LANGUAGES.join(", ")}); en is required, a missing language falls back to English.` });
export type Texts = z.infer<ReturnType<typeof Texts>>;

const Position = () => z
  .number()
  .int()
  .min(0, zmsg("admin.positionNegative"))
  .max(100_000, zmsg("admin.positionTooLarge"))
  .meta({ description: "The place in the list, 0 first; the others move to make room." });

const SelectOption = () => line(200);

const MAX_FIELD_OPTIONS = 200;
const fieldOptions = () => z.array(SelectOption(), zmsg("admin.fieldOptionsType")).max(MAX_FIELD_OPTIONS, zmsg("admin.optionsMax", { count: MAX_FIELD_OPTIONS }));

/** A value given twice: an option's text ("option") or an option's key ("optionKey"). */
function noDuplicates(values: string[], ctx: z.RefinementCtx, path: (string | number)[], what: "option" | "optionKey") {
  const seen = new Set<string>();
  values.forEach((v, i) => {
    if (seen.has(v)) ctx.addIssue({ code: "custom", path: [...path, i], message: what === "option" ? msg("admin.optionTwice", { value: v }) : msg("admin.optionKeyTwice", { value: v }) });
    seen.add(v);
  });
}

export const CustomFieldInput = z
  .strictObject({
    key: DefinitionKey,
    label: line(200),
    type: z.enum(FIELD_TYPES),
    options: fieldOptions().optional().meta({ description: "The values a select field allows (its values are stored as these texts); only select fields have them." }),
    position: Position().optional(),
  })
  .superRefine((f, ctx) => {
    checkFieldOptions(f.type, f.options, ctx);
  })
  .meta({ description: "A custom profile field: its values arrive as the customer's customFields[key]." });
export type CustomFieldInput = z.infer<typeof CustomFieldInput>;

export const CustomFieldPatch = z
  .strictObject({
    label: line(200).optional(),
    type: z.enum(FIELD_TYPES).optional().meta({
      description: "Changes only while no customer holds a value and no segment uses the field.",
    }),
    options: fieldOptions().optional().meta({ description: "Replaces the select field's options; an option customers hold cannot be removed." }),
    position: Position().optional(),
  })
  .superRefine((f, ctx) => {
    if (f.options) noDuplicates(f.options, ctx, ["options"], "option");
  })
  .meta({ description: "Changes to a custom field; absent members keep their value. The key never changes." });
export type CustomFieldPatch = z.infer<typeof CustomFieldPatch>;

/** A field's type and options together: a select needs options, the others take none. */
export function checkFieldOptions(type: (typeof FIELD_TYPES)[number], options: string[] | undefined, ctx: z.RefinementCtx) {
  if (type === "select" && (!options || options.length === 0)) ctx.addIssue({ code: "custom", path: ["options"], message: msg("admin.selectNeedsOption") });
  if (type !== "select" && options && options.length > 0) ctx.addIssue({ code: "custom", path: ["options"], message: msg("admin.typeTakesNoOptions", { type }) });
  if (options) noDuplicates(options, ctx, ["options"], "option");
}

export const QuestionOptionInput = z
  .strictObject({ key: DefinitionKey, labels: Texts(200) })
  .meta({ description: "One answer a customer can choose." });

const MAX_QUESTION_OPTIONS = 100;
const questionOptions = () => z
  .array(QuestionOptionInput, zmsg("admin.questionOptionsType"))
  .min(1, zmsg("admin.questionNeedsOption"))
  .max(MAX_QUESTION_OPTIONS, zmsg("admin.optionsMax", { count: MAX_QUESTION_OPTIONS }))
  .superRefine((list, ctx) => noDuplicates(list.map((o) => o.key), ctx, [], "optionKey"));

export const QuestionInput = z
  .strictObject({
    key: DefinitionKey,
    texts: Texts(500),
    isActive: z.boolean().default(true).meta({ description: "Inactive questions are not asked any more; their answers stay and segments keep using them." }),
    options: questionOptions().meta({ description: "The options, in the order they are offered." }),
    position: Position().optional(),
  })
  .meta({ description: "A registration question the shop's bot asks, with its options." });
export type QuestionInput = z.infer<typeof QuestionInput>;

export const QuestionPatch = z
  .strictObject({
    texts: Texts(500).optional(),
    isActive: z.boolean().optional(),
    options: questionOptions().optional().meta({
      description: "Replaces the options, in this order, matched by key: a key not listed is removed, which is refused while customers chose it or a segment names it.",
    }),
    position: Position().optional(),
  })
  .meta({ description: "Changes to a question; absent members keep their value. The key never changes." });
export type QuestionPatch = z.infer<typeof QuestionPatch>;

/** The text in `language`, else English. */
export function textIn(texts: Partial<Record<Language, string | null>> & { en: string }, language: string): string {
  return (LANGUAGES as readonly string[]).includes(language) ? (texts[language as Language] ?? texts.en) : texts.en;
}

/** The console language of a locale tag ("bg-BG" → "bg"), or null when the console does not speak it. */
export function languageOf(locale: string | null | undefined): Language | null {
  if (!locale) return null;
  const base = locale.toLowerCase().split(/[-_]/)[0];
  return (LANGUAGES as readonly string[]).includes(base) ? (base as Language) : null;
}
