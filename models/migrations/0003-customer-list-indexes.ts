import type { QueryInterface } from "sequelize";

/**
 * The customer list at a million customers (bench/customers-list.ts has the figures):
 * - ordered by name with a country, group or manager filter (a manager's own list by name above
 *   all), the (filter, sort_name) indexes hand the rows over in order; with the single-column
 *   indexes both databases collected every match and sorted it (180–230 ms on SQLite);
 * - the customers subscribed on a channel, in id order, for the channel filter and its count,
 *   which otherwise probed the channel of every customer in turn.
 */
export async function up(qi: QueryInterface) {
  await qi.addIndex("customers", ["manager_id", "sort_name"], { name: "customers_manager_id_sort_name" });
  await qi.addIndex("customers", ["country", "sort_name"], { name: "customers_country_sort_name" });
  await qi.addIndex("customers", ["customer_group_id", "sort_name"], { name: "customers_customer_group_id_sort_name" });
  await qi.addIndex("channel_identities", ["channel", "is_subscribed", "customer_id"], { name: "channel_identities_subscribed" });
}
