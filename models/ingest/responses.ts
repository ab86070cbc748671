// What the API answers: the OpenAPI document is generated from these, and a test checks real
// responses against that document.
import { z } from "../zod";
import { zmsg } from "../messages";
import { CHANNELS } from "../models";
import { isStoredMoment } from "./schemas";

const Moment = z.iso.datetime().meta({ example: "2024-03-01T09:30:00.000Z" });

export const UpsertStatus = z.enum(["created", "updated", "unchanged"]).meta({
  description: "What the call did to this record; unchanged means the record already held exactly this.",
});

export const RecordResult = z
  .strictObject({
    externalId: z.string(),
    id: z.number().int().meta({ description: "The console's own id of the record." }),
    status: UpsertStatus,
  })
  .meta({ description: "The outcome for the one record of a single-record call." });

export const BulkResult = z
  .strictObject({
    results: z.array(
      z.strictObject({
        index: z.number().int().min(0).meta({ description: "Position of the record in the request." }),
        externalId: z.string(),
        id: z.number().int(),
        status: UpsertStatus,
      }),
    ),
    counts: z.strictObject({ created: z.number().int(), updated: z.number().int(), unchanged: z.number().int() }),
  })
  .meta({ description: "One result per record, in request order, and their totals." });

const ChannelRecord = z.strictObject({
  address: z.string().nullable(),
  subscribed: z.boolean(),
  changedAt: Moment.nullable(),
});

export const CustomerRecord = z
  .strictObject({
    id: z.number().int(),
    externalId: z.string(),
    firstName: z.string().nullable(),
    lastName: z.string().nullable(),
    email: z.string().nullable(),
    phone: z.string().nullable().meta({ description: "E.164" }),
    country: z.string().nullable(),
    city: z.string().nullable(),
    birthday: z.string().nullable().meta({ description: "YYYY-MM-DD" }),
    registeredAt: Moment.nullable(),
    acceptsMarketing: z.boolean(),
    customerGroup: z.string().nullable(),
    tags: z.array(z.string()),
    managerEmail: z.string().nullable(),
    locale: z.string().nullable(),
    firstInteractionAt: Moment.nullable(),
    lastInteractionAt: Moment.nullable(),
    customFields: z.record(z.string(), z.union([z.string(), z.number()])),
    answers: z.record(z.string(), z.array(z.string())),
    channels: z.strictObject(Object.fromEntries(CHANNELS.map((c) => [c, ChannelRecord.optional()])) as Record<(typeof CHANNELS)[number], z.ZodOptional<typeof ChannelRecord>>),
    createdAt: Moment,
    updatedAt: Moment,
  })
  .meta({ description: "A customer with everything the console knows of them, in the shape CustomerInput takes." });
export type CustomerRecord = z.infer<typeof CustomerRecord>;

export const CustomerPage = z
  .strictObject({
    customers: z.array(CustomerRecord),
    nextCursor: z.string().nullable().meta({ description: "Pass as `cursor` for the next page; null on the last page." }),
  })
  .meta({ description: "A page of customers in a stable order." });
export type CustomerPage = z.infer<typeof CustomerPage>;

export const FieldProblem = z.strictObject({
  index: z.number().int().min(0).optional().meta({ description: "Position of the record in a bulk request." }),
  field: z.string().meta({ description: 'Dotted path of the field, a header name, a query parameter, or "(body)".', example: "channels.sms.address" }),
  reason: z.string(),
});

export const ApiError = z
  .strictObject({
    error: z.strictObject({
      code: z.string().meta({ example: "validation_failed" }),
      message: z.string(),
      fields: z.array(FieldProblem),
      requestId: z.string(),
    }),
  })
  .meta({ description: "Every error the API answers." });
export type ApiError = z.infer<typeof ApiError>;

/** The query of GET /api/v1/customers. */
const SEGMENT_CODE_LIST = /^[a-z0-9](?:[a-z0-9_-]{0,62}[a-z0-9])?(,[a-z0-9](?:[a-z0-9_-]{0,62}[a-z0-9])?){0,9}$/;
const segmentCodes = z
  .string()
  .max(700, zmsg("ingest.tooManySegmentCodes", { count: 10 }))
  .regex(SEGMENT_CODE_LIST, zmsg("ingest.segmentCodeList"))
  .optional()
  .transform((s) => (s === undefined ? undefined : [...new Set(s.split(","))]));

export const CustomerListQuery = z.strictObject({
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(1000)
    .default(100)
    .meta({ description: "Customers per page, 1–1000 (default 100)." }),
  cursor: z.string().max(200, zmsg("ingest.notCursor")).optional().meta({ description: "The nextCursor of the previous page." }),
  updatedSince: z.iso
    .datetime({ offset: true, ...zmsg("ingest.dateTimeWithZone") })
    .refine((s) => isStoredMoment(new Date(s)), zmsg("ingest.momentRange"))
    .optional()
    .meta({ description: "Only customers changed at or after this moment, oldest change first." }),
  segment: segmentCodes.meta({ description: "Comma-separated segment codes: only customers who are members of every one (at most 10)." }),
  notSegment: segmentCodes.meta({ description: "Comma-separated segment codes: only customers who are members of none of them (at most 10)." }),
});
