// Empties the store's data (customers and everything about them, orders, carts, the catalogue, groups,
// tags, custom fields, registration questions) for `npm run seed -- --reset`, and keeps who runs the
// store: users, API keys, settings, the audit log. Tables other parts of the console add that point
// at the emptied ones (segment members, say) are found through their foreign keys and emptied too.
import { QueryTypes } from "sequelize";
import type { Database } from "../db";
import { inWriteLine } from "../sql/write-line";

// consent_records after customers: its trigger lets a record go only once its customer has (0040)
export const STORE_DATA_TABLES = [
  "customer_tags", "customer_field_values", "registration_answers", "channel_identities", "order_items", "orders", "abandoned_carts",
  "customer_changes", "customers", "consent_records", "customer_groups", "tags", "custom_fields", "registration_options", "registration_questions",
  "product_variants", "products", "categories",
];

const KEPT_TABLES = new Set(["users", "api_keys", "store_settings", "audit_log", "idempotency_keys", "imports", "schema_migrations", "deferred_indexes"]);

/** Pairs (table, table it references) of every foreign key in the database. */
async function foreignKeys(db: Database): Promise<Array<[string, string]>> {
  if (db.dialect === "mysql") {
    const rows = await db.sequelize.query<{ t: string; r: string }>(
      "SELECT DISTINCT TABLE_NAME AS t, REFERENCED_TABLE_NAME AS r FROM information_schema.KEY_COLUMN_USAGE WHERE TABLE_SCHEMA = DATABASE() AND REFERENCED_TABLE_NAME IS NOT NULL",
      { type: QueryTypes.SELECT },
    );
    return rows.map((r) => [r.t, r.r]);
  }
  const tables = await db.sequelize.query<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'", { type: QueryTypes.SELECT });
  const pairs: Array<[string, string]> = [];
  for (const { name } of tables) {
    const keys = await db.sequelize.query<{ table: string }>(`PRAGMA foreign_key_list("${name.replace(/"/g, '""')}")`, { type: QueryTypes.SELECT });
    for (const k of keys) pairs.push([name, k.table]);
  }
  return pairs;
}

/** The store-data tables plus every table that depends on one of them, children before parents. */
export async function storeDataTables(db: Database): Promise<string[]> {
  const pairs = await foreignKeys(db);
  const tables = new Set(STORE_DATA_TABLES);
  for (let grew = true; grew; ) {
    grew = false;
    for (const [table, parent] of pairs) {
      if (tables.has(parent) && !tables.has(table) && !KEPT_TABLES.has(table)) {
        tables.add(table);
        grew = true;
      }
    }
  }
  const extra = [...tables].filter((t) => !STORE_DATA_TABLES.includes(t)).sort();
  return [...extra, ...STORE_DATA_TABLES];
}

/** Deletes every row of the store's data; returns the tables it emptied. */
export async function emptyStore(db: Database): Promise<string[]> {
  const tables = await storeDataTables(db);
  const q = (name: string) => (db.dialect === "mysql" ? `\`${name}\`` : `"${name}"`);
  if (db.dialect === "mysql") {
    // TRUNCATE is a fresh, empty table in an instant; it refuses tables that foreign keys point at
    // unless the checks are off, on this one connection
    const t = await db.sequelize.transaction();
    try {
      await db.sequelize.query("SET foreign_key_checks = 0", { transaction: t });
      for (const table of tables) await db.sequelize.query(`TRUNCATE TABLE ${q(table)}`, { transaction: t });
    } finally {
      await db.sequelize.query("SET foreign_key_checks = 1", { transaction: t }).catch(() => {});
      await t.commit().catch(() => {});
    }
    return tables;
  }
  // SQLite empties a table in one step only when no foreign key has to be checked row by row; the
  // pragma cannot change inside a transaction, so this runs on the plain connection
  await inWriteLine(db.sequelize, async () => {
    await db.sequelize.query("PRAGMA foreign_keys = OFF");
    try {
      for (const table of tables) await db.sequelize.query(`DELETE FROM ${q(table)}`);
      await db.sequelize.query("DELETE FROM sqlite_sequence WHERE name IN (?)", { replacements: [tables] });
    } finally {
      await db.sequelize.query("PRAGMA foreign_keys = ON");
    }
  });
  return tables;
}
