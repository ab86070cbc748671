// The API's contract: every endpoint with its scope and the zod schemas of what it takes and
// answers. The routes validate with it and the OpenAPI document is generated from it, so the two
// cannot drift apart.
import type { z } from "zod/v4";
import type { ApiScope } from "../../models/api-keys.server";
import {
  CartInput,
  CartsBulkInput,
  CategoriesBulkInput,
  CategoryInput,
  CustomerInput,
  CustomersBulkInput,
  InteractionInput,
  InteractionsBulkInput,
  OrderInput,
  OrdersBulkInput,
  ProductInput,
  ProductsBulkInput,
  SubscriptionInput,
  SubscriptionsBulkInput,
  BULK_LIMIT,
  ExternalId,
} from "../../models/ingest/schemas";
import { ApiError, BulkResult, CustomerListQuery, CustomerPage, CustomerRecord, RecordResult } from "../../models/ingest/responses";
import { PlainDate } from "../../models/ingest/schemas";
import { segmentContract, SEGMENT_SCHEMA_NAMES } from "./segments-contract.server";
import { campaignContract, CAMPAIGN_SCHEMA_NAMES } from "./campaigns-contract.server";
import { taskContract, TASK_SCHEMA_NAMES } from "./tasks-contract.server";
import { automationContract, AUTOMATION_SCHEMA_NAMES } from "./automations-contract.server";
import { definitionContract, DEFINITION_SCHEMA_NAMES } from "./definitions-contract.server";
import { feedContract, FEED_SCHEMA_NAMES } from "./feeds-contract.server";
import { privacyContract, PRIVACY_SCHEMA_NAMES } from "./privacy-contract.server";
import { storefrontContract, STOREFRONT_SCHEMA_NAMES } from "./storefront-contract.server";
import { exportContract, EXPORT_SCHEMA_NAMES } from "./exports-contract.server";

export const SINGLE_BODY_LIMIT_BYTES = 1024 * 1024;
export const BULK_BODY_LIMIT_BYTES = 20 * 1024 * 1024;

export interface EndpointContract {
  operationId: string;
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  /** Under /api/v1, with OpenAPI's {param} templating. */
  path: string;
  summary: string;
  description?: string;
  tag: string;
  /** null: no key needed. */
  scope: ApiScope | null;
  body?: {
    schema: z.ZodType;
    limitBytes: number;
    /** The bulk body's list key; errors then carry the record's index. */
    bulkKey?: string;
    /** The schema of one record of a bulk body. */
    record?: z.ZodType;
    /** A list in a single record whose errors carry the item's index (a segment's criteria). */
    indexedBy?: string;
  };
  query?: z.ZodObject;
  /** A POST that takes no Idempotency-Key (it writes nothing, or is safe to retry by itself). */
  idempotencyKey?: false;
  /** Each path parameter's description and schema; a value the schema refuses names no record (404). */
  pathParams?: Record<string, { description: string; schema: z.ZodType }>;
  /** Success responses by status; errors are described once for all. */
  responses: Record<number, { description: string; schema?: z.ZodType; /** A file in one of these media types instead of JSON. */ file?: string[] }>;
}

const single = <S extends z.ZodType>(schema: S) => ({ schema, limitBytes: SINGLE_BODY_LIMIT_BYTES });
const bulk = <S extends z.ZodType, K extends string>(schema: S, bulkKey: K, record: z.ZodType) => ({ schema, limitBytes: BULK_BODY_LIMIT_BYTES, bulkKey, record });
const upserted = {
  201: { description: "Created.", schema: RecordResult },
  200: { description: "Updated, or unchanged because it already held exactly this.", schema: RecordResult },
};
const bulkDone = { 200: { description: "Every record written (or already as sent).", schema: BulkResult } };
const bulkNote = `Up to ${BULK_LIMIT} records a call. With any bad record nothing is written, and the 422 lists every bad record's index, field and reason.`;

export const contract = {
  listCustomers: {
    operationId: "listCustomers",
    method: "GET",
    path: "/customers",
    summary: "List customers, a page at a time",
    description: "Ordered by id; with updatedSince, by the time of the last change, so that an integration can follow changes.",
    tag: "Customers",
    scope: "customers:read",
    query: CustomerListQuery,
    responses: { 200: { description: "A page of customers.", schema: CustomerPage } },
  },
  getCustomer: {
    operationId: "getCustomer",
    method: "GET",
    path: "/customers/{externalId}",
    summary: "Get one customer by external id",
    tag: "Customers",
    scope: "customers:read",
    pathParams: { externalId: { description: "The customer's id in the shop (URL-encoded).", schema: ExternalId } },
    responses: { 200: { description: "The customer.", schema: CustomerRecord } },
  },
  upsertCustomer: {
    operationId: "upsertCustomer",
    method: "POST",
    path: "/customers",
    summary: "Create or update a customer",
    tag: "Customers",
    scope: "customers:write",
    body: single(CustomerInput),
    responses: upserted,
  },
  upsertCustomers: {
    operationId: "upsertCustomers",
    method: "POST",
    path: "/customers/bulk",
    summary: "Create or update many customers",
    description: bulkNote,
    tag: "Customers",
    scope: "customers:write",
    body: bulk(CustomersBulkInput, "customers", CustomerInput),
    responses: bulkDone,
  },
  upsertOrder: {
    operationId: "upsertOrder",
    method: "POST",
    path: "/orders",
    summary: "Create or update an order with its items",
    description: "The customer and every product and variant must exist; the currency must be the store's. An update replaces the items.",
    tag: "Orders",
    scope: "orders:write",
    body: single(OrderInput),
    responses: upserted,
  },
  upsertOrders: {
    operationId: "upsertOrders",
    method: "POST",
    path: "/orders/bulk",
    summary: "Create or update many orders",
    description: bulkNote,
    tag: "Orders",
    scope: "orders:write",
    body: bulk(OrdersBulkInput, "orders", OrderInput),
    responses: bulkDone,
  },
  upsertCart: {
    operationId: "upsertCart",
    method: "POST",
    path: "/carts",
    summary: "Create or update an abandoned cart",
    tag: "Carts",
    scope: "orders:write",
    body: single(CartInput),
    responses: upserted,
  },
  upsertCarts: {
    operationId: "upsertCarts",
    method: "POST",
    path: "/carts/bulk",
    summary: "Create or update many abandoned carts",
    description: bulkNote,
    tag: "Carts",
    scope: "orders:write",
    body: bulk(CartsBulkInput, "carts", CartInput),
    responses: bulkDone,
  },
  recordInteraction: {
    operationId: "recordInteraction",
    method: "POST",
    path: "/interactions",
    summary: "Record that a customer interacted with the shop",
    description: "Moves the customer's first interaction to the earliest and the last to the latest moment known. The result's externalId and id are the customer's.",
    tag: "Interactions",
    scope: "customers:write",
    body: single(InteractionInput),
    responses: { 200: { description: "Recorded (updated), or inside what was known (unchanged).", schema: RecordResult } },
  },
  recordInteractions: {
    operationId: "recordInteractions",
    method: "POST",
    path: "/interactions/bulk",
    summary: "Record many interactions",
    description: bulkNote,
    tag: "Interactions",
    scope: "customers:write",
    body: bulk(InteractionsBulkInput, "interactions", InteractionInput),
    responses: bulkDone,
  },
  changeSubscription: {
    operationId: "changeSubscription",
    method: "POST",
    path: "/subscriptions",
    summary: "Subscribe or unsubscribe a customer on a channel",
    description: "The result's externalId and id are the customer's; created means the customer's first identity on that channel.",
    tag: "Subscriptions",
    scope: "customers:write",
    body: single(SubscriptionInput),
    responses: upserted,
  },
  changeSubscriptions: {
    operationId: "changeSubscriptions",
    method: "POST",
    path: "/subscriptions/bulk",
    summary: "Apply many subscription changes, in the order they happened",
    description: bulkNote,
    tag: "Subscriptions",
    scope: "customers:write",
    body: bulk(SubscriptionsBulkInput, "subscriptions", SubscriptionInput),
    responses: bulkDone,
  },
  upsertCategories: {
    operationId: "upsertCategories",
    method: "POST",
    path: "/categories/bulk",
    summary: "Create or update categories of the catalog tree",
    description: `${bulkNote} A parent may come later in the same batch.`,
    tag: "Catalog",
    scope: "catalog:write",
    body: bulk(CategoriesBulkInput, "categories", CategoryInput),
    responses: bulkDone,
  },
  upsertProducts: {
    operationId: "upsertProducts",
    method: "POST",
    path: "/products/bulk",
    summary: "Create or update products with their variants",
    description: bulkNote,
    tag: "Catalog",
    scope: "catalog:write",
    body: bulk(ProductsBulkInput, "products", ProductInput),
    responses: bulkDone,
  },
  ...segmentContract,
  ...campaignContract,
  ...taskContract,
  ...automationContract,
  ...definitionContract,
  ...feedContract,
  ...privacyContract,
  ...storefrontContract,
  ...exportContract,
} satisfies Record<string, EndpointContract>;

/** Component names of the schemas in the OpenAPI document. */
export const SCHEMA_NAMES: Array<[string, z.ZodType]> = [
  ["CustomerInput", CustomerInput],
  ["CustomersBulkInput", CustomersBulkInput],
  ["OrderInput", OrderInput],
  ["OrdersBulkInput", OrdersBulkInput],
  ["CartInput", CartInput],
  ["CartsBulkInput", CartsBulkInput],
  ["InteractionInput", InteractionInput],
  ["InteractionsBulkInput", InteractionsBulkInput],
  ["SubscriptionInput", SubscriptionInput],
  ["SubscriptionsBulkInput", SubscriptionsBulkInput],
  ["CategoryInput", CategoryInput],
  ["CategoriesBulkInput", CategoriesBulkInput],
  ["ProductInput", ProductInput],
  ["ProductsBulkInput", ProductsBulkInput],
  ["RecordResult", RecordResult],
  ["BulkResult", BulkResult],
  ["CustomerRecord", CustomerRecord],
  ["CustomerPage", CustomerPage],
  ["ApiError", ApiError],
  ["PlainDate", PlainDate],
  ...SEGMENT_SCHEMA_NAMES,
  ...CAMPAIGN_SCHEMA_NAMES,
  ...TASK_SCHEMA_NAMES,
  ...AUTOMATION_SCHEMA_NAMES,
  ...DEFINITION_SCHEMA_NAMES,
  ...FEED_SCHEMA_NAMES,
  ...PRIVACY_SCHEMA_NAMES,
  ...STOREFRONT_SCHEMA_NAMES,
  ...EXPORT_SCHEMA_NAMES,
];
