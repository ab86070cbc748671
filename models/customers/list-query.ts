// What the customer list is asked for, as it travels in the page's URL: search, filters, order and
// the keyset cursor. Browser-safe: the route builds its links with the same schema the server reads.
import { z } from "../zod";
import { msg, zmsg } from "../messages";
import type { Channel } from "../models";
import { oneLine, withoutControlCharacters } from "../ingest/text";

export const CUSTOMER_SORTS = [
  "newest",
  "name",
  "total-spent-desc",
  "total-spent-asc",
  "orders-desc",
  "orders-asc",
  "last-order-desc",
  "last-order-asc",
] as const;
export type CustomerSort = (typeof CUSTOMER_SORTS)[number];

/** The customers columns a sort by an order total reads (migration 0020). */
export type OrderTotalColumn = "total_spent" | "orders_count" | "last_order_at";

/**
 * The sorts by an order total: the column, and whether the highest (latest) comes first. Ties go
 * by id in the same direction. Customers with no last order come after every date, either way.
 */
export const ORDER_TOTAL_SORTS: Partial<Record<CustomerSort, { column: OrderTotalColumn; descending: boolean }>> = {
  "total-spent-desc": { column: "total_spent", descending: true },
  "total-spent-asc": { column: "total_spent", descending: false },
  "orders-desc": { column: "orders_count", descending: true },
  "orders-asc": { column: "orders_count", descending: false },
  "last-order-desc": { column: "last_order_at", descending: true },
  "last-order-asc": { column: "last_order_at", descending: false },
};

export const CUSTOMER_PAGE_SIZE = 50;

/** models.ts's CHANNELS, repeated because models.ts loads Sequelize and this module also runs in the browser. */
export const LIST_CHANNELS = ["email", "sms", "messenger", "viber"] as const satisfies readonly Channel[];

const optionalText = (max: number) =>
  oneLine(z.string().trim().max(max))
    .optional()
    .transform((s) => (s ? s : undefined));

const optionalId = z
  .string()
  .regex(/^\d{1,10}$/, zmsg("ingest.customers.id"))
  .optional()
  .transform((s) => (s ? Number(s) : undefined));

const emptyIsUndefined = (value: unknown) => (value === "" || value === null ? undefined : value);

/** At most this many segments in each of the segment filters. */
export const MAX_SEGMENT_FILTERS = 10;

/** Segment ids as the URL carries them ("3,7"); the form's menus add one parameter each, which the reader joins. */
const segmentIds = z
  .string()
  .regex(/^\d{1,10}(,\d{1,10})*$/, zmsg("ingest.customers.segmentIds"))
  .optional()
  .transform((s, ctx) => {
    if (!s) return undefined;
    const ids = [...new Set(s.split(",").map(Number))].filter((id) => id > 0);
    if (ids.length > MAX_SEGMENT_FILTERS) {
      ctx.addIssue({ code: "custom", message: msg("ingest.customers.tooManySegments", { count: MAX_SEGMENT_FILTERS }) });
      return z.NEVER;
    }
    return ids.length ? ids : undefined;
  });

export const CustomerListQuery = z.object({
  // a pasted tab or line break separates words; other control characters are no part of a name
  q: z.preprocess((v) => (typeof v === "string" ? withoutControlCharacters(v) : v), optionalText(200)),
  country: z.preprocess(emptyIsUndefined, z.string().regex(/^[A-Za-z]{2}$/, zmsg("ingest.customers.countryCode")).transform((s) => s.toUpperCase()).optional()),
  group: z.preprocess(emptyIsUndefined, optionalId),
  tag: z.preprocess(emptyIsUndefined, optionalId),
  /** A manager's user id, or "none" for customers nobody is responsible for. */
  manager: z.preprocess(emptyIsUndefined, z.union([z.literal("none"), optionalId]).optional()),
  marketing: z.preprocess(emptyIsUndefined, z.enum(["yes", "no"], zmsg("ingest.customers.yesOrNo")).optional()),
  channel: z.preprocess(emptyIsUndefined, z.enum(LIST_CHANNELS).optional()),
  /** Members of every one of these segments. */
  segment: z.preprocess(emptyIsUndefined, segmentIds),
  /** Members of none of these segments. */
  notSegment: z.preprocess(emptyIsUndefined, segmentIds),
  sort: z.preprocess(emptyIsUndefined, z.enum(CUSTOMER_SORTS).default("newest")),
  after: optionalText(400),
  before: optionalText(400),
});

export type CustomerListQuery = z.output<typeof CustomerListQuery>;

/** The filters alone (no search, order or cursor). */
export type CustomerFilters = Pick<CustomerListQuery, "country" | "group" | "tag" | "manager" | "marketing" | "channel" | "segment" | "notSegment">;

const FILTER_KEYS = ["country", "group", "tag", "manager", "marketing", "channel", "segment", "notSegment"] as const;
/** The parameters that may come several times: each is a list. */
const LIST_KEYS = new Set(["segment", "notSegment"]);

/** Reads the list's URL parameters; a bad one is dropped and named, so a hand-edited URL still shows a page. */
export function readCustomerListQuery(params: URLSearchParams): { query: CustomerListQuery; problems: Array<{ field: string; reason: string }> } {
  const raw: Record<string, string> = {};
  for (const key of Object.keys(CustomerListQuery.shape)) {
    const value = LIST_KEYS.has(key) ? params.getAll(key).filter(Boolean).join(",") || null : params.get(key);
    if (value !== null) raw[key] = value;
  }
  const problems: Array<{ field: string; reason: string }> = [];
  for (;;) {
    const parsed = CustomerListQuery.safeParse(raw);
    if (parsed.success) return { query: parsed.data, problems };
    const bad = new Set(parsed.error.issues.map((i) => String(i.path[0])).filter((key) => key in raw));
    for (const issue of parsed.error.issues) problems.push({ field: String(issue.path[0]), reason: issue.message });
    // an issue with no parameter to drop would come back forever: fall back to the plain list
    if (!bad.size) return { query: CustomerListQuery.parse({}), problems };
    for (const key of bad) delete raw[key];
  }
}

/** URL parameters for a query: only what differs from the defaults, in a stable order. */
export function customerListSearch(query: Partial<CustomerListQuery>): string {
  const params = new URLSearchParams();
  if (query.q) params.set("q", query.q);
  for (const key of FILTER_KEYS) {
    const value = query[key];
    if (Array.isArray(value)) {
      if (value.length) params.set(key, value.join(","));
    } else if (value !== undefined && value !== null && value !== "") params.set(key, String(value));
  }
  if (query.sort && query.sort !== "newest") params.set("sort", query.sort);
  if (query.after) params.set("after", query.after);
  else if (query.before) params.set("before", query.before);
  const s = params.toString();
  return s ? `?${s}` : "";
}

export function hasFilters(query: Partial<CustomerListQuery>): boolean {
  return Boolean(query.q) || FILTER_KEYS.some((k) => query[k] !== undefined);
}
