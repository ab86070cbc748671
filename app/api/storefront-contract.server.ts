// The storefront lookup, the variants' segment restrictions and the segment comparison of /api/v1
// (docs/decisions/0037, 0038): what they take and answer. contract.server.ts merges them into the
// API's contract, so the routes validate with these schemas and the OpenAPI document is made of them.
import { z } from "zod/v4";
import { msg, zmsg } from "../../models/messages";
import { ExternalId } from "../../models/ingest/schemas";
import { SegmentCode } from "../../segments/definition";
import { MAX_SEGMENTS_PER_VARIANT } from "../../models/storefront/limits";
import { SegmentComparisonQuery } from "../../models/segments/compare";
import type { EndpointContract } from "./contract.server";

export const MAX_LOOKUP_PRODUCTS = 50;

export const StorefrontQuery = z.strictObject({
  products: z
    .string()
    .max(4000)
    .optional()
    .transform((s, ctx) => {
      if (s === undefined) return undefined;
      const ids = s.split(",").map((p) => p.trim()).filter(Boolean);
      if (ids.length === 0) {
        ctx.addIssue({ code: "custom", message: msg("admin.nameProduct") });
        return z.NEVER;
      }
      if (ids.length > MAX_LOOKUP_PRODUCTS) {
        ctx.addIssue({ code: "custom", message: msg("admin.productsMax", { count: MAX_LOOKUP_PRODUCTS }) });
        return z.NEVER;
      }
      const bad = ids.find((id) => !ExternalId.safeParse(id).success);
      if (bad !== undefined) {
        ctx.addIssue({ code: "custom", message: msg("admin.notProductId", { id: bad.slice(0, 70) }) });
        return z.NEVER;
      }
      return ids;
    })
    .meta({
      description: `Up to ${MAX_LOOKUP_PRODUCTS} product external ids, separated by commas: only their restricted variants are answered (a product page asks about its own products). Default: every restricted variant.`,
      example: "demo-p-1042,demo-p-77",
    }),
});

export const StorefrontCustomer = z
  .strictObject({
    externalId: z.string(),
    segments: z.array(z.string()).meta({ description: "Codes of the active segments the customer is in now, sorted." }),
    restrictedVariants: z
      .strictObject({
        visible: z.array(z.string()).meta({ description: "External ids of restricted variants this customer may see." }),
        hidden: z.array(z.string()).meta({ description: "External ids of restricted variants to hide from this customer." }),
      })
      .meta({ description: "Restricted variants only, sorted: every variant not listed here is visible to everyone." }),
  })
  .meta({ description: "What the shop shows one customer: their segments and which restricted variants they may see." });

const RestrictionSegment = z.strictObject({
  code: z.string(),
  name: z.string(),
  isActive: z.boolean().meta({ description: "Only active segments let their members see the variant." }),
  isDeleted: z.boolean().meta({ description: "A deleted segment's restriction stays, letting nobody in, until it is lifted." }),
});

export const VariantSegments = z
  .strictObject({
    productExternalId: z.string(),
    variantExternalId: z.string(),
    isRestricted: z.boolean().meta({ description: "False: everyone sees the variant." }),
    segments: z.array(RestrictionSegment).meta({ description: "Members of at least one of these (active) segments see the variant, by name." }),
  })
  .meta({ description: "Who may see a product variant." });

export const VariantSegmentsInput = z
  .strictObject({
    segments: z
      .array(SegmentCode, zmsg("admin.segmentCodesType"))
      .max(MAX_SEGMENTS_PER_VARIANT, zmsg("admin.variantSegmentsMax", { count: MAX_SEGMENTS_PER_VARIANT }))
      .meta({ description: "Codes of the segments whose members may see the variant; an empty list lifts the restriction." }),
  })
  .meta({ description: "The segments a variant is restricted to, replacing the ones it had." });

const Figures = z.strictObject({
  code: z.string(),
  name: z.string(),
  isActive: z.boolean(),
  members: z.number().int().meta({ description: "Members now." }),
  buyers: z.number().int().meta({ description: "Members with at least one completed order in the period." }),
  orders: z.number().int().meta({ description: "Completed orders of the members placed in the period." }),
  revenue: z.number().int().meta({ description: "Their totals, in minor units of the store's currency." }),
  averageOrderValue: z.number().nullable().meta({ description: "revenue ÷ orders in minor units, not rounded; null without orders." }),
  repeatBuyers: z.number().int().meta({ description: "Members with two or more completed orders in the period." }),
  repeatRate: z.number().nullable().meta({ description: "repeatBuyers ÷ members (0–1), not rounded; null without members." }),
});

export const SegmentComparisonRecord = z
  .strictObject({
    from: z.string().meta({ description: "First store day of the period." }),
    to: z.string().meta({ description: "Last store day of the period (included)." }),
    timeZone: z.string().meta({ description: "The store's time zone, which decides the days." }),
    currency: z.string(),
    segments: z.array(Figures).meta({ description: "In the order the codes were given." }),
  })
  .meta({ description: "Segments compared over a period: their current members and those members' completed orders placed in it." });

const variantParams = {
  externalId: { description: "The product's id in the shop (URL-encoded).", schema: ExternalId },
  variantExternalId: { description: "The variant's id in the shop (URL-encoded).", schema: ExternalId },
};

export const storefrontContract = {
  lookupStorefrontCustomer: {
    operationId: "lookupStorefrontCustomer",
    method: "GET",
    path: "/storefront/customers/{externalId}",
    summary: "What the shop shows a customer: their segments and restricted variants",
    description:
      "For the shop's product pages: the codes of the active segments the customer is in, and which restricted variants they may see (a variant restricted to segments is shown to members of at least one of its active segments; unrestricted variants are shown to everyone and not listed). A key with the storefront scope reads nothing else.",
    tag: "Storefront",
    scope: "storefront",
    pathParams: { externalId: { description: "The customer's id in the shop (URL-encoded).", schema: ExternalId } },
    query: StorefrontQuery,
    responses: { 200: { description: "The customer's segments and restricted variants.", schema: StorefrontCustomer } },
  },
  getVariantSegments: {
    operationId: "getVariantSegments",
    method: "GET",
    path: "/products/{externalId}/variants/{variantExternalId}/segments",
    summary: "Who may see a product variant",
    tag: "Catalog",
    scope: "catalog:read",
    pathParams: variantParams,
    responses: { 200: { description: "The variant's restriction.", schema: VariantSegments } },
  },
  setVariantSegments: {
    operationId: "setVariantSegments",
    method: "PUT",
    path: "/products/{externalId}/variants/{variantExternalId}/segments",
    summary: "Restrict a product variant to segments, or lift its restriction",
    description: `Replaces the variant's segments (at most ${MAX_SEGMENTS_PER_VARIANT}); an empty list shows it to everyone. Every code must be a segment's; an unknown one is refused with 422 naming its index, and nothing changes. The storefront lookup answers the change at once.`,
    tag: "Catalog",
    scope: "catalog:write",
    pathParams: variantParams,
    body: { schema: VariantSegmentsInput, limitBytes: 64 * 1024 },
    responses: { 200: { description: "The variant's restriction now.", schema: VariantSegments } },
  },
  compareSegments: {
    operationId: "compareSegments",
    method: "GET",
    path: "/segments/compare",
    summary: "Compare segments over a period",
    description:
      "For 2 to 5 segments: members now, and those members' completed orders placed on the period's store days (the store's time zone): orders, revenue, average order value, buyers and repeat rate. GET on this path shadows a segment whose code is compare; it is read in the segment list.",
    tag: "Segments",
    scope: "segments:read",
    query: SegmentComparisonQuery,
    responses: { 200: { description: "The figures of each segment, in the order asked.", schema: SegmentComparisonRecord } },
  },
} satisfies Record<string, EndpointContract>;

/** Component names of these schemas in the OpenAPI document. */
export const STOREFRONT_SCHEMA_NAMES: Array<[string, z.ZodType]> = [
  ["StorefrontCustomer", StorefrontCustomer],
  ["VariantSegments", VariantSegments],
  ["VariantSegmentsInput", VariantSegmentsInput],
  ["SegmentComparison", SegmentComparisonRecord],
];
