// The shapes in which a store's data gets in: the REST API validates its bodies with these, the
// OpenAPI document is generated from them, and the CSV import maps each row onto CustomerInput.
import { z } from "../zod";
import { msg, zmsg } from "../messages";
import { CHANNELS, ORDER_STATUSES } from "../models";
import { freeText, oneLine } from "./text";

export const BULK_LIMIT = 5000;

const regionNames = new Intl.DisplayNames(["en"], { type: "region", fallback: "none" });
// Codes Intl names that are not countries a customer lives in.
const NOT_COUNTRIES = new Set(["EU", "EZ", "UN", "ZZ", "QO", "XA", "XB"]);

// Intl.DisplayNames.of costs microseconds a call, which a bulk of 5,000 customers notices: the
// 676 two-letter codes are asked once
const COUNTRY_CODES: ReadonlySet<string> = new Set(
  Array.from({ length: 26 * 26 }, (_, i) => String.fromCharCode(65 + Math.floor(i / 26), 65 + (i % 26))).filter(
    (code) => !NOT_COUNTRIES.has(code) && regionNames.of(code) !== undefined,
  ),
);

export function isCountryCode(code: string): boolean {
  return COUNTRY_CODES.has(code);
}

export const ExternalId = z
  .string()
  .trim()
  .min(1)
  .max(64)
  // a letter or digit first, so an id can never start a spreadsheet formula (= + - @) or markup;
  // then the punctuation shop platforms use in ids (gid://shop/Customer/1, 2024-00017, a.b@c)
  .regex(/^[\p{L}\p{N}][\p{L}\p{N}._:/@+#~-]*$/u, zmsg("ingest.externalIdForm"))
  .meta({ description: "The id this record has in the shop; records are upserted by it.", example: "C-10023" });

const EARLIEST_MOMENT = new Date("1900-01-01T00:00:00Z");
const LATEST_MOMENT = new Date("2200-01-01T00:00:00Z");

/** Whether a moment is one the databases store and compare (MariaDB's DATETIME starts at year 1000). */
export function isStoredMoment(d: Date): boolean {
  return d >= EARLIEST_MOMENT && d < LATEST_MOMENT;
}

/** An ISO 8601 moment with a time-zone offset or Z, e.g. 2024-03-01T09:30:00Z. */
export const Timestamp = z
  .iso.datetime({ offset: true, ...zmsg("ingest.dateTimeWithZone") })
  .transform((s) => new Date(s))
  // no store event is older than 1900
  .refine(isStoredMoment, zmsg("ingest.momentRange"))
  .meta({ example: "2024-03-01T09:30:00Z" });

/** A calendar date, YYYY-MM-DD, that exists. */
export const PlainDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, zmsg("generic.format.date"))
  .refine((s) => {
    const [y, m, d] = s.split("-").map(Number);
    const date = new Date(Date.UTC(y, m - 1, d));
    return y >= 1900 && date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
  }, zmsg("ingest.notCalendarDate"))
  .meta({ example: "1990-05-17" });

const Name = oneLine(z.string().trim().max(100));
/** The key of a custom field, registration question or option. */
const Key = oneLine(z.string().min(1).max(64));
const Money = z
  .number()
  .int(zmsg("ingest.minorUnits"))
  .min(0, zmsg("ingest.notNegative"))
  .max(Number.MAX_SAFE_INTEGER, zmsg("ingest.tooLarge"))
  .meta({ description: "Minor units of the currency (cents)." });
const Currency = z.string().regex(/^[A-Z]{3}$/, zmsg("ingest.currencyCode")).meta({ example: "EUR" });

const ChannelState = z.strictObject({
  address: oneLine(z.string().trim().min(1).max(254))
    .nullable()
    .optional()
    .meta({ description: "Email address, phone number, Messenger PSID or Viber user id. Email and SMS default to the customer's email and phone." }),
  subscribed: z.boolean(),
  changedAt: Timestamp.optional().meta({ description: "When the subscription state changed; defaults to now." }),
});

export const CustomerInput = z
  .strictObject({
    externalId: ExternalId,
    firstName: Name.nullable().optional(),
    lastName: Name.nullable().optional(),
    email: z.string().trim().toLowerCase().max(254).email().nullable().optional(),
    phone: oneLine(z.string().trim().max(32)).nullable().optional().meta({
      description: "Any common notation; stored in E.164 (+359888123456). A national number needs the customer's country.",
    }),
    country: z
      .string()
      .trim()
      .toUpperCase()
      .refine(isCountryCode, zmsg("ingest.countryCode"))
      .nullable()
      .optional(),
    city: oneLine(z.string().trim().max(100)).nullable().optional(),
    birthday: PlainDate.nullable().optional(),
    registeredAt: Timestamp.nullable().optional(),
    acceptsMarketing: z.boolean().optional(),
    customerGroup: oneLine(z.string().trim().min(1).max(100)).nullable().optional().meta({
      description: "The group's name; a new name creates the group.",
    }),
    tags: z
      .array(oneLine(z.string().trim().min(1).max(100)), zmsg("ingest.tagList"))
      .max(100)
      .optional()
      .meta({ description: "Replaces the customer's tags." }),
    managerEmail: z.string().trim().toLowerCase().email().nullable().optional().meta({
      description: "Email of the manager (a console user) responsible for the customer.",
    }),
    locale: z.string().trim().regex(/^[a-z]{2}(-[A-Z]{2})?$/, zmsg("ingest.localeCode")).nullable().optional(),
    firstInteractionAt: Timestamp.nullable().optional(),
    lastInteractionAt: Timestamp.nullable().optional(),
    customFields: z
      .record(
        Key,
        z.union([freeText(z.string().max(1000)), z.number(), z.null()], zmsg("ingest.customFieldValue")),
        zmsg("ingest.customFieldsObject"),
      )
      .optional()
      .meta({ description: "Custom profile field key → value (text, number, YYYY-MM-DD date, or one of a select field's options); null clears." }),
    answers: z
      .record(Key, z.array(Key).max(50), zmsg("ingest.answersObject"))
      .optional()
      .meta({ description: "Registration question key → the chosen option keys; replaces that question's answer. An empty list clears it." }),
    channels: z
      .strictObject({ email: ChannelState.optional(), sms: ChannelState.optional(), messenger: ChannelState.optional(), viber: ChannelState.optional() })
      .optional(),
  })
  .meta({ description: "A customer, created or updated by externalId. Absent fields keep their value; null clears." });
export type CustomerInput = z.infer<typeof CustomerInput>;

export const OrderItemInput = z.strictObject({
  productExternalId: ExternalId.optional(),
  variantExternalId: ExternalId.optional(),
  quantity: z.number().int().min(1).max(1_000_000, zmsg("ingest.tooLarge")),
  price: Money.meta({ description: "Unit price in minor units." }),
});

export const OrderInput = z
  .strictObject({
    externalId: ExternalId,
    customerExternalId: ExternalId,
    status: z.enum(ORDER_STATUSES),
    total: Money,
    currency: Currency,
    placedAt: Timestamp,
    items: z.array(OrderItemInput).max(1000).default([]).meta({ description: "Replaces the order's items." }),
  })
  .meta({ description: "An order with its items, created or updated by externalId." });
export type OrderInput = z.infer<typeof OrderInput>;

export const CartInput = z
  .strictObject({
    externalId: ExternalId,
    customerExternalId: ExternalId,
    abandonedAt: Timestamp,
    value: Money,
    currency: Currency,
    recoveredAt: Timestamp.nullable().optional(),
  })
  .meta({ description: "An abandoned cart, created or updated by externalId." });
export type CartInput = z.infer<typeof CartInput>;

export const InteractionInput = z
  .strictObject({
    customerExternalId: ExternalId,
    at: Timestamp,
    source: z.enum(["bot", "site"]).default("site"),
  })
  .meta({ description: "The customer interacted with the shop: moves first/last interaction." });
export type InteractionInput = z.infer<typeof InteractionInput>;

export const SubscriptionInput = z
  .strictObject({
    customerExternalId: ExternalId,
    channel: z.enum(CHANNELS),
    subscribed: z.boolean(),
    address: oneLine(z.string().trim().min(1).max(254)).nullable().optional().meta({
      description: "Email address, phone number, Messenger PSID or Viber user id; email and SMS default to the customer's email and phone.",
    }),
    at: Timestamp.optional().meta({ description: "When the change happened; defaults to now. A change older than the stored one is ignored." }),
  })
  .meta({ description: "A change of a channel subscription." });
export type SubscriptionInput = z.infer<typeof SubscriptionInput>;

export const CategoryInput = z
  .strictObject({
    externalId: ExternalId,
    name: oneLine(z.string().trim().min(1).max(200)),
    parentExternalId: ExternalId.nullable().optional().meta({
      description: "The parent category; it may be earlier or later in the same batch. Null makes a top-level category.",
    }),
  })
  .meta({ description: "A category of the catalog tree, created or updated by externalId." });
export type CategoryInput = z.infer<typeof CategoryInput>;

const VariantInput = z.strictObject({
  externalId: ExternalId,
  name: oneLine(z.string().trim().min(1).max(300)),
  sku: oneLine(z.string().trim().max(100)).nullable().optional(),
  price: Money,
});

export const ProductInput = z
  .strictObject({
    externalId: ExternalId,
    name: oneLine(z.string().trim().min(1).max(300)),
    categoryExternalId: ExternalId.nullable().optional(),
    variants: z
      .array(VariantInput, zmsg("ingest.variantList"))
      .max(500)
      .optional()
      .meta({ description: "Variants created or updated by externalId; variants not listed are kept." }),
  })
  .meta({ description: "A product with its variants, created or updated by externalId." });
export type ProductInput = z.infer<typeof ProductInput>;

/** The records of a bulk call: 1 to BULK_LIMIT of them. */
function records<S extends z.ZodType>(record: S) {
  return z
    .array(record, zmsg("ingest.recordList"))
    .min(1, zmsg("ingest.noRecords"))
    .max(BULK_LIMIT, zmsg("ingest.tooManyRecords", { count: BULK_LIMIT }));
}

export const CustomersBulkInput = z.strictObject({ customers: records(CustomerInput) });
export const OrdersBulkInput = z.strictObject({ orders: records(OrderInput) });
export const CartsBulkInput = z.strictObject({ carts: records(CartInput) });
export const InteractionsBulkInput = z.strictObject({ interactions: records(InteractionInput) });
export const SubscriptionsBulkInput = z.strictObject({ subscriptions: records(SubscriptionInput) });
export const CategoriesBulkInput = z.strictObject({ categories: records(CategoryInput) });
export const ProductsBulkInput = z.strictObject({ products: records(ProductInput) });

/** A problem with one field of one record: what the API and the import report. */
export interface FieldError {
  /** Position of the record in a bulk call or the row number of an import; absent for a single record. */
  index?: number;
  /** Dotted path of the field inside the record, e.g. "channels.sms.address". */
  field: string;
  reason: string;
}

function reasonOf(issue: z.core.$ZodIssue): string {
  // parseInput asks zod to report the input, which tells a missing field from a wrong one
  if (issue.code === "invalid_type" && "input" in issue && issue.input === undefined) return msg("generic.required");
  return issue.message;
}

/** Parses untrusted input; on failure, every problem as a FieldError. */
export function parseInput<S extends z.ZodType>(
  schema: S,
  data: unknown,
  bulkKey?: string,
): { ok: true; value: z.output<S> } | { ok: false; errors: FieldError[] } {
  const result = schema.safeParse(data, { reportInput: true });
  return result.success ? { ok: true, value: result.data } : { ok: false, errors: fieldErrorsFrom(result.error.issues, bulkKey) };
}

/** Turns zod issues into FieldErrors; `index` is taken from the first path element when `bulkKey` leads the path. */
export function fieldErrorsFrom(issues: z.core.$ZodIssue[], bulkKey?: string): FieldError[] {
  const errors: FieldError[] = [];
  for (const issue of issues) {
    let path = [...issue.path];
    let index: number | undefined;
    if (bulkKey && path[0] === bulkKey && typeof path[1] === "number") {
      index = path[1];
      path = path.slice(2);
    }
    const keys = issue.code === "unrecognized_keys" ? issue.keys : [undefined];
    for (const key of keys) {
      const fieldPath = key === undefined ? path : [...path, key];
      const field = fieldPath.map((p, i) => (typeof p === "number" ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`)).join("") || "(body)";
      const reason = issue.code === "unrecognized_keys" ? msg("generic.unknownField") : reasonOf(issue);
      errors.push(index === undefined ? { field, reason } : { index, field, reason });
    }
  }
  return errors;
}
