// What a comparison of segments asks for (docs/decisions/0038): the form and the API parse with this
// one schema, so both refuse the same input with the same words. Browser-safe.
import { z } from "../zod";
import { msg, zmsg } from "../messages";

export const MIN_COMPARED = 2;
export const MAX_COMPARED = 5;

const PLAIN_DATE = /^\d{4}-\d{2}-\d{2}$/;

function isCalendarDate(s: string): boolean {
  const [y, m, d] = s.split("-").map(Number);
  const date = new Date(Date.UTC(y, m - 1, d));
  return y >= 1900 && y <= 2200 && date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

const Day = z
  .string()
  // the calendar check below only reads what has the date's shape
  .regex(PLAIN_DATE, { ...zmsg("generic.format.date"), abort: true })
  .refine(isCalendarDate, zmsg("segments.calendarDate"));

/** The codes as a list: "a,b" or repeated values, blanks dropped. */
export const ComparedCodes = z
  .string(zmsg("segments.compareCodesRequired", { min: MIN_COMPARED, count: MAX_COMPARED }))
  .max(2000, zmsg("segments.tooLong"))
  .transform((s) => s.split(",").map((c) => c.trim()).filter(Boolean))
  .pipe(
    z
      .array(z.string().max(100, zmsg("segments.maxCharacters", { count: 100 })))
      .min(MIN_COMPARED, zmsg("segments.compareAtLeast", { count: MIN_COMPARED }))
      .max(MAX_COMPARED, zmsg("segments.compareAtMost", { count: MAX_COMPARED }))
      .refine((codes) => new Set(codes).size === codes.length, zmsg("segments.compareTwice")),
  );

export const SegmentComparisonQuery = z
  .strictObject({
    codes: ComparedCodes.meta({ description: `${MIN_COMPARED} to ${MAX_COMPARED} segment codes, separated by commas.`, example: "vip-big-spenders,lapsed-buyers" }),
    from: Day.optional().meta({ description: "First store day of the period, YYYY-MM-DD (default: 29 days before `to`).", example: "2026-01-01" }),
    to: Day.optional().meta({ description: "Last store day of the period, YYYY-MM-DD, included (default: today in the store's time zone).", example: "2026-03-31" }),
  })
  .superRefine((q, ctx) => {
    if (q.from && q.to && q.from > q.to) ctx.addIssue({ code: "custom", path: ["from"], message: msg("segments.onOrBeforeTo") });
  });
export type SegmentComparisonQuery = z.output<typeof SegmentComparisonQuery>;

/** One segment's figures over the period; money in minor units of the store's currency. */
export interface SegmentFigures {
  code: string;
  name: string;
  isActive: boolean;
  /** Members now. */
  members: number;
  /** Members with at least one counted order in the period. */
  buyers: number;
  orders: number;
  revenue: number;
  /** revenue ÷ orders, not rounded; null without orders. */
  averageOrderValue: number | null;
  /** Members with two or more counted orders in the period. */
  repeatBuyers: number;
  /** repeatBuyers ÷ members, not rounded; null without members. */
  repeatRate: number | null;
}

export interface SegmentComparison {
  from: string;
  to: string;
  timeZone: string;
  currency: string;
  segments: SegmentFigures[];
}
