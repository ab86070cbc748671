// Server code the REST API (/api/v1) reaches, re-exported for its routes (docs/decisions/0002).
export { authenticateApiKey } from "../../models/api-keys.server";
export { writeOnce, hashRequest, isConflict } from "../../models/idempotency.server";
export { upsertCustomers } from "../../models/ingest/customers.server";
export { upsertOrders } from "../../models/ingest/orders.server";
export { upsertCarts } from "../../models/ingest/carts.server";
export { recordInteractions } from "../../models/ingest/interactions.server";
export { changeSubscriptions } from "../../models/ingest/subscriptions.server";
export { upsertCategories } from "../../models/ingest/categories.server";
export { upsertProducts } from "../../models/ingest/products.server";
export { getCustomerRecord, listCustomerRecords } from "../../models/ingest/customer-records.server";
