import { DataTypes, type QueryInterface, type Sequelize } from "sequelize";
import { createTable } from "./helpers";

/**
 * The customer's rights (docs/decisions/0040): `customers.erased_at` marks a customer whose personal
 * data was erased (the row stays as a tombstone so that orders and revenue figures keep their
 * customer), and `consent_records` is the append-only history of consent: each grant or withdrawal
 * of a channel subscription or of the customer's marketing consent, with its source and a reference
 * to what made it. A record holds no address and no name, so erasure has nothing to blank in it and
 * the table can refuse every UPDATE and DELETE through triggers.
 */
export async function up(qi: QueryInterface, sequelize: Sequelize) {
  await qi.addColumn("customers", "erased_at", { type: DataTypes.DATE(3), allowNull: true });
  // the few tombstones, found without reading the table: lists leave them out by id, so their
  // covering indexes need no erased_at (models/customers/list-sql.ts)
  await qi.addIndex("customers", ["erased_at"], { name: "customers_erased" });

  await createTable(qi, "consent_records", {
    id: { type: DataTypes.BIGINT, autoIncrement: true, primaryKey: true, allowNull: false },
    customer_id: { type: DataTypes.INTEGER, allowNull: false },
    // "marketing" (the customer's accepts_marketing) or a channel: email, sms, messenger, viber
    subject: { type: DataTypes.STRING(16), allowNull: false },
    is_granted: { type: DataTypes.BOOLEAN, allowNull: false },
    // api, import, webhook, unsubscribe_link, admin, demo
    source: { type: DataTypes.STRING(24), allowNull: false },
    // what made it, without personal data: api_key:3, import:12, user:5, delivery_event:88
    reference: { type: DataTypes.STRING(64), allowNull: true },
    // when the consent changed (a webhook's own time), and when the record was written
    occurred_at: { type: DataTypes.DATE(3), allowNull: false },
    created_at: { type: DataTypes.DATE(3), allowNull: false },
  });
  await qi.addIndex("consent_records", ["customer_id", "subject", "id"], { name: "consent_records_by_customer" });

  if (sequelize.getDialect() === "mysql") {
    await sequelize.query(
      `CREATE TRIGGER consent_records_no_update BEFORE UPDATE ON consent_records FOR EACH ROW
         SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'consent_records is append-only'`,
    );
    // emptying a whole database (the demo reset's TRUNCATE does not fire triggers; the test pool's
    // DELETE runs with foreign key checks off) is the one way rows go
    await sequelize.query(
      `CREATE TRIGGER consent_records_no_delete BEFORE DELETE ON consent_records FOR EACH ROW
         IF @@foreign_key_checks = 1 THEN
           SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'consent_records is append-only';
         END IF`,
    );
  } else {
    await sequelize.query(
      `CREATE TRIGGER consent_records_no_update BEFORE UPDATE ON consent_records
         BEGIN SELECT RAISE(ABORT, 'consent_records is append-only'); END`,
    );
    // the demo reset deletes the customers first: only then may their history go
    await sequelize.query(
      `CREATE TRIGGER consent_records_no_delete BEFORE DELETE ON consent_records
         WHEN EXISTS (SELECT 1 FROM customers WHERE id = OLD.customer_id)
         BEGIN SELECT RAISE(ABORT, 'consent_records is append-only'); END`,
    );
  }
}
