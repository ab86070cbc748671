// The storefront lookup, the products pages and the segment comparison reach their server code through here (docs/decisions/0002).
export { lookupStorefrontCustomer } from "../../models/storefront/lookup.server";
export { findVariant, setVariantSegments, restrictionChoices } from "../../models/storefront/variant-segments.server";
export { listProducts, getProduct } from "../../models/storefront/products.server";
export { compareSegments, defaultPeriod } from "../../models/segments/compare.server";
export { listSegments } from "../../segments/store.server";
export { getStoreSettings } from "../../models/store.server";
export { parseInput } from "../../models/ingest/schemas";
