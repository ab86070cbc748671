// The endpoints of a customer's rights (docs/decisions/0040): their consent history, everything the
// store holds about them, and erasure. Merged into the API's contract by contract.server.ts.
import { z } from "zod/v4";
import { CONSENT_SOURCES, CONSENT_SUBJECTS } from "../../models/privacy-models";
import { ExternalId } from "../../models/ingest/schemas";
import type { EndpointContract } from "./contract.server";

const Moment = z.iso.datetime().meta({ example: "2026-03-01T09:30:00.000Z" });

export const ConsentRecordSchema = z
  .strictObject({
    id: z.number().int(),
    subject: z.enum(CONSENT_SUBJECTS).meta({ description: "marketing (the customer's consent to marketing) or the channel whose subscription changed." }),
    isGranted: z.boolean().meta({ description: "True: consent given (subscribed); false: withdrawn." }),
    source: z.enum(CONSENT_SOURCES).meta({ description: "Where the change came from." }),
    reference: z.string().nullable().meta({ description: "What made it, without personal data: api_key:<id>, import:<id>, user:<id>, delivery_event:<id>." }),
    occurredAt: Moment.meta({ description: "When the consent changed." }),
    recordedAt: Moment.meta({ description: "When the record was written." }),
  })
  .meta({ description: "One grant or withdrawal of consent." });

export const ConsentHistory = z
  .strictObject({
    externalId: z.string(),
    consents: z.array(ConsentRecordSchema).meta({ description: "Newest first." }),
  })
  .meta({ description: "A customer's consent history: every grant and withdrawal, newest first." });

const Row = z.record(z.string(), z.unknown());

export const CustomerExportDocument = z
  .strictObject({
    formatVersion: z.number().int(),
    exportedAt: Moment,
    customer: Row.meta({ description: "The profile: names, contacts, dates, group, manager, tags, order figures." }),
    marketingConsent: z.array(ConsentRecordSchema),
    channels: z.array(
      z.strictObject({
        channel: z.string(),
        address: z.string().nullable(),
        isSubscribed: z.boolean(),
        subscriptionChangedAt: Moment.nullable(),
        consentHistory: z.array(ConsentRecordSchema),
      }),
    ),
    customFields: z.array(Row),
    registrationAnswers: z.array(Row),
    orders: z.array(Row).meta({ description: "Each with its items." }),
    abandonedCarts: z.array(Row),
    interactions: z.array(Row),
    segmentHistory: z.strictObject({ memberships: z.array(Row), events: z.array(Row) }),
    messages: z.strictObject({ deliveries: z.array(Row), outbox: z.array(Row) }),
    tasks: z.array(Row),
    changes: z.array(Row),
  })
  .meta({ description: "Everything the store holds about one customer." });

export const ErasureResult = z
  .strictObject({
    customerId: z.number().int().meta({ description: "The internal id of the erased customer's tombstone (their orders keep it)." }),
    erasedAt: Moment,
    alreadyErased: z.boolean().meta({ description: "True when the customer had been erased before: nothing changed." }),
  })
  .meta({ description: "The customer's personal data is erased." });

const externalIdParam = { externalId: { description: "The customer's id in the shop (URL-encoded).", schema: ExternalId } };

export const privacyContract = {
  getCustomerConsents: {
    operationId: "getCustomerConsents",
    method: "GET",
    path: "/customers/{externalId}/consents",
    summary: "A customer's consent history",
    description: "Every grant and withdrawal of the customer's marketing consent and channel subscriptions, newest first.",
    tag: "Customers",
    scope: "customers:read",
    pathParams: externalIdParam,
    responses: { 200: { description: "The history.", schema: ConsentHistory } },
  },
  exportCustomer: {
    operationId: "exportCustomer",
    method: "GET",
    path: "/customers/{externalId}/export",
    summary: "Everything the store holds about a customer (an access request)",
    description: "Profile, channels with consent history, custom fields, answers, orders with items, carts, interactions, segment history, messages received, tasks and the change log. Each call is audited.",
    tag: "Customers",
    scope: "customers:privacy",
    pathParams: externalIdParam,
    responses: { 200: { description: "The export.", schema: CustomerExportDocument } },
  },
  eraseCustomer: {
    operationId: "eraseCustomer",
    method: "POST",
    path: "/customers/{externalId}/erase",
    summary: "Erase a customer's personal data (an erasure request)",
    description:
      "Removes the personal data from the customer, their channels, fields, answers, carts, messages and tasks; orders stay, anonymous. The external id becomes free: written again, it makes a new, empty customer. Audited without the erased data.",
    tag: "Customers",
    scope: "customers:privacy",
    pathParams: externalIdParam,
    idempotencyKey: false,
    responses: { 200: { description: "Erased.", schema: ErasureResult } },
  },
} satisfies Record<string, EndpointContract>;

export const PRIVACY_SCHEMA_NAMES: Array<[string, z.ZodType]> = [
  ["ConsentRecord", ConsentRecordSchema],
  ["ConsentHistory", ConsentHistory],
  ["CustomerExport", CustomerExportDocument],
  ["ErasureResult", ErasureResult],
];
