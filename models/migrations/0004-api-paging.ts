import type { QueryInterface } from "sequelize";

/**
 * GET /api/v1/customers?updatedSince= pages by (updated_at, id): an integration following changes
 * reads the newest few customers of a million without a scan and a sort.
 */
export async function up(qi: QueryInterface) {
  await qi.addIndex("customers", ["updated_at", "id"], { name: "customers_updated_at_id" });
}
