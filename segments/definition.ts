// What a segment is, as the API takes it and the database stores it. The meaning of every
// criterion is in /shared/SEGMENT-SEMANTICS.md; this file only says what is well-formed.
import { z } from "../models/zod";
import { CHANNELS, ORDER_STATUSES } from "../models/models";
import { isCountryCode, PlainDate } from "../models/ingest/schemas";
import { freeText, oneLine } from "../models/ingest/text";

export const MAX_CRITERIA = 4;
export const SEGMENT_TYPES = ["dynamic", "accumulating", "snapshot", "manual"] as const;
export type SegmentType = (typeof SEGMENT_TYPES)[number];

const MonthDay = z
  .string()
  .regex(/^\d{2}-\d{2}$/, "must be a day of the year as MM-DD")
  .refine((s) => {
    const [m, d] = s.split("-").map(Number);
    const days = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    return m >= 1 && m <= 12 && d >= 1 && d <= days[m - 1];
  }, "is not a day of the year")
  .meta({ example: "12-02" });

const Days = (min: number, max = 36_500) =>
  z
    .number({ error: "must be a number of days" })
    .int("must be a whole number of days")
    .min(min, `must be at least ${min}`)
    .max(max, `must be at most ${max}`);

/** One date condition: exactly one form. `d` is the store day of a timestamp, or a plain date as it is. */
export const DateCondition = z.discriminatedUnion(
  "form",
  [
    z
      .strictObject({ form: z.literal("between"), from: PlainDate.optional(), to: PlainDate.optional() })
      .refine((r) => r.from !== undefined || r.to !== undefined, { message: "needs from, to or both", path: ["from"] })
      .refine((r) => r.from === undefined || r.to === undefined || r.from <= r.to, { message: "must not be after to", path: ["from"] })
      .meta({ description: "from ≤ d ≤ to; an open end is unbounded." }),
    z.strictObject({ form: z.literal("inLastDays"), days: Days(1) }).meta({ description: "today − (days − 1) ≤ d ≤ today" }),
    z.strictObject({ form: z.literal("moreThanDaysAgo"), days: Days(0) }).meta({ description: "d < today − days" }),
    z.strictObject({ form: z.literal("daysAgo"), days: Days(0) }).meta({ description: "d = today − days" }),
    z
      .strictObject({ form: z.literal("dayOfYear"), from: MonthDay, to: MonthDay })
      .meta({ description: "Month and day between from and to, year ignored; wraps over New Year when from > to." }),
    z
      .strictObject({ form: z.literal("inNextDays"), days: Days(1, 366) })
      .meta({ description: "The yearly date falls on today … today + days − 1 (29 Feb falls on 28 Feb in other years)." }),
  ],
  { error: "must have form between, inLastDays, moreThanDaysAgo, daysAgo, dayOfYear or inNextDays" },
);
export type DateCondition = z.infer<typeof DateCondition>;

/**
 * Absolute (from … to) or rolling (the last N store days, today included). One object rather than
 * a union so that an error names the field, and time frames saved before `lastDays` stay valid.
 */
export const TimeFrame = z
  .strictObject({ from: PlainDate.optional(), to: PlainDate.optional(), lastDays: Days(1).optional() })
  .refine((r) => r.lastDays === undefined || (r.from === undefined && r.to === undefined), {
    message: "is either lastDays or from/to, not both",
    path: ["lastDays"],
  })
  .refine((r) => r.from === undefined || r.to === undefined || r.from <= r.to, { message: "must not be after to", path: ["from"] })
  .meta({
    description:
      "Only orders placed on a store day from … to count, or (lastDays) on today − (lastDays − 1) … today at the evaluation moment; an empty time frame counts the whole history.",
  });
export type TimeFrame = z.infer<typeof TimeFrame>;

const includeExclude = <T extends z.ZodType>(value: T) =>
  z
    .array(z.strictObject({ value, mode: z.enum(["include", "exclude"], { error: "must be include or exclude" }).default("include") }), {
      error: "must be a list of { value, mode }",
    })
    .min(1, "needs at least one value")
    .max(500, "at most 500 values");

const amount = (what: string) =>
  z
    .number({ error: `must be ${what}` })
    .min(0, "must not be negative")
    .max(Number.MAX_SAFE_INTEGER, "is too large");

const withBounds = <S extends z.ZodObject>(schema: S) =>
  schema
    .refine((c) => (c as { min?: number }).min !== undefined || (c as { max?: number }).max !== undefined, { message: "needs min, max or both", path: ["min"] })
    .refine((c) => {
      const { min, max } = c as { min?: number; max?: number };
      return min === undefined || max === undefined || min <= max;
    }, { message: "must not be greater than max", path: ["min"] });

const Money = amount("an amount in minor units (cents)").int("must be a whole number of minor units (cents)");
const Key = oneLine(z.string().min(1, "must not be empty").max(64, "must be at most 64 characters"));
const Channel = z.enum(CHANNELS, { error: `must be one of ${CHANNELS.join(", ")}` });

const dateField = <F extends string>(field: F, description: string) =>
  z.strictObject({ field: z.literal(field), date: DateCondition }).meta({ description });

export const Criterion = z.discriminatedUnion(
  "field",
  [
    z
      .strictObject({ field: z.literal("orderStatus"), values: includeExclude(z.enum(ORDER_STATUSES, { error: `must be one of ${ORDER_STATUSES.join(", ")}` })) })
      .meta({ description: "The set of statuses over all the customer's orders." }),
    withBounds(z.strictObject({ field: z.literal("totalSpent"), min: Money.optional(), max: Money.optional(), timeFrame: TimeFrame.optional() })).meta({
      description: "Sum of completed order totals in the time frame, minor units, bounds inclusive.",
    }),
    withBounds(
      z.strictObject({
        field: z.literal("orderCount"),
        min: amount("a number of orders").int("must be a whole number").optional(),
        max: amount("a number of orders").int("must be a whole number").optional(),
        timeFrame: TimeFrame.optional(),
      }),
    ).meta({ description: "Number of completed orders in the time frame, bounds inclusive." }),
    withBounds(
      z.strictObject({ field: z.literal("averageOrderValue"), min: Money.optional(), max: Money.optional(), timeFrame: TimeFrame.optional() }),
    ).meta({ description: "Total ÷ count of completed orders in the time frame; never matches without one." }),
    dateField("registeredAt", "When the customer registered."),
    dateField("firstInteractionAt", "The customer's first interaction with the shop."),
    dateField("lastInteractionAt", "The customer's last interaction with the shop."),
    dateField("lastOrderAt", "The latest order that is not cancelled."),
    dateField("abandonedCartAt", "Any abandoned cart that was not recovered."),
    dateField("birthday", "The customer's birthday (a plain date)."),
    z.strictObject({ field: z.literal("acceptsMarketing"), value: z.boolean({ error: "must be true or false" }) }),
    z.strictObject({
      field: z.literal("country"),
      values: includeExclude(z.string().refine(isCountryCode, "must be an ISO 3166-1 alpha-2 country code, e.g. BG")),
    }),
    z.strictObject({ field: z.literal("city"), values: includeExclude(oneLine(z.string().min(1, "must not be empty").max(100))) }),
    z.strictObject({ field: z.literal("tag"), values: includeExclude(oneLine(z.string().min(1, "must not be empty").max(100))) }),
    z.strictObject({ field: z.literal("customerGroup"), values: includeExclude(oneLine(z.string().min(1, "must not be empty").max(100))) }),
    z
      .strictObject({
        field: z.literal("orderedFromCategory"),
        mode: z.enum(["anyOf", "allOf", "noneOf"], { error: "must be anyOf, allOf or noneOf" }),
        categories: z.array(Key, { error: "must be a list of category external ids" }).min(1, "needs at least one category").max(200),
      })
      .meta({ description: "Categories of the products in completed orders; a category stands for its whole subtree." }),
    z.strictObject({ field: z.literal("subscribedOn"), channel: Channel }).meta({ description: "Subscribed on the channel." }),
    z.strictObject({ field: z.literal("reachableOn"), channel: Channel }).meta({ description: "Subscribed on the channel and has its address." }),
    z.strictObject({
      field: z.literal("customField"),
      key: Key,
      condition: z.discriminatedUnion(
        "type",
        [
          withBounds(z.strictObject({ type: z.literal("number"), min: z.number().optional(), max: z.number().optional() })),
          z.strictObject({ type: z.literal("date"), date: DateCondition }),
          z.strictObject({ type: z.literal("select"), values: includeExclude(oneLine(z.string().min(1).max(1000))) }),
          z.strictObject({
            type: z.literal("text"),
            op: z.enum(["equals", "contains"], { error: "must be equals or contains" }),
            value: freeText(z.string().min(1, "must not be empty").max(1000)),
          }),
        ],
        { error: "must have type number, date, select or text" },
      ),
    }),
    z
      .strictObject({
        field: z.literal("registrationAnswer"),
        question: Key,
        options: z.array(Key, { error: "must be a list of option keys" }).min(1, "needs at least one option").max(100),
      })
      .meta({ description: "The customer's answer shares at least one option with these." }),
    z
      .strictObject({ field: z.literal("segment"), segment: Key, isMember: z.boolean({ error: "must be true or false" }) })
      .meta({ description: "Member (or not) of another segment, evaluated at the same moment." }),
  ],
  { error: "is not a known criterion field" },
);
export type Criterion = z.infer<typeof Criterion>;
export type CriterionField = Criterion["field"];

export const SegmentCode = z
  .string()
  .regex(/^[a-z0-9](?:[a-z0-9_-]{0,62}[a-z0-9])?$/, "must be 1–64 lower-case letters, digits, - or _, starting and ending with a letter or digit")
  .meta({ example: "vip-sofia" });

export const SegmentDefinition = z
  .strictObject({
    name: oneLine(z.string().trim().min(1, "must not be empty").max(200, "must be at most 200 characters")),
    code: SegmentCode,
    type: z.enum(SEGMENT_TYPES, { error: `must be one of ${SEGMENT_TYPES.join(", ")}` }),
    isActive: z.boolean({ error: "must be true or false" }).default(true),
    match: z.enum(["all", "any"], { error: "must be all or any" }).default("all"),
    criteria: z
      .array(Criterion, { error: "must be a list of criteria" })
      .max(MAX_CRITERIA, `a segment has at most ${MAX_CRITERIA} criteria`)
      .default([]),
    recomputeEveryMinutes: z.number().int("must be whole minutes").min(1, "must be at least 1").max(7 * 24 * 60, "must be at most a week").default(5),
  })
  .superRefine((d, ctx) => {
    if (d.type !== "manual" && d.criteria.length === 0) {
      ctx.addIssue({ code: "custom", path: ["criteria"], message: "needs at least one criterion (only manual segments have none)" });
    }
    if (d.type === "manual" && d.criteria.length > 0) {
      ctx.addIssue({ code: "custom", path: ["criteria"], message: "a manual segment has no criteria: members are added by hand" });
    }
  });
// no `.meta({ id })` here: zod's global registry is shared by the server's copy of this module and
// the Remix build's, and a second registration of one id throws (app/api/openapi.server.ts names it)
export type SegmentDefinition = z.infer<typeof SegmentDefinition>;

/** The part of a definition the evaluators need. */
export interface Rule {
  match: "all" | "any";
  criteria: Criterion[];
}
