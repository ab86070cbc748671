// The store's own definitions in /api/v1: its settings, its custom profile fields and its
// registration questions, and the questions a customer has not answered yet. contract.server.ts
// merges these into the API's contract (validation and the OpenAPI document come from them).
import { z } from "zod/v4";
import { msg, zmsg } from "../../models/messages";
import { ExternalId } from "../../models/ingest/schemas";
import { oneLine } from "../../models/ingest/text";
import {
  CustomFieldInput,
  CustomFieldPatch,
  DefinitionKey,
  FIELD_TYPES,
  LANGUAGES,
  QuestionInput,
  QuestionOptionInput,
  QuestionPatch,
} from "../../models/registration/definitions";
import { canonicalLocale, canonicalTimeZone, isCurrency } from "../../models/store-values";
import type { EndpointContract } from "./contract.server";

export const StoreRecord = z
  .strictObject({
    name: z.string(),
    timeZone: z.string().meta({ description: "IANA time zone: what a day is for segments, schedules and reports." }),
    currency: z.string().meta({ description: "ISO 4217 code; orders and carts must be in it." }),
    locale: z.string().meta({ description: "BCP 47 tag: how dates and money are shown, and the language of questions for customers without their own." }),
  })
  .meta({ description: "The store's settings." });

export const StorePatch = z
  .strictObject({
    // zod's own messages: "must be text", "must not be empty", "must be at most 200 characters long"
    name: oneLine(z.string().trim().min(1).max(200)).optional(),
    timeZone: z
      .string(zmsg("admin.timeZone"))
      .trim()
      .transform((v, ctx) => canonicalTimeZone(v) ?? (ctx.addIssue({ code: "custom", message: msg("admin.timeZone") }), z.NEVER))
      .optional(),
    currency: z
      .string(zmsg("admin.currency"))
      .trim()
      .toUpperCase()
      .refine(isCurrency, zmsg("admin.currency"))
      .optional(),
    locale: z
      .string(zmsg("admin.locale"))
      .trim()
      .transform((v, ctx) => canonicalLocale(v) ?? (ctx.addIssue({ code: "custom", message: msg("admin.locale") }), z.NEVER))
      .optional(),
  })
  .meta({ description: "Changes to the store's settings; absent members keep their value. Each change is in the audit log." });

const TextsRecord = () =>
  z.strictObject({ en: z.string(), bg: z.string().optional(), el: z.string().optional(), ru: z.string().optional(), uk: z.string().optional() });

export const CustomFieldRecord = z
  .strictObject({
    key: z.string(),
    label: z.string(),
    type: z.enum(FIELD_TYPES),
    options: z.array(z.string()).meta({ description: "A select field's values; empty for other types." }),
    position: z.number().int().meta({ description: "Place in the store's order, 0 first." }),
    valueCount: z.number().int().meta({ description: "Customers holding a value." }),
  })
  .meta({ description: "A custom profile field." });

export const CustomFieldList = z.strictObject({ customFields: z.array(CustomFieldRecord) }).meta({ description: "Every custom field, in the store's order." });

export const QuestionRecord = z
  .strictObject({
    key: z.string(),
    texts: TextsRecord().meta({ description: "The question by language; a language not listed falls back to en." }),
    isActive: z.boolean().meta({ description: "Asked of customers who have not answered it." }),
    position: z.number().int(),
    answeredBy: z.number().int().meta({ description: "Customers who answered it." }),
    options: z.array(z.strictObject({ key: z.string(), labels: TextsRecord(), chosenBy: z.number().int() })),
  })
  .meta({ description: "A registration question with its options, in order." });

export const QuestionList = z.strictObject({ questions: z.array(QuestionRecord) }).meta({ description: "Every registration question, in the store's order." });

export const DefinitionDeleted = z
  .strictObject({ key: z.string(), deleted: z.literal(true), removedValues: z.number().int().meta({ description: "Customers' values or answers removed with it." }) })
  .meta({ description: "The definition is gone, with its values; its key is free again." });

export const QuestionsToAsk = z
  .strictObject({
    externalId: z.string(),
    language: z.enum(LANGUAGES).meta({ description: "The language of the texts: the customer's locale if the console speaks it, else the store's, else en." }),
    questions: z.array(
      z.strictObject({
        key: z.string(),
        text: z.string(),
        options: z.array(z.strictObject({ key: z.string(), label: z.string() })),
      }),
    ),
  })
  .meta({ description: "The active questions the customer has not answered, in the store's order: what to ask at the next interaction. Answer them through the customer upsert's answers." });

const keyParam = (what: string) => ({
  key: { description: `The ${what}'s key.`, schema: oneLine(z.string().min(1).max(64)) },
});

export const definitionContract = {
  getStore: {
    operationId: "getStore",
    method: "GET",
    path: "/store",
    summary: "Get the store's settings",
    tag: "Store",
    scope: "store:read",
    responses: { 200: { description: "The settings.", schema: StoreRecord } },
  },
  updateStore: {
    operationId: "updateStore",
    method: "PATCH",
    path: "/store",
    summary: "Change the store's settings",
    description: "A new time zone makes every process rebuild its segment facts.",
    tag: "Store",
    scope: "store:write",
    body: { schema: StorePatch, limitBytes: 16 * 1024 },
    responses: { 200: { description: "The settings after the change.", schema: StoreRecord } },
  },
  listCustomFields: {
    operationId: "listCustomFields",
    method: "GET",
    path: "/custom-fields",
    summary: "List the custom profile fields",
    tag: "Store",
    scope: "store:read",
    responses: { 200: { description: "The fields.", schema: CustomFieldList } },
  },
  createCustomField: {
    operationId: "createCustomField",
    method: "POST",
    path: "/custom-fields",
    summary: "Create a custom profile field",
    description: "Customers' values then arrive through the customer upsert's customFields, and segments can use it at once.",
    tag: "Store",
    scope: "store:write",
    body: { schema: CustomFieldInput, limitBytes: 64 * 1024 },
    responses: { 201: { description: "Created.", schema: CustomFieldRecord } },
  },
  getCustomField: {
    operationId: "getCustomField",
    method: "GET",
    path: "/custom-fields/{key}",
    summary: "Get a custom profile field",
    tag: "Store",
    scope: "store:read",
    pathParams: keyParam("field"),
    responses: { 200: { description: "The field.", schema: CustomFieldRecord } },
  },
  updateCustomField: {
    operationId: "updateCustomField",
    method: "PATCH",
    path: "/custom-fields/{key}",
    summary: "Change a custom profile field",
    description: "Removing a select option that customers hold or a segment uses is refused with 422 naming it.",
    tag: "Store",
    scope: "store:write",
    pathParams: keyParam("field"),
    body: { schema: CustomFieldPatch, limitBytes: 64 * 1024 },
    responses: { 200: { description: "The field after the change.", schema: CustomFieldRecord } },
  },
  deleteCustomField: {
    operationId: "deleteCustomField",
    method: "DELETE",
    path: "/custom-fields/{key}",
    summary: "Delete a custom profile field with its values",
    description: "Refused with 409 naming the segments while a segment uses the field.",
    tag: "Store",
    scope: "store:write",
    pathParams: keyParam("field"),
    responses: { 200: { description: "Deleted.", schema: DefinitionDeleted } },
  },
  listQuestions: {
    operationId: "listQuestions",
    method: "GET",
    path: "/questions",
    summary: "List the registration questions",
    tag: "Store",
    scope: "store:read",
    responses: { 200: { description: "The questions.", schema: QuestionList } },
  },
  createQuestion: {
    operationId: "createQuestion",
    method: "POST",
    path: "/questions",
    summary: "Create a registration question with its options",
    description: "An active question is at once among every customer's questions to ask.",
    tag: "Store",
    scope: "store:write",
    body: { schema: QuestionInput, limitBytes: 256 * 1024 },
    responses: { 201: { description: "Created.", schema: QuestionRecord } },
  },
  getQuestion: {
    operationId: "getQuestion",
    method: "GET",
    path: "/questions/{key}",
    summary: "Get a registration question",
    tag: "Store",
    scope: "store:read",
    pathParams: keyParam("question"),
    responses: { 200: { description: "The question.", schema: QuestionRecord } },
  },
  updateQuestion: {
    operationId: "updateQuestion",
    method: "PATCH",
    path: "/questions/{key}",
    summary: "Change a registration question, its options, order or state",
    tag: "Store",
    scope: "store:write",
    pathParams: keyParam("question"),
    body: { schema: QuestionPatch, limitBytes: 256 * 1024 },
    responses: { 200: { description: "The question after the change.", schema: QuestionRecord } },
  },
  deleteQuestion: {
    operationId: "deleteQuestion",
    method: "DELETE",
    path: "/questions/{key}",
    summary: "Delete a registration question with its options and answers",
    description: "Refused with 409 naming the segments while a segment uses it: deactivate it instead (PATCH isActive false).",
    tag: "Store",
    scope: "store:write",
    pathParams: keyParam("question"),
    responses: { 200: { description: "Deleted.", schema: DefinitionDeleted } },
  },
  customerQuestions: {
    operationId: "customerQuestions",
    method: "GET",
    path: "/customers/{externalId}/questions",
    summary: "The questions to ask a customer",
    description: "The active registration questions the customer has not answered, in order, with texts in the customer's language. A question added later shows up here for every customer.",
    tag: "Customers",
    scope: "customers:read",
    pathParams: { externalId: { description: "The customer's id in the shop (URL-encoded).", schema: ExternalId } },
    responses: { 200: { description: "The questions to ask; an empty list when there are none.", schema: QuestionsToAsk } },
  },
} satisfies Record<string, EndpointContract>;

/** Component names of these schemas in the OpenAPI document. */
export const DEFINITION_SCHEMA_NAMES: Array<[string, z.ZodType]> = [
  ["StoreRecord", StoreRecord],
  ["StorePatch", StorePatch],
  ["DefinitionKey", DefinitionKey],
  ["CustomFieldInput", CustomFieldInput],
  ["CustomFieldPatch", CustomFieldPatch],
  ["CustomFieldRecord", CustomFieldRecord],
  ["CustomFieldList", CustomFieldList],
  ["QuestionOptionInput", QuestionOptionInput],
  ["QuestionInput", QuestionInput],
  ["QuestionPatch", QuestionPatch],
  ["QuestionRecord", QuestionRecord],
  ["QuestionList", QuestionList],
  ["DefinitionDeleted", DefinitionDeleted],
  ["QuestionsToAsk", QuestionsToAsk],
];
