// What a comparison of segments asks for (docs/decisions/0038): the form and the API parse with this
// one schema, so both refuse the same input with the same words. Browser-safe.
import { z } from "../zod";

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
  .regex(PLAIN_DATE, { error: "must be a date as YYYY-MM-DD", abort: true })
  .refine(isCalendarDate, "is not a real calendar date between 1900 and 2200");

/** The codes as a list: "a,b" or repeated values, blanks dropped. */
export const ComparedCodes = z
  .string({ error: "is required: name 2 to 5 segment codes, separated by commas" })
  .max(2000, "is too long")
  .transform((s) => s.split(",").map((c) => c.trim()).filter(Boolean))
  .pipe(
    z
      .array(z.string().max(100, "must be at most 100 characters"))
      .min(MIN_COMPARED, `name at least ${MIN_COMPARED} segments to compare`)
      .max(MAX_COMPARED, `name at most ${MAX_COMPARED} segments to compare`)
      .refine((codes) => new Set(codes).size === codes.length, "names a segment twice"),
  );

export const SegmentComparisonQuery = z
  .strictObject({
    codes: ComparedCodes.meta({ description: `${MIN_COMPARED} to ${MAX_COMPARED} segment codes, separated by commas.`, example: "vip-big-spenders,lapsed-buyers" }),
    from: Day.optional().meta({ description: "First store day of the period, YYYY-MM-DD (default: 29 days before `to`).", example: "2026-01-01" }),
    to: Day.optional().meta({ description: "Last store day of the period, YYYY-MM-DD, included (default: today in the store's time zone).", example: "2026-03-31" }),
  })
  .superRefine((q, ctx) => {
    if (q.from && q.to && q.from > q.to) ctx.addIssue({ code: "custom", path: ["from"], message: "must be on or before to" });
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
