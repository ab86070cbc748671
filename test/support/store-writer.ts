// Writes the plain rows the reference evaluator reads (segments/reference.ts) into the real tables,
// so the fast evaluator can load its fact index from the same store. Everything goes through
// models/sql/bulk.ts in one transaction per call: a store of forty customers takes a few
// milliseconds, so a randomised test can write hundreds of them in a run.
import type { Transaction } from "sequelize";
import type { Database } from "../../models/db";
import type { CustomFieldType } from "../../models/models";
import { bulkInsert, type SqlValue } from "../../models/sql/bulk";
import { refreshOrderTotals } from "../../models/customers/order-totals.server";
import type { RefCustomer, RefStore } from "../../segments/reference";

/** What RefStore leaves out because the reference needs only the values: the definitions behind them. */
export interface StoreSchema {
  customFields: Array<{ key: string; type: CustomFieldType; options?: string[] }>;
  questions: Array<{ key: string; options: string[] }>;
}

export type TestStore = RefStore & StoreSchema;

// Children first, so foreign keys hold at every step on both databases.
const STORE_TABLES = [
  "customer_changes",
  "order_items",
  "orders",
  "abandoned_carts",
  "channel_identities",
  "customer_tags",
  "customer_field_values",
  "registration_answers",
  "customers",
  "tags",
  "customer_groups",
  "registration_options",
  "registration_questions",
  "custom_fields",
  "products",
  "categories",
];

const CUSTOMER_TABLES = ["order_items", "orders", "abandoned_carts", "channel_identities", "customer_tags", "customer_field_values", "registration_answers"];

const WRITTEN_AT = new Date("2020-01-01T00:00:00Z");

/** Empties every table a store is written to. */
export async function clearStore(db: Database, transaction?: Transaction): Promise<void> {
  const run = async (t: Transaction) => {
    // categories point at their parents (RESTRICT), and InnoDB checks each deleted row at once
    await db.sequelize.query("UPDATE categories SET parent_id = NULL", { transaction: t });
    for (const table of STORE_TABLES) await db.sequelize.query(`DELETE FROM ${table}`, { transaction: t });
  };
  if (transaction) await run(transaction);
  else await db.sequelize.transaction(run);
}

/** Replaces whatever the database holds with this store. */
export async function writeStore(db: Database, store: TestStore): Promise<void> {
  await db.sequelize.transaction(async (t) => {
    await clearStore(db, t);
    await writeDefinitions(db, store, t);
    const names = await ensureNames(db, store.customers, t);
    await writeCustomers(db, store, store.customers, names, t);
  });
}

/**
 * Rewrites these customers from `store` (an edited copy of what was written): their rows are
 * deleted and written again, and customers new in `store` are added. The definitions (fields,
 * questions, categories) must be the ones written before; tag and group names may be new.
 */
export async function rewriteCustomers(db: Database, store: TestStore, customerIds: number[]): Promise<void> {
  if (customerIds.length === 0) return;
  const wanted = new Set(customerIds);
  await db.sequelize.transaction(async (t) => {
    const ids = customerIds.join(",");
    await db.sequelize.query(`DELETE FROM order_items WHERE order_id IN (SELECT id FROM orders WHERE customer_id IN (${ids}))`, { transaction: t });
    for (const table of CUSTOMER_TABLES.slice(1)) await db.sequelize.query(`DELETE FROM ${table} WHERE customer_id IN (${ids})`, { transaction: t });
    await db.sequelize.query(`DELETE FROM customers WHERE id IN (${ids})`, { transaction: t });
    const customers = store.customers.filter((c) => wanted.has(c.id));
    const names = await ensureNames(db, customers, t);
    await writeCustomers(db, { ...store, orders: store.orders.filter((o) => wanted.has(o.customerId)), carts: store.carts.filter((c) => wanted.has(c.customerId)), channels: store.channels.filter((c) => wanted.has(c.customerId)) }, customers, names, t);
  });
}

async function writeDefinitions(db: Database, store: TestStore, t: Transaction): Promise<void> {
  const stamps = [WRITTEN_AT, WRITTEN_AT];
  // ids are given, so nothing has to be read back; parents come before their children
  const categoryId = new Map(store.categories.map((c, i) => [c.externalId, i + 1]));
  const parentOf = new Map(store.categories.map((c) => [c.externalId, c.parentExternalId]));
  const pathOf = (externalId: string): string => {
    const parent = parentOf.get(externalId);
    return `${parent ? pathOf(parent) : "/"}${categoryId.get(externalId)}/`;
  };
  const depth = (externalId: string): number => pathOf(externalId).split("/").length;
  const categories = [...store.categories].sort((a, b) => depth(a.externalId) - depth(b.externalId));
  await bulkInsert(
    db,
    "categories",
    ["id", "external_id", "name", "parent_id", "path", "created_at", "updated_at"],
    categories.map((c) => [
      categoryId.get(c.externalId)!,
      c.externalId,
      c.externalId,
      c.parentExternalId === null ? null : categoryId.get(c.parentExternalId)!,
      pathOf(c.externalId),
      ...stamps,
    ]),
    { transaction: t },
  );
  await bulkInsert(
    db,
    "custom_fields",
    ["id", "key", "label", "type", "options", "position", "created_at", "updated_at"],
    store.customFields.map((f, i) => [i + 1, f.key, f.key, f.type, f.type === "select" ? JSON.stringify(f.options ?? []) : null, i, ...stamps]),
    { transaction: t },
  );
  await bulkInsert(
    db,
    "registration_questions",
    ["id", "key", "text", "position", "is_active", "created_at", "updated_at"],
    store.questions.map((q, i) => [i + 1, q.key, q.key, i, true, ...stamps]),
    { transaction: t },
  );
  const options: SqlValue[][] = [];
  store.questions.forEach((q, i) => q.options.forEach((o, k) => options.push([optionId(i, k), i + 1, o, o, k, ...stamps])));
  await bulkInsert(db, "registration_options", ["id", "question_id", "key", "label", "position", "created_at", "updated_at"], options, { transaction: t });
}

// Option ids are derived, so answers can be written without reading them back.
const optionId = (question: number, option: number) => question * 1000 + option + 1;

interface Names {
  tagId: Map<string, number>;
  groupId: Map<string, number>;
}

/** Tags and groups by name, created when missing (names are unique in both tables). */
async function ensureNames(db: Database, customers: RefCustomer[], t: Transaction): Promise<Names> {
  const read = async (table: string, names: string[]) => {
    const unique = [...new Set(names)];
    if (unique.length === 0) return new Map<string, number>();
    await bulkInsert(db, table, ["name", "created_at", "updated_at"], unique.map((n) => [n, WRITTEN_AT, WRITTEN_AT]), { transaction: t, conflict: "ignore" });
    const rows = (await db.sequelize.query(`SELECT id, name FROM ${table}`, { transaction: t, type: "SELECT" })) as Array<{ id: number; name: string }>;
    return new Map(rows.map((r) => [r.name, Number(r.id)]));
  };
  return {
    tagId: await read("tags", customers.flatMap((c) => c.tags)),
    groupId: await read("customer_groups", customers.flatMap((c) => (c.group === null ? [] : [c.group]))),
  };
}

async function writeCustomers(db: Database, store: TestStore, customers: RefCustomer[], names: Names, t: Transaction): Promise<void> {
  const stamps = [WRITTEN_AT, WRITTEN_AT];
  await bulkInsert(
    db,
    "customers",
    [
      "id",
      "external_id",
      "country",
      "city",
      "birthday",
      "registered_at",
      "accepts_marketing",
      "customer_group_id",
      "first_interaction_at",
      "last_interaction_at",
      "created_at",
      "updated_at",
    ],
    customers.map((c) => [
      c.id,
      `customer-${c.id}`,
      c.country,
      c.city,
      c.birthday,
      c.registeredAt,
      c.acceptsMarketing,
      c.group === null ? null : names.groupId.get(c.group)!,
      c.firstInteractionAt,
      c.lastInteractionAt,
      ...stamps,
    ]),
    { transaction: t },
  );
  await bulkInsert(
    db,
    "customer_tags",
    ["customer_id", "tag_id"],
    customers.flatMap((c) => [...new Set(c.tags)].map((tag) => [c.id, names.tagId.get(tag)!])),
    { transaction: t },
  );

  const fieldIndex = new Map(store.customFields.map((f, i) => [f.key, i]));
  await bulkInsert(
    db,
    "customer_field_values",
    ["customer_id", "custom_field_id", "value_text", "value_number", "value_date"],
    customers.flatMap((c) =>
      Object.entries(c.fields).map(([key, value]) => {
        const i = fieldIndex.get(key);
        if (i === undefined) throw new Error(`customer ${c.id} has a value for ${key}, which the store does not define`);
        const type = store.customFields[i].type;
        // each type in its own column, as the customer ingestion writes them
        return [c.id, i + 1, type === "text" || type === "select" ? String(value) : null, type === "number" ? Number(value) : null, type === "date" ? String(value) : null];
      }),
    ),
    { transaction: t },
  );

  const questionIndex = new Map(store.questions.map((q, i) => [q.key, i]));
  await bulkInsert(
    db,
    "registration_answers",
    ["customer_id", "option_id", "question_id", "answered_at"],
    customers.flatMap((c) =>
      Object.entries(c.answers).flatMap(([key, chosen]) => {
        const i = questionIndex.get(key);
        if (i === undefined) throw new Error(`customer ${c.id} answers ${key}, which the store does not ask`);
        return [...new Set(chosen)].map((option) => {
          const k = store.questions[i].options.indexOf(option);
          if (k < 0) throw new Error(`question ${key} has no option ${option}`);
          return [c.id, optionId(i, k), i + 1, WRITTEN_AT];
        });
      }),
    ),
    { transaction: t },
  );

  const channels = new Set<string>();
  await bulkInsert(
    db,
    "channel_identities",
    ["customer_id", "channel", "address", "is_subscribed", "subscription_changed_at", "created_at", "updated_at"],
    store.channels.map((c) => {
      const key = `${c.customerId}/${c.channel}`;
      if (channels.has(key)) throw new Error(`customer ${c.customerId} has two ${c.channel} identities; the table allows one`);
      channels.add(key);
      return [c.customerId, c.channel, c.address, c.isSubscribed, WRITTEN_AT, ...stamps];
    }),
    { transaction: t },
  );

  // explicit order ids (after any already stored), so the items can name their order
  const [{ max }] = (await db.sequelize.query("SELECT MAX(id) AS max FROM orders", { transaction: t, type: "SELECT" })) as Array<{ max: number | null }>;
  let nextOrderId = Number(max ?? 0) + 1;
  const categoryId = new Map(store.categories.map((c, i) => [c.externalId, i + 1]));
  const orders: SqlValue[][] = [];
  const items: SqlValue[][] = [];
  for (const o of store.orders) {
    const id = nextOrderId++;
    orders.push([id, `order-${id}`, o.customerId, o.status, o.total, "EUR", o.placedAt, ...stamps]);
    for (const category of o.categories) {
      const cid = categoryId.get(category);
      if (cid === undefined) throw new Error(`order of customer ${o.customerId} names category ${category}, which the store does not have`);
      items.push([id, null, null, cid, 1, o.total]);
    }
    // an item without a category, as products without one produce: it must count for nothing
    if (o.categories.length === 0) items.push([id, null, null, null, 1, o.total]);
  }
  await bulkInsert(db, "orders", ["id", "external_id", "customer_id", "status", "total", "currency", "placed_at", "created_at", "updated_at"], orders, { transaction: t });
  await bulkInsert(db, "order_items", ["order_id", "product_id", "variant_id", "category_id", "quantity", "price"], items, { transaction: t });
  await refreshOrderTotals(db, new Set(store.orders.map((o) => o.customerId)), t);

  const [{ maxCart }] = (await db.sequelize.query("SELECT MAX(id) AS maxCart FROM abandoned_carts", { transaction: t, type: "SELECT" })) as Array<{ maxCart: number | null }>;
  let nextCartId = Number(maxCart ?? 0) + 1;
  await bulkInsert(
    db,
    "abandoned_carts",
    ["id", "external_id", "customer_id", "abandoned_at", "value", "currency", "recovered_at", "created_at", "updated_at"],
    store.carts.map((c) => {
      const id = nextCartId++;
      return [id, `cart-${id}`, c.customerId, c.abandonedAt, 1000, "EUR", c.recoveredAt, ...stamps];
    }),
    { transaction: t },
  );
}
