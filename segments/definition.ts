// What a segment is, as the API takes it and the database stores it. The meaning of every
// criterion is in /shared/SEGMENT-SEMANTICS.md; this file only says what is well-formed.
import { z } from "../models/zod";
import { msg, zmsg } from "../models/messages";
import { CHANNELS, ORDER_STATUSES } from "../models/models";
import { isCountryCode, PlainDate } from "../models/ingest/schemas";
import { freeText, oneLine } from "../models/ingest/text";

export const MAX_CRITERIA = 4;
export const SEGMENT_TYPES = ["dynamic", "accumulating", "snapshot", "manual"] as const;
export type SegmentType = (typeof SEGMENT_TYPES)[number];

const MonthDay = z
  .string()
  .regex(/^\d{2}-\d{2}$/, zmsg("segments.monthDayForm"))
  .refine((s) => {
    const [m, d] = s.split("-").map(Number);
    const days = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    return m >= 1 && m <= 12 && d >= 1 && d <= days[m - 1];
  }, zmsg("segments.notDayOfYear"))
  .meta({ example: "12-02" });

const Days = (min: number, max = 36_500) =>
  z
    .number(zmsg("segments.days"))
    .int(zmsg("segments.wholeDays"))
    // zod's own words: "must be at least 1", "must be at most 36500"
    .min(min)
    .max(max);

/** One date condition: exactly one form. `d` is the store day of a timestamp, or a plain date as it is. */
export const DateCondition = z.discriminatedUnion(
  "form",
  [
    z
      .strictObject({ form: z.literal("between"), from: PlainDate.optional(), to: PlainDate.optional() })
      .refine((r) => r.from !== undefined || r.to !== undefined, { ...zmsg("segments.needsFromOrTo"), path: ["from"] })
      .refine((r) => r.from === undefined || r.to === undefined || r.from <= r.to, { ...zmsg("segments.notAfterTo"), path: ["from"] })
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
  zmsg("segments.dateForm"),
);
export type DateCondition = z.infer<typeof DateCondition>;

/**
 * Absolute (from … to) or rolling (the last N store days, today included). One object rather than
 * a union so that an error names the field, and time frames saved before `lastDays` stay valid.
 */
export const TimeFrame = z
  .strictObject({ from: PlainDate.optional(), to: PlainDate.optional(), lastDays: Days(1).optional() })
  .refine((r) => r.lastDays === undefined || (r.from === undefined && r.to === undefined), {
    ...zmsg("segments.lastDaysOrRange"),
    path: ["lastDays"],
  })
  .refine((r) => r.from === undefined || r.to === undefined || r.from <= r.to, { ...zmsg("segments.notAfterTo"), path: ["from"] })
  .meta({
    description:
      "Only orders placed on a store day from … to count, or (lastDays) on today − (lastDays − 1) … today at the evaluation moment; an empty time frame counts the whole history.",
  });
export type TimeFrame = z.infer<typeof TimeFrame>;

const includeExclude = <T extends z.ZodType>(value: T) =>
  z
    .array(z.strictObject({ value, mode: z.enum(["include", "exclude"], zmsg("segments.includeOrExclude")).default("include") }), zmsg("segments.valueList"))
    .min(1, zmsg("segments.needsValue"))
    .max(500, zmsg("segments.tooManyValues", { count: 500 }));

/** A count or an amount; `what` is the key of its "must be …" message. */
const amount = (what: "segments.amountMinorUnits" | "segments.numberOfOrders") =>
  z
    .number(zmsg(what))
    .min(0, zmsg("segments.notNegative"))
    .max(Number.MAX_SAFE_INTEGER, zmsg("segments.tooLarge"));

const withBounds = <S extends z.ZodObject>(schema: S) =>
  schema
    .refine((c) => (c as { min?: number }).min !== undefined || (c as { max?: number }).max !== undefined, { ...zmsg("segments.needsMinOrMax"), path: ["min"] })
    .refine((c) => {
      const { min, max } = c as { min?: number; max?: number };
      return min === undefined || max === undefined || min <= max;
    }, { ...zmsg("segments.notAboveMax"), path: ["min"] });

const Money = amount("segments.amountMinorUnits").int(zmsg("segments.wholeMinorUnits"));
// an empty one is refused in zod's own words ("must not be empty")
const Key = oneLine(z.string().min(1).max(64, zmsg("segments.maxCharacters", { count: 64 })));
const Channel = z.enum(CHANNELS, zmsg("generic.oneOf", { values: CHANNELS.join(", ") }));

const dateField = <F extends string>(field: F, description: string) =>
  z.strictObject({ field: z.literal(field), date: DateCondition }).meta({ description });

export const Criterion = z.discriminatedUnion(
  "field",
  [
    z
      .strictObject({ field: z.literal("orderStatus"), values: includeExclude(z.enum(ORDER_STATUSES, zmsg("generic.oneOf", { values: ORDER_STATUSES.join(", ") }))) })
      .meta({ description: "The set of statuses over all the customer's orders." }),
    withBounds(z.strictObject({ field: z.literal("totalSpent"), min: Money.optional(), max: Money.optional(), timeFrame: TimeFrame.optional() })).meta({
      description: "Sum of completed order totals in the time frame, minor units, bounds inclusive.",
    }),
    withBounds(
      z.strictObject({
        field: z.literal("orderCount"),
        min: amount("segments.numberOfOrders").int(zmsg("generic.type.int")).optional(),
        max: amount("segments.numberOfOrders").int(zmsg("generic.type.int")).optional(),
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
    z.strictObject({ field: z.literal("acceptsMarketing"), value: z.boolean(zmsg("generic.type.boolean")) }),
    z.strictObject({
      field: z.literal("country"),
      values: includeExclude(z.string().refine(isCountryCode, zmsg("segments.countryCode"))),
    }),
    z.strictObject({ field: z.literal("city"), values: includeExclude(oneLine(z.string().min(1).max(100))) }),
    z.strictObject({ field: z.literal("tag"), values: includeExclude(oneLine(z.string().min(1).max(100))) }),
    z.strictObject({ field: z.literal("customerGroup"), values: includeExclude(oneLine(z.string().min(1).max(100))) }),
    z
      .strictObject({
        field: z.literal("orderedFromCategory"),
        mode: z.enum(["anyOf", "allOf", "noneOf"], zmsg("segments.categoryMode")),
        categories: z.array(Key, zmsg("segments.categoryList")).min(1, zmsg("segments.needsCategory")).max(200),
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
            op: z.enum(["equals", "contains"], zmsg("segments.textOp")),
            value: freeText(z.string().min(1).max(1000)),
          }),
        ],
        zmsg("segments.conditionType"),
      ),
    }),
    z
      .strictObject({
        field: z.literal("registrationAnswer"),
        question: Key,
        options: z.array(Key, zmsg("segments.optionList")).min(1, zmsg("segments.needsOption")).max(100),
      })
      .meta({ description: "The customer's answer shares at least one option with these." }),
    z
      .strictObject({ field: z.literal("segment"), segment: Key, isMember: z.boolean(zmsg("generic.type.boolean")) })
      .meta({ description: "Member (or not) of another segment, evaluated at the same moment." }),
  ],
  zmsg("segments.unknownCriterionField"),
);
export type Criterion = z.infer<typeof Criterion>;
export type CriterionField = Criterion["field"];

export const SegmentCode = z
  .string()
  .regex(/^[a-z0-9](?:[a-z0-9_-]{0,62}[a-z0-9])?$/, zmsg("segments.codeForm"))
  .meta({ example: "vip-sofia" });

export const SegmentDefinition = z
  .strictObject({
    name: oneLine(z.string().trim().min(1).max(200, zmsg("segments.maxCharacters", { count: 200 }))),
    code: SegmentCode,
    type: z.enum(SEGMENT_TYPES, zmsg("generic.oneOf", { values: SEGMENT_TYPES.join(", ") })),
    isActive: z.boolean(zmsg("generic.type.boolean")).default(true),
    match: z.enum(["all", "any"], zmsg("segments.matchAllAny")).default("all"),
    criteria: z
      .array(Criterion, zmsg("segments.criteriaList"))
      .max(MAX_CRITERIA, zmsg("segments.tooManyCriteria", { count: MAX_CRITERIA }))
      .default([]),
    recomputeEveryMinutes: z.number().int(zmsg("segments.wholeMinutes")).min(1).max(7 * 24 * 60, zmsg("segments.atMostWeek")).default(5),
  })
  .superRefine((d, ctx) => {
    if (d.type !== "manual" && d.criteria.length === 0) {
      ctx.addIssue({ code: "custom", path: ["criteria"], message: msg("segments.needsCriterion") });
    }
    if (d.type === "manual" && d.criteria.length > 0) {
      ctx.addIssue({ code: "custom", path: ["criteria"], message: msg("segments.manualHasNoCriteria") });
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
