import { DataTypes, type QueryInterface, type Sequelize } from "sequelize";

/**
 * Each customer's order totals on the customer row, so the list can sort a million customers by
 * them through an index: total spent (minor units) and number of orders count completed orders,
 * last order is the latest order that is not cancelled, as the segment criteria define them
 * (SEGMENT-SEMANTICS.md). Every order write keeps them in its transaction from here on
 * (models/customers/order-totals.server.ts); this fills them from the orders already stored, in
 * one statement, before the indexes exist so that the UPDATE does not maintain them row by row.
 */
export async function up(qi: QueryInterface, sequelize: Sequelize) {
  await qi.addColumn("customers", "total_spent", { type: DataTypes.BIGINT, allowNull: false, defaultValue: 0 });
  await qi.addColumn("customers", "orders_count", { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 });
  await qi.addColumn("customers", "last_order_at", { type: DataTypes.DATE(3), allowNull: true });

  const totals = `SELECT customer_id,
           SUM(CASE WHEN status = 'completed' THEN total ELSE 0 END) AS spent,
           SUM(CASE WHEN status = 'completed' THEN 1 ELSE 0 END) AS counted,
           MAX(CASE WHEN status <> 'cancelled' THEN placed_at END) AS last_at
      FROM orders GROUP BY customer_id`;
  if (sequelize.getDialect() === "mysql") {
    await sequelize.query(
      `UPDATE customers c JOIN (${totals}) t ON t.customer_id = c.id
          SET c.total_spent = t.spent, c.orders_count = t.counted, c.last_order_at = t.last_at`,
    );
  } else {
    await sequelize.query(
      `UPDATE customers SET total_spent = t.spent, orders_count = t.counted, last_order_at = t.last_at
         FROM (${totals}) AS t WHERE t.customer_id = customers.id`,
    );
  }

  // (value, id) is the list's keyset order for each sort, ties broken by id, read either way. The
  // columns the list filters on ride along, so a walk tests them in the index: at a million
  // customers MariaDB's buffer pool holds few of the rows, and looking each one up cost 0.1 ms
  for (const column of ["total_spent", "orders_count", "last_order_at"]) {
    await qi.addIndex("customers", [column, "id", ...LIST_FILTER_COLUMNS], { name: `customers_by_${column}` });
  }
}

/** The customers columns the list's filters test (list-sql.ts). */
const LIST_FILTER_COLUMNS = ["country", "customer_group_id", "manager_id", "accepts_marketing"];
