// What a custom profile field and a registration question are, as the admin pages and the API take
// them. Browser-safe (zod only): the question editor checks its rows with these before posting.
import { z } from "../zod";
import { oneLine } from "../ingest/text";

/** The languages the console speaks; English is the one every text must have. */
export const LANGUAGES = ["en", "bg", "el", "ru", "uk"] as const;
export type Language = (typeof LANGUAGES)[number];
export const OTHER_LANGUAGES = ["bg", "el", "ru", "uk"] as const satisfies readonly Language[];

// models.ts's CUSTOM_FIELD_TYPES, repeated because importing models.ts would bring Sequelize into the browser
export const FIELD_TYPES = ["text", "number", "date", "select"] as const;

/** A new key: it names the record in API paths, segment criteria and import mappings, so it is URL-safe and never changes. */
export const DefinitionKey = z
  .string({ error: "must be a key such as clothing_size" })
  .trim()
  .regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, "must be 1–64 lower-case letters, digits, _ or -, starting with a letter or digit")
  .meta({ example: "clothing_size" });

const line = (max: number) =>
  oneLine(z.string({ error: "must be text" }).trim().min(1, "must not be empty").max(max, `must be at most ${max} characters`));

/** One text in the console's languages: English required, the others optional (they fall back to English). */
export const Texts = (max: number) =>
  z
    .strictObject({
      en: line(max),
      bg: line(max).nullable().optional(),
      el: line(max).nullable().optional(),
      ru: line(max).nullable().optional(),
      uk: line(max).nullable().optional(),
    }, { error: "must be an object of language → text, with en" })
    .meta({ description: `The text by language (${LANGUAGES.join(", ")}); en is required, a missing language falls back to English.` });
export type Texts = z.infer<ReturnType<typeof Texts>>;

const Position = () => z
  .number({ error: "must be a number" })
  .int("must be a whole number")
  .min(0, "must not be negative")
  .max(100_000, "is too large")
  .meta({ description: "The place in the list, 0 first; the others move to make room." });

const SelectOption = () => line(200);

const fieldOptions = () => z.array(SelectOption(), { error: "must be a list of option texts" }).max(200, "at most 200 options");

function noDuplicates(values: string[], ctx: z.RefinementCtx, path: (string | number)[], what: string) {
  const seen = new Set<string>();
  values.forEach((v, i) => {
    if (seen.has(v)) ctx.addIssue({ code: "custom", path: [...path, i], message: `${what} "${v}" appears twice` });
    seen.add(v);
  });
}

export const CustomFieldInput = z
  .strictObject({
    key: DefinitionKey,
    label: line(200),
    type: z.enum(FIELD_TYPES, { error: `must be one of ${FIELD_TYPES.join(", ")}` }),
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
    type: z.enum(FIELD_TYPES, { error: `must be one of ${FIELD_TYPES.join(", ")}` }).optional().meta({
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
  if (type === "select" && (!options || options.length === 0)) ctx.addIssue({ code: "custom", path: ["options"], message: "a select field needs at least one option" });
  if (type !== "select" && options && options.length > 0) ctx.addIssue({ code: "custom", path: ["options"], message: `a ${type} field has no options (only select fields do)` });
  if (options) noDuplicates(options, ctx, ["options"], "option");
}

export const QuestionOptionInput = z
  .strictObject({ key: DefinitionKey, labels: Texts(200) })
  .meta({ description: "One answer a customer can choose." });

const questionOptions = () => z
  .array(QuestionOptionInput, { error: "must be a list of options" })
  .min(1, "a question needs at least one option")
  .max(100, "at most 100 options")
  .superRefine((list, ctx) => noDuplicates(list.map((o) => o.key), ctx, [], "option key"));

export const QuestionInput = z
  .strictObject({
    key: DefinitionKey,
    texts: Texts(500),
    isActive: z.boolean({ error: "must be true or false" }).default(true).meta({ description: "Inactive questions are not asked any more; their answers stay and segments keep using them." }),
    options: questionOptions().meta({ description: "The options, in the order they are offered." }),
    position: Position().optional(),
  })
  .meta({ description: "A registration question the shop's bot asks, with its options." });
export type QuestionInput = z.infer<typeof QuestionInput>;

export const QuestionPatch = z
  .strictObject({
    texts: Texts(500).optional(),
    isActive: z.boolean({ error: "must be true or false" }).optional(),
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
