// The storefront lookup, the variants' restrictions and the segment comparison of /api/v1.
import { contract } from "~/api/contract.server";
import { endpoint, type ApiCall, type Endpoint } from "~/api/endpoint.server";
import { errorReply, reply, type ApiReply } from "~/api/reply.server";
import { compareSegments, findVariant, lookupStorefrontCustomer, setVariantSegments } from "~/domain/storefront.server";
import { msg } from "../../../models/messages";

export function storefrontCustomerEndpoint(): Endpoint {
  return endpoint(contract.lookupStorefrontCustomer, async (call) => {
    const externalId = call.params.externalId ?? "";
    const products = call.query.products;
    const answer = await lookupStorefrontCustomer(call.db, externalId, { productExternalIds: products ? new Set(products) : undefined });
    if (!answer) {
      return errorReply("not_found", msg("admin.shopHasNoCustomer"), [{ field: "externalId", reason: msg("admin.notCustomerExternalId") }], call.requestId);
    }
    return reply(200, answer);
  });
}

type Found = NonNullable<Awaited<ReturnType<typeof findVariant>>>;

const restrictionOf = (found: Pick<Found, "productExternalId">, variantExternalId: string, segments: Found["variant"]["segments"]) => ({
  productExternalId: found.productExternalId,
  variantExternalId,
  isRestricted: segments.length > 0,
  segments: segments.map(({ code, name, isActive, isDeleted }) => ({ code, name, isActive, isDeleted })),
});

async function withVariant(call: ApiCall, then: (found: Found) => Promise<ApiReply>): Promise<ApiReply> {
  const found = await findVariant(call.db, call.params.externalId ?? "", call.params.variantExternalId ?? "");
  if (found) return then(found);
  const product = await call.db.models.Product.count({ where: { externalId: call.params.externalId ?? "" } });
  return product
    ? errorReply("not_found", msg("admin.noVariant"), [{ field: "variantExternalId", reason: msg("admin.notVariantId") }], call.requestId)
    : errorReply("not_found", msg("admin.noProduct"), [{ field: "externalId", reason: msg("admin.notProductExternalId") }], call.requestId);
}

export function variantSegmentsEndpoints(): Endpoint[] {
  return [
    endpoint(contract.getVariantSegments, (call) => withVariant(call, async (found) => reply(200, restrictionOf(found, found.variant.externalId, found.variant.segments)))),
    endpoint(contract.setVariantSegments, (call) =>
      withVariant(call, async (found) => {
        const out = await setVariantSegments(call.db, found.variant.id, { codes: call.body.segments }, { apiKeyId: call.caller?.apiKeyId ?? null }, call.now);
        if (!out.ok) return errorReply("validation_failed", msg("admin.segmentsErrors"), out.errors, call.requestId);
        return reply(200, restrictionOf(found, found.variant.externalId, out.segments));
      }),
    ),
  ];
}

export function compareEndpoint(): Endpoint {
  return endpoint(contract.compareSegments, async (call) => {
    const out = await compareSegments(call.db, call.query, call.now);
    if (!out.ok) return errorReply("validation_failed", msg("api.queryErrors"), out.errors, call.requestId);
    return reply(200, out.comparison);
  });
}
