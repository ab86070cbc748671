// The criteria catalogue as the editor shows it, and the editor's draft of a definition. Browser-
// safe: segments/definition.ts (the schema the server checks every draft with) loads Sequelize
// through models/models.ts, so its lists are repeated here and a test holds the two together.
import type { Criterion, DateCondition, SegmentDefinition } from "../../../segments/definition";
import { transliterate } from "../../../models/demo/transliterate";
import { msg } from "../../../models/messages";

export const SEGMENT_TYPES = ["dynamic", "accumulating", "snapshot", "manual"] as const;
export type SegmentType = (typeof SEGMENT_TYPES)[number];
export const MAX_CRITERIA = 4;
export const ORDER_STATUSES = ["pending", "processing", "completed", "cancelled", "refunded"] as const;
export const CHANNELS = ["email", "sms", "messenger", "viber"] as const;
export const DATE_FORMS = ["inLastDays", "moreThanDaysAgo", "daysAgo", "between", "dayOfYear", "inNextDays"] as const;
export type DateForm = (typeof DATE_FORMS)[number];
export const CATEGORY_MODES = ["anyOf", "allOf", "noneOf"] as const;
export type CriterionField = Criterion["field"];

/** What inputs a criterion needs. */
export type CriterionKind = "values" | "money" | "count" | "date" | "boolean" | "categories" | "channel" | "customField" | "answer" | "segment";

/** The whole catalogue, grouped as the editor's menu shows it. */
export const CATALOGUE: Array<{ group: string; fields: Array<{ field: CriterionField; kind: CriterionKind }> }> = [
  {
    group: "orders",
    fields: [
      { field: "totalSpent", kind: "money" },
      { field: "orderCount", kind: "count" },
      { field: "averageOrderValue", kind: "money" },
      { field: "lastOrderAt", kind: "date" },
      { field: "orderStatus", kind: "values" },
      { field: "orderedFromCategory", kind: "categories" },
      { field: "abandonedCartAt", kind: "date" },
    ],
  },
  {
    group: "profile",
    fields: [
      { field: "registeredAt", kind: "date" },
      { field: "birthday", kind: "date" },
      { field: "country", kind: "values" },
      { field: "city", kind: "values" },
      { field: "tag", kind: "values" },
      { field: "customerGroup", kind: "values" },
      { field: "customField", kind: "customField" },
      { field: "registrationAnswer", kind: "answer" },
    ],
  },
  {
    group: "activity",
    fields: [
      { field: "firstInteractionAt", kind: "date" },
      { field: "lastInteractionAt", kind: "date" },
    ],
  },
  {
    group: "channels",
    fields: [
      { field: "acceptsMarketing", kind: "boolean" },
      { field: "subscribedOn", kind: "channel" },
      { field: "reachableOn", kind: "channel" },
    ],
  },
  { group: "segments", fields: [{ field: "segment", kind: "segment" }] },
];

const KIND = new Map(CATALOGUE.flatMap((g) => g.fields.map((f) => [f.field, f.kind] as const)));
export const kindOf = (field: CriterionField): CriterionKind => KIND.get(field) ?? "values";
export const ALL_FIELDS: CriterionField[] = CATALOGUE.flatMap((g) => g.fields.map((f) => f.field));

export type Mode = "include" | "exclude";
export interface ValueItem {
  value: string;
  mode: Mode;
}

/** A date condition being edited: every form's inputs are kept, so switching forms loses nothing. */
export interface DateDraft {
  form: DateForm;
  from: string;
  to: string;
  /** MM-DD for dayOfYear */
  dayFrom: string;
  dayTo: string;
  days: string;
}

/**
 * One criterion being edited: a bag of every kind's inputs, as typed (numbers as text), so that
 * changing the field keeps what still applies and an unfinished number is not lost.
 */
export interface CriterionDraft {
  /** React key only. */
  key: string;
  field: CriterionField;
  values: ValueItem[];
  min: string;
  max: string;
  timeFrom: string;
  timeTo: string;
  /** Which time frame the inputs stand for: from/to dates, or the last N days (rolling). */
  timeForm: "between" | "lastDays";
  timeDays: string;
  date: DateDraft;
  flag: boolean;
  categoryMode: (typeof CATEGORY_MODES)[number];
  categories: string[];
  channel: (typeof CHANNELS)[number];
  fieldKey: string;
  textOp: "equals" | "contains";
  text: string;
  question: string;
  options: string[];
  segment: string;
}

export interface DefinitionDraft {
  name: string;
  code: string;
  /** Whether the code still follows the name (until the user edits it). */
  codeFollowsName: boolean;
  type: SegmentType;
  isActive: boolean;
  match: "all" | "any";
  recomputeEveryMinutes: string;
  criteria: CriterionDraft[];
}

/** A problem with the draft, placed like the server's errors: criterion index and field path. */
export interface DraftError {
  index?: number;
  field: string;
  reason: string;
}

let keys = 0;
const nextKey = () => `c${++keys}`;

export function emptyDate(form: DateForm = "inLastDays"): DateDraft {
  return { form, from: "", to: "", dayFrom: "", dayTo: "", days: "" };
}

export function newCriterion(field: CriterionField = "totalSpent"): CriterionDraft {
  return {
    key: nextKey(),
    field,
    values: [],
    min: "",
    max: "",
    timeFrom: "",
    timeTo: "",
    timeForm: "between",
    timeDays: "",
    date: emptyDate(field === "birthday" ? "dayOfYear" : "inLastDays"),
    flag: true,
    categoryMode: "anyOf",
    categories: [],
    channel: "email",
    fieldKey: "",
    textOp: "contains",
    text: "",
    question: "",
    options: [],
    segment: "",
  };
}

export function newDraft(): DefinitionDraft {
  return { name: "", code: "", codeFollowsName: true, type: "dynamic", isActive: true, match: "all", recomputeEveryMinutes: "5", criteria: [newCriterion()] };
}

/** Digits after the decimal point of a currency (2 for EUR, 0 for JPY). */
export function currencyDigits(currency: string): number {
  try {
    return new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    return 2;
  }
}

/** "812.40" or "812,4" in major units → 81240 minor units; null when it is not an amount. */
export function minorUnits(text: string, digits: number): number | null {
  const t = text.trim().replace(/\s/g, "");
  const m = /^(\d{1,13})(?:[.,](\d*))?$/.exec(t);
  if (!m) return null;
  const fraction = m[2] ?? "";
  if (fraction.length > digits) return null;
  return Number(m[1]) * 10 ** digits + Number((fraction + "0".repeat(digits)).slice(0, digits) || "0");
}

export function majorUnits(minor: number, digits: number): string {
  if (digits === 0) return String(minor);
  const whole = Math.trunc(minor / 10 ** digits);
  const fraction = String(Math.abs(minor) % 10 ** digits).padStart(digits, "0");
  return `${whole}.${fraction}`;
}

const wholeNumber = (text: string): number | null => (/^\s*-?\d{1,9}\s*$/.test(text) ? Number(text) : null);
const decimalNumber = (text: string): number | null => (/^\s*-?\d+(?:[.,]\d+)?\s*$/.test(text) ? Number(text.replace(",", ".")) : null);

/** A URL-safe code from a segment's name, in any of the stores' scripts ("ВИП клиенти 2026" → "vip-klienti-2026"). */
export function suggestCode(name: string): string {
  const words = name.split(/[^\p{L}\p{N}]+/u).filter(Boolean);
  const latin = words.map((word) =>
    (word.match(/\p{L}+|\p{N}+/gu) ?? [])
      .map((run) => {
        if (/^\p{N}+$/u.test(run)) return run.replace(/[^0-9]/g, "");
        if (/\p{Script=Greek}/u.test(run)) return transliterate(run, "gr");
        if (/[іїєґ]/iu.test(run)) return transliterate(run, "ua");
        if (/[ыэё]/iu.test(run)) return transliterate(run, "ru");
        if (/\p{Script=Cyrillic}/u.test(run)) return transliterate(run, "bg");
        return transliterate(run, "en");
      })
      .join(""),
  );
  return latin
    .filter(Boolean)
    .join("-")
    .slice(0, 64)
    .replace(/^[-_]+|[-_]+$/g, "");
}

function dateCondition(d: DateDraft, path: string, index: number, errors: DraftError[]): DateCondition {
  const days = () => {
    const n = wholeNumber(d.days);
    if (n === null) errors.push({ index, field: `${path}.days`, reason: d.days.trim() ? msg("segments.wholeDays") : msg("generic.required") });
    return n ?? 0;
  };
  switch (d.form) {
    case "between":
      return { form: "between", ...(d.from ? { from: d.from } : {}), ...(d.to ? { to: d.to } : {}) };
    case "dayOfYear":
      return { form: "dayOfYear", from: d.dayFrom, to: d.dayTo };
    default:
      return { form: d.form, days: days() };
  }
}

/**
 * The definition a draft stands for, as the API takes it (money in minor units), and the problems
 * only the browser can see (text that is not a number). The server checks the rest.
 */
export function draftToDefinition(draft: DefinitionDraft, options: { moneyDigits: number; fieldTypes: Record<string, string> }): { definition: SegmentDefinition; errors: DraftError[] } {
  const errors: DraftError[] = [];
  const criteria = draft.type === "manual" ? [] : draft.criteria.map((c, index) => toCriterion(c, index, options, errors));
  const minutes = wholeNumber(draft.recomputeEveryMinutes);
  if (minutes === null) errors.push({ field: "recomputeEveryMinutes", reason: msg("segments.wholeNumberOfMinutes") });
  return {
    definition: {
      name: draft.name,
      code: draft.code,
      type: draft.type,
      isActive: draft.isActive,
      match: draft.match,
      criteria,
      recomputeEveryMinutes: minutes ?? 5,
    },
    errors,
  };
}

function toCriterion(c: CriterionDraft, index: number, options: { moneyDigits: number; fieldTypes: Record<string, string> }, errors: DraftError[]): Criterion {
  const bound = (text: string, field: string, parse: (t: string) => number | null, reason: string) => {
    if (!text.trim()) return undefined;
    const n = parse(text);
    if (n === null) errors.push({ index, field, reason });
    return n ?? undefined;
  };
  const money = (t: string) => minorUnits(t, options.moneyDigits);
  const timeFrame = (() => {
    if (c.timeForm === "lastDays") {
      if (!c.timeDays.trim()) return {};
      const days = bound(c.timeDays, "timeFrame.lastDays", wholeNumber, msg("segments.wholeDays"));
      return days === undefined ? {} : { timeFrame: { lastDays: days } };
    }
    return c.timeFrom || c.timeTo ? { timeFrame: { ...(c.timeFrom ? { from: c.timeFrom } : {}), ...(c.timeTo ? { to: c.timeTo } : {}) } } : {};
  })();
  switch (c.field) {
    case "totalSpent":
    case "averageOrderValue": {
      const reason = msg("segments.amountExample", { example: `500.${"0".repeat(options.moneyDigits)}` });
      return { field: c.field, min: bound(c.min, "min", money, reason), max: bound(c.max, "max", money, reason), ...timeFrame };
    }
    case "orderCount":
      return { field: c.field, min: bound(c.min, "min", wholeNumber, msg("generic.type.int")), max: bound(c.max, "max", wholeNumber, msg("generic.type.int")), ...timeFrame };
    case "registeredAt":
    case "firstInteractionAt":
    case "lastInteractionAt":
    case "lastOrderAt":
    case "abandonedCartAt":
    case "birthday":
      return { field: c.field, date: dateCondition(c.date, "date", index, errors) };
    case "acceptsMarketing":
      return { field: c.field, value: c.flag };
    case "orderStatus":
      return { field: c.field, values: c.values as Array<{ value: (typeof ORDER_STATUSES)[number]; mode: Mode }> };
    case "country":
    case "city":
    case "tag":
    case "customerGroup":
      return { field: c.field, values: c.values };
    case "orderedFromCategory":
      return { field: c.field, mode: c.categoryMode, categories: c.categories };
    case "subscribedOn":
    case "reachableOn":
      return { field: c.field, channel: c.channel };
    case "customField": {
      const type = options.fieldTypes[c.fieldKey] ?? "text";
      if (type === "number") {
        return {
          field: c.field,
          key: c.fieldKey,
          condition: { type: "number", min: bound(c.min, "condition.min", decimalNumber, msg("generic.type.number")), max: bound(c.max, "condition.max", decimalNumber, msg("generic.type.number")) },
        };
      }
      if (type === "date") return { field: c.field, key: c.fieldKey, condition: { type: "date", date: dateCondition(c.date, "condition.date", index, errors) } };
      if (type === "select") return { field: c.field, key: c.fieldKey, condition: { type: "select", values: c.values } };
      return { field: c.field, key: c.fieldKey, condition: { type: "text", op: c.textOp, value: c.text } };
    }
    case "registrationAnswer":
      return { field: c.field, question: c.question, options: c.options };
    case "segment":
      return { field: c.field, segment: c.segment, isMember: c.flag };
  }
}

/** The editor's draft of a saved definition. */
export function definitionToDraft(d: Pick<SegmentDefinition, "name" | "code" | "type" | "isActive" | "match" | "criteria" | "recomputeEveryMinutes">, moneyDigits: number): DefinitionDraft {
  return {
    name: d.name,
    code: d.code,
    codeFollowsName: false,
    type: d.type,
    isActive: d.isActive,
    match: d.match,
    recomputeEveryMinutes: String(d.recomputeEveryMinutes),
    criteria: d.type === "manual" ? [] : d.criteria.map((c) => criterionToDraft(c, moneyDigits)),
  };
}

function dateToDraft(d: DateCondition): DateDraft {
  const out = emptyDate(d.form);
  if (d.form === "between") return { ...out, from: d.from ?? "", to: d.to ?? "" };
  if (d.form === "dayOfYear") return { ...out, dayFrom: d.from, dayTo: d.to };
  return { ...out, days: String(d.days) };
}

function criterionToDraft(c: Criterion, moneyDigits: number): CriterionDraft {
  const draft = newCriterion(c.field);
  const text = (n: number | undefined, money: boolean) => (n === undefined ? "" : money ? majorUnits(n, moneyDigits) : String(n));
  switch (c.field) {
    case "totalSpent":
    case "averageOrderValue":
    case "orderCount": {
      const money = c.field !== "orderCount";
      return { ...draft, min: text(c.min, money), max: text(c.max, money), timeFrom: c.timeFrame?.from ?? "", timeTo: c.timeFrame?.to ?? "", timeForm: c.timeFrame?.lastDays !== undefined ? "lastDays" : "between", timeDays: c.timeFrame?.lastDays === undefined ? "" : String(c.timeFrame.lastDays) };
    }
    case "registeredAt":
    case "firstInteractionAt":
    case "lastInteractionAt":
    case "lastOrderAt":
    case "abandonedCartAt":
    case "birthday":
      return { ...draft, date: dateToDraft(c.date) };
    case "acceptsMarketing":
      return { ...draft, flag: c.value };
    case "orderStatus":
    case "country":
    case "city":
    case "tag":
    case "customerGroup":
      return { ...draft, values: c.values.map((v) => ({ value: v.value, mode: v.mode })) };
    case "orderedFromCategory":
      return { ...draft, categoryMode: c.mode, categories: [...c.categories] };
    case "subscribedOn":
    case "reachableOn":
      return { ...draft, channel: c.channel };
    case "customField": {
      const base = { ...draft, fieldKey: c.key };
      const k = c.condition;
      if (k.type === "number") return { ...base, min: k.min === undefined ? "" : String(k.min), max: k.max === undefined ? "" : String(k.max) };
      if (k.type === "date") return { ...base, date: dateToDraft(k.date) };
      if (k.type === "select") return { ...base, values: k.values.map((v) => ({ value: v.value, mode: v.mode })) };
      return { ...base, textOp: k.op, text: k.value };
    }
    case "registrationAnswer":
      return { ...draft, question: c.question, options: [...c.options] };
    case "segment":
      return { ...draft, segment: c.segment, flag: c.isMember };
  }
}

/** The errors that belong to one input: its path, or anything under it. */
export function errorsAt(errors: DraftError[], index: number | undefined, path: string): string[] {
  return errors
    .filter((e) => e.index === index && (e.field === path || e.field.startsWith(`${path}.`) || e.field.startsWith(`${path}[`)))
    .map((e) => e.reason);
}
